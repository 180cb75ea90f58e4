"""The desk reads Rasa's event stream: events published by Rasa's own brokers (SQL, and Pika
to RabbitMQ at 127.0.0.1:5672 when it runs) reach the agent; a restart neither loses nor
repeats anything; "hủy" while waiting cancels and hands back to the bot."""

from __future__ import annotations

import asyncio
import dataclasses
import uuid

import pytest
from aiohttp import web
from sqlalchemy import select

from bot.config import load_settings
from bot.db.models import Handoff, HandoffMessage, HandoffReason
from bot.services import desk_auth, handoff, unit_of_work
from bot.services.handoff import HandoffRequest
from bot.web.desk import setup_desk
from bot.web.desk.broker import EventHandler, PikaEventReader, SqlEventReader
from bot.web.desk.state import desk_state
from tests.support.services import rabbitmq_up


def user(sender: str, text: str, message_id: str, intent: str = "inform") -> dict:
    return {
        "event": "user",
        "sender_id": sender,
        "text": text,
        "message_id": message_id,
        "parse_data": {"intent": {"name": intent, "confidence": 0.9}},
        "input_channel": "callback",
    }


def queue_someone(url: str, who: str) -> int:
    with unit_of_work(url) as uow:
        lan = next(a for a in desk_auth.list_agents(uow) if a.username == "lan")
        _token, info = desk_auth.start_session(uow, lan.id)
        desk_auth.mark_present(uow, info.id, 3600)
        return handoff.open_handoff(uow, HandoffRequest(who, "callback", HandoffReason.REQUEST)).handoff_id


def customer_texts(url: str, handoff_id: int) -> list[str]:
    with unit_of_work(url) as uow:
        rows = uow.session.execute(
            select(HandoffMessage.text)
            .where(HandoffMessage.handoff_id == handoff_id, HandoffMessage.direction == "customer")
            .order_by(HandoffMessage.id)
        )
        return list(rows.scalars())


@pytest.fixture
def desk(desk_db: str):
    """The desk's state (hub, paused set) without a running web server; resumes are recorded."""
    app = web.Application()
    setup_desk(app, dataclasses.replace(load_settings(), database_url=desk_db), background=False)
    resumed: list[str] = []

    async def resume(conversation_id: str) -> None:
        resumed.append(conversation_id)

    handler = EventHandler(desk_db, desk_state(app), resume)
    return handler, resumed


async def test_the_sql_broker_stream_reaches_the_agent_once(desk_db: str, desk, tmp_path) -> None:
    from rasa.core.brokers.sql import SQLEventBroker

    handler, resumed = desk
    broker_url = f"sqlite:///{tmp_path / 'events.db'}"
    broker = SQLEventBroker(host=broker_url)  # Rasa's own broker, as endpoints.yml configures it
    handoff_id = queue_someone(desk_db, "cus-1")
    for event in (
        user("cus-1", "cho gặp nhân viên", "m0", "request_human"),  # before the pause: the bot's
        {"event": "pause", "sender_id": "cus-1"},
        user("someone-else", "xin chào", "x1"),
        user("cus-1", "alo có ai không", "m1"),
        user("cus-1", "mã tôi PB05010000001", "m2"),
    ):
        broker.publish(event)
    reader = SqlEventReader(broker_url, desk_db, handler)
    assert await reader.run_once() == 5
    assert customer_texts(desk_db, handoff_id) == ["alo có ai không", "mã tôi PB05010000001"]
    assert handler.state.paused == {"cus-1"}
    # A restarted desk goes on from where it was: nothing lost, nothing twice.
    broker.publish(user("cus-1", "còn đó không", "m3"))
    restarted = SqlEventReader(broker_url, desk_db, handler)
    assert await restarted.run_once() == 1
    assert (
        customer_texts(desk_db, handoff_id)[-1] == "còn đó không"
        and len(customer_texts(desk_db, handoff_id)) == 3
    )
    # "hủy" while nobody has taken it: cancelled, and the bot is asked to take over.
    broker.publish(user("cus-1", "thôi hủy đi", "m4", "deny"))
    await restarted.run_once()
    with unit_of_work(desk_db) as uow:
        assert uow.session.get(Handoff, handoff_id).status == "cancelled"
    assert resumed == ["cus-1"]
    broker.publish({"event": "resume", "sender_id": "cus-1"})
    broker.publish(user("cus-1", "tiền điện tháng này", "m5", "ask_bill"))
    await restarted.run_once()
    assert handler.state.paused == set() and len(customer_texts(desk_db, handoff_id)) == 4
    reader.close()
    restarted.close()


async def test_a_broken_event_is_skipped(desk_db: str, desk, tmp_path) -> None:
    from rasa.core.brokers.sql import SQLEventBroker

    handler, _ = desk
    broker_url = f"sqlite:///{tmp_path / 'events.db'}"
    broker = SQLEventBroker(host=broker_url)
    with broker.session_scope() as session:
        session.add(broker.SQLBrokerEvent(sender_id="x", data="{not json"))
        session.commit()
    broker.publish({"event": "pause"})  # no sender
    reader = SqlEventReader(broker_url, desk_db, handler)
    assert await reader.run_once() == 2
    assert await reader.run_once() == 0
    reader.close()


@pytest.mark.skipif(not rabbitmq_up(), reason="RabbitMQ not reachable at 127.0.0.1:5672")
async def test_rabbitmq_events_from_rasas_pika_broker_reach_the_agent(
    desk_db: str, desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    import aio_pika

    from bot.rasa.event_broker import broker_from_url

    handler, _ = desk
    queue = f"evn_desk_test_{uuid.uuid4().hex[:8]}"
    monkeypatch.setenv("DESK_EVENTS_QUEUE", queue)
    url = "amqp://guest:guest@127.0.0.1:5672/"
    broker = await broker_from_url(url)
    handoff_id = queue_someone(desk_db, "cus-9")
    reader = PikaEventReader(url, queue, handler)
    task = asyncio.create_task(reader.run())
    try:
        broker.publish({"event": "pause", "sender_id": "cus-9"})
        broker.publish(user("cus-9", "alo tư vấn viên ơi", "p1"))
        for _ in range(100):
            if customer_texts(desk_db, handoff_id):
                break
            await asyncio.sleep(0.1)
        assert customer_texts(desk_db, handoff_id) == ["alo tư vấn viên ơi"]
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await broker.close()
        connection = await aio_pika.connect_robust(url)
        async with connection:
            channel = await connection.channel()
            await channel.queue_delete(queue)
