#!/usr/bin/env bash
# Start PostgreSQL and Redis for the production-profile tests when they are installed but
# not running. Never fails: those tests skip with a clear reason when the services are absent.
set -u

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

if ! port_open 5432 && command -v pg_ctlcluster >/dev/null 2>&1; then
    echo "Starting PostgreSQL..."
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start || true
fi
if ! port_open 6379 && command -v redis-server >/dev/null 2>&1; then
    echo "Starting Redis..."
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no || true
fi
port_open 5432 && echo "PostgreSQL: up" || echo "PostgreSQL: absent (its tests will skip)"
port_open 6379 && echo "Redis: up" || echo "Redis: absent (its tests will skip)"
exit 0
