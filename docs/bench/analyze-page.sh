#!/usr/bin/env bash
# The CPU a 60 KB page's content checks cost, at this tree and at an earlier revision, measured
# in the same run: the two test binaries take turns, RUNS times each, and the median of each
# benchmark's cpu-ns/op (the process's CPU time per page, from getrusage) is printed. On a
# shared machine a single run says little: the statistical check reads 20 MB of tables at
# random, and what else runs on the host moves its cost by half.
#
#   docs/bench/analyze-page.sh [REV] [RUNS]     (REV defaults to c06337e, before issue 20's
#                                                 work on speed; RUNS to 7)
set -euo pipefail
cd "$(dirname "$0")/../.."
rev=${1:-c06337e}
runs=${2:-7}
work=$(mktemp -d)
trap 'git worktree remove --force "$work/before" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
git worktree add -q --detach "$work/before" "$rev"
(cd "$work/before" && go test -c -o "$work/before.test" ./jobs/inspector/)
go test -c -o "$work/now.test" ./jobs/inspector/
for i in $(seq 1 "$runs"); do
  for v in before now; do
    (cd jobs/inspector && "$work/$v.test" -test.run '^$' -test.benchtime 300x \
      -test.bench 'BenchmarkAnalyzePage60KB|BenchmarkPersonalScan60KB/analyzePage') |
      awk -v v=$v '/^Benchmark/ { for (f = 1; f <= NF; f++) if ($f == "cpu-ns/op") print v, $1, $(f-1) }'
  done
done | sort -k1,2 -k3n | awk '
  { key = $1 " " $2; vals[key] = vals[key] " " $3; n[key]++ }
  END { for (k in vals) { split(substr(vals[k], 2), a, " "); printf "%-8s %-50s median %6.2f ms of CPU (%d runs: %.2f–%.2f)\n",
        substr(k, 1, index(k, " ") - 1), substr(k, index(k, " ") + 1), a[int((n[k] + 1) / 2)] / 1e6, n[k], a[1] / 1e6, a[n[k]] / 1e6 } }' | sort -k2,2 -k1,1
