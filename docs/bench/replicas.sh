#!/usr/bin/env bash
# Replicas (issue 8): the same binary as 2 web replicas and 2 worker replicas on loopback, against
# one MariaDB database (zhaocuo_replicas, made fresh) and the local Redis (db 5), behind Debian's
# nginx when it is installed (`apt-get install nginx-light`), else the binary's own round-robin
# proxy (`loadtest proxy`; PROXY=go chooses it). It drives a province's mix of requests at a fixed
# rate through the proxy, prints the CPU each process spent per request answered (so the cores a
# rate needs, whatever this machine has) beside a bare gin + gorm handler's in the same run (one
# read, one write: app loadtest bare), then checks:
#   1. acknowledged tickets = tickets in the database;
#   2. reminders: deadlines of open tickets moved into the past; every one of them reminded, no
#      reminder or notification twice, with both workers running;
#   3. periodic tasks run once: one scheduler leads, and the reconcile (every 10 s) ran once per
#      period, not once per worker.
#   docs/bench/replicas.sh [rate] [duration]        e.g. docs/bench/replicas.sh 2000 60s
# REPLICAS_DB and REPLICAS_REDIS_DB choose the database (made fresh) and the Redis database
# (emptied) instead of zhaocuo_replicas and 5.
# With COSTS set, it sends each kind of request of the mix alone instead, in turn, and prints the
# CPU time each process spent per request (from /proc: the web replicas, the workers, the proxy
# and MariaDB), to see where a mixed request's time goes (the duration in whole seconds):
#   COSTS=1 docs/bench/replicas.sh 300 10s
# With PPROF set, each web replica serves the Go profiler on its port + 10000, e.g.
#   curl -o web1.prof "http://127.0.0.1:28081/debug/pprof/profile?seconds=20"
set -euo pipefail
cd "$(dirname "$0")/../.."
RATE=${1:-2000}
DURATION=${2:-60s}
DB=${REPLICAS_DB:-zhaocuo_replicas}
RDB=${REPLICAS_REDIS_DB:-5} # emptied: on a shared Redis, give it a database nobody else uses
BIN=/tmp/zhaocuo-replicas
LOGS=$(mktemp -d /tmp/zhaocuo-replicas.XXXX)
go build -o $BIN ./app
export DATABASE_URL="mysql://root@127.0.0.1:3306/$DB" REDIS_URL="redis://127.0.0.1:6379/$RDB"
source docs/bench/common.sh
sql() { mariadb --protocol=tcp -h127.0.0.1 -uroot -N "$@"; }
trap 'for p in "${PID[@]}"; do kill $p 2>/dev/null || true; done; wait 2>/dev/null || true' EXIT

echo "== fresh database $DB and Redis db $RDB; logs in $LOGS"
sql -e "DROP DATABASE IF EXISTS $DB; CREATE DATABASE $DB CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
redis-cli -h 127.0.0.1 -n $RDB flushdb >/dev/null
$BIN seed --demo >/dev/null 2>&1

start web1 web 18081
start web2 web 18082
start worker1 worker
start worker2 worker
PROXY=${PROXY:-$(command -v nginx >/dev/null && echo nginx || echo go)}
if [ "$PROXY" = nginx ]; then
  # Round robin with kept-alive connections to the replicas; a replica that refuses a connection
  # is passed over (nginx sends a POST on only when it never reached the first replica).
  mkdir -p $LOGS/nginx && chmod 777 $LOGS/nginx
  cat >$LOGS/nginx.conf <<CONF
