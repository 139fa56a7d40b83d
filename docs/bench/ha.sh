#!/usr/bin/env bash
# No single point of failure (issue 24): on this host, a 3-node MariaDB Galera cluster behind
# HAProxy (docs/bench/galera.sh), Redis with a replica and three Sentinels, and the replicas of
# docs/bench/replicas.sh (2 web, 2 worker, behind the binary's own proxy) on them; each piece killed
# in turn under the mixed load. Run as root (iptables), with nothing else on the ports below.
#
# First, group commit on the cluster beside a single MariaDB of the same settings, in turns: 64
# clients submitting reports for 10 s (app loadtest reports) through one web replica.
#
# Then one load segment per fault, each SEGMENT long (30 s), the fault 8 s in:
#   db-writer   the Galera node HAProxy sends to is killed (SIGKILL), started again 10 s later
#   redis       the Redis master is killed (SIGKILL); the Sentinels promote the replica; the old
#               master is started again 10 s later and made a replica by them
#   web         web1 killed (SIGKILL), started again 6 s later
#   worker      the worker leading the scheduler killed (SIGKILL) while it works, started again 5 s later
#   partition   the writer node's Galera traffic dropped both ways (iptables), healed 15 s later
# After each: acknowledged tickets = tickets in the cluster (the load generator counts), 30 more
# open tickets made overdue and every one reminded, none twice, one scheduler leading, and the
# window of failed requests (the longest run of seconds with errors) with the answers they got.
#   docs/bench/ha.sh [rate] [segment]        e.g. docs/bench/ha.sh 150 30
set -euo pipefail
cd "$(dirname "$0")/../.."
RATE=${1:-150}
SEGMENT=${2:-30}
DB=zhaocuo_ha
BIN=/tmp/zhaocuo-ha
LOGS=$(mktemp -d /tmp/zhaocuo-ha.XXXX)
chmod 755 "$LOGS"
GALERA_DIR=$LOGS/galera GALERA_NET=${GALERA_NET:-127.0.0.2} HAPROXY_PORT=${HAPROXY_PORT:-4316}
source docs/bench/galera.sh
go build -o $BIN ./app
RM=6390 RR=6391 SENTINELS=(26390 26391 26392)
export DATABASE_URL="mysql://root@127.0.0.1:$HAPROXY_PORT/$DB"
export REDIS_URL="redis-sentinel://127.0.0.1:26390,127.0.0.1:26391,127.0.0.1:26392/zc/0"
source docs/bench/common.sh
# The script's own statements, tried again while HAProxy moves to another node (each is safe to
# run twice).
sql() {
  local i
  for i in $(seq 1 40); do
    mariadb --protocol=tcp -h127.0.0.1 -P$HAPROXY_PORT -uroot -N "$@" 2>>"$LOGS/sql.err" && return 0
    sleep 0.5
  done
  return 1
}
for port in 18190 18191 18192 $RM $RR "${SENTINELS[@]}" $HAPROXY_PORT; do
  if (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null; then echo "port $port is taken: is another run still going?"; exit 1; fi
done

redis_node() { # port [replicaof-port]
  local extra=()
  [ -n "${2:-}" ] && extra=(--replicaof 127.0.0.1 "$2")
  redis-server --daemonize yes --bind 127.0.0.1 --port "$1" --save "" --appendonly no --dir "$LOGS" \
    --logfile "$LOGS/redis-$1.log" --pidfile "$LOGS/redis-$1.pid" "${extra[@]}"
  for i in $(seq 1 50); do redis-cli -p "$1" ping >/dev/null 2>&1 && return; sleep 0.1; done
}
master_port() { redis-cli -p ${SENTINELS[0]} sentinel get-master-addr-by-name zc 2>/dev/null | sed -n 2p; }
SINGLE=
teardown() {
  set +eu
  for p in "${PID[@]}"; do kill "$p" 2>/dev/null; done
  [ ${#PID[@]} -eq 0 ] || wait "${PID[@]}" 2>/dev/null
  for port in "${SENTINELS[@]}" $RM $RR; do redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true; done
  [ -n "$SINGLE" ] && { kill "$SINGLE" 2>/dev/null || true; wait "$SINGLE" 2>/dev/null || true; }
  galera_down
  wait 2>/dev/null || true
  rm -rf "$GALERA_DIR"/n*/data "$LOGS/single/data" # the servers' data; their logs stay
}
trap teardown EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

echo "== Galera cluster (3 nodes, HAProxy on $HAPROXY_PORT), Redis $RM + replica $RR + Sentinels ${SENTINELS[*]}; logs in $LOGS"
galera_up
echo "cluster: $(synced) nodes synced, HAProxy writes to n$(writer)"
redis_node $RM; redis_node $RR $RM
for p in "${SENTINELS[@]}"; do
  cat >"$LOGS/sentinel-$p.conf" <<CONF
port $p
bind 127.0.0.1
daemonize yes
pidfile $LOGS/sentinel-$p.pid
logfile $LOGS/sentinel-$p.log
dir $LOGS
sentinel monitor zc 127.0.0.1 $RM 2
sentinel down-after-milliseconds zc 1000
sentinel failover-timeout zc 5000
sentinel parallel-syncs zc 1
CONF
  redis-server "$LOGS/sentinel-$p.conf" --sentinel
done
for i in $(seq 1 50); do [ "$(master_port)" = $RM ] && break; sleep 0.1; done

# ---- group commit: the cluster beside a single MariaDB, in turns ----
# A single server of the nodes' settings, without wsrep, on ${GALERA_NET}4.
mkdir -p "$LOGS/single" && chown mysql:mysql "$LOGS/single"
mariadb-install-db --no-defaults --auth-root-authentication-method=normal --skip-test-db --user=mysql \
  --datadir="$LOGS/single/data" >"$LOGS/single/install.log" 2>&1
/usr/sbin/mariadbd --no-defaults --user=mysql --datadir="$LOGS/single/data" --port=4406 --bind-address=${GALERA_NET}4 \
  --socket="$LOGS/single/mysqld.sock" --pid-file="$LOGS/single/mysqld.pid" --log-error="$LOGS/single/error.log" \
  --skip-name-resolve --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci \
  --innodb-buffer-pool-size=192M --innodb-flush-log-at-trx-commit=1 --innodb-flush-method=O_DIRECT \
  --max-connections=400 --binlog-format=ROW --innodb-autoinc-lock-mode=2 </dev/null >/dev/null 2>&1 &
SINGLE=$!
for i in $(seq 1 100); do mariadb-admin --protocol=tcp -h${GALERA_NET}4 -P4406 -uroot ping >/dev/null 2>&1 && break; sleep 0.2; done
reports_on() { # label host port
  local db=zhaocuo_reports url="mysql://root@$2:$3/zhaocuo_reports"
  mariadb --protocol=tcp -h"$2" -P"$3" -uroot \
    -e "DROP DATABASE IF EXISTS $db; CREATE DATABASE $db CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
  redis-cli -p "$(master_port)" -n 1 flushdb >/dev/null
  DATABASE_URL=$url REDIS_URL="redis-sentinel://127.0.0.1:26390/zc/1" $BIN seed --demo >/dev/null 2>&1
  DATABASE_URL=$url REDIS_URL="redis-sentinel://127.0.0.1:26390/zc/1" ROLE=web ADDR=127.0.0.1:18199 DATA_DIR=$LOGS/reports \
    DATABASE_MAX_CONNS=24 LOG_LEVEL=warn $BIN >>"$LOGS/reports-$1.log" 2>&1 &
  local p=$!
  ready http://127.0.0.1:18199
  DATABASE_URL=$url $BIN loadtest reports --url http://127.0.0.1:18199 --clients 64 --duration 10s --baseline 0 \
    >"$LOGS/reports-$1.txt" 2>&1 || true
  grep -E 'submissions/s|lost|first errors|rror' "$LOGS/reports-$1.txt" | sed "s/^ */  $1: /" || true
  kill $p; wait $p 2>/dev/null || true
}
echo "== group commit: 64 clients submitting reports for 10 s through one web replica, in turns"
for turn in 1 2; do
  reports_on "single MariaDB" ${GALERA_NET}4 4406
  reports_on "Galera cluster" 127.0.0.1 $HAPROXY_PORT
done
kill "$SINGLE"; wait "$SINGLE" 2>/dev/null || true; SINGLE=

# ---- the replicas under the mixed load, a fault per segment ----
sql -e "CREATE DATABASE $DB CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
$BIN seed --demo >/dev/null 2>&1
start web1 web 18191; start web2 web 18192; start worker1 worker; start worker2 worker
$BIN loadtest proxy --listen 127.0.0.1:18190 --backends 127.0.0.1:18191,127.0.0.1:18192 >>$LOGS/proxy.log 2>&1 &
PID[proxy]=$!
ready http://127.0.0.1:18191; ready http://127.0.0.1:18192; ready http://127.0.0.1:18190

at() { sleep "$1"; shift; echo "  $(date +%T) $*"; }
# The worker holding the scheduler's lease, by the id in the key.
leader_worker() {
  local holder; holder=$(redis-cli -p "$(master_port)" -n 0 get zc:leader:scheduler)
  for w in worker1 worker2; do
    grep -q "\"msg\":\"leading\"" "$LOGS/$w.log" && [ -n "$holder" ] && grep -q "$holder" "$LOGS/$w.log" && { echo $w; return; }
  done
  # Not named in the log: the first worker whose last word on the lease is that it leads.
  for w in worker1 worker2; do
    [ "$(grep -oE '"msg":"(leading|no longer leading)"' "$LOGS/$w.log" | tail -1)" = '"msg":"leading"' ] && { echo $w; return; }
  done
}
# Workers that say they lead now: the last word on the lease in each live worker's log.
leading_now() {
  local c=0 w
  for w in worker1 worker2; do
    [ "$(grep -oE '"msg":"(leading|no longer leading)"' "$LOGS/$w.log" | tail -1)" = '"msg":"leading"' ] && c=$((c + 1))
  done
  echo $c
}
restart_worker() { mv "$LOGS/$1.log" "$LOGS/$1.log.$(date +%s)"; start "$1" worker; }
probed=0
ROWS=()
segment() { # name description
  local name=$1 what=$2 out=$LOGS/load-$1.txt
  echo "== $name: $what ($RATE requests/s for ${SEGMENT}s; started $(date +%T))"
  $BIN loadtest mixed --url http://127.0.0.1:18190 --rate "$RATE" --duration "${SEGMENT}s" >"$out" 2>&1 &
  local load=$!
  PID[load]=$load
  "fault_$name"
  wait $load || true
  unset 'PID[load]'
  grep -E 'achieved|tickets in the database|errors by|first errors' "$out" | sed 's/^/  /'
  local lost acked secs window classes
  lost=$(grep -o 'lost [0-9]*' "$out" | awk '{print $2}')
  acked=$(grep -o 'acknowledged [0-9]*' "$out" | awk '{print $2}')
  secs=$(grep 'errors by second' "$out" | grep -oE '[0-9]+s:' | tr -d 's:' || true)
  # The window: the longest run of seconds with failures (a gap of 2 s or more ends a run: an
  # error long after the fault, a staff action refused as the ticket moved on, is not its window).
  window=0
  [ -n "$secs" ] && window=$(echo "$secs" | sort -n | awk 'NR == 1 || $1 - prev > 2 { start = $1 } { prev = $1; if ($1 - start + 1 > w) w = $1 - start + 1 } END { print w + 0 }')
  classes=$(grep 'errors by answer' "$out" | sed 's/.*map\[\(.*\)\]/\1/' || true)
  # The database again whole before the checks.
  for n in 1 2 3; do node_synced $n 180 >/dev/null || true; done
  # Reminders: 30 more open tickets an hour overdue.
  sql $DB -e "INSERT INTO overdue_probe (id, segment) SELECT id, '$name' FROM tickets WHERE status IN ('assigned','processing')
              AND id NOT IN (SELECT id FROM overdue_probe) ORDER BY id LIMIT 30;
              UPDATE tickets SET deadline = UTC_TIMESTAMP() - INTERVAL 1 HOUR WHERE id IN (SELECT id FROM overdue_probe WHERE segment = '$name')"
  local probe sent twice ntwice
  probe=$(sql $DB -e "SELECT COUNT(*) FROM overdue_probe WHERE segment = '$name'")
  for i in $(seq 1 120); do
    sent=$(sql $DB -e "SELECT COUNT(DISTINCT r.ticket_id) FROM reminders r JOIN overdue_probe p ON p.id = r.ticket_id WHERE r.stage = 'overdue' AND p.segment = '$name'")
    [ "$sent" -ge "$probe" ] && break
    sleep 0.5
  done
  sleep 11 # another reconcile period: a second sending would show now
  twice=$(sql $DB -e "SELECT COUNT(*) FROM (SELECT ticket_id FROM reminders GROUP BY ticket_id, stage, n, version HAVING COUNT(*) > 1) d")
  ntwice=$(sql $DB -e "SELECT COUNT(*) FROM (SELECT user_id, reminder_id FROM notifications WHERE reminder_id IS NOT NULL GROUP BY user_id, reminder_id HAVING COUNT(*) > 1) d")
  local leaders; leaders=$(leading_now)
  local five=yes
  [ "$window" -le 5 ] || five=no
  echo "  lost $lost of $acked acknowledged; overdue reminders $sent of $probe, twice $twice (notifications twice $ntwice); workers leading $leaders; failures within ${window}s"
  ROWS+=("$(printf '| %-9s | %s | %s | %s/%s | %s | %s | %ss | %s |' "$name" "${acked:-?}" "${lost:-?}" "$sent" "$probe" "$((twice + ntwice))" "$leaders" "$window" "${classes:-none}")")
}
sql $DB -e "CREATE TABLE overdue_probe (id BIGINT NOT NULL PRIMARY KEY, segment VARCHAR(16) NOT NULL)"

fault_db-writer() {
  local w; w=$(writer)
  at 8 "kill -9 Galera node n$w (HAProxy's writer)"; node_kill "$w"
  for i in $(seq 1 20); do [ -n "$(writer)" ] && [ "$(writer)" != "$w" ] && break; sleep 0.25; done
  echo "  $(date +%T) HAProxy now writes to n$(writer)"
  at 9 "n$w started again"; node_start "$w"
}
fault_redis() {
  local m; m=$(master_port)
  at 8 "kill -9 the Redis master ($m)"; kill -9 "$(cat "$LOGS/redis-$m.pid")"
  for i in $(seq 1 100); do [ "$(master_port)" != "$m" ] && break; sleep 0.1; done
  echo "  $(date +%T) the Sentinels promoted $(master_port)"
  at 9 "the old master started again (the Sentinels make it a replica)"; redis_node "$m"
}
fault_web() {
  at 8 "kill -9 web1"; kill -9 "${PID[web1]}"
  at 6 "start web1 again"; start web1 web 18191
}
fault_worker() {
  sleep 8
  local w; w=$(leader_worker); w=${w:-worker1}
  local active; active=$(redis-cli -p "$(master_port)" -n 0 eval "local n=0 for _,q in ipairs({'default','notify','inspect','imports'}) do n=n+redis.call('llen','asynq:{'..q..'}:active') end return n" 0)
  echo "  $(date +%T) kill -9 $w (leading the scheduler; $active tasks active on the workers)"; kill -9 "${PID[$w]}"
  at 5 "start $w again"; restart_worker "$w"
}
fault_partition() {
  local w; w=$(writer)
  at 8 "cut Galera node n$w (the writer) off: its replication traffic dropped"; node_partition "$w"
  for i in $(seq 1 40); do [ -n "$(writer)" ] && [ "$(writer)" != "$w" ] && break; sleep 0.25; done
  echo "  $(date +%T) HAProxy now writes to n$(writer); synced nodes: $(synced)"
  at 13 "heal n$w"; node_heal "$w"
}

segment db-writer "kill the Galera node HAProxy writes to"
segment redis "kill the Redis master"
segment web "kill a web replica"
segment worker "kill the leading worker mid-task"
segment partition "partition the writer node away, then heal"

echo
echo "== the faults, at $RATE mixed requests/s asked (a ${SEGMENT}-second segment each)"
echo "| fault | acknowledged | lost | overdue reminded | sent twice | leading | failure window | failed answers |"
echo "|---|---|---|---|---|---|---|---|"
printf '%s\n' "${ROWS[@]}"
fail=0
for r in "${ROWS[@]}"; do
  IFS='|' read -r _ name acked lost rem twice lead window classes _ <<<"$r"
  [ "$(echo $lost)" = 0 ] || { echo "FAIL ($name): acknowledged tickets lost"; fail=1; }
  [ "$(echo $rem | cut -d/ -f1)" = "$(echo $rem | cut -d/ -f2)" ] || { echo "FAIL ($name): reminders not sent"; fail=1; }
  [ "$(echo $twice)" = 0 ] || { echo "FAIL ($name): a reminder sent twice"; fail=1; }
  [ "$(echo $lead)" = 1 ] || { echo "FAIL ($name): $lead workers leading"; fail=1; }
  case "$classes" in *500*|*"without Retry-After"*) echo "FAIL ($name): a 500 or a 503 without Retry-After"; fail=1 ;; esac
  w=$(echo $window | tr -d s); [ "$w" -le 5 ] || echo "over the target ($name): failures within ${w}s (target 5 s)"
done
[ "$fail" -eq 0 ] && echo "== no acknowledged ticket lost, every reminder once, one leader after each fault"
exit $fail
