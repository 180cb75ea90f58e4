"""The demo database the billing, meter, identity and request tests run on.

Made once per session for today = 27/11/2026 (the e2e clock) with a few generated
customers besides the three fixture customers (tests/conftest.py: ``demo_db_url``,
``demo_db``). Names and phone numbers are fictional and must never be shown.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import delete

from bot.db.models import (
    ChannelLink,
    CodeGuard,
    DisclosureAudit,
    OneTimeCode,
    RateEvent,
    SecurityAlert,
    SmsOutbox,
    Ticket,
    TicketCounter,
    VerificationAttempt,
)
from bot.db.session import session_scope

TODAY = date(2026, 11, 27)
NOW = "2026-11-27T09:00:00"
BICH, CUONG, DUNG = "PB05010000001", "PB11020000002", "PB14030000003"
DIGITS = {BICH: "1321", CUONG: "2654", DUNG: "3987"}
PHONES = ("0908111321", "0939222654", "0918333987")
NAMES = ("Trần Thị Bích", "Lê Văn Cường", "Nguyễn Hoàng Dũng")
GENERATED_CUSTOMERS = 12
IDENTITY_TABLES = (
    VerificationAttempt,
    ChannelLink,
    DisclosureAudit,
    Ticket,
    TicketCounter,
    CodeGuard,
    RateEvent,
    SecurityAlert,
    OneTimeCode,
    SmsOutbox,
)


def reset_identity(url: str) -> None:
    """Forget verifications, links, disclosures, tickets and security rows (what tests write)."""
    with session_scope(url) as session:
        for table in IDENTITY_TABLES:
            session.execute(delete(table))
