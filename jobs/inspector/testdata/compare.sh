#!/usr/bin/env bash
# Speed comparison of the inspector with linkinator and Debian's linkchecker on the
# generated 5,000-page site (see BenchmarkCrawl5000 in bench_test.go).
#
#   jobs/inspector/testdata/compare.sh            # from the repository root
#   BENCH_CONCURRENCY=20 jobs/inspector/testdata/compare.sh
#
# linkinator is installed from the npm registry into a temporary directory that is
# removed afterwards (nothing lands in the repository); linkchecker comes from Debian
# (apt-get install -y linkchecker) and is used when present. Everything runs on
# loopback and stops by itself.
set -euo pipefail
cd "$(dirname "$0")/../../.."

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if [[ -z "${LINKINATOR:-}" ]] && ! command -v linkinator >/dev/null; then
	if command -v npm >/dev/null; then
		(cd "$tmp" && npm init -y >/dev/null && npm install --silent --no-audit --no-fund linkinator >/dev/null)
		export LINKINATOR="$tmp/node_modules/.bin/linkinator"
		echo "linkinator $("$LINKINATOR" --version) installed in $tmp"
	else
		echo "npm not found: the linkinator run will be skipped" >&2
	fi
fi
command -v linkchecker >/dev/null || echo "linkchecker not found (apt-get install -y linkchecker): its run will be skipped" >&2

go test ./jobs/inspector/ -run '^$' -bench 'BenchmarkCrawl5000' -benchtime 1x -v
