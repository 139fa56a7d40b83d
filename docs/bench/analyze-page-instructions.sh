#!/usr/bin/env bash
# The instructions a 60 KB page's content checks cost (BenchmarkAnalyzePage60KB/list+statistical),
# at this tree and at earlier revisions, counted by valgrind's callgrind: a figure the load of a
# shared machine does not move, where CPU time moves by half (analyze-page.sh). Only the
# benchmark's loop is counted (not the lexicon's loading), 21 pages, and instructions are not
# time: the statistical check's lookups in 20 MB of tables cost cache misses callgrind does not
# count. Takes some minutes a revision (the lexicon loads under valgrind).
#
#   docs/bench/analyze-page-instructions.sh [REV...]     (REV defaults to c06337e)
set -euo pipefail
cd "$(dirname "$0")/../.."
[ $# -gt 0 ] || set -- c06337e
work=$(mktemp -d)
trap 'for r in "$work"/rev-*; do git worktree remove --force "$r" >/dev/null 2>&1 || true; done; rm -rf "$work"' EXIT
count() { # label, binary, directory
  (cd "$3" && GODEBUG=asyncpreemptoff=1 valgrind --tool=callgrind --callgrind-out-file="$work/$1.out" \
    --collect-atstart=no --toggle-collect='*BenchmarkAnalyzePage60KB.func1' "$2" -test.run '^$' \
    -test.bench 'BenchmarkAnalyzePage60KB/list\+' -test.benchtime 20x) 2>&1 |
    awk -v l="$1" '/Collected :/ { printf "%-10s %6.2f million instructions a page\n", l, $4 / 21 / 1e6 }'
}
for rev in "$@"; do
  git worktree add -q --detach "$work/rev-$rev" "$rev"
  (cd "$work/rev-$rev" && go test -c -o "$work/$rev.test" ./jobs/inspector/)
  count "$rev" "$work/$rev.test" "$work/rev-$rev/jobs/inspector"
done
go test -c -o "$work/now.test" ./jobs/inspector/
count now "$work/now.test" jobs/inspector
