#!/usr/bin/env bash
# Registry import benchmark (issue 18): a large province's registry (1,100 sites, 5,000 accounts,
# 5,000 units, 6,000 users) generated as an import workbook, imported whole (check + confirm)
# into a fresh database with the demo registry, then again with 1% of its rows changed, then the
# same file once more (no change). On SQLite, and on MariaDB when it answers on 127.0.0.1:3306.
# The initial passwords the first import prints are thrown away with the databases.
set -euo pipefail
cd "$(dirname "$0")/../.."
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
go build -o "$dir/zhaocuo" ./app
app="$dir/zhaocuo"
"$app" registry gen --out "$dir/province.xlsx"
"$app" registry gen --out "$dir/province-1pc.xlsx" --changed 0.01
export DEMO_PASSWORD=benchmark-pass-1 JWT_SECRET=benchmark-secret-benchmark-secret-1234 DATA_DIR="$dir"
run() {
  echo "== $1"
  "$app" migrate >/dev/null
  "$app" seed --demo >/dev/null
  for f in province.xlsx province-1pc.xlsx province-1pc.xlsx; do
    echo "-- $f"
    "$app" registry import "$dir/$f" 2>/dev/null | grep -E '^(read|applied|地区|单位|网站|新媒体账号|用户):? ' | grep -v $'\t'
  done
}
DATABASE_URL="sqlite://$dir/bench.db" run sqlite
if mariadb -uroot -h127.0.0.1 -e 'SELECT 1' >/dev/null 2>&1; then
  db=zhaocuo_registry_bench
  mariadb -uroot -h127.0.0.1 -e "DROP DATABASE IF EXISTS $db; CREATE DATABASE $db CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
  DATABASE_URL="mysql://root@127.0.0.1:3306/$db" REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379/1} run mariadb
  mariadb -uroot -h127.0.0.1 -e "DROP DATABASE $db"
fi