worker_processes 1;
pid $LOGS/nginx/nginx.pid;
error_log $LOGS/nginx/error.log warn;
daemon off;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $LOGS/nginx/body; proxy_temp_path $LOGS/nginx/proxy;
  fastcgi_temp_path $LOGS/nginx/fastcgi; uwsgi_temp_path $LOGS/nginx/uwsgi; scgi_temp_path $LOGS/nginx/scgi;
  upstream replicas { server 127.0.0.1:18081 max_fails=1 fail_timeout=1s; server 127.0.0.1:18082 max_fails=1 fail_timeout=1s; keepalive 512; }
  server {
    listen 127.0.0.1:18080 reuseport backlog=4096;
    client_max_body_size 16m;
    location / {
      proxy_pass http://replicas;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host \$host;
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto \$scheme;
      proxy_next_upstream error;
      # A replica lost with the request (it died): a 503 with Retry-After, as the app answers.
      error_page 502 504 =503 @unavailable;
    }
    location @unavailable {
      add_header Retry-After 1 always;
      default_type "application/json; charset=utf-8";
      return 503 '{"error":"服务暂时不可用，请稍后再试"}';
    }
  }
}
CONF
  nginx -c $LOGS/nginx.conf >>$LOGS/proxy.log 2>&1 &
else
  $BIN loadtest proxy --listen 127.0.0.1:18080 --backends 127.0.0.1:18081,127.0.0.1:18082 >>$LOGS/proxy.log 2>&1 &
fi
PID[proxy]=$!
ready http://127.0.0.1:18081; ready http://127.0.0.1:18082; ready http://127.0.0.1:18080
t0=$(date +%s)

# CPU ticks (user + system) a process and its children have used so far; MariaDB's and Redis's.
cpu() { local t=0 p; for p in $1 $(pgrep -P $1); do t=$((t + $(awk '{print $14 + $15}' /proc/$p/stat))); done; echo $t; }
mdb=$(pgrep -xo mariadbd) rds=$(pgrep -xo redis-server)

if [ -n "${COSTS:-}" ]; then
  echo "== CPU milliseconds per request, each kind alone at $RATE requests/s for $DURATION"
  # And the statements MariaDB was sent and the commands Redis ran, per request. What a kind sets
  # the workers doing (a submission's page check, say) counts with it: each kind's figures are
  # read once the queues are empty again (tasks scheduled for later, reminders, aside), or after a
  # minute, when the script says how many tasks are left over to count with the rows after. A page
  # check of the load's made-up pages waits for this machine's resolver to say the host does not
  # exist: seconds each when thousands are asked at once, so the submissions' checks outlast the
  # minute. asynq's own polling adds a little to every kind, and the reconcile (every 10 s, over
  # every open ticket: an EXISTS per reminder due) more to the kinds after the submissions.
  questions() { sql -e "SHOW GLOBAL STATUS LIKE 'Questions'" | awk '{print $2}'; }
  commands() { redis-cli -h 127.0.0.1 info stats | awk -F: '/^total_commands_processed/{print $2+0}'; }
  drained() {
    local i q n
    for i in $(seq 1 120); do
      n=0
      for q in default notify imports inspect; do
        n=$((n + $(redis-cli -h 127.0.0.1 -n $RDB llen "asynq:{$q}:pending") + $(redis-cli -h 127.0.0.1 -n $RDB llen "asynq:{$q}:active")))
      done
      [ "$n" -eq 0 ] && return
      sleep 0.5
    done
    echo "  ($n tasks still queued: some of the next row's work counts in the rows after it)"
  }
  drained
  printf '%-13s %6s %6s %6s %7s %5s %5s  %s\n' kind web worker proxy mariadb stmts redis "(the load generator's summary)"
  for kind in submit "status api" "status page" "form page" "replies page" "staff inbox" "staff ticket" dashboard "staff action" sign-in; do
    if [ "$kind" = "staff action" ]; then
      # Tickets to act on, before the clock starts: a quarter of the reports go to the two units
      # whose staff and reviewers the load signs in, and each takes three actions; then time for
      # the workers to check the new reports' pages.
      $BIN loadtest mixed --url http://127.0.0.1:18080 --rate "$RATE" --duration "$(( ${DURATION%s} * 4 / 3 + 1 ))s" --only submit >/dev/null 2>&1 || true
      drained
    fi
    declare -A before=()
    for n in web1 web2 worker1 worker2 proxy; do before[$n]=$(cpu ${PID[$n]}); done
    before[mdb]=$(cpu $mdb) before[q]=$(questions) before[r]=$(commands)
    res=$($BIN loadtest mixed --url http://127.0.0.1:18080 --rate "$RATE" --duration "$DURATION" --only "$kind" 2>&1 || true)
    out=$(echo "$res" | grep achieved || true)
    reqs=$(echo "$res" | awk '$1 == "all" {print $2}') # the requests answered, from the summary's last row
    drained
    ticks() { local t=0 n; for n in "$@"; do t=$((t + $(cpu ${PID[$n]}) - ${before[$n]})); done; echo $t; }
    awk -v k="$kind" -v n="$reqs" -v w="$(ticks web1 web2)" -v wk="$(ticks worker1 worker2)" -v p="$(ticks proxy)" \
        -v m="$(( $(cpu $mdb) - ${before[mdb]} ))" -v hz="$(getconf CLK_TCK)" -v out="$out" \
        -v q="$(( $(questions) - ${before[q]} ))" -v r="$(( $(commands) - ${before[r]} ))" \
        'BEGIN { d = n > 0 ? n : 1; f = 1000 / hz / d
                 printf "%-13s %6.2f %6.2f %6.2f %7.2f %5.1f %5.1f %s\n", k, w*f, wk*f, p*f, m*f, q/d, r/d, out }'
  done
  exit 0
