#!/usr/bin/env bash
# Registry lists benchmark (issue 18 "Find things at a province's size"): 5,000 units, 1,100
# websites, 5,000 accounts and 6,000 users, then the p95 of each list page and of the typeahead
# picks, on SQLite and on MariaDB (a fresh test database of its own; TEST_DATABASE_URL's server).
set -euo pipefail
cd "$(dirname "$0")/../.."
echo "== SQLite"
go test ./handlers -run '^$' -bench RegistryPages -benchtime 1x
echo "== MariaDB"
TEST_DATABASE_URL=${TEST_DATABASE_URL:-mysql://root@127.0.0.1:3306/test} \
  go test ./handlers -run '^$' -bench RegistryPages -benchtime 1x
