#!/usr/bin/env bash
# Faults during load (issue 8): the replicas of docs/bench/replicas.sh (2 web, 2 worker, the Go
# proxy) on a private MariaDB server (a fresh datadir in the logs directory, port 13306, database
# zhaocuo_faults) and a private redis-server on port 16379, so that restarting them troubles no one
# else: the machine's shared MariaDB on port 3306 is not touched. A mixed load at a rate this
# machine keeps up with runs while:
#    8 s  web1 is killed (SIGKILL); the proxy moves on; web1 is started again at 14 s
#   18 s  worker1 is killed mid-work (SIGKILL) and started again at 22 s
#   26 s  Redis is shut down (its data lost: it keeps none) and started again at 31 s
#   35 s  MariaDB is shut down (SIGTERM, as systemd does, and waited for until the process has
#         exited: every connection dropped, new ones refused) and started again on the same datadir
#         5 s after it exited
# Then: acknowledged tickets = tickets in the database; overdue reminders for 300 tickets sent
# once each, with the schedule Redis lost rebuilt from the database by the reconciler.
#   docs/bench/faults.sh [rate] [duration]        e.g. docs/bench/faults.sh 300 50s
set -euo pipefail
cd "$(dirname "$0")/../.."
RATE=${1:-300}
DURATION=${2:-50s}
DB=zhaocuo_faults
RPORT=16379
BIN=/tmp/zhaocuo-faults
LOGS=$(mktemp -d /tmp/zhaocuo-faults.XXXX)
go build -o $BIN ./app
DPORT=13306
export DATABASE_URL="mysql://root@127.0.0.1:$DPORT/$DB" REDIS_URL="redis://127.0.0.1:$RPORT/0"
source docs/bench/common.sh
sql() { mariadb --protocol=tcp -h127.0.0.1 -P$DPORT -uroot -N "$@"; }
redis_up() {
  redis-server --daemonize yes --bind 127.0.0.1 --port $RPORT --save "" --appendonly no --dir "$LOGS" --logfile "$LOGS/redis.log"
  for i in $(seq 1 50); do redis-cli -p $RPORT ping >/dev/null 2>&1 && return; sleep 0.1; done
}
redis_down() { redis-cli -p $RPORT shutdown nosave >/dev/null 2>&1 || true; }
# The private MariaDB: no option files read (the shared server's settings stay out), root without a
# password on 127.0.0.1, settings of the shared server's kind (durable commits, O_DIRECT) in less
# memory. --user=root because this script runs as root and the datadir is its own.
MARIADBD=(/usr/sbin/mariadbd --no-defaults --user=root --datadir="$LOGS/mysql" --port=$DPORT
          --bind-address=127.0.0.1 --socket="$LOGS/mysql.sock" --pid-file="$LOGS/mysql.pid"
          --log-error="$LOGS/mysql.err" --skip-name-resolve --character-set-server=utf8mb4
          --innodb-buffer-pool-size=256M --innodb-flush-method=O_DIRECT --innodb-flush-log-at-trx-commit=1)