fi

# The machine's own yardstick, taken in the same run: how many of the stack's lightest requests
# (GET /readyz: a database ping and a Redis ping, through the proxy and a replica) it answers a
# second when asked for far more. Machines of one kind differ (and a VM's neighbours vary): the
# mix's rate divided by this one compares runs on different machines; requests/s alone do not.
echo "== baseline: GET /readyz alone for 10s, asked far more than the stack can answer"
baseline=$($BIN loadtest mixed --url http://127.0.0.1:18080 --rate 20000 --duration 10s --only baseline 2>&1 | grep achieved || true)
baseline=$(echo "$baseline" | awk '{print $2}')
echo "baseline: ${baseline:-?} requests/s"

echo "== load: $RATE requests/s for $DURATION through the proxy ($PROXY)"
# The CPU each process spends on the mix, per request answered: what a machine needs for a rate,
# whatever this one has. The load generator is the shell's child: bash's `times` (run in this
# shell, not a subshell) gives its children's CPU before and after.
declare -A used=()
for n in web1 web2 worker1 worker2 proxy; do used[$n]=$(cpu ${PID[$n]}); done
used[mdb]=$(cpu $mdb) used[redis]=$(cpu $rds)
times >$LOGS/times.before
load_ok=0
$BIN loadtest mixed --url http://127.0.0.1:18080 --rate "$RATE" --duration "$DURATION" >$LOGS/load.txt 2>&1 || load_ok=$?
times >$LOGS/times.after
for n in web1 web2 worker1 worker2 proxy; do used[$n]=$(( $(cpu ${PID[$n]}) - ${used[$n]} )); done
used[mdb]=$(( $(cpu $mdb) - ${used[mdb]} )) used[redis]=$(( $(cpu $rds) - ${used[redis]} ))
children_ms() { awk 'NR == 2 { split($1, u, /[ms]/); split($2, s, /[ms]/); printf "%.0f", (u[1] * 60 + u[2] + s[1] * 60 + s[2]) * 1000 }' "$1"; }
cat $LOGS/load.txt
achieved=$(awk '/ achieved /{print $2}' $LOGS/load.txt)
[ -n "$baseline" ] && [ -n "$achieved" ] && awk -v a="$achieved" -v b="$baseline" \
  'BEGIN { printf "the mix kept %d requests/s: %.3f of the baseline'"'"'s %d (a 2,000/s mix is %.3f of it)\n", a, a / b, b, 2000 / b }'
answered=$(awk '$1 == "all" {print $2}' $LOGS/load.txt)
[ -n "$answered" ] && [ "$answered" -gt 0 ] && awk -v n="$answered" -v hz="$(getconf CLK_TCK)" -v cores="$(nproc)" \
  -v w="$(( ${used[web1]} + ${used[web2]} ))" -v wk="$(( ${used[worker1]} + ${used[worker2]} ))" -v p="${used[proxy]}" \
  -v m="${used[mdb]}" -v r="${used[redis]}" -v g="$(( $(children_ms $LOGS/times.after) - $(children_ms $LOGS/times.before) ))" \
  'BEGIN { f = 1000 / hz / n; gen = g / n; server = (w + wk + m + r) * f; all = server + p * f + gen
           printf "CPU per request answered (ms): web %.2f, workers %.2f, MariaDB %.2f, Redis %.2f, proxy %.2f, load generator %.2f; %.2f in all\n", w*f, wk*f, m*f, r*f, p*f, gen, all
           printf "at that cost 2,000 requests/s take %.1f cores (the application, MariaDB and Redis %.1f, the proxy and load generator %.1f); this machine has %d\n", all * 2, server * 2, (all - server) * 2, cores }'
