#!/usr/bin/env bash
# Debian's nginx for the production profile's balancer (`make run-prod`, tests/e2e/test_prod_profile_e2e.py),
# installed only when missing. Our own configuration runs it in the foreground under the
# supervisor; the Debian service itself is not started (and is stopped if the package's
# install script started it), so nothing listens on port 80.
set -euo pipefail
if command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ]; then
    exit 0
fi
if [ "$(id -u)" != 0 ]; then
    echo "error: nginx is missing: sudo apt-get install -y nginx-light (or nginx)" >&2
    exit 1
fi
echo "Installing Debian's nginx (first time only)..."
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# The package's postinst starts the default site on port 80 where it can; we only want the binary.
policy=/usr/sbin/policy-rc.d
created_policy=0
if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy"
    chmod +x "$policy"
    created_policy=1
fi
status=0
apt-get install -y -qq --no-install-recommends nginx >/dev/null || status=$?
if [ "$created_policy" = 1 ]; then
    rm -f "$policy"
fi
if [ "$status" != 0 ]; then
    echo "error: apt-get install nginx failed ($status)" >&2
    exit "$status"
fi
if [ -f /run/nginx.pid ]; then
    /usr/sbin/nginx -s quit 2>/dev/null || true
fi
/usr/sbin/nginx -v
