#!/usr/bin/env bash
# pytest, but "no tests ran" (exit code 5) is a failure, not a silent pass.
set -uo pipefail
cd "$(dirname "$0")/.."
.venv/bin/python -m pytest "$@"
status=$?
if [ "$status" -eq 5 ]; then
    echo "error: pytest collected no tests in: $*" >&2
    exit 1
fi
exit "$status"
