from __future__ import annotations

import pytest

from bot.modelcache import ensure_model
from tests.e2e.stack import Stack, start_stack, stop_stack


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Stack:
    running = start_stack(tmp_path_factory.mktemp("stack"), ensure_model())
    yield running
    stop_stack(running)
