"""How the tracker store and the SQL event broker write (bot/rasa/stores.py,
bot/rasa/event_broker.py): the new events of a save go to the broker in one batch and to
the tracker store in one transaction, off the event loop, in order; SQLite files get
pooled connections, WAL and synchronous=NORMAL."""

from __future__ import annotations

import asyncio
import json
import threading

from rasa.core.brokers.broker import EventBroker
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import create_engine, text
from sqlalchemy.pool import QueuePool

from bot.rasa.event_broker import BatchSQLEventBroker, broker_from_url
from bot.rasa.stores import RedactingSQLTrackerStore

DOMAIN = Domain.from_dict({"slots": {"awaiting": {"type": "any", "mappings": [{"type": "custom"}]}}})


class BatchBroker(EventBroker):
    def __init__(self) -> None:
        self.batches: list[list[dict]] = []
        self.threads: set[str] = set()

    def publish(self, event: dict) -> None:  # pragma: no cover - the batch is used
        raise AssertionError("published one by one")

    def publish_many(self, events: list[dict]) -> None:
        self.threads.add(threading.current_thread().name)
        self.batches.append(list(events))


class LoopBroker(EventBroker):
    """A broker without publish_many (like Rasa's Pika broker): published on the loop."""

    def __init__(self) -> None:
        self.published: list[dict] = []
        self.threads: set[str] = set()

    def publish(self, event: dict) -> None:
        self.threads.add(threading.current_thread().name)
        self.published.append(event)


def turn(text: str, answer: str) -> list:
    return [
        ActionExecuted("action_listen"),
        UserUttered(text, {"name": "greet", "confidence": 1.0}),
        ActionExecuted("action_converse"),
        BotUttered(answer),
        SlotSet("awaiting", None),
    ]


def rows(url: str, table_query: str) -> list:
    engine = create_engine(url)
    with engine.connect() as connection:
        found = connection.execute(text(table_query)).all()
    engine.dispose()
    return found


async def test_each_save_publishes_one_batch_and_stores_the_new_events_in_order(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    broker = BatchBroker()
    store = RedactingSQLTrackerStore(domain=DOMAIN, host=url, event_broker=broker)
    tracker = DialogueStateTracker.from_events(
        "s1", turn("xin chào", "Dạ, em chào anh/chị"), slots=DOMAIN.slots
    )
    await store.save(tracker)
    for event in turn("cảm ơn", "Dạ, không có gì ạ"):
        tracker.update(event)
    await store.save(tracker)
    await store.save(tracker)  # nothing new: nothing published, nothing stored
    assert [len(batch) for batch in broker.batches] == [5, 5]
    assert all(name.startswith("tracker-store") for name in broker.threads)  # not the event loop
    stored = [json.loads(data) for (data,) in rows(url, "SELECT data FROM events ORDER BY id")]
    assert [e.get("text") for e in stored if e["event"] in ("user", "bot")] == [
        "xin chào",
        "Dạ, em chào anh/chị",
        "cảm ơn",
        "Dạ, không có gì ạ",
    ]
    assert [b["sender_id"] for batch in broker.batches for b in batch] == ["s1"] * 10
    again = await store.retrieve("s1")
    assert [e.as_dict() for e in again.events] == [e.as_dict() for e in tracker.events]


async def test_a_broker_of_the_event_loop_is_published_on_the_loop(tmp_path) -> None:
    broker = LoopBroker()
    store = RedactingSQLTrackerStore(
        domain=DOMAIN, host=f"sqlite:///{tmp_path / 't.db'}", event_broker=broker
    )
    tracker = DialogueStateTracker.from_events("s2", turn("alo", "Dạ"), slots=DOMAIN.slots)
    await store.save(tracker)
    assert len(broker.published) == 5 and broker.threads == {threading.current_thread().name}


async def test_sqlite_files_are_pooled_in_wal_mode(tmp_path) -> None:
    store = RedactingSQLTrackerStore(domain=DOMAIN, host=f"sqlite:///{tmp_path / 't.db'}")
    assert isinstance(store.engine.pool, QueuePool)
    with store.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL


async def test_the_sql_broker_writes_a_batch_in_order_like_rasas_own(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'events.db'}"
    broker = await broker_from_url(url, asyncio.get_running_loop())
    assert isinstance(broker, BatchSQLEventBroker)
    broker.publish_many([{"sender_id": "a", "event": "user", "text": str(n)} for n in range(3)])
    broker.publish({"sender_id": "b", "event": "bot", "text": "one by one still works"})
    broker.publish_many([])
    found = rows(url, "SELECT sender_id, data FROM events ORDER BY id")
    assert [(sender, json.loads(data)["text"]) for sender, data in found] == [
        ("a", "0"),
        ("a", "1"),
        ("a", "2"),
        ("b", "one by one still works"),
    ]
