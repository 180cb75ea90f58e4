"""What the outage notices keep and ask: subscriptions, announced events, the notice outbox,
and the facts the platforms' messaging windows depend on.

Enqueueing is ``INSERT ... ON CONFLICT DO NOTHING`` on the outbox's unique key (SQLite and
PostgreSQL), so a notice decided twice (two notifiers, a restart, the CLI and the
notifier at once) is stored once. Claims are one ``UPDATE ... WHERE status = 'pending'
AND id IN (<the due ids>)`` stamping a random claim token: a row another notifier took
meanwhile no longer matches (PostgreSQL re-checks the condition on the locked row;
SQLite serialises writers), so no row is ever claimed twice. Results are written with
``WHERE id = ? AND claim_token = ?``: a notifier whose lease ran out cannot overwrite
the outcome of the one that took the row over.

(About 450 lines, over the house's 400: one repository for the three notice tables plus the
two questions the platforms' windows ask of the channels' tables; the enqueue, claim and
settle statements are read together when reasoning about duplicates.)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, bindparam, delete, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import selectinload

from bot.db.models import (
    ChannelInboxEvent,
    ChannelOutboxMessage,
    Customer,
    Incident,
    IncidentStatus,
    NoticeEvent,
    NoticeOutboxRow,
    NoticeSubscription,
    PlannedOutage,
)
from bot.db.repositories.base import Repository

_OUTBOX = NoticeOutboxRow.__table__
_UNIQUE = ["channel", "conversation_id", "kind", "event_ref", "version"]
_CHUNK = 500  # bound IN lists and executemany batches


def _chunks(items: Sequence[Any], size: int = _CHUNK) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class NoticeRepository(Repository):
    def _insert_statement(self, table: Any, keys: list[str]) -> Any:
        """``INSERT ... ON CONFLICT (keys) DO NOTHING``."""
        dialect = self.session.get_bind().dialect.name
        if dialect == "postgresql":
            return postgresql.insert(table).on_conflict_do_nothing(index_elements=keys)
        if dialect == "sqlite":
            return sqlite.insert(table).on_conflict_do_nothing(index_elements=keys)
        raise NotImplementedError(dialect)  # pragma: no cover - the two databases we run on

    def _insert_ignoring_duplicates(self, table: Any, keys: list[str], rows: list[dict[str, Any]]) -> None:
        if not rows:
            return
        statement = self._insert_statement(table, keys)
        for part in _chunks(rows):
            self.session.execute(statement, list(part))

    # ------------------------------------------------------------ subscriptions

    def subscription(self, channel: str, conversation_id: str, code: str) -> NoticeSubscription | None:
        return self.session.execute(
            select(NoticeSubscription).where(
                NoticeSubscription.channel == channel,
                NoticeSubscription.conversation_id == conversation_id,
                NoticeSubscription.customer_code == code,
            )
        ).scalar_one_or_none()

    def add_subscription(self, subscription: NoticeSubscription) -> NoticeSubscription:
        self.session.add(subscription)
        self.session.flush()
        return subscription

    def remove_subscription(self, subscription: NoticeSubscription) -> None:
        self.session.delete(subscription)
        self.session.flush()

    def subscriptions_of(self, channel: str, conversation_id: str) -> list[NoticeSubscription]:
        """Active subscriptions of a channel user, oldest first."""
        return list(
            self.session.execute(
                select(NoticeSubscription)
                .where(
                    NoticeSubscription.channel == channel,
                    NoticeSubscription.conversation_id == conversation_id,
                    NoticeSubscription.active.is_(True),
                )
                .order_by(NoticeSubscription.id)
            ).scalars()
        )

    def max_subscription_id(self) -> int:
        return self.session.execute(select(func.max(NoticeSubscription.id))).scalar() or 0

    def matching_subscriptions(
        self,
        station_ids: Iterable[int],
        wards: Iterable[tuple[str, str]],
        after_id: int = 0,
    ) -> list[tuple[int, str, str, str, datetime]]:
        """Active subscriptions (id, channel, conversation id, code, created at) whose customer is fed
        by one of the stations, or, for a customer without a known station, lives in one
        of the (province, ward) pairs; the way ``services.outage`` matches schedules."""
        station_ids, wards = sorted(set(station_ids)), sorted(set(wards))
        conditions = []
        if station_ids:
            conditions.append(Customer.station_id.in_(station_ids))
        if wards:
            conditions.append(
                and_(
                    Customer.station_id.is_(None),
                    or_(*(and_(Customer.province == p, Customer.ward == w) for p, w in wards)),
                )
            )
        if not conditions:
            return []
        statement = (
            select(
                NoticeSubscription.id,
                NoticeSubscription.channel,
                NoticeSubscription.conversation_id,
                NoticeSubscription.customer_code,
                NoticeSubscription.created_at,
            )
            .join(Customer, Customer.code == NoticeSubscription.customer_code)
            .where(NoticeSubscription.active.is_(True), NoticeSubscription.id > after_id, or_(*conditions))
            .order_by(NoticeSubscription.id)
        )
        return [tuple(row) for row in self.session.execute(statement)]

    def active_subscribers(self, keys: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
        """Which of these (channel, conversation id) still have an active subscription."""
        keys = sorted(set(keys))
        found: set[tuple[str, str]] = set()
        for part in _chunks(keys):
            conversations = sorted({conversation for _, conversation in part})
            rows = self.session.execute(
                select(NoticeSubscription.channel, NoticeSubscription.conversation_id)
                .where(
                    NoticeSubscription.active.is_(True),
                    NoticeSubscription.conversation_id.in_(conversations),
                )
                .distinct()
            )
            found.update((channel, conversation) for channel, conversation in rows)
        return found & set(keys)

    def subscription_counts(self) -> dict[str, int]:
        rows = self.session.execute(
            select(NoticeSubscription.channel, func.count())
            .where(NoticeSubscription.active.is_(True))
            .group_by(NoticeSubscription.channel)
        )
        return dict(rows.all())

    # ------------------------------------------------------------------- events

    def event(self, kind: str, ref: str, for_update: bool = False) -> NoticeEvent | None:
        statement = select(NoticeEvent).where(NoticeEvent.kind == kind, NoticeEvent.ref == ref)
        if for_update:
            statement = statement.with_for_update()
        return self.session.execute(statement).scalar_one_or_none()

    def register_event(
        self, kind: str, ref: str, fingerprint: str, subscriptions_seen: int, now: datetime
    ) -> tuple[NoticeEvent, bool]:
        """The event's row (locked for this transaction), and whether this call created it:
        another notifier may register the same event at the same moment."""
        values = {
            "kind": kind,
            "ref": ref,
            "version": 1,
            "fingerprint": fingerprint,
            "subscriptions_seen": subscriptions_seen,
            "updated_at": now,
        }
        created = (
            self.session.execute(
                self._insert_statement(NoticeEvent.__table__, ["kind", "ref"]).values(**values)
            ).rowcount
            == 1
        )
        return self.event(kind, ref, for_update=True), created

    def planned_outages_ending_after(self, moment: datetime) -> list[PlannedOutage]:
        """Planned outages not over yet (any status), stations and wards loaded."""
        statement = (
            select(PlannedOutage)
            .where(PlannedOutage.ends_at > moment)
            .order_by(PlannedOutage.starts_at, PlannedOutage.id)
            .options(selectinload(PlannedOutage.stations), selectinload(PlannedOutage.wards))
        )
        return list(self.session.execute(statement).scalars().unique())

    def planned_outage(self, code: str) -> PlannedOutage | None:
        statement = (
            select(PlannedOutage)
            .where(PlannedOutage.code == code)
            .options(selectinload(PlannedOutage.stations), selectinload(PlannedOutage.wards))
        )
        return self.session.execute(statement).scalars().first()

    def incidents_to_watch(self, restored_since: datetime) -> list[Incident]:
        """Open incidents, and incidents restored since ``restored_since``."""
        statement = (
            select(Incident)
            .where(
                or_(
                    Incident.status == IncidentStatus.OPEN.value,
                    and_(
                        Incident.status == IncidentStatus.RESTORED.value,
                        Incident.restored_at >= restored_since,
                    ),
                )
            )
            .order_by(Incident.id)
            .options(selectinload(Incident.stations), selectinload(Incident.wards))
        )
        return list(self.session.execute(statement).scalars().unique())

    # ------------------------------------------------------------------- outbox

    def enqueue(self, rows: list[dict[str, Any]]) -> None:
        """Store notices; one already stored under the same key is left as it is."""
        self._insert_ignoring_duplicates(_OUTBOX, _UNIQUE, rows)

    def event_rows(self, event_ref: str, kinds: Iterable[str]) -> list[NoticeOutboxRow]:
        """Every notice of an event (all versions), oldest first."""
        return list(
            self.session.execute(
                select(NoticeOutboxRow)
                .where(NoticeOutboxRow.event_ref == event_ref, NoticeOutboxRow.kind.in_(list(kinds)))
                .order_by(NoticeOutboxRow.version, NoticeOutboxRow.id)
            ).scalars()
        )

    def supersede_pending(
        self, event_ref: str, kinds: Iterable[str], below_version: int, now: datetime
    ) -> int:
        return self.session.execute(
            update(NoticeOutboxRow)
            .where(
                NoticeOutboxRow.event_ref == event_ref,
                NoticeOutboxRow.kind.in_(list(kinds)),
                NoticeOutboxRow.version < below_version,
                NoticeOutboxRow.status == "pending",
            )
            .values(status="superseded", updated_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount

    def cancel_pending(
        self, channel: str, conversation_id: str, codes: Iterable[str] | None, now: datetime
    ) -> int:
        """The pending notices of a subscriber who unsubscribed (for these codes, or all)."""
        conditions = [
            NoticeOutboxRow.channel == channel,
            NoticeOutboxRow.conversation_id == conversation_id,
            NoticeOutboxRow.status == "pending",
        ]
        if codes is not None:
            conditions.append(NoticeOutboxRow.customer_code.in_(list(codes)))
        return self.session.execute(
            update(NoticeOutboxRow)
            .where(*conditions)
            .values(status="cancelled", last_error="the subscriber unsubscribed", updated_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount

    def claim(
        self,
        token: str,
        limit: int,
        *,
        status: str,
        due_before: datetime | None = None,
        attempt_before: datetime | None = None,
        lease_before: datetime | None = None,
        lease_until: datetime,
        now: datetime,
    ) -> list[NoticeOutboxRow]:
        """Stamp up to ``limit`` rows of ``status`` with this claim token and lease; the rows.

        ``pending`` rows are claimed when both their business time (``due_before``) and
        their next attempt (``attempt_before``) have come; ``sending`` rows when their
        lease ended before ``lease_before`` (their notifier stopped mid-way).
        """
        conditions = [NoticeOutboxRow.status == status]
        if due_before is not None:
            conditions.append(NoticeOutboxRow.due_at <= due_before)
        if attempt_before is not None:
            conditions.append(NoticeOutboxRow.next_attempt_at <= attempt_before)
        if lease_before is not None:
            conditions.append(NoticeOutboxRow.lease_until < lease_before)
        candidates = list(
            self.session.execute(
                select(NoticeOutboxRow.id)
                .where(*conditions)
                .order_by(NoticeOutboxRow.due_at, NoticeOutboxRow.id)
                .limit(limit)
            ).scalars()
        )
        if not candidates:  # nothing due: no write (SQLite's single writer stays free)
            return []
        self.session.execute(
            update(NoticeOutboxRow)
            .where(NoticeOutboxRow.id.in_(candidates), *conditions)
            .values(status="sending", claim_token=token, lease_until=lease_until, updated_at=now)
            .execution_options(synchronize_session=False)
        )
        return list(
            self.session.execute(
                select(NoticeOutboxRow)
                .where(NoticeOutboxRow.claim_token == token, NoticeOutboxRow.status == "sending")
                .order_by(NoticeOutboxRow.due_at, NoticeOutboxRow.id)
                .execution_options(populate_existing=True)
            ).scalars()
        )

    def settle(self, results: list[dict[str, Any]]) -> int:
        """Write outcomes: each dict has ``b_id`` and ``b_token`` (the claim) and the new
        ``status``, ``attempts``, ``next_attempt_at``, ``last_error``,
        ``platform_message_id``, ``sent_at``, ``updated_at``. Rows whose claim changed are
        left alone; the number written."""
        if not results:
            return 0
        statement = (
            update(_OUTBOX)
            .where(_OUTBOX.c.id == bindparam("b_id"), _OUTBOX.c.claim_token == bindparam("b_token"))
            .values(
                status=bindparam("status"),
                attempts=bindparam("attempts"),
                next_attempt_at=bindparam("next_attempt_at"),
                last_error=bindparam("last_error"),
                platform_message_id=bindparam("platform_message_id"),
                sent_at=bindparam("sent_at"),
                updated_at=bindparam("updated_at"),
                claim_token=None,
                lease_until=None,
            )
        )
        written = 0
        for part in _chunks(results):
            outcome = self.session.execute(statement, list(part))
            written += max(outcome.rowcount, 0)
        return written

    def outbox_counts(self, since: datetime | None = None) -> list[tuple[str, str, int]]:
        """(channel, status, count) of the notices created since ``since`` (all without)."""
        statement = select(NoticeOutboxRow.channel, NoticeOutboxRow.status, func.count()).group_by(
            NoticeOutboxRow.channel, NoticeOutboxRow.status
        )
        if since is not None:
            statement = statement.where(NoticeOutboxRow.created_at >= since)
        return [tuple(row) for row in self.session.execute(statement)]

    def event_counts(self, event_ref: str) -> list[tuple[str, str, int]]:
        """(kind, status, count) of one event's notices."""
        statement = (
            select(NoticeOutboxRow.kind, NoticeOutboxRow.status, func.count())
            .where(NoticeOutboxRow.event_ref == event_ref)
            .group_by(NoticeOutboxRow.kind, NoticeOutboxRow.status)
        )
        return [tuple(row) for row in self.session.execute(statement)]

    def counts_by_event(
        self, since: datetime | None, limit: int
    ) -> list[tuple[str, str, str, int, datetime]]:
        """(event ref, kind, status, count, newest notice) of the ``limit`` events whose notices
        were created last (since ``since``), newest event first."""
        newest = func.max(NoticeOutboxRow.created_at).label("newest")
        events = select(NoticeOutboxRow.event_ref, newest).group_by(NoticeOutboxRow.event_ref)
        if since is not None:
            events = events.where(NoticeOutboxRow.created_at >= since)
        newest_first = events.order_by(newest.desc()).limit(limit)
        latest = {ref: _aware(at) for ref, at in self.session.execute(newest_first)}
        if not latest:
            return []
        statement = (
            select(NoticeOutboxRow.event_ref, NoticeOutboxRow.kind, NoticeOutboxRow.status, func.count())
            .where(NoticeOutboxRow.event_ref.in_(list(latest)))
            .group_by(NoticeOutboxRow.event_ref, NoticeOutboxRow.kind, NoticeOutboxRow.status)
        )
        if since is not None:
            statement = statement.where(NoticeOutboxRow.created_at >= since)
        rows = [(r, kind, status, n, latest[r]) for r, kind, status, n in self.session.execute(statement)]
        return sorted(rows, key=lambda row: (row[4], row[0]), reverse=True)

    def problems(self, since: datetime | None, limit: int) -> list[tuple[str, str, str, int]]:
        """(channel, status, reason, count) of refused and failed notices, most frequent first."""
        count = func.count().label("n")
        statement = (
            select(NoticeOutboxRow.channel, NoticeOutboxRow.status, NoticeOutboxRow.last_error, count)
            .where(NoticeOutboxRow.status.in_(("refused", "failed")))
            .group_by(NoticeOutboxRow.channel, NoticeOutboxRow.status, NoticeOutboxRow.last_error)
            .order_by(count.desc())
            .limit(limit)
        )
        if since is not None:
            statement = statement.where(NoticeOutboxRow.created_at >= since)
        return [(c, s, e or "", n) for c, s, e, n in self.session.execute(statement)]

    def notices_sent_since(
        self, channel: str, conversation_ids: Sequence[str], since: datetime, except_claim: str | None = None
    ) -> list[tuple[str, datetime]]:
        """(conversation id, when) of notices sent (or being sent, but not under the claim
        ``except_claim``) to these users since ``since``."""
        found: list[tuple[str, datetime]] = []
        for part in _chunks(sorted(set(conversation_ids))):
            rows = self.session.execute(
                select(NoticeOutboxRow.conversation_id, NoticeOutboxRow.updated_at).where(
                    NoticeOutboxRow.channel == channel,
                    NoticeOutboxRow.conversation_id.in_(list(part)),
                    NoticeOutboxRow.status.in_(("sent", "sending")),
                    NoticeOutboxRow.updated_at >= since,
                    or_(NoticeOutboxRow.claim_token.is_(None), NoticeOutboxRow.claim_token != except_claim)
                    if except_claim
                    else True,
                )
            )
            found.extend((conversation, at) for conversation, at in rows)
        return found

    def forget_settled(self, before: datetime) -> int:
        """Delete settled notices last touched before ``before`` (retention)."""
        return self.session.execute(
            delete(NoticeOutboxRow).where(
                NoticeOutboxRow.status.notin_(("pending", "sending")), NoticeOutboxRow.updated_at < before
            )
        ).rowcount

    # ------------------------------------------------- platform window facts

    def last_inbound(self, channel: str, sender_ids: Sequence[str]) -> dict[str, datetime]:
        """The time of each user's last event received by the channel (its webhook inbox)."""
        found: dict[str, datetime] = {}
        for part in _chunks(sorted(set(sender_ids))):
            rows = self.session.execute(
                select(ChannelInboxEvent.sender_id, func.max(ChannelInboxEvent.received_at))
                .where(ChannelInboxEvent.channel == channel, ChannelInboxEvent.sender_id.in_(list(part)))
                .group_by(ChannelInboxEvent.sender_id)
            )
            for sender, at in rows:
                found[sender] = _aware(at)
        return found

    def replies_since(
        self, channel: str, recipient_ids: Sequence[str], since: datetime
    ) -> list[tuple[str, datetime]]:
        """(recipient, created at) of the channel's own messages (answers) since ``since``."""
        found: list[tuple[str, datetime]] = []
        for part in _chunks(sorted(set(recipient_ids))):
            rows = self.session.execute(
                select(ChannelOutboxMessage.recipient_id, ChannelOutboxMessage.created_at).where(
                    ChannelOutboxMessage.channel == channel,
                    ChannelOutboxMessage.recipient_id.in_(list(part)),
                    ChannelOutboxMessage.created_at >= since,
                    ChannelOutboxMessage.status != "failed",
                )
            )
            found.extend(rows)
        return found


def _aware(value: datetime) -> datetime:
    """Aggregates (MAX) skip the column type's conversion on SQLite: read them like it."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return ChannelInboxEvent.received_at.type.process_result_value(value, None)
