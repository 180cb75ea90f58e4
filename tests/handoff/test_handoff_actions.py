"""The actions the desk runs on a handed-over conversation, with real rasa-sdk trackers on a
migrated SQLite database; and the engine's handoff (asking for a person, the callback,
the rating) through bot.dialogue.run_turn, as action_converse runs it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import delete, select

from actions import handoff as actions
from bot import clock
from bot.db import migrate
from bot.db.models import Handoff, HandoffCallback, HandoffRating, metadata
from bot.dialogue import Entity, State, Turn, from_slots, run_turn
from bot.dialogue.state import AWAIT_CALLBACK_PHONE, AWAIT_CALLBACK_TIME, AWAIT_RATING
from bot.dialogue.topics.human import rating_from_text
from bot.services import desk_auth, handoff, handoff_desk, unit_of_work
from bot.services.verification import Requester
from tests.db.builders import add_customer
from tests.handoff.conftest import OPEN_HOURS, PASSWORD, online

DOMAIN: dict[str, Any] = {}
ASK = "cho tôi nói chuyện với nhân viên"


@pytest.fixture(scope="module")
def action_db_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('handoff-actions') / 'utility.db'}"
    migrate.upgrade(url)
    return url


@pytest.fixture
def db(action_db_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The configured database, with agent Lan online (desk page open); emptied afterwards."""
    monkeypatch.setenv("DATABASE_URL", action_db_url)
    with clock.frozen(OPEN_HOURS):
        with unit_of_work(action_db_url) as uow:
            online(uow, desk_auth.create_agent(uow, "lan", "Lan", PASSWORD), seconds=8 * 3600)
        yield action_db_url
    with unit_of_work(action_db_url) as uow:
        for table in reversed(metadata.sorted_tables):
            uow.session.execute(delete(table))


class Customer:
    """A conversation through the engine, as action_converse runs it."""

    def __init__(self, url: str, sender: str = "cus-1", channel: str = "callback") -> None:
        self.url, self.sender, self.channel = url, sender, channel
        self.state = State()
        self.recent: list[str] = []
        self.paused = False

    def say(self, text: str, intent: str = "inform", **entities: str) -> str:
        turn = Turn(
            text=text,
            intents=(intent,),
            entities=tuple(Entity(name, value) for name, value in entities.items()),
            channel=self.channel,
            requester=Requester(self.channel, self.sender),
            recent=tuple(self.recent[-6:]),
            conversation_id=self.sender,
        )
        outcome = run_turn(turn, self.state, self.url)
        self.state, self.paused = outcome.state, outcome.pause
        said = "\n".join(m.text for m in outcome.messages)
        self.recent += [f"khách: {text}", *(f"bot: {m.text}" for m in outcome.messages)]
        return said


def only_handoff(url: str) -> Handoff:
    with unit_of_work(url) as uow:
        return uow.session.execute(select(Handoff)).scalar_one()


def tracker(sender: str = "cus-1", paused: bool = True, slots: dict | None = None) -> Tracker:
    return Tracker(sender, dict(slots or {}), {"text": ""}, [], paused, None, {}, "action_listen")


async def run(action: Any, state: Tracker) -> tuple[str, list[dict], list[dict]]:
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, state, DOMAIN)
    said = "\n".join(m.get("text") or "" for m in dispatcher.messages)
    buttons = [b for m in dispatcher.messages for b in m.get("buttons") or []]
    return said, events, buttons


def kinds(events: list[dict]) -> list[str]:
    return [e["event"] for e in events]


def slots(events: list[dict]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}


# -------------------------------------------------------------- the engine's side


