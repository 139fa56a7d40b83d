#!/usr/bin/env bash
# A province's round on the farm (issue 23): `app loadtest farm` serves SITES sites of PAGES pages
# on loopback (each site on its own 127.1.x.y address; 60 KB pages of prose answered after
# 100 ms) and times a round of worker processes through them, on MariaDB (a fresh database,
# zhaocuo_farm) and the local Redis (db 11, emptied). For each run it prints pages/s, the workers'
# CPU per page (from /proc), their peak RSS, and how late the reminders planted during the round
# were taken. Three measurements, in this order:
#   1. today's code (BASE, built from a git worktree of it) and the new code (this tree) in turns,
#      TURNS times, each for the first WINDOW of a round of SITES × PAGES: today's code would take
#      hours over the whole round, and a round's pace is steady once its first sites are under way;
#   2. the new code's whole round of SITES × PAGES, one worker: its time, peak RSS and reminders;
#   3. the new code's whole round of PIN_SITES × PAGES with one worker held to CPUS cores (a cgroup
#      of its own, `-cpus`; default 0.6), then two workers held to CPUS cores each: what a second
#      worker of the same size adds. The farm, MariaDB and Redis keep the rest of the cores (on a
#      machine of 2 cores, pinning each worker to a core would leave them a core beside one
#      worker and none beside two).
#   docs/bench/inspector-round.sh [sites] [pages] [window] [pin-sites] [turns]
#   e.g. docs/bench/inspector-round.sh 100 2000 5m 40 1
# CPUS is the cores each worker of measurement 3 has. BASE chooses the commit of "today's code" (default 8c86d9e, before issue 23's work); FARM_DB and
# FARM_REDIS_DB the database (made fresh) and the Redis database (emptied); FARM_FLAGS more flags
# of `loadtest farm` (-crawl-delay 0.5, -latency 50ms, …); SKIP lists the measurements to leave
# out (SKIP="1 3"). Only the farm's workers may fetch from loopback: `loadtest farm` gives them
# FETCH_ALLOW_PRIVATE=127.0.0.0/8, nothing else does.
set -euo pipefail
cd "$(dirname "$0")/../.."
SITES=${1:-100}
PAGES=${2:-2000}
WINDOW=${3:-5m}
PIN_SITES=${4:-40}
TURNS=${5:-1}
CPUS=${CPUS:-0.6}
DB=${FARM_DB:-zhaocuo_farm}
RDB=${FARM_REDIS_DB:-11}
BASE=${BASE:-8c86d9e}
SKIP=" ${SKIP:-} "
NEW=/tmp/zhaocuo-farm-new OLD=/tmp/zhaocuo-farm-old TREE=/tmp/zhaocuo-farm-base
export GOTOOLCHAIN=${GOTOOLCHAIN:-go1.27.3}
go build -o $NEW ./app
if [ ! -d $TREE ]; then git worktree add --detach $TREE "$BASE" >/dev/null; fi
git -C $TREE checkout -q --detach "$BASE"
(cd $TREE && go build -o $OLD ./app)
trap 'git worktree remove --force $TREE 2>/dev/null || true' EXIT
export DATABASE_URL="mysql://root@127.0.0.1:3306/$DB" REDIS_URL="redis://127.0.0.1:6379/$RDB" \
       JWT_SECRET=bench-secret-bench-secret-bench-1234 DATABASE_MAX_CONNS=32
fresh() {
  mariadb --protocol=tcp -h127.0.0.1 -uroot -e "DROP DATABASE IF EXISTS $DB; CREATE DATABASE $DB CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
  redis-cli -h 127.0.0.1 -n $RDB flushdb >/dev/null
}
farm() { # label, binary, flags…
  local label=$1 bin=$2; shift 2
  fresh
  echo "# $(date -u +%H:%M:%S) load average $(cut -d' ' -f1-3 /proc/loadavg)"
  $NEW loadtest farm -worker "$bin" -label "$label" "$@" ${FARM_FLAGS:-}
}
echo "== today's code: $(git log -1 --format='%h %s' "$BASE")"
echo "== new code: $(git log -1 --format='%h %s' HEAD)$(git diff --quiet || echo ' (and changes not committed)')"
if [[ $SKIP != *" 1 "* ]]; then
  for turn in $(seq 1 "$TURNS"); do
    for code in old new; do
      bin=$OLD; [ $code = new ] && bin=$NEW
      farm "$code" $bin -sites "$SITES" -pages "$PAGES" -for "$WINDOW"
    done
  done
fi
if [[ $SKIP != *" 2 "* ]]; then
  farm new $NEW -sites "$SITES" -pages "$PAGES"
fi
if [[ $SKIP != *" 3 "* ]]; then
  OUT=$(mktemp /tmp/zhaocuo-farm.XXXX)
  for workers in 1 2; do
    farm new $NEW -sites "$PIN_SITES" -pages "$PAGES" -workers $workers -cpus "$CPUS" | tee -a "$OUT"
  done
  # Two workers against one: the ratio of the round's times.
  awk '{ for (i = 1; i <= NF; i++) { if ($i ~ /^workers=/) w = substr($i, 9); if ($i ~ /^time=/) t[w] = substr($i, 6) } }
    function secs(d,  m) { m = 0; if (d ~ /m/) { split(d, a, "m"); m = a[1]; d = a[2] } sub(/s$/, "", d); return m * 60 + d }
    END { if (t[1] != "" && t[2] != "") printf "'"$CPUS"' cores a worker: one worker %s, two workers %s: two take %.2f of one worker'"'"'s time\n", t[1], t[2], secs(t[2]) / secs(t[1]) }' "$OUT"
fi
