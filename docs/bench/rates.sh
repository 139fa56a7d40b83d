#!/usr/bin/env bash
# Rates benchmark (issue 5 "Speed") on MariaDB: a province's two years (1,000,000 tickets across
# 1,000 units, with their events) in a database of its own, then the province dashboard for a
# quarter and the per-unit table for a year, each next to a plain COUNT(*) over the same rows.
# The database is kept between runs: set FRESH=1 to generate it again.
set -euo pipefail
cd "$(dirname "$0")/../.."
db=${RATES_DB:-zhaocuo_rates}
export DATABASE_URL="mysql://root@127.0.0.1:3306/$db"
export JWT_SECRET=${JWT_SECRET:-benchmark-secret-benchmark-secret-1234}
export DATA_DIR=$(mktemp -d)
trap 'rm -rf "$DATA_DIR"' EXIT
go build -o "$DATA_DIR/zhaocuo" ./app
have=$(mariadb -uroot -N -e "SELECT COUNT(*) FROM $db.tickets" 2>/dev/null || echo 0)
if [ "${FRESH:-0}" = 1 ] || [ "$have" -lt 1000000 ]; then
  mariadb -uroot -e "DROP DATABASE IF EXISTS $db; CREATE DATABASE $db CHARACTER SET utf8mb4"
  "$DATA_DIR/zhaocuo" loadtest generate --tickets 1000000 --units 1000 --years 2
fi
"$DATA_DIR/zhaocuo" loadtest stats --runs "${RUNS:-5}"