def test_asking_for_a_person_queues_pauses_and_summarises(db: str) -> None:
    customer = Customer(db)
    customer.recent = ["khách: tiền điện tháng 10 bao nhiêu", "bot: Dạ tháng 10/2026: 300 kWh, 798.660 đ."]
    said = customer.say(ASK, "request_human")
    assert "Anh/chị là người tiếp theo" in said and "khoảng 6 phút" in said and '"hủy"' in said
    assert "không cần nhắc lại" in said and customer.paused
    row = only_handoff(db)
    assert (row.status, row.channel, row.reason, row.priority) == ("waiting", "callback", "request", 3)
    assert customer.state.handoff == str(row.id)
    with unit_of_work(db) as uow:
        summary = handoff_desk.handoff_detail(uow, row.id).summary
    assert "request_human" in summary.intents and "798.660 đ" in summary.figures
    assert summary.last_messages[-1]["text"] == ASK


def test_a_hazard_in_the_conversation_makes_it_urgent(db: str) -> None:
    customer = Customer(db)
    customer.state = from_slots({"ticket": {"number": "SC2611270001", "kind": "hazard"}, "topic": "hazard"})
    said = customer.say("cho gặp nhân viên gấp", "request_human")
    assert "xử lý gấp" in said and "19001006" in said and customer.paused
    assert (only_handoff(db).reason, only_handoff(db).priority) == ("hazard", 1)


def test_a_locked_verification_is_the_reason(db: str) -> None:
    with unit_of_work(db) as uow:
        add_customer(uow.session)
        for _ in range(3):
            uow.identity.record_attempt("PB05010000001", "callback", "cus-1", False)  # this customer
    customer = Customer(db)
    customer.state = from_slots({"customer_code": "PB05010000001"})
    customer.say("gặp nhân viên", "request_human")
    row = only_handoff(db)
    assert (row.reason, row.priority, row.customer_code, row.verified) == (
        "verification_lock", 2, "PB05010000001", False,
    )  # fmt: skip


def test_out_of_hours_a_callback_is_arranged(db: str) -> None:
    customer = Customer(db)
    with clock.frozen("2026-11-27T22:30"):
        said = customer.say(ASK, "request_human")
        assert "ngoài giờ làm việc" in said and "07:00 ngày 28/11/2026" in said and "19001006" in said
        assert "số điện thoại" in said and not customer.paused
        assert customer.state.awaiting.kind == AWAIT_CALLBACK_PHONE
        assert "10 số" in customer.say("0123")
        asked = customer.say("số tui 0908 111 321", phone="0908111321")
        assert "số 0908 111 321" in asked and "T2-CN 07:00-21:00" in asked
        assert customer.state.awaiting.kind == AWAIT_CALLBACK_TIME
        done = customer.say(
            "sáng mai nha", "ask_outage_schedule", date="relative_day:+1", time="part:morning"
        )
    assert "0908 111 321 từ 07:00 đến 11:30 ngày 28/11/2026" in done and "19001006" in done
    assert customer.state.awaiting is None
    with unit_of_work(db) as uow:
        callback = uow.session.execute(select(HandoffCallback)).scalar_one()
        assert (callback.phone, callback.phone_confirmed) == ("0908111321", True)


def test_the_callback_can_be_cancelled(db: str) -> None:
    customer = Customer(db)
    with clock.frozen("2026-11-27T22:30"):
        customer.say(ASK, "request_human")
        customer.say("thôi khỏi", "cancel")
    assert only_handoff(db).status == "cancelled" and customer.state.handoff is None


def test_a_channel_agents_cannot_write_to_gets_a_callback(db: str) -> None:
    said = Customer(db, channel="rest").say(ASK, "request_human")
    assert "chưa nhận được tin nhắn trực tiếp" in said


def test_a_second_misunderstanding_offers_a_person_without_queueing(db: str) -> None:
    customer = Customer(db)
    customer.say("abc xyz", "nlu_fallback")
    said = customer.say("qwe rty", "nlu_fallback")
    assert "19001006" in said
    with unit_of_work(db) as uow:
        assert uow.session.execute(select(Handoff)).first() is None


# ------------------------------------------------------------------ desk actions


