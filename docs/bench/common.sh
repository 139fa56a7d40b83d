# Sourced by replicas.sh and faults.sh: the replicas' settings, and starting and awaiting them.
# The script sets BIN (the built binary), LOGS (a directory), DATABASE_URL and REDIS_URL first;
# start records each replica's process in PID.
export JWT_SECRET=bench-secret-bench-secret-bench-1234 CAPTCHA=off RATE_LIMIT=0 LOG_LEVEL=info LOG_FORMAT=json \
       DEMO_PASSWORD=bench-demo-2025 RECONCILE_EVERY=10s TRUSTED_PROXIES=127.0.0.1
declare -A PID
# Connections to MariaDB: 2 × 24 + 2 × 12 = 72, under its max_connections of 151 with room to spare.
start() { # name role port
  local name=$1 role=$2 port=${3:-0} conns=12
  [ "$role" = web ] && conns=24
  # PPROF=1: each web replica's profiler on its port + 10000 (web1 at 127.0.0.1:28081/debug/pprof/).
  local debug=""
  [ -n "${PPROF:-}" ] && [ "$port" != 0 ] && debug=127.0.0.1:$((port + 10000))
  ROLE=$role ADDR=127.0.0.1:$port DATA_DIR=$LOGS/$name DATABASE_MAX_CONNS=$conns DEBUG_ADDR=$debug $BIN >>$LOGS/$name.log 2>&1 &
  PID[$name]=$!
}
ready() { for i in $(seq 1 150); do curl -sf "$1/readyz" >/dev/null && return; sleep 0.2; done; echo "$1 not ready"; exit 1; }
