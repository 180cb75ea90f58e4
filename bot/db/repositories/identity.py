"""Who may see what: channel links, verification attempts, the disclosure audit."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, delete, func, select

from bot import clock
from bot.db.models import ChannelLink, DisclosureAudit, VerificationAttempt
from bot.db.repositories.base import Repository
from bot.domain.codes import normalize_code


@dataclass(frozen=True)
class Attempt:
    """A verification attempt as the lock rules replay it."""

    at: datetime
    success: bool
    channel: str
    channel_user_id: str


def hash_channel_user(channel: str, channel_user_id: str) -> str:
    return hashlib.sha256(f"{channel}:{channel_user_id}".encode()).hexdigest()


class IdentityRepository(Repository):
    # ------------------------------------------------------------------ links

    def linked_codes(self, channel: str, channel_user_id: str) -> list[str]:
        statement = (
            select(ChannelLink.customer_code)
            .where(ChannelLink.channel == channel, ChannelLink.channel_user_id == channel_user_id)
            .order_by(ChannelLink.verified_at)
        )
        return list(self.session.execute(statement).scalars())

    def link(self, channel: str, channel_user_id: str, customer_code: str) -> ChannelLink:
        """Record (or refresh) a verified link between a channel user and a customer code."""
        code = normalize_code(customer_code)
        link = (
            self.session.execute(
                select(ChannelLink).where(
                    ChannelLink.channel == channel,
                    ChannelLink.channel_user_id == channel_user_id,
                    ChannelLink.customer_code == code,
                )
            )
            .scalars()
            .first()
        )
        if link is None:
            link = ChannelLink(channel=channel, channel_user_id=channel_user_id, customer_code=code)
            self.session.add(link)
        link.verified_at = clock.now()
        self.session.flush()
        return link

    def unlink(self, channel: str, channel_user_id: str, customer_code: str) -> int:
        """Remove the link; the number of rows removed."""
        return self.session.execute(
            delete(ChannelLink).where(
                ChannelLink.channel == channel,
                ChannelLink.channel_user_id == channel_user_id,
                ChannelLink.customer_code == normalize_code(customer_code),
            )
        ).rowcount

    # -------------------------------------------------------------- attempts

    def record_attempt(
        self, customer_code: str, channel: str, channel_user_id: str, success: bool
    ) -> VerificationAttempt:
        attempt = VerificationAttempt(
            customer_code=normalize_code(customer_code),
            channel=channel,
            channel_user_id=channel_user_id,
            attempted_at=clock.now(),
            success=success,
        )
        self.session.add(attempt)
        self.session.flush()
        return attempt

    def attempts_since(self, customer_code: str, since: datetime) -> list[Attempt]:
        """A code's attempts from any requester since ``since``, oldest first (the lock
        rules replay them: bot.services.verification_locks)."""
        rows = self.session.execute(
            select(
                VerificationAttempt.attempted_at,
                VerificationAttempt.success,
                VerificationAttempt.channel,
                VerificationAttempt.channel_user_id,
            )
            .where(
                VerificationAttempt.customer_code == normalize_code(customer_code),
                VerificationAttempt.attempted_at >= since,
            )
            .order_by(VerificationAttempt.attempted_at, VerificationAttempt.id)
        ).all()
        return [Attempt(row[0], bool(row[1]), row[2], row[3]) for row in rows]

    def failures_since(self, customer_code: str, since: datetime) -> int:
        """Failed attempts on this code, from any channel, since ``since``."""
        statement = select(func.count(VerificationAttempt.id)).where(
            and_(
                VerificationAttempt.customer_code == normalize_code(customer_code),
                VerificationAttempt.attempted_at >= since,
                VerificationAttempt.success.is_(False),
            )
        )
        return int(self.session.execute(statement).scalar_one())

    def verified_codes_since(self, channel: str, channel_user_id: str, since: datetime) -> list[str]:
        """Codes this channel user answered correctly since ``since``, first one first."""
        rows = self.session.execute(
            select(VerificationAttempt.customer_code)
            .where(
                VerificationAttempt.channel == channel,
                VerificationAttempt.channel_user_id == channel_user_id,
                VerificationAttempt.success.is_(True),
                VerificationAttempt.attempted_at >= since,
            )
            .order_by(VerificationAttempt.attempted_at)
        ).scalars()
        return list(dict.fromkeys(rows))

    def forget_successes(self, channel: str, channel_user_id: str, customer_code: str) -> int:
        """Delete this channel user's successful attempts on the code (failures stay)."""
        return self.session.execute(
            delete(VerificationAttempt).where(
                VerificationAttempt.channel == channel,
                VerificationAttempt.channel_user_id == channel_user_id,
                VerificationAttempt.customer_code == normalize_code(customer_code),
                VerificationAttempt.success.is_(True),
            )
        ).rowcount

    # ----------------------------------------------------------------- audit

    def record_disclosure(
        self, customer_code: str, channel: str, channel_user_id: str, disclosed: str
    ) -> DisclosureAudit:
        """Audit that account data (``disclosed``, e.g. "invoice 2026-10") was shown."""
        entry = DisclosureAudit(
            at=clock.now(),
            customer_code=normalize_code(customer_code),
            channel=channel,
            channel_user_hash=hash_channel_user(channel, channel_user_id),
            disclosed=disclosed,
        )
        # Not flushed here: the row goes with the transaction's next flush (usually its
        # commit). On SQLite the first write takes the database's one write lock until the
        # transaction ends, and this audit is written before the answer is worded.
        self.session.add(entry)
        return entry
