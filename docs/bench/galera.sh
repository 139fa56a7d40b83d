#!/usr/bin/env bash
# A 3-node MariaDB Galera cluster behind HAProxy on this host, for docs/bench/ha.sh and for .ci/run
# (the MySQL suite against a cluster). Debian's packages only: mariadb-server (mariadbd,
# mariadb-install-db), galera-4 (/usr/lib/galera/libgalera_smm.so), rsync (the state transfer to a
# joining node), haproxy and socat (the health checks).
#
#   docs/bench/galera.sh up DIR      build and start it in DIR; prints the DATABASE_URL
#   docs/bench/galera.sh down DIR    stop it (the data stays in DIR)
#
# or, sourced (GALERA_DIR set first): galera_up, galera_down, node_start N, node_kill N,
# node_partition N, node_heal N, writer (the node HAProxy sends to), synced (how many nodes are).
#
# Each node listens on an address of its own on the loopback (127.0.0.11-13: the whole of 127/8 is
# local), so one node's Galera traffic can be cut off by address (node_partition: iptables DROP of
# its replication port, both ways) while its clients still reach it:
#   node N: MariaDB 127.0.0.1N:4406, Galera 127.0.0.1N:4567 (IST 4568, SST 4444), check :9200
#   HAProxy 127.0.0.1:4306 (TCP): node 1 the writer, nodes 2 and 3 backups, one at a time; a
#   connection stays on the node it was given until that node fails (stick on dst), so writes never
#   go to two nodes at once; a node is taken out when its check (HTTP, served by socat, answering
#   200 only when wsrep_local_state is 4, Synced, and wsrep_ready is ON) fails once (every 500 ms),
#   and its open connections are cut at once (on-marked-down shutdown-sessions), so the
#   application's pool opens new ones on the next node. (A check may take up to 3 s before it
#   counts as failed: on a loaded machine starting the client takes a while, and a node taken out
#   for a slow check cuts every connection to it.)
# The first node is started with --wsrep-new-cluster; the others join it by a state transfer.

# GALERA_NET and HAPROXY_PORT move a second cluster beside the first (ha.sh uses 127.0.0.2x:4316).
GALERA_NET=${GALERA_NET:-127.0.0.1} HAPROXY_PORT=${HAPROXY_PORT:-4306} GALERA_PORT=4406
node_ip() { echo "$GALERA_NET$1"; }

galera_sql() { # node, then mariadb's arguments
  local n=$1; shift
  mariadb --protocol=tcp -h"$(node_ip "$n")" -P$GALERA_PORT -uroot -N "$@"
}

node_start() { # N [--wsrep-new-cluster]
  local n=$1 ip; ip=$(node_ip "$1"); shift
  # Each node's files in a directory of its own, the mysql user's: the state transfer's rsync
  # daemon runs as the server's user, and run as root it would drop to nobody.
  local b=$GALERA_DIR/n$n d=$GALERA_DIR/n$n/data
  if [ ! -d "$d/mysql" ]; then
    mkdir -p "$b" && chown mysql:mysql "$b"
    mariadb-install-db --no-defaults --auth-root-authentication-method=normal --skip-test-db --user=mysql \
      --datadir="$d" >"$b/install.log" 2>&1
  fi
  # A node that was killed left no position in grastate.dat (seqno -1): read it from InnoDB
  # first, as mysqld_safe's galera_recovery does, so that it rejoins by an incremental transfer of
  # what it missed (IST) instead of a whole copy that would lock the donor (rsync SST).
  local start=()
  if grep -q '^seqno: *-1' "$d/grastate.dat" 2>/dev/null; then
    rm -f "$b/recover.log"
    /usr/sbin/mariadbd --no-defaults --user=mysql --datadir="$d" --wsrep-on=ON \
      --wsrep-provider=/usr/lib/galera/libgalera_smm.so --wsrep-cluster-address=gcomm://127.0.0.1:1 \
      --skip-networking --socket="$b/recover.sock" --pid-file="$b/recover.pid" --binlog-format=ROW \
      --innodb-buffer-pool-size=64M --wsrep-recover --log-error="$b/recover.log" >/dev/null 2>&1 || true
    local pos
    pos=$(sed -n 's/.*WSREP: Recovered position: *\([0-9a-f-]*:[0-9-]*\).*/\1/p' "$b/recover.log" 2>/dev/null | tail -1 || true)
    if [ -n "$pos" ]; then start=(--wsrep-start-position="$pos"); fi
  fi
  # No option files read (the shared server's stay out); durable commits as on the single
  # server the benchmarks compare with; what Galera requires: row events, InnoDB, interleaved
  # auto-increment locks.
  /usr/sbin/mariadbd --no-defaults --user=mysql --datadir="$d" --port=$GALERA_PORT --bind-address="$ip" \
    --socket="$b/mysqld.sock" --pid-file="$b/mysqld.pid" --log-error="$b/error.log" \
    --skip-name-resolve --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci \
    --innodb-buffer-pool-size=192M --innodb-flush-log-at-trx-commit=1 --innodb-flush-method=O_DIRECT \
    --max-connections=400 --binlog-format=ROW --default-storage-engine=InnoDB --innodb-autoinc-lock-mode=2 \
    --wsrep-on=ON --wsrep-provider=/usr/lib/galera/libgalera_smm.so --wsrep-cluster-name=zhaocuo \
    --wsrep-cluster-address="gcomm://$(node_ip 1):4567,$(node_ip 2):4567,$(node_ip 3):4567" \
    --wsrep-node-name="n$n" --wsrep-node-address="$ip:4567" --wsrep-node-incoming-address="$ip:$GALERA_PORT" \
    --wsrep-sst-method=rsync --wsrep-sst-receive-address="$ip:4444" --wsrep-slave-threads=2 \
    --wsrep-provider-options="gmcast.listen_addr=tcp://$ip:4567;ist.recv_addr=$ip:4568;evs.suspect_timeout=PT2S;evs.inactive_timeout=PT4S;evs.keepalive_period=PT0.5S;evs.inactive_check_period=PT0.5S;gcache.size=256M" \
    "${start[@]}" "$@" </dev/null >>"$b/stderr.log" 2>&1 &
  echo $! >"$GALERA_DIR/n$n.mariadbd"
  disown $! # killed on purpose: no word from the shell
}

