"""The Giám sát page's security and notice parts: security alerts with "Đã xem", the SMS
outbox (masked numbers, the code hidden), notice deliveries by channel and event, and the
health details; supervisors only, CSRF and same-site on the acknowledgement."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from aiohttp.test_utils import TestClient
from sqlalchemy import select

from bot import clock
from bot.db.models import NoticeOutboxRow, SecurityAlert, SmsOutbox
from bot.services import one_time_codes, security_alerts, unit_of_work
from bot.services.security_alerts import AlertKind
from bot.services.verification import Requester
from tests.db.builders import add_customer
from tests.web.desk.conftest import login

CODE = "PB05010000001"


def _notice(channel: str, conversation: str, kind: str, ref: str, status: str, error: str | None = None):
    now = clock.now()
    return NoticeOutboxRow(
        channel=channel, conversation_id=conversation, customer_code=CODE, kind=kind, event_ref=ref,
        version=1, status=status, due_at=now, next_attempt_at=now, created_at=now, updated_at=now,
        last_error=error, sent_at=now if status == "sent" else None,
    )  # fmt: skip


@pytest.fixture
def seeded(desk_db: str) -> dict[str, object]:
    """An open and an acknowledged alert, one SMS, notices of two events on two channels."""
    with unit_of_work(desk_db) as uow:
        add_customer(uow.session)  # phone 0908111321
        open_alert = security_alerts.raise_alert(uow, AlertKind.CODE_LOCKED, CODE)
        seen = security_alerts.raise_alert(uow, AlertKind.FAILURE_SPIKE, "global", count=40)
        security_alerts.acknowledge(uow, seen.id, "Minh (minh)")
        issued = one_time_codes.issue(uow, CODE, Requester("socketio", "visitor-1"))
        body = uow.session.execute(select(SmsOutbox.body)).scalar_one()
        uow.session.add_all(
            [
                _notice("zalo", "zalo:1", "planned", "KH26120301", "sent"),
                _notice("zalo", "zalo:2", "planned", "KH26120301", "refused", "Zalo: ngoài 48 h"),
                _notice("facebook", "facebook:3", "planned", "KH26120301", "failed", "HTTP 500"),
                _notice("socketio", "web:4", "incident", "SC26112701", "pending"),
            ]
        )
    secret = re.search(r"\bla (\d{6})\b", body).group(1)
    return {"alert": open_alert.id, "seen": seen.id, "secret": secret, "expires": issued.expires_at}


async def test_anonymous_visitors_get_the_login_only(client: TestClient, seeded, desk_db: str) -> None:
    assert (await client.get("/desk/supervisor")).status == 401
    api = await client.get("/desk/api/supervisor")
    assert api.status == 401 and "alerts" not in await api.text()
    response = await client.post(f"/desk/security/alerts/{seeded['alert']}/acknowledge", data={"csrf": "x"})
    assert response.status == 401
    with unit_of_work(desk_db) as uow:
        assert uow.session.get(SecurityAlert, seeded["alert"]).acknowledged_at is None


async def test_agents_are_refused(client: TestClient, seeded, desk_db: str) -> None:
    csrf = await login(client, "lan")
    assert (await client.get("/desk/supervisor")).status == 403
    assert (await client.get("/desk/api/supervisor")).status == 403
    response = await client.post(f"/desk/security/alerts/{seeded['alert']}/acknowledge", data={"csrf": csrf})
    assert response.status == 403
    with unit_of_work(desk_db) as uow:
        assert uow.session.get(SecurityAlert, seeded["alert"]).acknowledged_at is None
    assert "/desk/supervisor" not in await (await client.get("/desk/")).text()  # no link either


async def test_the_supervisor_sees_alerts_sms_notices_and_health(client: TestClient, seeded) -> None:
    await login(client, "hoa")
    response = await client.get("/desk/supervisor")
    page = await response.text()
    assert response.status == 200
    # Security alerts: the open one with its button, the acknowledged one with who saw it.
    assert "Mã khách hàng bị khóa xác thực" in page and f"<code>{CODE}</code>" in page
    assert f'action="/desk/security/alerts/{seeded["alert"]}/acknowledge"' in page
    assert f'action="/desk/security/alerts/{seeded["seen"]}/acknowledge"' not in page
    assert "Minh (minh) đã xem lúc" in page
    # The SMS outbox: masked number, the code hidden, waiting for the gateway.
    assert "0908***321" in page and "0908111321" not in page
    assert seeded["secret"] not in page and "••••••" in page and "chờ cổng SMS gửi" in page
    assert "security_sms_outbox" in page
    # Notices by channel (sent, refused, failed, waiting) and by event, with the reasons.
    notices = page.split('id="notices"')[1].split("</section>")[0]
    zalo = re.search(r"<tr><td>Zalo</td>(.*?)</tr>", notices).group(1)
    assert re.findall(r">(\d+)<", zalo) == ["1", "0", "0", "1", "0", "0"]  # sent, waiting, failed, refused, …
    assert "Zalo: ngoài 48 h" in notices and "HTTP 500" in notices
    assert "KH26120301" in notices and "SC26112701" in notices and "sự cố" in notices
    # Health details (the stand-in Rasa has no /status: it says so; the database works).
    health = page.split('id="health"')[1].split("</section>")[0]
    assert "Cơ sở dữ liệu</strong>: <span class=\"ok\">hoạt động" in health
    assert "Rasa (trợ lý ảo)</strong>: <span class=\"error\">lỗi" in health


async def test_the_supervisor_api_has_the_same_data_without_the_code(client: TestClient, seeded) -> None:
    await login(client, "hoa")
    data = await (await client.get("/desk/api/supervisor", headers={"Accept": "application/json"})).json()
    assert [a["id"] for a in data["alerts"]] == [seeded["alert"], seeded["seen"]]  # open first
    assert data["alerts"][0]["open"] is True and data["alerts"][1]["acknowledged_by"] == "Minh (minh)"
    [sms] = data["sms"]
    assert sms["to_phone"] == "0908***321" and sms["state"] == "waiting"
    assert seeded["secret"] not in str(data)
    assert data["deliveries"]["by_channel"]["zalo"]["refused"] == 1
    assert data["deliveries"]["totals"]["failed"] == 1
    assert {e["event_ref"] for e in data["events"]} == {"KH26120301", "SC26112701"}
    assert data["health"]["database"]["ok"] is True and data["health"]["rasa"]["ok"] is False


async def test_an_sms_past_its_time_shows_as_expired(client: TestClient, seeded) -> None:
    await login(client, "hoa")
    with clock.frozen(seeded["expires"] + timedelta(minutes=1)):
        page = await (await client.get("/desk/supervisor")).text()
    assert "hết hạn" in page.split('id="sms"')[1].split("</section>")[0]


async def test_acknowledging_an_alert_records_who(client: TestClient, seeded, desk_db: str) -> None:
    csrf = await login(client, "hoa")
    url = f"/desk/security/alerts/{seeded['alert']}/acknowledge"
    response = await client.post(url, data={"csrf": csrf}, allow_redirects=False)
    assert response.status == 303 and response.headers["Location"].startswith("/desk/supervisor")
    with unit_of_work(desk_db) as uow:
        alert = uow.session.get(SecurityAlert, seeded["alert"])
        assert alert.acknowledged_by == "Chị Hoa (hoa)" and alert.acknowledged_at == clock.now()
    again = await client.post(url, headers={"Accept": "application/json", "X-CSRF-Token": csrf})
    assert again.status == 409 and "đã được xác nhận" in (await again.json())["error"]
    missing = await client.post("/desk/security/alerts/99999/acknowledge", data={"csrf": csrf})
    assert missing.status == 409


async def test_acknowledging_needs_csrf_and_the_same_site(client: TestClient, seeded, desk_db: str) -> None:
    csrf = await login(client, "hoa")
    url = f"/desk/security/alerts/{seeded['alert']}/acknowledge"
    assert (await client.post(url, data={"csrf": "not-the-token"})).status == 403
    assert (await client.post(url, data={})).status == 403
    for headers in ({"Origin": "http://evil.example"}, {"Sec-Fetch-Site": "cross-site"}, {"Origin": "null"}):
        response = await client.post(url, data={"csrf": csrf}, headers=headers)
        assert response.status == 403, headers
    referer = await client.post(url, data={"csrf": csrf}, headers={"Referer": "http://evil.example/x"})
    assert referer.status == 403
    with unit_of_work(desk_db) as uow:
        assert uow.session.get(SecurityAlert, seeded["alert"]).acknowledged_at is None
