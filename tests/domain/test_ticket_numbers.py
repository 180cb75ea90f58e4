"""Ticket numbers: random, readable over the phone, checked before any lookup."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain import ticket_numbers as tn

BODY = st.text(alphabet=tn.ALPHABET, min_size=7, max_size=7)


def test_new_numbers_look_right_and_differ() -> None:
    numbers = {tn.new_number() for _ in range(2000)}
    assert len(numbers) == 2000  # 34 billion possibilities: no repeat in 2000 draws
    assert all(re.fullmatch(r"SC-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}", n) for n in numbers)
    assert all(tn.normalize(n) == n for n in numbers)


@given(BODY)
def test_any_single_mistyped_character_is_caught(body: str) -> None:
    full = body + tn.check_character(body)
    assert tn.is_valid(full)
    for i, original in enumerate(full):
        for other in tn.ALPHABET:
            if other != original:
                assert not tn.is_valid(full[:i] + other + full[i + 1 :])


@given(BODY)
def test_typed_forms_are_forgiven(body: str) -> None:
    number = tn.format_number(body + tn.check_character(body))
    plain = number.replace("-", "")
    typed = [number.lower(), plain, plain.lower(), number.replace("-", " "), number.replace("-", ".")]
    typed.append(number.replace("0", "O").replace("1", "I"))
    assert all(tn.normalize(t) == number for t in typed)
    assert tn.find(f"phiếu {number.lower().replace('-', ' ')} sao rồi em") == number


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("phiếu SC2611270001 sao rồi", "SC2611270001"),  # numbers handed out before keep working
        ("sc 2611270001", "SC2611270001"),
        ("SC26112700011", None),
        ("mã PB05010000001", None),
        ("SC-261127-0001", None),  # an incident code, not a ticket
        ("", None),
        (None, None),
        ("SC-" + "Z" * 5000, None),
    ],
)
def test_find_in_free_text(text: str | None, found: str | None) -> None:
    assert tn.find(text) == found


@given(st.text(max_size=200))
def test_any_text_never_raises(text: str) -> None:
    found = tn.find(text)
    assert found is None or tn.normalize(found) == found
