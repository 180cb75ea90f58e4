"""Outage notices as customers read them (bot.wording.notices)."""

from __future__ import annotations

from datetime import datetime

from bot import clock
from bot.domain.notices import NoticeKind
from bot.services.notice_delivery import ClaimedNotice
from bot.wording import notices as words

VN = clock.VN_TZ


def at(day: int, hour: int, minute: int = 0, month: int = 12) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=VN)


def notice(kind: NoticeKind, **changes) -> ClaimedNotice:
    values = dict(
        id=1,
        token="t",
        channel="zalo",
        conversation_id="zalo:1",
        customer_code="PB05010000001",
        kind=kind,
        event_ref="KH-261203-0001",
        version=1,
        area="Một phần Phường Tân Ninh: TBA Tân Ninh 1",
        reason="Bảo trì, sửa chữa lưới điện",
        starts_at=at(3, 7, 30),
        ends_at=at(3, 16),
        previous_starts_at=None,
        previous_ends_at=None,
        attempts=0,
    )
    values.update(changes)
    return ClaimedNotice(**values)


def test_the_announcement_names_area_date_times_and_reason() -> None:
    text = words.notice_text(notice(NoticeKind.PLANNED))
    assert text.startswith("Dạ, Điện lực miền Nam trân trọng thông báo lịch tạm ngừng cung cấp điện:")
    assert "• Khu vực: Một phần Phường Tân Ninh: TBA Tân Ninh 1" in text
    assert "• Thời gian: 07:30–16:00, thứ Năm 03/12/2026" in text
    assert "• Lý do: Bảo trì, sửa chữa lưới điện" in text
    assert "mã khách hàng PB05010000001" in text and 'Nhắn "ngừng nhận thông báo"' in text


def test_work_across_midnight_gives_both_dates() -> None:
    text = words.notice_text(notice(NoticeKind.PLANNED, starts_at=at(3, 22), ends_at=at(4, 5)))
    assert "• Thời gian: 22:00 03/12/2026 – 05:00 04/12/2026" in text


def test_the_reminder() -> None:
    text = words.notice_text(notice(NoticeKind.REMINDER))
    assert "xin nhắc Quý khách: khu vực Một phần Phường Tân Ninh: TBA Tân Ninh 1 sẽ tạm ngừng" in text
    assert "vào thứ Năm 03/12/2026, từ 07:30 đến 16:00 (bảo trì, sửa chữa lưới điện)." in text


def test_the_corrections() -> None:
    moved = words.notice_text(
        notice(
            NoticeKind.MOVED,
            previous_starts_at=at(3, 7, 30),
            previous_ends_at=at(3, 16),
            starts_at=at(5, 13),
            ends_at=at(5, 17),
        )
    )
    assert "• Lịch đã báo: 07:30–16:00, thứ Năm 03/12/2026" in moved
    assert "• Lịch mới: 13:00–17:00, thứ Bảy 05/12/2026" in moved
    cancelled = words.notice_text(
        notice(
            NoticeKind.CANCELLED,
            previous_starts_at=at(3, 7, 30),
            previous_ends_at=at(3, 16),
            starts_at=None,
            ends_at=None,
        )
    )
    assert "lịch tạm ngừng cung cấp điện 07:30–16:00, thứ Năm 03/12/2026 tại khu vực" in cancelled
    assert "đã được hủy. Quý khách vẫn được cấp điện bình thường" in cancelled
    elsewhere = words.notice_text(
        notice(NoticeKind.CANCELLED, previous_starts_at=at(3, 7, 30), previous_ends_at=at(3, 16))
    )
    assert "không còn ảnh hưởng đến khu vực của Quý khách" in elsewhere


def test_incident_and_restoration() -> None:
    incident = words.notice_text(
        notice(
            NoticeKind.INCIDENT,
            reason="Cây ngã vào đường dây",
            starts_at=at(27, 7, 25, 11),
            ends_at=at(27, 12, 25, 11),
        )
    )
    assert "đang mất điện do cây ngã vào đường dây từ 07:25 ngày 27/11/2026" in incident
    assert "dự kiến có điện lại lúc 12:25 ngày 27/11/2026" in incident
    assert "19001006 hoặc 19009000" in incident
    unknown = words.notice_text(notice(NoticeKind.INCIDENT, reason=None, ends_at=None))
    assert "mất điện do sự cố" in unknown and "sẽ nhắn ngay khi có điện lại" in unknown
    restored = words.notice_text(notice(NoticeKind.RESTORED, ends_at=at(27, 10, 45, 11)))
    assert (
        "điện đã được cấp lại cho khu vực Một phần Phường Tân Ninh: TBA Tân Ninh 1 lúc 10:45 ngày 27/11/2026"
        in (restored)
    )


def test_a_notice_reads_the_same_whenever_it_is_sent() -> None:
    """An interrupted notice is recognised at the platform by its text."""
    for kind in NoticeKind:
        item = notice(kind, previous_starts_at=at(1, 7), previous_ends_at=at(1, 9))
        with clock.frozen("2026-11-27T09:00:00"):
            first = words.notice_text(item)
        with clock.frozen("2026-12-03T23:59:00"):
            assert words.notice_text(item) == first


def test_no_name_or_phone_in_a_notice() -> None:
    for kind in NoticeKind:
        text = words.notice_text(notice(kind, previous_starts_at=at(1, 7), previous_ends_at=at(1, 9)))
        assert "Trần" not in text and "0908" not in text
        assert len(text) < 2000  # one Zalo / Messenger message