echo "web replicas answered: web1 $(grep -c '"msg":"http"' $LOGS/web1.log), web2 $(grep -c '"msg":"http"' $LOGS/web2.log)"
mix_all=$(awk -v n="${answered:-0}" -v hz="$(getconf CLK_TCK)" \
  -v t="$(( ${used[web1]} + ${used[web2]} + ${used[worker1]} + ${used[worker2]} + ${used[proxy]} + ${used[mdb]} + ${used[redis]} ))" \
  -v g="$(( $(children_ms $LOGS/times.after) - $(children_ms $LOGS/times.before) ))" \
  'BEGIN { if (n > 0) printf "%.3f", t * 1000 / hz / n + g / n }')
mix_mdb=$(awk -v n="${answered:-0}" -v hz="$(getconf CLK_TCK)" -v m="${used[mdb]}" 'BEGIN { if (n > 0) printf "%.3f", m * 1000 / hz / n }')

# The yardstick, in the same run: a bare gin + gorm handler (app loadtest bare: one read by key and
# one insert per GET /bare, no middleware) on the same MariaDB, driven by the same load generator
# at the same rate, straight (no proxy). CPU per request of the server, MariaDB and the generator.
echo "== yardstick: a bare gin + gorm handler (one read, one write) at $RATE requests/s for $DURATION"
$BIN loadtest bare --listen 127.0.0.1:18089 >>$LOGS/bare.log 2>&1 &
PID[bare]=$!
for i in $(seq 1 100); do curl -sf http://127.0.0.1:18089/bare >/dev/null && break; sleep 0.2; done
b_srv=$(cpu ${PID[bare]}) b_mdb=$(cpu $mdb)
times >$LOGS/times.bare.before
$BIN loadtest mixed --url http://127.0.0.1:18089 --only bare --rate "$RATE" --duration "$DURATION" >$LOGS/bare.txt 2>&1 || true
times >$LOGS/times.bare.after
b_srv=$(( $(cpu ${PID[bare]}) - b_srv )) b_mdb=$(( $(cpu $mdb) - b_mdb ))
grep -E 'achieved|errors' $LOGS/bare.txt || true
b_n=$(awk '$1 == "all" {print $2}' $LOGS/bare.txt)
[ -n "$b_n" ] && [ "$b_n" -gt 0 ] && awk -v n="$b_n" -v hz="$(getconf CLK_TCK)" -v s="$b_srv" -v m="$b_mdb" -v mix="${mix_all:-0}" -v mixm="${mix_mdb:-0}" \
  -v g="$(( $(children_ms $LOGS/times.bare.after) - $(children_ms $LOGS/times.bare.before) ))" \
  'BEGIN { f = 1000 / hz / n; all = (s + m) * f + g / n
           printf "CPU per request answered (ms), bare handler: server %.2f, MariaDB %.2f, load generator %.2f; %.2f in all\n", s*f, m*f, g/n, all
           if (mix > 0) printf "the mix costs %.2f ms a request in all: %.2f times the bare handler (target: at most 3.5)\n", mix, mix / all
           # MariaDB is the machine'"'"'s own server: work of others on it counts in both figures.
           if (mix > 0) printf "without MariaDB: the mix %.2f ms, the bare handler %.2f ms: %.2f times\n", mix - mixm, all - m*f, (mix - mixm) / (all - m*f) }'