# Waits until node N is Synced (state 4), up to $2 seconds (120).
node_synced() {
  local n=$1 i
  for i in $(seq 1 $((${2:-120} * 5))); do
    [ "$(galera_sql "$n" -e "SHOW STATUS LIKE 'wsrep_local_state'" 2>/dev/null | awk '{print $2}')" = 4 ] && return 0
    kill -0 "$(cat "$GALERA_DIR/n$n.mariadbd")" 2>/dev/null || break
    sleep 0.2
  done
  echo "node $n did not sync: see $GALERA_DIR/n$n/error.log"; return 1
}

node_kill() { # SIGKILL: a host lost, nothing flushed
  local p; p=$(cat "$GALERA_DIR/n$1.mariadbd" 2>/dev/null) || return 0
  kill -9 "$p" 2>/dev/null || true
  while kill -0 "$p" 2>/dev/null; do sleep 0.1; done
}

node_stop() { # SIGTERM and wait, as systemd stops it
  local p; p=$(cat "$GALERA_DIR/n$1.mariadbd" 2>/dev/null) || return 0
  kill -TERM "$p" 2>/dev/null || true
  for i in $(seq 1 600); do kill -0 "$p" 2>/dev/null || return 0; sleep 0.1; done
  kill -9 "$p" 2>/dev/null || true
}

# Its Galera traffic dropped both ways (replication and state transfers); its clients still reach
# it, and it answers them 1047 once it has lost the cluster (not Primary).
node_partition() {
  local ip; ip=$(node_ip "$1")
  for ch in INPUT OUTPUT; do
    iptables -I $ch -p tcp -s "$ip" -m multiport --ports 4567,4568,4444 -j DROP -m comment --comment zhaocuo-ha
    iptables -I $ch -p tcp -d "$ip" -m multiport --ports 4567,4568,4444 -j DROP -m comment --comment zhaocuo-ha
  done
}
node_heal() {
  local ip; ip=$(node_ip "$1")
  for ch in INPUT OUTPUT; do
    iptables -D $ch -p tcp -s "$ip" -m multiport --ports 4567,4568,4444 -j DROP -m comment --comment zhaocuo-ha 2>/dev/null || true
    iptables -D $ch -p tcp -d "$ip" -m multiport --ports 4567,4568,4444 -j DROP -m comment --comment zhaocuo-ha 2>/dev/null || true
  done
}

# The node HAProxy sends new connections to.
writer() { mariadb --protocol=tcp -h127.0.0.1 -P$HAPROXY_PORT -uroot -N -e "SELECT @@wsrep_node_name" 2>/dev/null | tr -dc 0-9; }
# How many nodes are Synced.
synced() {
  local n c=0
  for n in 1 2 3; do
    [ "$(galera_sql "$n" -e "SHOW STATUS LIKE 'wsrep_local_state'" 2>/dev/null | awk '{print $2}')" = 4 ] && c=$((c + 1))
  done
  echo $c
}

