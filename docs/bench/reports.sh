#!/usr/bin/env bash
# Submissions benchmark (issue 2 "Speed"): 64 concurrent clients on POST /api/v1/reports against
# the app on MariaDB + Redis (captcha off, no rate limit), next to MariaDB's raw INSERT rate.
#
# Two runs, since scheduling each report's reminders (two asynq tasks) costs Redis and CPU that a
# worker spends after the commit:
#   1. web replica and worker as separate processes, the worker started after the burst (the
#      production shape, where workers run on other machines): how fast reports are taken, and
#      how long the worker then takes to schedule every reminder;
#   2. ROLE=all, everything in one process on this machine at once.
#   docs/bench/reports.sh [duration]
set -euo pipefail
cd "$(dirname "$0")/../.."
DURATION=${1:-30s}
DB=zhaocuo_bench
PORT=18080
go build -o /tmp/zhaocuo-bench ./app
export DATABASE_URL="mysql://root@127.0.0.1:3306/$DB" REDIS_URL="redis://127.0.0.1:6379/5" \
       JWT_SECRET=benchmark-secret-benchmark-secret-1234 DATA_DIR=$(mktemp -d) CAPTCHA=off RATE_LIMIT=0 LOG_LEVEL=warn
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill $p 2>/dev/null || true; done; wait 2>/dev/null || true' EXIT

fresh() {
  mariadb --protocol=tcp -h127.0.0.1 -uroot -e "DROP DATABASE IF EXISTS $DB; CREATE DATABASE $DB CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
  redis-cli -h 127.0.0.1 -n 5 flushdb >/dev/null
  /tmp/zhaocuo-bench seed --demo >/dev/null
}
ready() { for i in $(seq 1 100); do curl -sf localhost:$PORT/readyz >/dev/null && return; sleep 0.2; done; echo "server not ready"; exit 1; }
scheduled() { redis-cli -h 127.0.0.1 -n 5 zcard 'asynq:{default}:scheduled'; }
# Stages a new ticket has: due-soon and overdue with a unit, one while in triage (or linked: none).
expected() { mariadb --protocol=tcp -h127.0.0.1 -uroot -N -e "SELECT COALESCE(SUM(CASE status WHEN 'assigned' THEN 2 WHEN 'triage' THEN 1 ELSE 0 END),0) FROM $DB.tickets"; }

mariadb --protocol=tcp -h127.0.0.1 -uroot -N -e "SELECT CONCAT('innodb_flush_log_at_trx_commit=', @@innodb_flush_log_at_trx_commit, ' sync_binlog=', @@sync_binlog, ' log_bin=', @@log_bin)"

echo "== 1. web replica alone during the burst; the worker afterwards"
fresh
ROLE=web ADDR=127.0.0.1:$PORT DEBUG_ADDR=${DEBUG_ADDR:-} /tmp/zhaocuo-bench & PIDS+=($!)
ready
/tmp/zhaocuo-bench loadtest reports --url http://127.0.0.1:$PORT --clients 64 --duration "$DURATION" --baseline 10s
want=$(expected)
start=$(date +%s.%N)
ROLE=worker /tmp/zhaocuo-bench & PIDS+=($!)
while [ "$(scheduled)" -lt "$want" ]; do sleep 0.2; done
echo "worker: all $want reminder tasks scheduled $(echo "$(date +%s.%N) - $start" | bc | cut -c1-5) s after the burst"
for p in "${PIDS[@]}"; do kill $p; done; wait 2>/dev/null || true; PIDS=()

echo "== 2. ROLE=all: web, worker and scheduler in one process, all at once"
fresh
ROLE=all ADDR=127.0.0.1:$PORT /tmp/zhaocuo-bench & PIDS+=($!)
ready
/tmp/zhaocuo-bench loadtest reports --url http://127.0.0.1:$PORT --clients 64 --duration "$DURATION" --baseline 0
want=$(expected)
for i in $(seq 1 300); do [ "$(scheduled)" -ge "$want" ] && break; sleep 0.2; done
echo "reminder tasks scheduled: $(scheduled) of $want"
