"""Agents at work through the desk routes: take (one wins), reply (Rasa is asked to deliver),
transfer, close (Rasa is asked to resume), the account view (audited), supervisors' incident
and working-hours updates; bad input gets a clear refusal."""

from __future__ import annotations

import asyncio

from aiohttp.test_utils import TestClient
from sqlalchemy import func, select

from bot.db.models import DeskDisclosure, Handoff, HandoffReason, Incident
from bot.services import handoff, handoff_messages, unit_of_work
from bot.services.handoff import HandoffRequest
from bot.web.desk import worker
from bot.web.desk.state import desk_state
from tests.db.builders import add_customer, add_station
from tests.web.desk.conftest import FakeRasa, login

JSON = {"Accept": "application/json"}


def open_handoff(
    url: str, who: str = "cus-1", reason: HandoffReason = HandoffReason.REQUEST, code: str | None = None
) -> int:
    with unit_of_work(url) as uow:
        # An agent must be online for a place in the queue (else a callback is offered).
        from bot.services import desk_auth

        lan = next(a for a in desk_auth.list_agents(uow) if a.username == "lan")
        _token, info = desk_auth.start_session(uow, lan.id)
        desk_auth.mark_present(uow, info.id, 3600)
        opened = handoff.open_handoff(uow, HandoffRequest(who, "callback", reason, customer_code=code))
        handoff_messages.mark_paused(uow, who)
        return opened.handoff_id


async def post(client: TestClient, path: str, csrf: str, **data: str):
    response = await client.post(path, data=data, headers={**JSON, "X-CSRF-Token": csrf})
    return response.status, await response.json()


async def settle(client: TestClient) -> None:
    """Let the desk's background deliveries finish."""
    state = desk_state(client.app)
    for _ in range(50):
        if not state.tasks:
            return
        await asyncio.sleep(0.05)


async def test_two_agents_click_take_at_once_one_wins(make_client, desk_db: str) -> None:
    handoff_id = open_handoff(desk_db)
    lan, minh = await make_client(), await make_client()
    lan_csrf, minh_csrf = await login(lan, "lan"), await login(minh, "minh")
    results = await asyncio.gather(
        post(lan, f"/desk/handoffs/{handoff_id}/take", lan_csrf),
        post(minh, f"/desk/handoffs/{handoff_id}/take", minh_csrf),
    )
    statuses = sorted(status for status, _ in results)
    assert statuses == [200, 409], results
    winner = next(body for status, body in results if status == 200)["agent"]
    loser = next(body for status, body in results if status == 409)
    assert loser["agent"] == winner and f"{winner} đã nhận" in loser["error"]


async def test_take_reply_transfer_close_through_rasa(
    client: TestClient, desk_db: str, fake_rasa: FakeRasa
) -> None:
    handoff_id = open_handoff(desk_db, "cus/with space")
    csrf = await login(client, "lan")
    page = await client.get(f"/desk/handoffs/{handoff_id}")
    assert page.status == 200 and "Nhận cuộc trò chuyện" in await page.text()
    status, body = await post(client, f"/desk/handoffs/{handoff_id}/take", csrf)
    assert status == 200 and body["agent"] == "Lan"
    await settle(client)
    assert fake_rasa.calls == [("cus/with space", "action_agent_message")]  # "Dạ em là Lan..."
    status, body = await post(
        client, f"/desk/handoffs/{handoff_id}/messages", csrf, text="Dạ em kiểm tra ngay ạ"
    )
    assert status == 200 and body["message"]["delivery"] == "pending"
    await settle(client)
    assert fake_rasa.calls[-1] == ("cus/with space", "action_agent_message")
    page = await client.get(f"/desk/handoffs/{handoff_id}")
    text = await page.text()
    assert (
        "Dạ em kiểm tra ngay ạ" in text and "Câu trả lời mẫu" in text and "Kết thúc cuộc trò chuyện" in text
    )
    status, body = await post(client, f"/desk/handoffs/{handoff_id}/transfer", csrf, to="queue")
    assert status == 200 and body["status"] == "waiting"
    await post(client, f"/desk/handoffs/{handoff_id}/take", csrf)
    status, body = await post(
        client, f"/desk/handoffs/{handoff_id}/close", csrf, outcome="resolved", note="ok"
    )
    assert status == 200 and body["status"] == "closed"
    await settle(client)
    assert fake_rasa.calls[-1] == ("cus/with space", "action_handoff_closed")


async def test_rasa_down_leaves_messages_pending_and_the_worker_retries(
    client: TestClient, desk_db: str, fake_rasa: FakeRasa
) -> None:
    handoff_id = open_handoff(desk_db)
    csrf = await login(client, "lan")
    fake_rasa.status = 500
    await post(client, f"/desk/handoffs/{handoff_id}/take", csrf)
    await post(client, f"/desk/handoffs/{handoff_id}/messages", csrf, text="một")
    await settle(client)
    with unit_of_work(desk_db) as uow:
        assert handoff_messages.conversations_with_pending(uow) == ["cus-1"]
    fake_rasa.status = 200
    assert await worker.run_once(desk_state(client.app))
    assert fake_rasa.calls[-1] == ("cus-1", "action_agent_message")
    await post(client, f"/desk/handoffs/{handoff_id}/close", csrf, outcome="resolved")
    await settle(client)
    with unit_of_work(desk_db) as uow:  # the fake Rasa ran no action: still to resume
        assert handoff_messages.conversations_to_resume(uow) == ["cus-1"]
    fake_rasa.status = 404  # Rasa does not know the conversation: nobody to tell, stop retrying
    await worker.run_once(desk_state(client.app))
    with unit_of_work(desk_db) as uow:
        assert handoff_messages.conversations_to_resume(uow) == []


