#!/usr/bin/env bash
# Starts the local PostgreSQL, Redis and NATS JetStream servers the adapter tests talk to,
# if they are not already running. Safe to run again.
set -uo pipefail

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_for() { # name port
  for _ in $(seq 1 60); do port_open "$2" && return 0; sleep 0.5; done
  echo "start-services: $1 did not come up on port $2" >&2
  return 1
}

status=0
if ! port_open 5432; then
  echo "start-services: starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start || true
  wait_for PostgreSQL 5432 || status=1
fi
if ! port_open 6379; then
  echo "start-services: starting Redis"
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log || true
  wait_for Redis 6379 || status=1
fi
if ! port_open 4222; then
  echo "start-services: starting NATS"
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/nats-server -- \
    -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server -l /var/log/nats-server.log || true
  wait_for NATS 4222 || status=1
fi
exit $status
