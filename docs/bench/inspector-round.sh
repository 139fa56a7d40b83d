#!/usr/bin/env bash
# A province's round on the farm (issue 23): `app loadtest farm` serves SITES sites of PAGES pages
# on loopback (each site on its own 127.1.x.y address; 60 KB pages answered after 100 ms) and
# times a round of worker processes through them, on MariaDB (a fresh database, zhaocuo_farm) and
# the local Redis (db 11, emptied). It runs today's code (the base commit, built from a git
# worktree of it) and the new code (this tree) in turns, in the same run, one worker then two,
# and prints for each: pages/s, the workers' CPU per page (from /proc), their peak RSS, and how
# late the reminders planted during the round were taken.
#   docs/bench/inspector-round.sh [sites] [pages] [turns]    e.g. docs/bench/inspector-round.sh 100 2000 1
# BASE chooses the commit of "today's code" (default: the merge base with main); FARM_DB and
# FARM_REDIS_DB the database (made fresh) and the Redis database (emptied); FARM_FLAGS more flags
# of `loadtest farm` (-crawl-delay 0.5, -latency 50ms, …). Only the farm's workers may fetch from
# loopback: `loadtest farm` gives them FETCH_ALLOW_PRIVATE=127.0.0.0/8, nothing else does.
# The farm's pages and days are described in docs/benchmarks-inspector.md ("How it is measured");
# a daily round against a full one is `loadtest farm -incremental`, run by hand (same document).
set -euo pipefail
cd "$(dirname "$0")/../.."
SITES=${1:-20}
PAGES=${2:-200}
TURNS=${3:-1}
DB=${FARM_DB:-zhaocuo_farm}
RDB=${FARM_REDIS_DB:-11}
BASE=${BASE:-$(git merge-base HEAD main)}
NEW=/tmp/zhaocuo-farm-new OLD=/tmp/zhaocuo-farm-old TREE=/tmp/zhaocuo-farm-base
OUT=$(mktemp /tmp/zhaocuo-farm.XXXX)
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
echo "== $SITES sites × $PAGES pages; today's code: $(git log -1 --format='%h %s' "$BASE")"
for turn in $(seq 1 "$TURNS"); do
  for workers in 1 2; do
    for code in old new; do
      bin=$OLD; [ $code = new ] && bin=$NEW
      fresh
      $NEW loadtest farm -sites "$SITES" -pages "$PAGES" -workers $workers -worker $bin -label "$code" ${FARM_FLAGS:-} | tee -a $OUT
    done
  done
done
# Two workers against one: the ratio of the round's times, per code.
for code in old new; do
  awk -v code=$code '$1 == code { for (i = 1; i <= NF; i++) if ($i ~ /^time=/) t[$2] = substr($i, 6) }
    function secs(d,  m) { m = 0; if (d ~ /m/) { split(d, a, "m"); m = a[1]; d = a[2] } sub(/s$/, "", d); return m * 60 + d }
    END { if (t["workers=1"] != "" && t["workers=2"] != "")
      printf "%s: one worker %s, two workers %s: two take %.2f of one worker'"'"'s time\n", code, t["workers=1"], t["workers=2"], secs(t["workers=2"]) / secs(t["workers=1"]) }' $OUT
done