async def test_bad_input_is_refused_with_a_reason(client: TestClient, make_client, desk_db: str) -> None:
    handoff_id = open_handoff(desk_db)
    csrf = await login(client, "lan")
    assert (await client.get("/desk/handoffs/abc")).status == 404
    assert (await client.get("/desk/handoffs/999999")).status == 404
    status, body = await post(client, f"/desk/handoffs/{handoff_id}/messages", csrf, text="chào")
    assert status == 409 and "chưa được nhận" in body["error"]
    await post(client, f"/desk/handoffs/{handoff_id}/take", csrf)
    for text in ("", "x" * 10_000):
        status, body = await post(client, f"/desk/handoffs/{handoff_id}/messages", csrf, text=text)
        assert status == 400 and body["error"]
    status, _ = await post(
        client, f"/desk/handoffs/{handoff_id}/close", csrf, outcome="'; DROP TABLE handoffs;--"
    )
    assert status == 400
    status, _ = await post(client, f"/desk/handoffs/{handoff_id}/transfer", csrf, to="nobody")
    assert status == 400
    response = await client.post(
        f"/desk/handoffs/{handoff_id}/messages",
        data=b"{not json",
        headers={**JSON, "X-CSRF-Token": csrf, "Content-Type": "application/json"},
    )
    assert response.status == 400
    other = await make_client()
    minh = await login(other, "minh")  # another agent: not his conversation
    status, body = await post(other, f"/desk/handoffs/{handoff_id}/messages", minh, text="tôi trả lời")
    assert status == 403 and "tư vấn viên khác" in body["error"]
    with unit_of_work(desk_db) as uow:
        assert uow.session.execute(select(func.count(Handoff.id))).scalar_one() == 1


async def test_the_account_view_is_audited_with_the_agent(client: TestClient, desk_db: str) -> None:
    with unit_of_work(desk_db) as uow:
        add_customer(uow.session, station=add_station(uow.session))
    handoff_id = open_handoff(desk_db, code="PB05010000001")
    await login(client, "lan")
    panel = await client.get(f"/desk/handoffs/{handoff_id}/account")
    text = await panel.text()
    assert panel.status == 200 and "Trần Thị Bích" in text and "0908111321" in text
    with unit_of_work(desk_db) as uow:
        audit = uow.session.execute(select(DeskDisclosure)).scalar_one()
        assert audit.customer_code == "PB05010000001" and audit.handoff_id == handoff_id


async def test_supervisors_update_incidents_and_hours(client: TestClient, desk_db: str) -> None:
    with unit_of_work(desk_db) as uow:
        station = add_station(uow.session)
        incident = Incident(code="SC-261127-0001", status="open", area="Trạm TBA")
        incident.stations.append(station)
        uow.session.add(incident)
    csrf = await login(client, "hoa")
    page = await client.get("/desk/supervisor")
    text = await page.text()
    assert page.status == 200 and "SC-261127-0001" in text and "T2-CN 07:00-21:00" in text
    status, body = await post(
        client, "/desk/incidents/SC-261127-0001", csrf, action="expected", expected="11:30"
    )
    assert status == 200, body
    assert body["incident"]["expected_restoration_at"].startswith("2026-11-27T11:30"), body
    status, body = await post(
        client, "/desk/incidents/SC-261127-0001", csrf, action="expected", expected="mai"
    )
    assert status == 400 and "HH:MM" in body["error"]
    status, body = await post(client, "/desk/incidents/SC-261127-0001", csrf, action="restored")
    assert status == 200 and body["incident"]["status"] == "restored"
    status, body = await post(client, "/desk/settings/hours", csrf, hours="T2-T6 13:00-17:00")
    assert status == 200 and body["hours"] == "T2-T6 13:00-17:00"
    status, body = await post(client, "/desk/settings/hours", csrf, hours="T9 25:00")
    assert status == 400
    status, body = await post(client, "/desk/settings/hours", csrf, hours="")
    assert body["hours"] == "T2-CN 07:00-21:00"


async def test_the_queue_page_and_json_show_waiting_customers_by_priority(
    client: TestClient, desk_db: str
) -> None:
    open_handoff(desk_db, "normal")
    open_handoff(desk_db, "danger", HandoffReason.HAZARD)
    await login(client, "lan")
    queue = await (await client.get("/desk/api/queue")).json()
    assert [item["conversation_id"] for item in queue["waiting"]] == ["danger", "normal"]
    page = await (await client.get("/desk/")).text()
    assert page.index("NGUY HIỂM") < page.index("Khách yêu cầu gặp tư vấn viên")