galera_up() {
  mkdir -p "$GALERA_DIR" && chmod 755 "$GALERA_DIR"
  for n in 1 2 3; do
    if (exec 3<>/dev/tcp/"$(node_ip $n)"/$GALERA_PORT) 2>/dev/null; then echo "$(node_ip $n):$GALERA_PORT is taken: is another cluster running?"; return 1; fi
  done
  # The check each node's HTTP port answers: clustercheck's rule, in a line of shell per request.
  cat >"$GALERA_DIR/check.sh" <<'CHECK'
#!/bin/sh
s=$(mariadb --protocol=tcp -h"$1" -P4406 -uroot -N --connect-timeout=2 -e "SELECT MAX(IF(VARIABLE_NAME='WSREP_LOCAL_STATE',VARIABLE_VALUE,NULL)), MAX(IF(VARIABLE_NAME='WSREP_READY',VARIABLE_VALUE,NULL)) FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME IN ('WSREP_LOCAL_STATE','WSREP_READY')" 2>/dev/null)
case "$s" in
  "4	ON") printf 'HTTP/1.0 200 OK\r\nContent-Length: 7\r\n\r\nsynced\n' ;;
  *) printf 'HTTP/1.0 503 Service Unavailable\r\nContent-Length: 11\r\n\r\nnot synced\n' ;;
esac
CHECK
  chmod +x "$GALERA_DIR/check.sh"
  node_start 1 --wsrep-new-cluster
  node_synced 1 || return 1
  node_start 2; node_synced 2 || return 1
  node_start 3; node_synced 3 || return 1
  for n in 1 2 3; do
    socat TCP-LISTEN:9200,bind="$(node_ip $n)",reuseaddr,fork SYSTEM:"$GALERA_DIR/check.sh $(node_ip $n)" \
      >>"$GALERA_DIR/check$n.log" 2>&1 &
    echo $! >"$GALERA_DIR/check$n.pid"
  done
  cat >"$GALERA_DIR/haproxy.cfg" <<CFG
global
  maxconn 4000
  stats socket $GALERA_DIR/haproxy.sock mode 600 level admin
defaults
  mode tcp
  timeout connect 2s
  timeout client 1h
  timeout server 1h
  retries 2
  option redispatch
frontend mysql
  bind 127.0.0.1:$HAPROXY_PORT
  default_backend galera
backend galera
  option httpchk GET /
  http-check expect status 200
  stick-table type ip size 1 nopurge
  stick on dst
  timeout check 3s
  default-server inter 500ms downinter 1s fall 1 rise 2 on-marked-down shutdown-sessions
  server n1 $(node_ip 1):$GALERA_PORT check port 9200
  server n2 $(node_ip 2):$GALERA_PORT check port 9200 backup
  server n3 $(node_ip 3):$GALERA_PORT check port 9200 backup
CFG
  haproxy -f "$GALERA_DIR/haproxy.cfg" -db >>"$GALERA_DIR/haproxy.log" 2>&1 &
  echo $! >"$GALERA_DIR/haproxy.pid"
  local i
  for i in $(seq 1 50); do [ -n "$(writer)" ] && break; sleep 0.2; done
  [ -n "$(writer)" ] || { echo "HAProxy does not reach the cluster: see $GALERA_DIR/haproxy.log"; return 1; }
}

galera_down() {
  local f
  for f in haproxy check1 check2 check3; do
    [ -f "$GALERA_DIR/$f.pid" ] && kill "$(cat "$GALERA_DIR/$f.pid")" 2>/dev/null || true
  done
  for n in 1 2 3; do node_heal $n; done
  for n in 3 2 1; do node_stop $n; done
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -euo pipefail
  [ $# -eq 2 ] || { echo "usage: $0 up|down DIR"; exit 2; }
  GALERA_DIR=$(realpath -m "$2")
  case $1 in
    up)
      galera_up
      echo "cluster up in $GALERA_DIR: $(synced) nodes synced, HAProxy writes to n$(writer)"
      echo "DATABASE_URL=mysql://root@127.0.0.1:$HAPROXY_PORT/DBNAME"
      ;;
    down) galera_down ;;
    *) echo "usage: $0 up|down DIR"; exit 2 ;;
  esac
fi
