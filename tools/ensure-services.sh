#!/usr/bin/env bash
# PostgreSQL, Redis and RabbitMQ for the production-profile tests (and `make run-prod`).
# On our machines they run before the session; this starts any that is installed but
# stopped, and on a machine that lacks one (and where we are root) installs it from
# Debian's packages first, configured as our machines have it: PostgreSQL with trust auth
# on 127.0.0.1 and a database "test", Redis keeping nothing on disk, RabbitMQ with its
# default guest/guest on localhost. Never fails: those tests skip with a clear reason when
# a service is absent (CI's production-profile test fails instead: EVN_REQUIRE_PROD_PROFILE).
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

# Install Debian packages without letting their install scripts start services (there may
# be no init system; we start them ourselves below).
apt_install() {
    if [ "$(id -u)" != 0 ]; then
        echo "$* missing and not root: sudo apt-get install -y $*"
        return 1
    fi
    echo "Installing Debian packages: $* (first time only)..."
    local policy=/usr/sbin/policy-rc.d created=0 status=0
    if [ ! -e "$policy" ]; then
        printf '#!/bin/sh\nexit 101\n' >"$policy"
        chmod +x "$policy"
        created=1
    fi
    export DEBIAN_FRONTEND=noninteractive
    { apt-get update -qq && apt-get install -y -qq --no-install-recommends "$@" >/dev/null; } || status=$?
    [ "$created" = 1 ] && rm -f "$policy"
    [ "$status" = 0 ] || echo "apt-get install $* failed ($status)"
    return "$status"
}

postgres_cluster() { ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1; }

if ! port_open 5432; then
    if ! command -v pg_ctlcluster >/dev/null 2>&1 && apt_install postgresql; then
        version="$(postgres_cluster)"
        hba="/etc/postgresql/$version/main/pg_hba.conf"
        # Trust on loopback, as on our machines (tests connect as postgres@127.0.0.1).
        { printf 'host all all 127.0.0.1/32 trust\nhost all all ::1/128 trust\n'; cat "$hba"; } >"$hba.new"
        mv "$hba.new" "$hba"
        chown postgres:postgres "$hba"
        created_test_db=1
    fi
    if command -v pg_ctlcluster >/dev/null 2>&1; then
        echo "Starting PostgreSQL..."
        pg_ctlcluster --skip-systemctl-redirect "$(postgres_cluster)" main start || true
        wait_port 5432 30 || echo "PostgreSQL did not open 5432 within 30 s"
        if [ "${created_test_db:-0}" = 1 ]; then
            su postgres -c "createdb -h 127.0.0.1 test" || true
        fi
    fi
fi
if ! port_open 6379; then
    command -v redis-server >/dev/null 2>&1 || apt_install redis-server
    if command -v redis-server >/dev/null 2>&1; then
        echo "Starting Redis..."
        redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no || true
        wait_port 6379 10 || echo "Redis did not open 6379 within 10 s"
    fi
fi
if ! port_open 5672; then
    command -v rabbitmq-server >/dev/null 2>&1 || apt_install rabbitmq-server
    if command -v rabbitmq-server >/dev/null 2>&1; then
        echo "Starting RabbitMQ..."
        rabbitmq-server -detached >/dev/null 2>&1 || true
        wait_port 5672 60 || echo "RabbitMQ did not open 5672 within 60 s"
    fi
fi
port_open 5432 && echo "PostgreSQL: up" || echo "PostgreSQL: absent (its tests will skip)"
port_open 6379 && echo "Redis: up" || echo "Redis: absent (its tests will skip)"
port_open 5672 && echo "RabbitMQ: up" || echo "RabbitMQ: absent (its tests will skip)"
exit 0