async def test_agent_messages_are_delivered_once(db: str) -> None:
    Customer(db).say(ASK, "request_human")
    with unit_of_work(db) as uow:
        handoff_id = only_handoff(db).id
        lan = desk_auth.list_agents(uow)[0]
        handoff_desk.take(uow, handoff_id, lan.id)
        handoff_desk.add_agent_message(uow, handoff_id, lan.id, "Dạ em kiểm tra hóa đơn tháng 10 ạ")
    said, events, _ = await run(actions.ActionAgentMessage(), tracker())
    assert "Dạ em là Lan" in said and "hóa đơn tháng 10" in said and events == []
    assert (await run(actions.ActionAgentMessage(), tracker()))[0] == ""


async def test_closing_resumes_asks_a_rating_and_the_engine_stores_it(db: str) -> None:
    customer = Customer(db)
    customer.say(ASK, "request_human")
    with unit_of_work(db) as uow:
        lan = desk_auth.list_agents(uow)[0]
        handoff_desk.take(uow, only_handoff(db).id, lan.id)
        handoff_desk.close(uow, only_handoff(db).id, lan.id, "resolved")
    said, events, buttons = await run(actions.ActionHandoffClosed(), tracker())
    assert "Tư vấn viên Lan đã kết thúc" in said and "từ 1" in said
    assert [b["payload"] for b in buttons] == ["5", "4", "3", "2", "1"]
    assert kinds(events) == ["resume", "slot", "slot"] and slots(events)["handoff"] is None
    customer.state = customer.state.but(**{"awaiting": from_slots(slots(events)).awaiting, "handoff": None})
    assert customer.state.awaiting.kind == AWAIT_RATING
    again, events, _ = await run(actions.ActionHandoffClosed(), tracker())
    assert again == "" and kinds(events) == ["resume"]  # a retried request says nothing twice
    assert "5/5" in customer.say("5 sao nha")
    with unit_of_work(db) as uow:
        assert uow.session.execute(select(HandoffRating.score)).scalar_one() == 5


def test_a_message_that_is_no_rating_is_answered_as_usual(db: str) -> None:
    customer = Customer(db)
    customer.state = from_slots({"awaiting": {"kind": "rating"}})
    said = customer.say("xin chào", "greet")
    assert "Dạ" in said and customer.state.awaiting is None


@pytest.mark.parametrize(
    ("text", "score"),
    [("5", 5), ("1 sao", 1), ("chấm 4 điểm", 4), ("tốt lắm, 5 sao", 5), ("10", None), ("1 hay 5", None),
     ("15/10/2026", None), ("ok", None), ("5" * 100, None)],
)  # fmt: skip
def test_ratings_in_words(text: str, score: int | None) -> None:
    assert rating_from_text(text) == score


async def test_cancelling_while_waiting_is_announced_by_the_closing_action(db: str) -> None:
    Customer(db).say(ASK, "request_human")
    with unit_of_work(db) as uow:
        assert handoff.cancel_by_customer(uow, "cus-1").cancelled
    said, events, buttons = await run(actions.ActionHandoffClosed(), tracker())
    assert "đã hủy yêu cầu" in said and buttons == [] and slots(events)["awaiting"] is None


async def test_a_new_session_keeps_an_open_handoff_paused(db: str) -> None:
    Customer(db).say(ASK, "request_human")
    _, events, _ = await run(actions.ActionSessionStart(), tracker(slots={"customer_code": "PB05010000001"}))
    assert kinds(events) == ["session_started", "slot", "pause", "action"]
    _, events, _ = await run(actions.ActionSessionStart(), tracker("someone-else"))
    assert kinds(events) == ["session_started", "action"]


def test_a_database_that_is_down_gets_the_apology() -> None:
    turn = Turn(
        text=ASK, intents=("request_human",), channel="callback", requester=Requester("callback", "x")
    )
    outcome = run_turn(turn, State(), "sqlite:////proc/no-such-dir/utility.db")
    assert "19001006" in outcome.messages[0].text and not outcome.pause
