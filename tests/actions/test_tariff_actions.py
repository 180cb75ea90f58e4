"""action_tariff: the table in force, personal calculations, business customers."""

from __future__ import annotations

from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import update

from actions.tariff import ActionTariff
from bot.db.models import Customer
from bot.db.session import session_scope
from bot.services import unit_of_work, verification
from bot.services.verification import Requester
from tests.actions.billing_fixtures import (
    BICH,
    make_tracker,
    texts,
)


async def tariff(domain: dict, text: str, **kw: object) -> str:
    dispatcher = CollectingDispatcher()
    await ActionTariff().run(dispatcher, make_tracker(text, "ask_tariff", **kw), domain)
    return texts(dispatcher)


async def test_table_in_force(demo_db: str, domain: dict) -> None:
    said = await tariff(domain, "giá điện bậc thang hiện nay")
    assert "QĐ 1279/QĐ-BCT" in said and "- Bậc 1 (0–50 kWh): 1.984 đ/kWh" in said and "8%" in said


async def test_personal_calculations(demo_db: str, domain: dict) -> None:
    assert "798.660 đ" in await tariff(domain, "300 số hết bao nhiêu tiền")
    two = await tariff(domain, "2 hộ xài chung 450 số")
    assert "1.111.644 đ" in two and "2 hộ dùng chung công tơ" in two


async def test_households_without_kwh_explains_the_rule(demo_db: str, domain: dict) -> None:
    said = await tariff(domain, "nhà 2 hộ chung đồng hồ thì tính giá sao")
    assert "mỗi bậc được nhân với số hộ" in said and "1.984 đ/kWh" in said


async def test_business_customers_are_told_the_table_does_not_apply(demo_db: str, domain: dict) -> None:
    said = await tariff(domain, "giá điện kinh doanh bao nhiêu")
    assert "không áp dụng" in said and "đ/kWh" not in said
    with unit_of_work() as uow:
        uow.session.execute(update(Customer).where(Customer.code == BICH).values(tariff_group="business"))
        assert verification.verify(uow, BICH, Requester("rest", "shop"), "1321").verified
    try:
        said = await tariff(domain, "300 số hết bao nhiêu", sender="shop", slots={"customer_code": BICH})
        assert "không áp dụng" in said and "798.660" not in said
        # Not verified for that code: nothing about it is revealed, the table is given.
        said = await tariff(domain, "300 số hết bao nhiêu", sender="stranger", slots={"customer_code": BICH})
        assert "798.660 đ" in said
    finally:
        with session_scope() as s:
            s.execute(update(Customer).where(Customer.code == BICH).values(tariff_group="residential"))
