"""From planned outages and incidents to notices in the outbox.

The notifier calls :func:`sync` on every round; the operators' commands call
:func:`sync_outage` / :func:`sync_incident` right after a change, so its notices are
queued in the same transaction. Both are idempotent: each event's last announced
state is kept (``notice_events``: a fingerprint of the times, status, stations and
wards, and the last subscription matched), and the outbox's unique key stores each
notice once. An event whose fingerprint changed gets a new version:

* planned outage, first seen: every affected subscriber gets the announcement (due
  ``lead_days`` before, or at once when it is later than that) and the day-before
  reminder; subscribers who come later get the reminder only, the announcement being
  part of their subscription reply;
* planned outage, new version: notices of older versions that have not gone are
  superseded; whoever was told the old times gets a correction (MOVED with the new
  times, or CANCELLED when it no longer concerns them or was cancelled), whoever was
  not told gets the announcement, and the reminder is queued again for the new times;
* incident opened (or reopened on more stations): INCIDENT at once; restored:
  RESTORED at once to everyone the incident notice concerned.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from bot import clock
from bot.db.models import Incident, IncidentStatus, OutageStatus, PlannedOutage
from bot.db.uow import UnitOfWork
from bot.domain import notices as rules
from bot.domain.notices import NoticeKind, Timing
from bot.services.notice_queue import (
    TOLD,
    EventSync,
    NoticeQueue,
    Subscriber,
    SyncReport,
    by_subscriber,
    timing_from,
)
from bot.services.notice_queue import fingerprint as fingerprint_of
from bot.services.notices import UPCOMING_DAYS

__all__ = ["EventSync", "SyncReport", "sync", "sync_incident", "sync_outage", "timing_from"]

RESTORED_WATCH = timedelta(hours=24)  # restored incidents still looked at


def _planned_fingerprint(outage: PlannedOutage) -> str:
    return fingerprint_of(
        outage.starts_at.isoformat(),
        outage.ends_at.isoformat(),
        outage.status,
        sorted(station.id for station in outage.stations),
        sorted((ward.province, ward.ward) for ward in outage.wards),
    )


def _incident_fingerprint(incident: Incident) -> str:
    return fingerprint_of(
        incident.status,
        sorted(station.id for station in incident.stations),
        sorted((ward.province, ward.ward) for ward in incident.wards),
    )


def _planned_area(outage: PlannedOutage) -> str:
    if outage.area:
        return outage.area
    if outage.stations:
        return "; ".join(station.name for station in outage.stations)
    return "; ".join(f"{ward.ward}, {ward.province}" for ward in outage.wards)


# ------------------------------------------------------------------ planned outages


def _outage_subscribers(uow: UnitOfWork, outage: PlannedOutage, after_id: int) -> dict:
    return by_subscriber(
        uow.notices.matching_subscriptions(
            [station.id for station in outage.stations],
            [(ward.province, ward.ward) for ward in outage.wards],
            after_id,
        )
    )


def _announce(
    uow: UnitOfWork, outage: PlannedOutage, queue: NoticeQueue, after_id: int, timing: Timing, now: datetime
) -> tuple[datetime, datetime | None]:
    """The announcement and reminder for the subscribers matched after ``after_id``."""
    first = rules.first_notice_due(outage.starts_at, now, timing)
    reminder = rules.reminder_due(outage.starts_at, first, timing)
    details = {
        "area": _planned_area(outage),
        "reason": outage.reason,
        "starts_at": outage.starts_at,
        "ends_at": outage.ends_at,
    }
    listed_until = outage.starts_at - timedelta(days=UPCOMING_DAYS)
    for subscriber, (code, subscribed_at) in _outage_subscribers(uow, outage, after_id).items():
        # A later subscriber read this outage in the subscription reply (it lists the
        # next 30 days): recorded as told, so corrections reach them, not announced again.
        told = after_id > 0 and subscribed_at >= listed_until
        queue.add(subscriber, code, NoticeKind.PLANNED, subscribed_at if told else first, told_in_reply=told,
                  **details)
        later = reminder if not told else rules.reminder_due(outage.starts_at, now, timing)
        if later is not None:
            queue.add(subscriber, code, NoticeKind.REMINDER, later, **details)
    return first, reminder


def _told(rows: list) -> dict[Subscriber, Any]:
    """What each subscriber last heard of the outage (None: nothing, or a cancellation)."""
    told: dict[Subscriber, Any] = {}
    for row in rows:  # oldest version first
        if row.status not in TOLD:
            continue
        key = (row.channel, row.conversation_id)
        if row.kind == NoticeKind.CANCELLED.value:
            told.pop(key, None)
        elif row.kind in rules.TELLING_KINDS:
            told[key] = row
    return told


def _revise(
    uow: UnitOfWork, outage: PlannedOutage, queue: NoticeQueue, live: bool, timing: Timing, now: datetime
) -> tuple[int, datetime | None, datetime | None]:
    """A new version of an outage: supersede, correct, announce, remind again."""
    told = _told(uow.notices.event_rows(outage.code, [k.value for k in rules.PLANNED_KINDS]))
    superseded = uow.notices.supersede_pending(
        outage.code, [k.value for k in rules.PLANNED_KINDS], queue.version, queue.moment
    )
    affected = _outage_subscribers(uow, outage, 0) if live else {}
    details = {
        "area": _planned_area(outage),
        "reason": outage.reason,
        "starts_at": outage.starts_at,
        "ends_at": outage.ends_at,
    }
    first = rules.first_notice_due(outage.starts_at, now, timing)
    reminder = rules.reminder_due(outage.starts_at, first, timing)
    for subscriber, (code, _) in affected.items():
        before = told.get(subscriber)
        if before is None:
            queue.add(subscriber, code, NoticeKind.PLANNED, first, **details)
            if reminder is not None:
                queue.add(subscriber, code, NoticeKind.REMINDER, reminder, **details)
            continue
        again = rules.reminder_due(outage.starts_at, now, timing)
        if (before.starts_at, before.ends_at) != (outage.starts_at, outage.ends_at):
            due = rules.correction_due(min(outage.starts_at, before.starts_at), now, timing)
            queue.add(subscriber, code, NoticeKind.MOVED, due,
                      previous=(before.starts_at, before.ends_at), **details)
        elif before.kind == NoticeKind.REMINDER.value:
            again = None  # same times, already reminded
        if again is not None:
            queue.add(subscriber, code, NoticeKind.REMINDER, again, **details)
    if outage.status != OutageStatus.COMPLETED.value:
        cancelled = outage.status == OutageStatus.CANCELLED.value
        for subscriber, before in told.items():
            if subscriber in affected:
                continue
            queue.add(
                subscriber,
                before.customer_code,
                NoticeKind.CANCELLED,
                rules.correction_due(before.starts_at, now, timing),
                area=before.area,
                reason=outage.reason,
                starts_at=None if cancelled else outage.starts_at,
                ends_at=None if cancelled else outage.ends_at,
                previous=(before.starts_at, before.ends_at),
            )
    return superseded, (first if live else None), (reminder if live else None)


def _sync_planned(
    uow: UnitOfWork, outage: PlannedOutage, newest_subscription: int, timing: Timing, now: datetime
) -> EventSync | None:
    current = _planned_fingerprint(outage)
    live = outage.status == OutageStatus.SCHEDULED.value and outage.ends_at > now
    event = uow.notices.event("planned", outage.code, for_update=True)
    created = False
    if event is None:
        event, created = uow.notices.register_event(
            "planned", outage.code, current, newest_subscription, now
        )
    superseded, first, reminder = 0, None, None
    if created:
        if not live:
            return None
        queue = NoticeQueue(outage.code, 1)
        first, reminder = _announce(uow, outage, queue, 0, timing, now)
    elif event.fingerprint != current:
        event.version += 1
        event.fingerprint, event.subscriptions_seen, event.updated_at = current, newest_subscription, now
        queue = NoticeQueue(outage.code, event.version)
        superseded, first, reminder = _revise(uow, outage, queue, live, timing, now)
    elif newest_subscription > event.subscriptions_seen:
        after = event.subscriptions_seen
        event.subscriptions_seen = newest_subscription
        if not live:
            return None
        queue = NoticeQueue(outage.code, event.version)
        _announce(uow, outage, queue, after, timing, now)
    else:
        return None
    queue.store(uow)
    return EventSync(
        "planned",
        outage.code,
        queue.version,
        dict(queue.counts),
        superseded,
        first,
        reminder,
        first is not None and rules.is_late(first, outage.starts_at),
    )


# ------------------------------------------------------------------------ incidents


def _incident_subscribers(uow: UnitOfWork, incident: Incident, after_id: int) -> dict:
    return by_subscriber(
        uow.notices.matching_subscriptions(
            [station.id for station in incident.stations],
            [(ward.province, ward.ward) for ward in incident.wards],
            after_id,
        )
    )


def _incident_details(incident: Incident) -> dict[str, Any]:
    return {
        "area": incident.area or "; ".join(station.name for station in incident.stations),
        "reason": incident.cause,
        "starts_at": incident.started_at,
        "ends_at": incident.expected_restoration_at,
    }


def _sync_incident(
    uow: UnitOfWork, incident: Incident, newest_subscription: int, now: datetime
) -> EventSync | None:
    current = _incident_fingerprint(incident)
    is_open = incident.status == IncidentStatus.OPEN.value
    event = uow.notices.event("incident", incident.code, for_update=True)
    created = False
    if event is None:
        event, created = uow.notices.register_event(
            "incident", incident.code, current, newest_subscription, now
        )
    superseded = 0
    if created:
        if not is_open:
            return None  # restored before anyone was told: nothing to say
        queue = NoticeQueue(incident.code, 1)
        for subscriber, (code, _) in _incident_subscribers(uow, incident, 0).items():
            queue.add(subscriber, code, NoticeKind.INCIDENT, now, **_incident_details(incident))
    elif event.fingerprint != current:
        event.version += 1
        event.fingerprint, event.subscriptions_seen, event.updated_at = current, newest_subscription, now
        queue = NoticeQueue(incident.code, event.version)
        rows = uow.notices.event_rows(incident.code, [NoticeKind.INCIDENT.value])
        superseded = uow.notices.supersede_pending(
            incident.code, [NoticeKind.INCIDENT.value], event.version, queue.moment
        )
        if is_open:  # reopened, or more stations: those not told yet
            told = {(r.channel, r.conversation_id) for r in rows if r.status in TOLD}
            for subscriber, (code, _) in _incident_subscribers(uow, incident, 0).items():
                if subscriber not in told:
                    queue.add(subscriber, code, NoticeKind.INCIDENT, now, **_incident_details(incident))
        else:
            concerned: dict[Subscriber, str] = {}
            for row in rows:
                if row.status != "cancelled":
                    concerned.setdefault((row.channel, row.conversation_id), row.customer_code)
            details = _incident_details(incident) | {"ends_at": incident.restored_at or now}
            for subscriber, code in concerned.items():
                queue.add(subscriber, code, NoticeKind.RESTORED, now, **details)
    elif newest_subscription > event.subscriptions_seen:
        after = event.subscriptions_seen
        event.subscriptions_seen = newest_subscription
        if not is_open:
            return None
        queue = NoticeQueue(incident.code, event.version)
        for subscriber, (code, _) in _incident_subscribers(uow, incident, after).items():
            queue.add(subscriber, code, NoticeKind.INCIDENT, now, **_incident_details(incident))
    else:
        return None
    queue.store(uow)
    return EventSync("incident", incident.code, queue.version, dict(queue.counts), superseded)


# ---------------------------------------------------------------------------- entry


def sync(uow: UnitOfWork, timing: Timing, now: datetime | None = None) -> SyncReport:
    """Look at every planned outage not over yet and every incident open or just
    restored; queue what changed since the last look."""
    now = now or clock.now()
    newest = uow.notices.max_subscription_id()
    found = []
    for outage in uow.notices.planned_outages_ending_after(now):
        result = _sync_planned(uow, outage, newest, timing, now)
        if result is not None:
            found.append(result)
    for incident in uow.notices.incidents_to_watch(now - RESTORED_WATCH):
        result = _sync_incident(uow, incident, newest, now)
        if result is not None:
            found.append(result)
    return SyncReport(tuple(found))


def sync_outage(uow: UnitOfWork, code: str, timing: Timing, now: datetime | None = None) -> EventSync | None:
    """Queue the notices of one planned outage now (after an operator changed it)."""
    outage = uow.notices.planned_outage(code)
    if outage is None:
        return None
    uow.flush()
    return _sync_planned(uow, outage, uow.notices.max_subscription_id(), timing, now or clock.now())


def sync_incident(uow: UnitOfWork, code: str, now: datetime | None = None) -> EventSync | None:
    """Queue the notices of one incident now (after an operator opened or restored it)."""
    uow.flush()
    incident = uow.outages.incident(code)
    if incident is None:
        return None
    return _sync_incident(uow, incident, uow.notices.max_subscription_id(), now or clock.now())
