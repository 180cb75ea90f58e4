"""Verification guards, operator alerts, one-time codes, the SMS outbox, and the purge of
old security rows (the tables of :mod:`bot.db.models.security`)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from bot import clock
from bot.db.models import (
    CodeGuard,
    OneTimeCode,
    RateEvent,
    SecurityAlert,
    SmsOutbox,
    VerificationAttempt,
)
from bot.db.repositories.base import Repository
from bot.domain.codes import normalize_code


class SecurityRepository(Repository):
    # ----------------------------------------------------------------- guards

    def lock_code(self, customer_code: str) -> None:
        """Take the code's guard row until the transaction ends.

        PostgreSQL: the row is created if missing, then ``SELECT ... FOR UPDATE``
        (a concurrent verification of the same code waits here). SQLite: an upsert,
        which as the transaction's first write takes the database write lock (pysqlite
        starts the transaction at that write, so no older snapshot is held and the
        busy timeout applies, as with ``BEGIN IMMEDIATE``); other writers wait.
        Either way, what is read after this call is what the previous holder committed.
        """
        code = normalize_code(customer_code)[:13]
        dialect = self.session.get_bind().dialect.name
        now = clock.now()
        if dialect == "postgresql":
            self.session.execute(
                pg_insert(CodeGuard.__table__)
                .values(customer_code=code, touched_at=now)
                .on_conflict_do_nothing(index_elements=["customer_code"])
            )
            self.session.execute(
                select(CodeGuard.customer_code).where(CodeGuard.customer_code == code).with_for_update()
            )
            return
        if dialect != "sqlite":
            raise NotImplementedError(f"verification guards on {dialect}")
        statement = sqlite_insert(CodeGuard.__table__).values(customer_code=code, touched_at=now)
        self.session.execute(
            statement.on_conflict_do_update(
                index_elements=["customer_code"], set_={"touched_at": statement.excluded.touched_at}
            )
        )

    # ----------------------------------------------------------------- alerts

    def open_alert(self, kind: str, subject: str, since: datetime) -> SecurityAlert | None:
        """The alert of this kind and subject still open (not acknowledged, seen since ``since``)."""
        statement = (
            select(SecurityAlert)
            .where(
                SecurityAlert.kind == kind,
                SecurityAlert.subject == subject,
                SecurityAlert.last_at >= since,
                SecurityAlert.acknowledged_at.is_(None),
            )
            .order_by(SecurityAlert.last_at.desc())
            .limit(1)
        )
        return self.session.execute(statement).scalars().first()

    def add_alert(self, kind: str, subject: str, count: int, at: datetime) -> SecurityAlert:
        alert = SecurityAlert(kind=kind, subject=subject[:80], count=count, first_at=at, last_at=at)
        self.session.add(alert)
        self.session.flush()
        return alert

    def alerts(self, since: datetime, include_acknowledged: bool, limit: int) -> list[SecurityAlert]:
        conditions = [SecurityAlert.last_at >= since]
        if not include_acknowledged:
            conditions.append(SecurityAlert.acknowledged_at.is_(None))
        statement = (
            select(SecurityAlert).where(*conditions).order_by(SecurityAlert.last_at.desc()).limit(limit)
        )
        return list(self.session.execute(statement).scalars())

    def acknowledge_alert(self, alert_id: int, by: str, at: datetime) -> bool:
        result = self.session.execute(
            update(SecurityAlert)
            .where(SecurityAlert.id == alert_id, SecurityAlert.acknowledged_at.is_(None))
            .values(acknowledged_at=at, acknowledged_by=by[:100])
            .execution_options(synchronize_session=False)
        )
        return result.rowcount > 0

    # ------------------------------------------------------- one-time codes

    def add_one_time_code(self, row: OneTimeCode) -> OneTimeCode:
        self.session.add(row)
        self.session.flush()
        return row

    def pending_one_time_codes(
        self, customer_code: str, channel: str, channel_user_id: str, now: datetime
    ) -> list[OneTimeCode]:
        """This requester's unused, unexpired codes for the customer code, newest first."""
        statement = (
            select(OneTimeCode)
            .where(
                OneTimeCode.customer_code == normalize_code(customer_code),
                OneTimeCode.channel == channel,
                OneTimeCode.channel_user_id == channel_user_id,
                OneTimeCode.used_at.is_(None),
                OneTimeCode.expires_at > now,
            )
            .order_by(OneTimeCode.issued_at.desc(), OneTimeCode.id.desc())
        )
        return list(self.session.execute(statement).scalars())

    def one_time_codes_issued(
        self,
        since: datetime,
        customer_code: str | None = None,
        channel: str | None = None,
        channel_user_id: str | None = None,
    ) -> int:
        """How many codes were issued since ``since`` for a customer code and/or a requester."""
        conditions = [OneTimeCode.issued_at >= since]
        if customer_code is not None:
            conditions.append(OneTimeCode.customer_code == normalize_code(customer_code))
        if channel is not None:
            conditions.append(OneTimeCode.channel == channel)
        if channel_user_id is not None:
            conditions.append(OneTimeCode.channel_user_id == channel_user_id)
        return int(self.session.execute(select(func.count(OneTimeCode.id)).where(*conditions)).scalar_one())

    # ------------------------------------------------------------------ outbox

    def add_sms(self, row: SmsOutbox) -> SmsOutbox:
        self.session.add(row)
        self.session.flush()
        return row

    def outbox(self, since: datetime, limit: int) -> list[SmsOutbox]:
        statement = (
            select(SmsOutbox)
            .where(SmsOutbox.created_at >= since)
            .order_by(SmsOutbox.created_at.desc(), SmsOutbox.id.desc())
            .limit(limit)
        )
        return list(self.session.execute(statement).scalars())

    # ------------------------------------------------------------------- purge

    def clear_expired_sms_bodies(self, now: datetime, placeholder: str) -> int:
        """Blank the text (the one-time code) of messages whose code has expired."""
        return self.session.execute(
            update(SmsOutbox)
            .where(SmsOutbox.expires_at <= now, SmsOutbox.body != placeholder)
            .values(body=placeholder)
            .execution_options(synchronize_session=False)
        ).rowcount

    def purge_attempts_before(self, before: datetime) -> int:
        return self.session.execute(
            delete(VerificationAttempt).where(VerificationAttempt.attempted_at < before)
        ).rowcount

    def purge_one_time_codes_before(self, before: datetime) -> int:
        return self.session.execute(delete(OneTimeCode).where(OneTimeCode.issued_at < before)).rowcount

    def purge_sms_before(self, before: datetime) -> int:
        return self.session.execute(delete(SmsOutbox).where(SmsOutbox.created_at < before)).rowcount

    def purge_rate_events_before(self, before: datetime) -> int:
        return self.session.execute(delete(RateEvent).where(RateEvent.at < before)).rowcount

    def purge_guards_before(self, before: datetime) -> int:
        return self.session.execute(delete(CodeGuard).where(CodeGuard.touched_at < before)).rowcount

    def purge_alerts_before(self, before: datetime) -> int:
        return self.session.execute(delete(SecurityAlert).where(SecurityAlert.last_at < before)).rowcount
