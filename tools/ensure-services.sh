#!/usr/bin/env bash
# Start PostgreSQL, Redis and RabbitMQ for the production-profile tests (and `make run-prod`)
# when they are installed but not running. Never fails: those tests skip with a clear
# reason when the services are absent.
set -u

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_port() {  # port, seconds
    local i
    for ((i = 0; i < $2 * 5; i++)); do
        port_open "$1" && return 0
        sleep 0.2
    done
    return 1
}

if ! port_open 5432 && command -v pg_ctlcluster >/dev/null 2>&1; then
    echo "Starting PostgreSQL..."
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start || true
fi
if ! port_open 6379 && command -v redis-server >/dev/null 2>&1; then
    echo "Starting Redis..."
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no || true
fi
if ! port_open 5672 && command -v rabbitmq-server >/dev/null 2>&1; then
    echo "Starting RabbitMQ..."
    rabbitmq-server -detached >/dev/null 2>&1 || true
    wait_port 5672 60 || echo "RabbitMQ did not open 5672 within 60 s"
fi
port_open 5432 && echo "PostgreSQL: up" || echo "PostgreSQL: absent (its tests will skip)"
port_open 6379 && echo "Redis: up" || echo "Redis: absent (its tests will skip)"
port_open 5672 && echo "RabbitMQ: up" || echo "RabbitMQ: absent (its tests will skip)"
exit 0
