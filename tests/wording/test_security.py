"""Lock, one-time-code and rate-limit texts, from hand-made results."""

from __future__ import annotations

from datetime import datetime

import pytest

from bot import clock
from bot.services.one_time_codes import Checked, CheckOutcome, Issued, IssueState
from bot.services.rate_limits import Limited, LimitScope
from bot.services.verification import LockExplanation, LockReason, State, Status
from bot.wording import security as words

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=clock.VN_TZ)
UNTIL = datetime(2026, 11, 27, 9, 15, tzinfo=clock.VN_TZ)


@pytest.mark.parametrize("reason", list(LockReason))
def test_every_lock_says_until_when_and_gives_the_hotline(reason: LockReason) -> None:
    text = words.lock_text(LockExplanation(reason, UNTIL, one_time_code=False), "PB05010000001", NOW)
    assert text.startswith("Dạ,") and "09:15 hôm nay (27/11/2026)" in text
    assert "19001006 hoặc 19009000" in text and "SMS" not in text


def test_the_one_time_code_is_offered_only_when_it_may_be_sent() -> None:
    offered = words.lock_text(
        LockExplanation(LockReason.CODE, UNTIL, one_time_code=True), "PB05010000001", NOW
    )
    assert "gửi mã xác thực 6 chữ số qua tin nhắn SMS" in offered and "19001006" in offered


def test_a_wrong_answer_never_says_which_part_was_wrong() -> None:
    text = words.wrong_answer_text(Status(State.NEEDS_ANSWER, "PB05010000001", remaining_tries=2))
    assert "mã khách hàng và 4 số cuối điện thoại chưa khớp" in text and "còn 2 lần thử" in text
    assert "không tìm thấy" not in text


def test_one_time_code_texts() -> None:
    sent = words.one_time_code_sent_text(Issued(IssueState.SENT, "PB05010000001", expires_at=UNTIL), NOW)
    assert "hiệu lực 10 phút" in sent and "đừng cung cấp" in sent
    limited = words.one_time_code_sent_text(Issued(IssueState.LIMITED, "PB05010000001", retry_at=UNTIL), NOW)
    assert "09:15 hôm nay" in limited
    status = Status(State.NEEDS_ANSWER, "PB05010000001")
    assert "còn 1 lần" in words.one_time_code_checked_text(Checked(CheckOutcome.WRONG, status, 1))
    assert "gửi mã mới" in words.one_time_code_checked_text(Checked(CheckOutcome.NO_CODE, status))


def test_writing_too_fast_gets_a_wait_in_seconds_or_minutes() -> None:
    soon = words.rate_limited_text(Limited(LimitScope.MESSAGES, NOW.replace(second=40)), NOW)
    assert "khoảng 40 giây" in soon and "19001006" in soon
    later = words.rate_limited_text(Limited(LimitScope.MESSAGES, NOW.replace(minute=5)), NOW)
    assert "khoảng 5 phút" in later
    failures = words.rate_limited_text(Limited(LimitScope.SENDER, UNTIL), NOW)
    assert "tạm ngưng xác thực đến 09:15" in failures
