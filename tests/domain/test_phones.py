"""Vietnamese mobile numbers: what counts as one, finding it in a message, masking it."""

from __future__ import annotations

import pytest

from bot.domain import phones


@pytest.mark.parametrize(
    ("typed", "number"),
    [
        ("0909123456", "0909123456"),
        ("0909 123 456", "0909123456"),
        ("0909.123.456", "0909123456"),
        ("0909-123-456", "0909123456"),
        ("+84 909 123 456", "0909123456"),
        ("84909123456", "0909123456"),
        ("0326 111 222", "0326111222"),  # Viettel 03x
        ("0856 111 222", "0856111222"),
        ("0589 111 222", "0589111222"),
        ("0123456789", None),  # 01x was renumbered in 2018
        ("01231234567", None),  # the old 11-digit form
        ("0312345678", None),  # 031 is no carrier prefix
        ("0909 123 45", None),  # 9 digits
        ("09091234567", None),  # 11 digits
        ("028 3822 1234", None),  # a landline
        ("", None),
        (None, None),
    ],
)
def test_mobile(typed: str | None, number: str | None) -> None:
    assert phones.mobile(typed) == number


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("sđt 0909 123 456 nha em", "0909123456"),
        ("123 Nguyễn Trãi phường 2 quận 5, gọi 0939.222.654", "0939222654"),
        ("mã PB05010000001, số 0908111321", "0908111321"),  # the code is no phone
        ("số 25 đường 30 tháng 4", None),
        ("PB05010000001", None),
        ("0123456789 hoặc 0909123456", "0909123456"),
    ],
)
def test_find_mobile(text: str, number: str | None) -> None:
    assert phones.find_mobile(text) == number


def test_an_attempt_at_a_number_is_seen() -> None:
    assert phones.looks_like_a_number("0909 123 45")
    assert not phones.looks_like_a_number("hẻm 5, số 12")


def test_masked() -> None:
    assert phones.masked("0909123456") == "09xx xxx 456"
    assert phones.masked("+84 939 222 654") == "09xx xxx 654"
    assert phones.masked("") == "xxx"
