"""Rasa builds its event broker from endpoints.yml through bot.rasa.event_broker: the SQL
broker by default, Rasa's Pika broker for an amqp:// URL (production, environment only)."""

from __future__ import annotations

import pytest
import yaml
from rasa.core.brokers.broker import EventBroker
from rasa.core.brokers.pika import PikaEventBroker
from rasa.core.brokers.sql import SQLEventBroker
from rasa.utils.endpoints import EndpointConfig

from bot.config import PROJECT_ROOT, event_broker_kind, runtime_environment
from tests.support.services import rabbitmq_up

TYPE = "bot.rasa.event_broker.UrlEventBroker"


def test_endpoints_name_our_broker_and_its_url_variable() -> None:
    endpoints = yaml.safe_load((PROJECT_ROOT / "endpoints.yml").read_text())
    assert endpoints["event_broker"] == {"type": TYPE, "url": "${EVENT_BROKER_URL}"}


def test_the_default_is_an_sql_file_of_its_own_beside_the_others(tmp_path) -> None:
    env = runtime_environment({"BOT_VAR_DIR": str(tmp_path)})
    assert env["EVENT_BROKER_URL"] == f"sqlite:///{tmp_path / 'events.db'}"
    assert env["EVENT_BROKER_URL"] != env["TRACKER_STORE_URL"]  # both tables are named "events"
    assert runtime_environment({"EVENT_BROKER_URL": "amqp://u:p@mq:5672/"})["EVENT_BROKER_URL"].startswith(
        "amqp"
    )


@pytest.mark.parametrize(
    ("url", "kind"),
    [("sqlite:///x.db", "sql"), ("postgresql://u@h/db", "sql"), ("postgresql+psycopg2://u@h/db", "sql"),
     ("amqp://guest:guest@127.0.0.1:5672/", "pika"), ("amqps://mq/", "pika"), ("", "none"), (None, "none")],
)  # fmt: skip
def test_broker_kinds(url: str | None, kind: str) -> None:
    assert event_broker_kind(url) == kind


def test_an_unknown_scheme_is_refused_with_the_reason() -> None:
    with pytest.raises(ValueError, match="EVENT_BROKER_URL"):
        event_broker_kind("redis://localhost:6379/0")


async def test_rasa_creates_its_sql_broker(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'events.db'}"
    broker = await EventBroker.create(EndpointConfig(url=url, type=TYPE))
    assert isinstance(broker, SQLEventBroker) and str(broker.engine.url) == url
    broker.publish({"event": "user", "sender_id": "a", "text": "alo"})
    with broker.session_scope() as session:
        assert session.query(broker.SQLBrokerEvent).count() == 1


@pytest.mark.skipif(not rabbitmq_up(), reason="RabbitMQ not reachable at 127.0.0.1:5672")
async def test_rasa_creates_its_pika_broker_for_amqp(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DESK_EVENTS_QUEUE", "evn_desk_events_config_test")
    broker = await EventBroker.create(EndpointConfig(url="amqp://guest:guest@127.0.0.1:5672/", type=TYPE))
    try:
        assert isinstance(broker, PikaEventBroker) and broker.is_ready()
        assert list(broker.queues) == ["evn_desk_events_config_test"]
    finally:
        await broker.close()
        import aio_pika

        connection = await aio_pika.connect_robust("amqp://guest:guest@127.0.0.1:5672/")
        async with connection:
            await (await connection.channel()).queue_delete("evn_desk_events_config_test")