DBPID=
db_up() {
  "${MARIADBD[@]}" </dev/null >>"$LOGS/mysql.err" 2>&1 & DBPID=$!
  for i in $(seq 1 300); do
    mariadb-admin --protocol=tcp -h127.0.0.1 -P$DPORT -uroot ping >/dev/null 2>&1 && return
    kill -0 $DBPID 2>/dev/null || break
    sleep 0.1
  done
  echo "MariaDB did not start: see $LOGS/mysql.err"; exit 1
}
# A real shutdown, as systemd does it: SIGTERM, then wait until the process has exited.
db_down() {
  [ -n "$DBPID" ] || return 0
  kill -TERM $DBPID 2>/dev/null || true
  wait $DBPID 2>/dev/null || true
  DBPID=
}
# The replicas first (their shutdown still uses Redis and MariaDB), then Redis and MariaDB; INT and
# TERM go through the EXIT trap too.
trap 'for p in "${PID[@]}"; do kill $p 2>/dev/null || true; done
      [ ${#PID[@]} -eq 0 ] || wait "${PID[@]}" 2>/dev/null || true; redis_down; db_down; wait 2>/dev/null || true
      rm -rf "$LOGS/mysql"  # the private server data (about 200 MB); its log stays' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
at() { sleep "$1"; shift; echo "  $(date +%T) $*"; }
# What a client is answered while MariaDB is down: the status line and Retry-After of a status query.
answer() {
  echo "    $(curl -s -o /dev/null -D - "http://127.0.0.1:18090/api/v1/reports/ZC20250101000001?code=ABCDEFGH" |
               tr -d '\r' | grep -E '^(HTTP|Retry-After)' | paste -sd ' ' || true)"
}

for port in 18090 18091 18092 $RPORT $DPORT; do
  if (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null; then echo "port $port is taken: is another run still going?"; exit 1; fi
done
echo "== private MariaDB on $DPORT (database $DB), private Redis on $RPORT; logs in $LOGS"
mariadb-install-db --no-defaults --auth-root-authentication-method=normal --skip-test-db --user=root \
  --datadir="$LOGS/mysql" >"$LOGS/mysql-install.log" 2>&1
db_up
sql -e "CREATE DATABASE $DB CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
redis_down; redis_up
$BIN seed --demo >/dev/null 2>&1
start web1 web 18091; start web2 web 18092; start worker1 worker; start worker2 worker
$BIN loadtest proxy --listen 127.0.0.1:18090 --backends 127.0.0.1:18091,127.0.0.1:18092 >>$LOGS/proxy.log 2>&1 &
PID[proxy]=$!
ready http://127.0.0.1:18091; ready http://127.0.0.1:18092; ready http://127.0.0.1:18090

echo "== load: $RATE requests/s for $DURATION, with faults; started $(date +%T)"
$BIN loadtest mixed --url http://127.0.0.1:18090 --rate "$RATE" --duration "$DURATION" >$LOGS/load.out 2>&1 &
LOAD=$!; PID[load]=$LOAD
# The faults, in this shell, so that the replicas started again are stopped at the end too.
at 8 "kill -9 web1"; kill -9 ${PID[web1]}
at 6 "start web1 again"; start web1 web 18091
at 4 "kill -9 worker1"; kill -9 ${PID[worker1]}
at 4 "start worker1 again"; start worker1 worker
at 4 "Redis shut down (its data lost)"; redis_down
at 5 "Redis started again, empty"; redis_up
at 4 "MariaDB shut down (SIGTERM)"; db_down; echo "  $(date +%T) MariaDB has exited"
at 2 "a status query is answered:"; answer
at 3 "MariaDB started again"; db_up; echo "  $(date +%T) MariaDB answers"
load_ok=0; wait $LOAD || load_ok=$?
cat $LOGS/load.out
echo "503s the web replicas answered: $(cat $LOGS/web*.log | grep '"msg":"http"' | grep -c '"status":503' || true)"

echo "== reminders after the faults: 300 open tickets' deadlines moved an hour into the past"
sql $DB -e "CREATE TABLE overdue_probe AS SELECT id FROM tickets WHERE status IN ('assigned','processing') ORDER BY id LIMIT 300;
            UPDATE tickets SET deadline = UTC_TIMESTAMP() - INTERVAL 1 HOUR WHERE id IN (SELECT id FROM overdue_probe)"
probe=$(sql $DB -e "SELECT COUNT(*) FROM overdue_probe")
for i in $(seq 1 120); do
  sent=$(sql $DB -e "SELECT COUNT(DISTINCT r.ticket_id) FROM reminders r JOIN overdue_probe p ON p.id = r.ticket_id WHERE r.stage = 'overdue'")
  [ "$sent" -ge "$probe" ] && break
  sleep 0.5
done
sleep 12
twice=$(sql $DB -e "SELECT COUNT(*) FROM (SELECT ticket_id FROM reminders GROUP BY ticket_id, stage, n, version HAVING COUNT(*) > 1) d")
ntwice=$(sql $DB -e "SELECT COUNT(*) FROM (SELECT user_id, reminder_id FROM notifications WHERE reminder_id IS NOT NULL GROUP BY user_id, reminder_id HAVING COUNT(*) > 1) d")
leaders=$(cat $LOGS/worker*.log | grep -c '"msg":"leading"' || true)
echo "overdue reminders: $sent of $probe tickets; reminders twice: $twice; notifications twice: $ntwice; scheduler leadership taken $leaders times"
fail=0
lost=$(grep -o 'lost [0-9]*' $LOGS/load.out | awk '{print $2}')
[ "$lost" = 0 ] || { echo "FAIL: acknowledged tickets lost: $lost"; fail=1; }
[ "$sent" -ge "$probe" ] && [ "$twice" -eq 0 ] && [ "$ntwice" -eq 0 ] || { echo "FAIL: reminders"; fail=1; }
# Errors are expected while a fault lasts (the outage's 503s, a request on a replica as it is
# killed); the load's "errors by second" line shows where they fell and that they stopped.
[ "$fail" -eq 0 ] && echo "== no acknowledged ticket lost; every reminder sent, none twice (load exit status $load_ok)"
exit $fail
