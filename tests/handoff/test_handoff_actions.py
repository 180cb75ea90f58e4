"""The handoff actions with real rasa-sdk trackers, on a migrated SQLite database."""

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
from bot.services import desk_auth, handoff_desk, unit_of_work
from bot.services.handoff_summary import HandoffSummary
from tests.db.builders import add_customer
from tests.handoff.conftest import OPEN_HOURS, PASSWORD, online

DOMAIN: dict[str, Any] = {}
ASK = "cho tôi nói chuyện với nhân viên"
HISTORY = [
    {"event": "user", "text": "tiền điện tháng 10 bao nhiêu", "parse_data": {"intent": {"name": "ask_bill"}}},
    {"event": "bot", "text": "Dạ tháng 10/2026: 300 kWh, 798.660 đ."},
]


@pytest.fixture(scope="module")
def action_db_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('handoff-actions') / 'utility.db'}"
    migrate.upgrade(url)
    return url


@pytest.fixture
def db(action_db_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The configured database for the actions, with agent Lan online; emptied afterwards."""
    monkeypatch.setenv("DATABASE_URL", action_db_url)
    with clock.frozen(OPEN_HOURS):
        with unit_of_work(action_db_url) as uow:
            online(uow, desk_auth.create_agent(uow, "lan", "Lan", PASSWORD), seconds=8 * 3600)
        yield action_db_url
    with unit_of_work(action_db_url) as uow:
        for table in reversed(metadata.sorted_tables):
            uow.session.execute(delete(table))


def tracker(
    text: str,
    intent: str = "inform",
    *,
    sender: str = "cus-1",
    channel: str = "callback",
    slots: dict[str, Any] | None = None,
    entities: list[dict[str, Any]] | None = None,
    history: list[dict[str, Any]] | None = None,
    paused: bool = False,
    active_loop: str | None = None,
) -> Tracker:
    parse = {"text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": entities or []}
    user = {"event": "user", "text": text, "parse_data": parse, "input_channel": channel}
    return Tracker(
        sender, dict(slots or {}), parse, [*(history or []), user], paused, None,
        {"name": active_loop} if active_loop else {}, "action_listen",
    )  # fmt: skip


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


def only_handoff(url: str) -> Handoff:
    with unit_of_work(url) as uow:
        return uow.session.execute(select(Handoff)).scalar_one()


async def test_asking_for_a_person_queues_pauses_and_summarises(db: str) -> None:
    state = tracker("cho tôi nói chuyện với nhân viên", "request_human", history=HISTORY)
    said, events, _ = await run(actions.ActionHandoffRequest(), state)
    assert "Anh/chị là người tiếp theo" in said and "khoảng 6 phút" in said and '"hủy"' in said
    assert "không cần nhắc lại" in said
    assert kinds(events)[-1] == "pause" and slots(events)["handoff"]
    row = only_handoff(db)
    assert (row.status, row.channel, row.reason, row.priority) == ("waiting", "callback", "request", 3)
    summary = HandoffSummary.from_json(row.summary)
    assert summary.intents == ["request_human", "ask_bill"] and "798.660 đ" in summary.figures
    assert summary.last_messages[-1] == {
        "speaker": "customer",
        "text": "cho tôi nói chuyện với nhân viên",
        "at": None,
    }


async def test_a_hazard_in_the_conversation_makes_it_urgent(db: str) -> None:
    hazard = [
        {
            "event": "user",
            "text": "dây điện đứt rớt xuống đường",
            "parse_data": {"intent": {"name": "report_hazard"}},
        }
    ]
    state = tracker(
        "cho gặp nhân viên gấp", "request_human", history=hazard, slots={"hazard_ticket": "SC2611270001"}
    )
    said, events, _ = await run(actions.ActionHandoffRequest(), state)
    assert "xử lý gấp" in said and "19001006" in said and kinds(events)[-1] == "pause"
    assert (only_handoff(db).reason, only_handoff(db).priority) == ("hazard", 1)


async def test_a_locked_verification_is_the_reason(db: str) -> None:
    with unit_of_work(db) as uow:
        add_customer(uow.session)
        for _ in range(3):
            uow.identity.record_attempt("PB05010000001", "callback", "someone", False)
    state = tracker("gặp nhân viên", "request_human", slots={"customer_code": "PB05010000001"})
    await run(actions.ActionHandoffRequest(), state)
    row = only_handoff(db)
    assert (row.reason, row.priority, row.customer_code, row.verified) == (
        "verification_lock",
        2,
        "PB05010000001",
        False,
    )


async def test_out_of_hours_a_callback_is_arranged(db: str) -> None:
    with clock.frozen("2026-11-27T22:30"):
        said, events, _ = await run(actions.ActionHandoffRequest(), tracker("gặp nhân viên", "request_human"))
        assert "ngoài giờ làm việc" in said and "07:00 ngày 28/11/2026" in said and "19001006" in said
        assert kinds(events)[-1] == "followup" and events[-1]["name"] == "handoff_callback_form"
        assert "pause" not in kinds(events) and slots(events)["awaiting"] == "callback"
        ask, _, _ = await run(actions.ActionAskCallbackPhone(), tracker(""))
        assert "số điện thoại" in ask
        form = actions.ValidateHandoffCallbackForm()
        started = CollectingDispatcher()  # the form starts: the emptied slots are no answers
        assert await form.validate_callback_phone(None, started, tracker(ASK), DOMAIN) == {
            "callback_phone": None
        }
        assert await form.validate_callback_window(None, started, tracker(ASK), DOMAIN) == {
            "callback_window": None
        }
        assert started.messages == []
        bad = CollectingDispatcher()
        assert await form.validate_callback_phone("0123", bad, tracker("0123"), DOMAIN) == {
            "callback_phone": None
        }
        assert "10 số" in bad.messages[0]["text"]
        typed = tracker("số tui 0908 111 321", entities=[{"entity": "phone", "value": "0908111321"}])
        result = await form.validate_callback_phone("x", CollectingDispatcher(), typed, DOMAIN)
        assert result == {"callback_phone": "0908111321"}
        window_q, _, _ = await run(actions.ActionAskCallbackWindow(), tracker("", slots=result))
        assert "số 0908 111 321" in window_q and "T2-CN 07:00-21:00" in window_q
        morning = tracker(
            "sáng mai nha",
            entities=[
                {"entity": "time", "value": "part:morning"},
                {"entity": "date", "value": "relative_day:+1"},
            ],
        )
        window = await form.validate_callback_window("x", CollectingDispatcher(), morning, DOMAIN)
        done, events, _ = await run(
            actions.ActionHandoffCallbackSubmit(), tracker("sáng mai nha", slots={**result, **window})
        )
    assert "0908 111 321 từ 07:00 đến 11:30 ngày 28/11/2026" in done and "19001006" in done
    assert slots(events) == {"callback_phone": None, "callback_window": None, "awaiting": None}
    with unit_of_work(db) as uow:
        callback = uow.session.execute(select(HandoffCallback)).scalar_one()
        assert (callback.phone, callback.phone_confirmed) == ("0908111321", True)


async def test_the_callback_can_be_cancelled(db: str) -> None:
    with clock.frozen("2026-11-27T22:30"):
        await run(actions.ActionHandoffRequest(), tracker("gặp nhân viên", "request_human"))
        form = actions.ValidateHandoffCallbackForm()
        stop = await form.validate_callback_phone(
            "thôi", CollectingDispatcher(), tracker("thôi khỏi", "deny"), DOMAIN
        )
        assert stop == {"callback_phone": "cancelled", "callback_window": "cancelled"}
        said, events, _ = await run(actions.ActionHandoffCallbackSubmit(), tracker("thôi khỏi", slots=stop))
    assert "đã hủy" in said and slots(events)["handoff"] is None
    assert only_handoff(db).status == "cancelled"


async def test_a_channel_agents_cannot_write_to_gets_a_callback(db: str) -> None:
    said, events, _ = await run(
        actions.ActionHandoffRequest(), tracker("gặp nhân viên", "request_human", channel="rest")
    )
    assert "chưa nhận được tin nhắn trực tiếp" in said and events[-1]["event"] == "followup"


async def test_agent_messages_are_delivered_once(db: str) -> None:
    await run(actions.ActionHandoffRequest(), tracker("gặp nhân viên", "request_human"))
    with unit_of_work(db) as uow:
        handoff_id = only_handoff(db).id
        lan = desk_auth.list_agents(uow)[0]
        handoff_desk.take(uow, handoff_id, lan.id)
        handoff_desk.add_agent_message(uow, handoff_id, lan.id, "Dạ em kiểm tra hóa đơn tháng 10 ạ")
    said, events, _ = await run(actions.ActionAgentMessage(), tracker("", paused=True))
    assert "Dạ em là Lan" in said and "hóa đơn tháng 10" in said and events == []
    assert (await run(actions.ActionAgentMessage(), tracker("", paused=True)))[0] == ""


async def test_closing_resumes_asks_a_rating_and_stores_it(db: str) -> None:
    await run(actions.ActionHandoffRequest(), tracker("gặp nhân viên", "request_human"))
    with unit_of_work(db) as uow:
        lan = desk_auth.list_agents(uow)[0]
        handoff_desk.take(uow, only_handoff(db).id, lan.id)
        handoff_desk.close(uow, only_handoff(db).id, lan.id, "resolved")
    said, events, buttons = await run(actions.ActionHandoffClosed(), tracker("", paused=True))
    assert (
        "Tư vấn viên Lan đã kết thúc" in said
        and "từ 1" in said
        and [b["payload"] for b in buttons] == ["5", "4", "3", "2", "1"]
    )
    assert kinds(events) == ["resume", "slot", "slot", "action"] and slots(events)["awaiting"] == "rating"
    assert events[-1]["name"] == "action_listen"
    again, events, _ = await run(actions.ActionHandoffClosed(), tracker("", paused=True))
    assert again == "" and kinds(events) == ["resume"]  # a retried request says nothing twice
    rated, events, _ = await run(
        actions.ActionHandoffRating(), tracker("5 sao nha", slots={"awaiting": "rating"})
    )
    assert "5/5" in rated and slots(events) == {"awaiting": None}
    with unit_of_work(db) as uow:
        assert uow.session.execute(select(HandoffRating.score)).scalar_one() == 5


@pytest.mark.parametrize(
    ("text", "score"),
    [("5", 5), ("1 sao", 1), ("chấm 4 điểm", 4), ("tốt lắm, 5 sao", 5), ("10", None), ("1 hay 5", None),
     ("15/10/2026", None), ("ok", None), ("5" * 100, None)],
)  # fmt: skip
def test_ratings_in_words(text: str, score: int | None) -> None:
    assert actions.rating_from_text(text) == score


async def test_cancelling_while_waiting_is_announced_by_the_closing_action(db: str) -> None:
    await run(actions.ActionHandoffRequest(), tracker("gặp nhân viên", "request_human"))
    with unit_of_work(db) as uow:
        from bot.services import handoff

        assert handoff.cancel_by_customer(uow, "cus-1").cancelled
    said, events, buttons = await run(actions.ActionHandoffClosed(), tracker("hủy", paused=True))
    assert "đã hủy yêu cầu" in said and buttons == [] and slots(events)["awaiting"] is None


async def test_a_new_session_keeps_an_open_handoff_paused(db: str) -> None:
    await run(actions.ActionHandoffRequest(), tracker("gặp nhân viên", "request_human"))
    _, events, _ = await run(
        actions.ActionSessionStart(), tracker("alo", slots={"customer_code": "PB05010000001"})
    )
    assert kinds(events) == ["session_started", "slot", "pause", "action"]
    _, events, _ = await run(actions.ActionSessionStart(), tracker("alo", sender="someone-else"))
    assert kinds(events) == ["session_started", "action"]


async def test_a_database_that_is_down_gets_the_apology(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "sqlite:////proc/no-such-dir/utility.db")
    said, events, _ = await run(actions.ActionHandoffRequest(), tracker("gặp nhân viên", "request_human"))
    assert "tạm gián đoạn" in said and "19001006" in said and events == []
