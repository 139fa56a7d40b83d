#!/usr/bin/env bash
# Reminder benchmarks (issue 4 "Scale") on MariaDB + Redis: the reconciler's worst case (100,000
# open tickets, an empty Redis: time and Redis memory), and reminders sent per second by one worker.
set -euo pipefail
cd "$(dirname "$0")/../.."
TEST_DATABASE_URL=${TEST_DATABASE_URL:-mysql://root@127.0.0.1:3306/test} \
TEST_REDIS_URL=${TEST_REDIS_URL:-redis://127.0.0.1:6379/0} \
  go test ./jobs -run '^$' -bench 'Reconcile100k|RemindersPerWorker' -benchtime 1x -v
