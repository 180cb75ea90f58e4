"""Operator alerts: spikes of verification failures, networks and codes under attack.

An alert is a log line (WARNING, no personal data: subjects are customer codes, hashed
networks or "global") and a row the agent desk lists (``security_alerts``). While an
alert of the same kind and subject is open (not acknowledged, seen in the last
:data:`REOPEN_AFTER`), a new event only bumps its count and time, so a sustained
attack is one row, not thousands.

For the desk: :func:`recent_alerts` (newest first) and :func:`acknowledge`.
"""

from __future__ import annotations

import enum
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot import clock
from bot.db.models import SecurityAlert
from bot.db.uow import UnitOfWork

log = logging.getLogger(__name__)

REOPEN_AFTER = timedelta(hours=1)
DESK_WINDOW = timedelta(days=7)
DESK_LIMIT = 50


class AlertKind(enum.StrEnum):
    FAILURE_SPIKE = "failure_spike"  # wrong verification answers from everyone, per 5 minutes
    NETWORK_LIMITED = "network_limited"  # one client network hit its failure limit
    CODE_LOCKED = "code_locked"  # one customer code got too many wrong answers from everyone


@dataclass(frozen=True)
class AlertView:
    """An alert as the desk shows it."""

    id: int
    kind: AlertKind
    subject: str  # "global", a customer code, or "net:<hash>"
    count: int
    first_at: datetime
    last_at: datetime
    acknowledged_at: datetime | None
    acknowledged_by: str | None

    @property
    def open(self) -> bool:
        return self.acknowledged_at is None


def _view(alert: SecurityAlert) -> AlertView:
    return AlertView(
        id=alert.id,
        kind=AlertKind(alert.kind),
        subject=alert.subject,
        count=alert.count,
        first_at=alert.first_at,
        last_at=alert.last_at,
        acknowledged_at=alert.acknowledged_at,
        acknowledged_by=alert.acknowledged_by,
    )


def raise_alert(
    uow: UnitOfWork, kind: AlertKind, subject: str, count: int = 1, now: datetime | None = None
) -> AlertView:
    """Open an alert, or bump the open one of the same kind and subject."""
    now = now or clock.now()
    alert = uow.security.open_alert(str(kind), subject, now - REOPEN_AFTER)
    if alert is None:
        alert = uow.security.add_alert(str(kind), subject, max(count, 1), now)
        log.warning("security alert %s: %s (%d)", kind.value, subject, alert.count)
    else:
        alert.count = max(alert.count + 1, count)
        alert.last_at = now
        uow.flush()
    return _view(alert)


def recent_alerts(
    uow: UnitOfWork,
    since: datetime | None = None,
    include_acknowledged: bool = False,
    limit: int = DESK_LIMIT,
) -> list[AlertView]:
    """The desk's list: alerts seen since ``since`` (default: the last 7 days), newest first."""
    since = since or clock.now() - DESK_WINDOW
    return [_view(a) for a in uow.security.alerts(since, include_acknowledged, max(1, min(limit, 500)))]


def acknowledge(uow: UnitOfWork, alert_id: int, agent: str, now: datetime | None = None) -> bool:
    """An agent has seen the alert; False when it does not exist or was already acknowledged."""
    return uow.security.acknowledge_alert(int(alert_id), agent or "?", now or clock.now())
