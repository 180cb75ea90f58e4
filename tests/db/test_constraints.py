"""Natural keys and checks hold in the database itself, not only in the importer."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.db.models import ChannelLink, Customer, MeterReading, Ticket
from bot.db.session import session_scope
from tests.db.builders import add_customer, add_invoice, add_reading


def refused(url: str, build: Callable[[Session], object]) -> None:
    """``build`` must fail on flush/commit and leave nothing behind."""
    with pytest.raises(IntegrityError), session_scope(url) as session:
        build(session)
        session.flush()


def test_customer_code_is_unique(clean_db_url: str) -> None:
    with session_scope(clean_db_url) as session:
        add_customer(session)
    refused(clean_db_url, lambda s: add_customer(s, name="Someone else"))
    with session_scope(clean_db_url) as session:
        assert session.execute(select(Customer.name)).scalars().all() == ["Trần Thị Bích"]


def test_customer_code_has_13_characters(clean_db_url: str) -> None:
    refused(clean_db_url, lambda s: add_customer(s, code="PB0501000001"))


def test_one_reading_per_customer_and_day(clean_db_url: str) -> None:
    with session_scope(clean_db_url) as session:
        customer = add_customer(session)
        add_reading(session, customer, date(2026, 10, 15), old_index=1000, kwh=300)
        add_reading(session, add_customer(session, code="PB11020000002"), date(2026, 10, 15), 5, 1)

    def second_reading_same_day(session: Session) -> None:
        customer = session.execute(select(Customer).where(Customer.code == "PB05010000001")).scalar_one()
        add_reading(session, customer, date(2026, 10, 15), old_index=1300, kwh=10)

    refused(clean_db_url, second_reading_same_day)


def test_meter_index_cannot_go_backwards(clean_db_url: str) -> None:
    def backwards(session: Session) -> None:
        customer = add_customer(session)
        session.add(
            MeterReading(
                customer=customer,
                period_start=date(2026, 9, 16),
                period_end=date(2026, 10, 15),
                reading_date=date(2026, 10, 15),
                old_index=1300,
                new_index=1000,
                kwh=0,
            )
        )

    refused(clean_db_url, backwards)


def test_one_invoice_per_customer_and_period_end(clean_db_url: str) -> None:
    with session_scope(clean_db_url) as session:
        add_invoice(session, add_customer(session), date(2026, 10, 15))

    def duplicate(session: Session) -> None:
        customer = session.execute(select(Customer)).scalar_one()
        add_invoice(session, customer, date(2026, 10, 15), kwh=1, subtotal=1984)

    refused(clean_db_url, duplicate)


def test_invoice_total_is_subtotal_plus_vat(clean_db_url: str) -> None:
    def wrong_total(session: Session) -> None:
        invoice = add_invoice(session, add_customer(session), date(2026, 10, 15))
        invoice.total = invoice.total + 1

    refused(clean_db_url, wrong_total)


def test_channel_link_is_unique_per_channel_user_and_code(clean_db_url: str) -> None:
    with session_scope(clean_db_url) as session:
        add_customer(session)
        add_customer(session, code="PB11020000002")
        session.add(ChannelLink(channel="zalo", channel_user_id="u1", customer_code="PB05010000001"))
        # Same user, another code (a family with two meters) and another channel: fine.
        session.add(ChannelLink(channel="zalo", channel_user_id="u1", customer_code="PB11020000002"))
        session.add(ChannelLink(channel="facebook", channel_user_id="u1", customer_code="PB05010000001"))
    refused(
        clean_db_url,
        lambda s: s.add(ChannelLink(channel="zalo", channel_user_id="u1", customer_code="PB05010000001")),
    )


def test_channel_link_needs_a_known_customer(clean_db_url: str) -> None:
    refused(
        clean_db_url,
        lambda s: s.add(ChannelLink(channel="zalo", channel_user_id="u1", customer_code="PB99999999999")),
    )


def test_ticket_number_is_unique(clean_db_url: str) -> None:
    def ticket(number: str) -> Ticket:
        return Ticket(number=number, kind="outage", summary="Mất điện")

    with session_scope(clean_db_url) as session:
        session.add(ticket("SC2611270001"))
    refused(clean_db_url, lambda s: s.add(ticket("SC2611270001")))


def test_enumerated_values_are_checked(clean_db_url: str) -> None:
    refused(clean_db_url, lambda s: add_customer(s, supply_status="cut"))
    refused(clean_db_url, lambda s: s.add(Ticket(number="SC1", kind="party", summary="x")))