kill ${PID[bare]} 2>/dev/null || true

echo "== reminders: 300 open tickets' deadlines moved an hour into the past"
sql $DB -e "CREATE TABLE overdue_probe AS SELECT id FROM tickets WHERE status IN ('assigned','processing') ORDER BY id LIMIT 300;
            UPDATE tickets SET deadline = UTC_TIMESTAMP() - INTERVAL 1 HOUR WHERE id IN (SELECT id FROM overdue_probe)"
probe=$(sql $DB -e "SELECT COUNT(*) FROM overdue_probe")
for i in $(seq 1 120); do
  sent=$(sql $DB -e "SELECT COUNT(DISTINCT r.ticket_id) FROM reminders r JOIN overdue_probe p ON p.id = r.ticket_id WHERE r.stage = 'overdue'")
  [ "$sent" -ge "$probe" ] && break
  sleep 0.5
done
sleep 12 # another reconcile period: a second sending would show now
twice=$(sql $DB -e "SELECT COUNT(*) FROM (SELECT ticket_id FROM reminders GROUP BY ticket_id, stage, n, version HAVING COUNT(*) > 1) d")
ntwice=$(sql $DB -e "SELECT COUNT(*) FROM (SELECT user_id, reminder_id FROM notifications WHERE reminder_id IS NOT NULL GROUP BY user_id, reminder_id HAVING COUNT(*) > 1) d")
echo "overdue reminders: $sent of $probe tickets; reminders twice: $twice; notifications twice: $ntwice"

echo "== periodic tasks"
t1=$(date +%s)
leaders=$(grep -l '"msg":"leading"' $LOGS/worker1.log $LOGS/worker2.log | wc -l)
runs=$(cat $LOGS/worker1.log $LOGS/worker2.log | grep -c '"msg":"reminders reconciled"' || true)
per1=$(grep -c '"msg":"reminders reconciled"' $LOGS/worker1.log || true)
per2=$(grep -c '"msg":"reminders reconciled"' $LOGS/worker2.log || true)
expect=$(( (t1 - t0) / 10 + 1 ))
echo "schedulers that led: $leaders (of 2 workers); reconcile ran $runs times in $((t1 - t0)) s (worker1 $per1, worker2 $per2; once per 10 s is about $expect, plus the start-up one)"

fail=0
[ "$load_ok" -eq 0 ] || { echo "FAIL: the load (errors, lost tickets, or the rate not kept: see its last line)"; fail=1; }
[ "$sent" -ge "$probe" ] || { echo "FAIL: $((probe - sent)) overdue tickets not reminded"; fail=1; }
[ "$twice" -eq 0 ] && [ "$ntwice" -eq 0 ] || { echo "FAIL: a reminder went out twice"; fail=1; }
[ "$leaders" -eq 1 ] || { echo "FAIL: $leaders schedulers led"; fail=1; }
[ "$runs" -le $((expect + 2)) ] || { echo "FAIL: the reconcile ran $runs times, more than once per period"; fail=1; }
[ "$fail" -eq 0 ] && echo "== all checks passed"
exit $fail
