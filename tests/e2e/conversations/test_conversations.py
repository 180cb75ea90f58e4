"""Every conversation of the set, through the whole stack (REST channel, demo data,
clock frozen at 27/11/2026 09:00)."""

from __future__ import annotations

import pytest

from tests.e2e.conversations import runner
from tests.e2e.stack import Stack

CONVERSATIONS = runner.load()


@pytest.fixture(scope="module")
def values(stack: Stack) -> dict[str, str]:
    return runner.demo_values(stack.env["DATABASE_URL"])


def test_the_set_is_large_and_varied() -> None:
    assert len(CONVERSATIONS) >= 40
    plain = [c for c in CONVERSATIONS if "no-diacritics" in c.tags]
    assert len(plain) * 3 >= len(CONVERSATIONS), "a third written without diacritics"
    assert any("teencode" in c.tags for c in CONVERSATIONS)
    assert any("southern" in c.tags for c in CONVERSATIONS)


@pytest.mark.parametrize("conversation", CONVERSATIONS, ids=[c.id for c in CONVERSATIONS])
def test_conversation(stack: Stack, values: dict[str, str], conversation: runner.Conversation) -> None:
    result = runner.run(conversation, stack.say, values)
    assert result.passed, "\n".join([*result.failures, "transcript:", *result.transcript])
