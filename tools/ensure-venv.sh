#!/usr/bin/env bash
# Create (once) the project's virtualenv, keyed by the hash of requirements/*.txt.
#
# The environment lives in a cache directory outside the checkout
# ($EVN_CACHE_DIR, default ~/.cache/evn-cskh/venv-<hash>) so fresh clones and CI reuse it;
# .venv in the checkout is a symlink to it. A second run with unchanged requirements does
# nothing. Rasa 3.6.21 and rasa-sdk 3.6.2 declare Python <3.11 but run on 3.11 with the
# pinned set: they are installed last with --no-deps --ignore-requires-python.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3.11}
CACHE_DIR=${EVN_CACHE_DIR:-$HOME/.cache/evn-cskh}
REQS=(requirements/rasa-pins.txt requirements/app.txt requirements/dev.txt requirements/rasa.txt)
HASH=$(cat "${REQS[@]}" | sha256sum | cut -c1-16)
TARGET="$CACHE_DIR/venv-$HASH"

if [ ! -f "$TARGET/.complete" ]; then
    if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null; then
        echo "error: Python 3.11 is required (set PYTHON=/path/to/python3.11)" >&2
        exit 1
    fi
    echo "Creating the virtualenv in $TARGET (first time only, about 3 minutes)..."
    rm -rf "$TARGET"
    mkdir -p "$CACHE_DIR"
    "$PYTHON" -m venv "$TARGET"
    export PIP_DISABLE_PIP_VERSION_CHECK=1
    "$TARGET/bin/pip" install -q -r requirements/rasa-pins.txt -r requirements/app.txt -r requirements/dev.txt 2>&1 \
        | { grep -v "^WARNING: Location" || true; }
    "$TARGET/bin/pip" install -q --no-deps --ignore-requires-python -r requirements/rasa.txt 2>&1 \
        | { grep -v "^WARNING: Location" || true; }
    "$TARGET/bin/python" -c "import rasa, rasa_sdk; assert rasa.__version__ == '3.6.21', rasa.__version__"
    touch "$TARGET/.complete"
fi

if [ "$(readlink .venv 2>/dev/null)" != "$TARGET" ]; then
    rm -rf .venv
    ln -s "$TARGET" .venv
fi
