#!/usr/bin/env bash
# The calendar across the new year (issue 18): 100,000 open tickets with deadlines counted before
# the 2027 notice, the notice imported, and every deadline it touches recounted (batches, an event
# per moved ticket). On SQLite, then on MariaDB (TEST_DATABASE_URL).
set -euo pipefail
cd "$(dirname "$0")/../.."
echo "== SQLite"
TEST_DATABASE_URL= go test ./models -run '^$' -bench 'RecountDeadlines100k' -benchtime 1x -v | grep -E 'recount|Benchmark'
echo "== MariaDB"
TEST_DATABASE_URL=${TEST_DATABASE_URL:-mysql://root@127.0.0.1:3306/test} \
  go test ./models -run '^$' -bench 'RecountDeadlines100k' -benchtime 1x -v | grep -E 'recount|Benchmark'
