"""From planned outages and incidents to queued notices (bot.services.notice_sync): the
5-day rule, late outages, the day-before reminder, corrections, incidents, idempotence."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from bot import clock
from bot.domain.notices import Timing
from bot.services import incidents, notice_delivery, notice_sync, notices, planned_outages, unit_of_work
from bot.services.notice_delivery import SENT, ClaimedNotice, Outcome, Policy
from bot.services.verification import Requester
from bot.wording import notices as words
from tests.notices.helpers import rows, subscribe, summary

VN = clock.VN_TZ
TIMING = Timing()  # 7 days ahead at 08:00, quiet 21:00-07:00
POLICY = Policy()


def at(day: int, hour: int, minute: int = 0, month: int = 12) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=VN)


def add(
    url: str, start: datetime, end: datetime, station: str = "PB1102-T002", code: str | None = None
) -> str:
    with unit_of_work(url) as uow:
        outage = planned_outages.add_outage(
            uow, starts_at=start, ends_at=end, reason="Bảo trì lưới điện", stations=[station], code=code
        )
        notice_sync.sync_outage(uow, outage.code, TIMING)
    return outage.code


def sync(url: str) -> notice_sync.SyncReport:
    with unit_of_work(url) as uow:
        return notice_sync.sync(uow, TIMING)


def deliver(url: str, event: str | None = None) -> list[ClaimedNotice]:
    """Claim what is due now and record it as sent (the notifier without a platform);
    the notices of ``event`` (all without)."""
    with unit_of_work(url) as uow:
        claim = notice_delivery.claim_due(uow, POLICY, 1000)
        notice_delivery.settle(uow, [Outcome(n, SENT, "id") for n in claim.notices], POLICY)
    return [n for n in claim.notices if event is None or n.event_ref == event]


@pytest.fixture
def world(outage_db: str) -> str:
    subscribe(outage_db, "callback", "an", "PB11020000102")  # station PB1102-T002
    subscribe(outage_db, "callback", "binh", "PB11020000103")  # the same station
    sync(outage_db)  # the world's own outages and incidents are registered
    return outage_db


def test_planned_outage_is_announced_7_days_ahead_and_reminded_the_day_before(world: str) -> None:
    code = add(world, at(15, 7, 30), at(15, 16))
    queued = rows(world, event_ref=code)
    assert [(r["conversation_id"], r["kind"]) for r in queued] == [
        ("an", "planned"),
        ("an", "reminder"),
        ("binh", "planned"),
        ("binh", "reminder"),
    ]
    announcement = next(r for r in queued if r["kind"] == "planned")
    assert announcement["due_at"] == at(8, 8)  # 7 days ahead at 08:00
    assert announcement["starts_at"] - announcement["due_at"] >= timedelta(days=5)  # the rule
    assert next(r for r in queued if r["kind"] == "reminder")["due_at"] == at(14, 8)
    assert deliver(world) == []  # 27/11: nothing due yet
    with clock.frozen(at(8, 7, 59)):
        assert deliver(world, code) == []
    with clock.frozen(at(8, 8)):
        assert sorted((n.conversation_id, n.kind.value) for n in deliver(world, code)) == [
            ("an", "planned"),
            ("binh", "planned"),
        ]
    with clock.frozen(at(14, 8)):
        assert sorted((n.conversation_id, n.kind.value) for n in deliver(world, code)) == [
            ("an", "reminder"),
            ("binh", "reminder"),
        ]


def test_an_outage_created_later_than_that_is_announced_at_once(world: str) -> None:
    code = add(world, at(1, 7, 30), at(1, 11))  # 27/11 09:00: 4 days ahead
    with unit_of_work(world) as uow:
        assert notice_sync.sync_outage(uow, code, TIMING) is None  # already done by add()
    announcement = rows(world, event_ref=code, kind="planned", conversation_id="an")[0]
    assert announcement["due_at"] == clock.now()
    assert sorted(n.kind.value for n in deliver(world, code)) == ["planned", "planned"]
    assert rows(world, event_ref=code, kind="reminder", conversation_id="an")[0]["due_at"] == at(30, 8, 0, 11)


def test_the_cli_report_says_when_an_outage_is_announced_late(world: str) -> None:
    with unit_of_work(world) as uow:
        outage = planned_outages.add_outage(
            uow, starts_at=at(1, 7, 30), ends_at=at(1, 11), reason="x", stations=["PB1102-T002"]
        )
        synced = notice_sync.sync_outage(uow, outage.code, TIMING)
    assert synced.late and synced.first_due == clock.now() and synced.queued == {"planned": 2, "reminder": 2}


def test_an_outage_created_the_day_before_gets_one_notice_and_no_reminder(world: str) -> None:
    code = add(world, at(28, 13, 0, 11), at(28, 17, 0, 11))
    assert sorted({r["kind"] for r in rows(world, event_ref=code)}) == ["planned"]


def test_quiet_hours_move_an_evening_announcement_to_the_morning(world: str) -> None:
    with clock.frozen(at(27, 22, 30, 11)):
        later = add(world, at(30, 7, 30, 11), at(30, 11, 0, 11))
        soon = add(world, at(28, 5, 0, 11), at(28, 8, 0, 11))
    assert rows(world, event_ref=later, kind="planned")[0]["due_at"] == at(28, 7, 0, 11)
    assert rows(world, event_ref=soon, kind="planned")[0]["due_at"] == at(27, 22, 30, 11)  # too soon to wait


def test_synchronising_again_queues_nothing_more(world: str) -> None:
    add(world, at(15, 7, 30), at(15, 16))
    before = summary(world)
    assert sync(world).queued == 0
    assert sync(world).queued == 0
    assert summary(world) == before


def test_a_later_subscriber_read_the_outage_in_the_reply_and_gets_the_reminder(world: str) -> None:
    code = add(world, at(1, 7, 30), at(1, 11))
    result = subscribe(world, "callback", "cuong", "PB11020000103")  # same station as binh
    assert code in [item.code for item in result.upcoming]
    assert "• 07:30–11:00, thứ Ba 01/12/2026 (Bảo trì lưới điện)" in words.subscribe_text(result)
    sync(world)
    mine = {r["kind"]: r for r in rows(world, event_ref=code, conversation_id="cuong")}
    assert mine["planned"]["status"] == "sent"  # told in the subscription reply
    assert mine["reminder"]["status"] == "pending" and mine["reminder"]["due_at"] == at(30, 8, 0, 11)


def test_moving_an_outage_corrects_whoever_was_told_and_reannounces_to_the_others(world: str) -> None:
    code = add(world, at(1, 7, 30), at(1, 11))
    with unit_of_work(world) as uow:  # "an" has been told, "binh" unsubscribed meanwhile and back
        claim = notice_delivery.claim_due(uow, POLICY, 1)
        notice_delivery.settle(uow, [Outcome(claim.notices[0], SENT, "m1")], POLICY)
    told = claim.notices[0].conversation_id
    other = "binh" if told == "an" else "an"
    with unit_of_work(world) as uow:
        planned_outages.move_outage(uow, code, at(2, 13), at(2, 17))
        synced = notice_sync.sync_outage(uow, code, TIMING)
    assert synced.version == 2 and synced.superseded == 3  # the other's announcement, both reminders
    mine = [(r["kind"], r["version"], r["status"]) for r in rows(world, event_ref=code, conversation_id=told)]
    assert mine == [
        ("planned", 1, "sent"),
        ("reminder", 1, "superseded"),
        ("moved", 2, "pending"),
        ("reminder", 2, "pending"),
    ]
    moved = rows(world, event_ref=code, conversation_id=told, kind="moved")[0]
    assert (moved["previous_starts_at"], moved["previous_ends_at"]) == (at(1, 7, 30), at(1, 11))
    assert (moved["starts_at"], moved["ends_at"]) == (at(2, 13), at(2, 17))
    assert moved["due_at"] == clock.now()  # a correction goes at once
    theirs = [
        (r["kind"], r["version"], r["status"]) for r in rows(world, event_ref=code, conversation_id=other)
    ]
    assert theirs == [
        ("planned", 1, "superseded"),
        ("reminder", 1, "superseded"),
        ("planned", 2, "pending"),
        ("reminder", 2, "pending"),
    ]


def test_cancelling_an_outage_tells_only_those_who_were_told(world: str) -> None:
    code = add(world, at(1, 7, 30), at(1, 11))
    with unit_of_work(world) as uow:
        claim = notice_delivery.claim_due(uow, POLICY, 1)
        notice_delivery.settle(uow, [Outcome(claim.notices[0], SENT, "m1")], POLICY)
        planned_outages.cancel_outage(uow, code)
        notice_sync.sync_outage(uow, code, TIMING)
    told = claim.notices[0].conversation_id
    corrections = rows(world, event_ref=code, kind="cancelled")
    assert [(r["conversation_id"], r["starts_at"]) for r in corrections] == [(told, None)]
    assert (corrections[0]["previous_starts_at"], corrections[0]["previous_ends_at"]) == (
        at(1, 7, 30),
        at(1, 11),
    )
    assert {r["status"] for r in rows(world, event_ref=code) if r["kind"] != "cancelled"} == {
        "sent",
        "superseded",
    }
    assert [n.kind.value for n in deliver(world, code)] == ["cancelled"]


def test_an_outage_no_longer_on_a_station_tells_its_subscribers_it_is_off_for_them(world: str) -> None:
    subscribe(world, "callback", "dung", "PB11020000002")  # station PB1102-T001
    with unit_of_work(world) as uow:
        outage = planned_outages.add_outage(
            uow,
            starts_at=at(1, 7, 30),
            ends_at=at(1, 11),
            reason="x",
            stations=["PB1102-T001", "PB1102-T002"],
            wards=["Phường Tân An"],
            province="Thành phố Cần Thơ",
        )
        notice_sync.sync_outage(uow, outage.code, TIMING)
    deliver(world)
    with unit_of_work(world) as uow:  # the operator narrows the work to PB1102-T001
        from bot.db.models import PlannedOutageWard

        row = uow.outages.planned(outage.code)
        row.stations[:] = [s for s in row.stations if s.code == "PB1102-T001"]
        row.wards[:] = [PlannedOutageWard(province="Thành phố Cần Thơ", ward="Phường Tân An")]
        uow.flush()
        notice_sync.sync_outage(uow, outage.code, TIMING)
    off = rows(world, event_ref=outage.code, kind="cancelled")
    assert sorted(r["conversation_id"] for r in off) == ["an", "binh"]
    assert off[0]["starts_at"] == at(1, 7, 30)  # still on elsewhere: "no longer affects your area"
    assert not rows(world, event_ref=outage.code, conversation_id="dung", kind="moved")


def test_one_person_with_two_codes_in_the_area_gets_one_notice(world: str) -> None:
    subscribe(world, "callback", "an", "PB11020000103")  # "an" now follows both codes of PB1102-T002
    code = add(world, at(1, 7, 30), at(1, 11))
    assert len(rows(world, event_ref=code, conversation_id="an", kind="planned")) == 1


def test_a_customer_without_a_station_is_matched_by_ward(world: str) -> None:
    subscribe(world, "callback", "em", "PB11020000106")  # no station, Phường Tân An
    with unit_of_work(world) as uow:
        by_ward = planned_outages.add_outage(
            uow,
            starts_at=at(1, 7, 30),
            ends_at=at(1, 11),
            reason="x",
            wards=["Phường Tân An"],
            province="Thành phố Cần Thơ",
        )
        elsewhere = planned_outages.add_outage(
            uow, starts_at=at(1, 7, 30), ends_at=at(1, 11), reason="x", stations=["PB1403-T001"]
        )
    sync(world)
    assert rows(world, event_ref=by_ward.code, conversation_id="em", kind="planned")
    assert not rows(world, event_ref=elsewhere.code, conversation_id="em")


def test_an_incident_is_told_at_once_and_its_restoration_too(world: str) -> None:
    subscribe(world, "callback", "xa", "PB14030000003")  # the world's open incident is on its station
    sync(world)
    first = rows(world, event_ref="SC-261127-0001")
    assert [(r["conversation_id"], r["kind"], r["due_at"]) for r in first] == [
        ("xa", "incident", clock.now())
    ]
    assert first[0]["ends_at"] == datetime(2026, 11, 27, 12, 25, tzinfo=VN)  # expected restoration
    with unit_of_work(world) as uow:
        opened = incidents.open_incident(uow, ["PB1102-T002"], cause="Sự cố đường dây", now=clock.now())
        synced = notice_sync.sync_incident(uow, opened.code)
    assert synced.queued == {"incident": 2}
    deliver(world)
    with unit_of_work(world) as uow:
        incidents.restore_incident(uow, opened.code, at(27, 10, 45, 11))
        notice_sync.sync_incident(uow, opened.code)
    restored = rows(world, event_ref=opened.code, kind="restored")
    assert sorted(r["conversation_id"] for r in restored) == ["an", "binh"]
    assert restored[0]["ends_at"] == at(27, 10, 45, 11)
    assert sorted((n.conversation_id, n.kind.value) for n in deliver(world)) == [
        ("an", "restored"),
        ("binh", "restored"),
    ]


def test_an_incident_restored_before_anyone_was_told_still_gets_its_restoration_notice(world: str) -> None:
    with unit_of_work(world) as uow:
        opened = incidents.open_incident(uow, ["PB1102-T002"], cause="x", now=clock.now())
        notice_sync.sync_incident(uow, opened.code)  # queued, not sent yet
        incidents.restore_incident(uow, opened.code)
        notice_sync.sync_incident(uow, opened.code)
    assert sorted(
        (r["conversation_id"], r["kind"], r["status"]) for r in rows(world, event_ref=opened.code)
    ) == [
        ("an", "incident", "superseded"),
        ("an", "restored", "pending"),
        ("binh", "incident", "superseded"),
        ("binh", "restored", "pending"),
    ]


def test_an_incident_opened_and_restored_between_two_looks_says_nothing(world: str) -> None:
    with unit_of_work(world) as uow:
        opened = incidents.open_incident(uow, ["PB1102-T002"], cause="x", now=clock.now())
        incidents.restore_incident(uow, opened.code)
    sync(world)
    assert rows(world, event_ref=opened.code) == []


def test_unsubscribing_cancels_what_was_queued(world: str) -> None:
    code = add(world, at(15, 7, 30), at(15, 16))
    waiting = len(rows(world, conversation_id="an", status="pending"))
    with unit_of_work(world) as uow:
        result = notices.unsubscribe(uow, Requester("callback", "key-an"), "an", "callback")
    assert (
        result.status is notices.UnsubscribeStatus.UNSUBSCRIBED and result.cancelled_notices == waiting >= 2
    )
    assert {r["status"] for r in rows(world, event_ref=code, conversation_id="an")} == {"cancelled"}
    with clock.frozen(at(8, 8)):
        assert [n.conversation_id for n in deliver(world, code)] == ["binh"]
