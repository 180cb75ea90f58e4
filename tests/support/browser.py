"""Debian's Chromium for the browser tests (Playwright drives it, never downloads one).

A developer without Chromium sees the browser tests skipped with the reason. CI
(``.ci/run``) installs it with ``tools/ensure-browser.sh`` and sets
``EVN_REQUIRE_BROWSER=1``: there a missing browser fails the tests instead of skipping
them, so CI can never pass without having run them.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"


def browser_required() -> bool:
    return os.environ.get("EVN_REQUIRE_BROWSER") == "1"


requires_chromium = pytest.mark.skipif(
    not Path(CHROMIUM).exists() and not browser_required(),
    reason=f"{CHROMIUM} is not installed (tools/ensure-browser.sh installs it)",
)
