"""Outage notices through the whole stack (`make run`'s processes, the notifier among them,
clock frozen at 27/11/2026 09:00).

A widget visitor verified for PB05010000001 subscribes (through the service: the
conversation part is the dialogue engine's), an operator adds a planned outage with
`python -m bot outage add`, and the widget receives the announcement from the running
notifier; `python -m bot notify send-due` on the frozen morning of the day before sends
the reminder; `python -m bot incident open` / `restore` bring the incident and
restoration notices. Each notice is also in the conversation's tracker."""

from __future__ import annotations

import asyncio
import re
import subprocess
import sys

import pytest
import socketio

from bot.channels import webchat_session
from bot.config import PROJECT_ROOT
from bot.services import notices, unit_of_work
from bot.services.notices import SubscribeStatus
from bot.services.verification import Requester
from tests.e2e.stack import Stack

pytestmark = pytest.mark.slow

CODE = "PB05010000001"
NOTICE_WAIT_S = 60  # the stack's notifier looks every 10 s


def bot(stack: Stack, *args: str, frozen: str | None = None) -> str:
    env = dict(stack.env, **({"BOT_FROZEN_NOW": frozen} if frozen else {}))
    result = subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, f"{args}: {result.stdout}\n{result.stderr}"
    return result.stdout


class Widget:
    """A visitor's browser tab: a socket.io session that hears the bot."""

    def __init__(self, stack: Stack) -> None:
        self.stack = stack
        self.client = socketio.AsyncClient(reconnection=False)
        self.heard: list[str] = []
        self.client.on("bot_uttered", lambda data: self.heard.append(data.get("text") or ""))

    async def open(self) -> str:
        confirmed = asyncio.get_running_loop().create_future()
        self.client.on("session_confirm", lambda d: confirmed.done() or confirmed.set_result(d["session_id"]))
        origin = f"http://localhost:{self.stack.env['WEB_PORT']}"
        await self.client.connect(
            self.stack.rasa_url, headers={"Origin": origin}, transports=["polling"], wait_timeout=10
        )
        await self.client.emit("session_request", {})
        return await asyncio.wait_for(confirmed, 10)

    async def hears(self, words: str, timeout: float = NOTICE_WAIT_S) -> str:
        for _ in range(int(timeout * 10)):
            found = [text for text in self.heard if words in text]
            if found:
                return found[0]
            await asyncio.sleep(0.1)
        raise AssertionError(f"the widget never heard {words!r}; it heard {self.heard}\n{self.stack.logs()}")

    async def close(self) -> None:
        eio = self.client.eio
        await eio.disconnect(abort=True)
        task = getattr(eio, "read_loop_task", None)
        if task is not None:
            task.cancel()


def test_a_widget_subscriber_gets_announcement_reminder_incident_and_restoration(stack: Stack) -> None:
    asyncio.run(_whole_story(stack))


async def _whole_story(stack: Stack) -> None:
    widget = Widget(stack)
    session_id = await widget.open()
    try:
        conversation = webchat_session.conversation_id(session_id)
        key = webchat_session.session_key(session_id)
        with unit_of_work(stack.env["DATABASE_URL"]) as uow:
            # The proof the conversation would have stored after the 4 digits (verified in
            # this widget session), then the engine's call.
            uow.identity.record_attempt(CODE, "socketio", key, True)
            result = notices.subscribe(uow, Requester("socketio", key), conversation, "socketio", CODE)
            station = uow.customers.get(CODE).station.code
        assert result.status is SubscribeStatus.SUBSCRIBED

        added = await asyncio.to_thread(
            bot,
            stack,
            "outage",
            "add",
            "--station",
            station,
            "--start",
            "03/12/2026 07:30",
            "--end",
            "16:00",
            "--reason",
            "Thay máy biến áp",
            "--area",
            "Khu phố 1, Phường Tân Ninh",
        )
        assert "Notices queued: 1 announcement(s), 1 day-before reminder(s)" in added
        outage_code = added.split()[3]
        announcement = await widget.hears("trân trọng thông báo lịch tạm ngừng cung cấp điện")
        assert "• Khu vực: Khu phố 1, Phường Tân Ninh" in announcement
        assert "• Thời gian: 07:30–16:00, thứ Năm 03/12/2026" in announcement
        assert "• Lý do: Thay máy biến áp" in announcement and CODE in announcement

        due = await asyncio.to_thread(bot, stack, "notify", "send-due", frozen="2026-12-02T08:00:00")
        assert re.search(r"sent [1-9]", due), due
        reminder = await widget.hears("xin nhắc Quý khách")
        assert "vào thứ Năm 03/12/2026, từ 07:30 đến 16:00 (thay máy biến áp)" in reminder

        opened = await asyncio.to_thread(
            bot,
            stack,
            "incident",
            "open",
            "--station",
            station,
            "--cause",
            "Sự cố đường dây trung thế",
            "--expected",
            "11:30",
        )
        assert "Notices queued for subscribers: 1 incident" in opened
        incident_code = opened.split()[2]
        incident = await widget.hears("đang mất điện do sự cố đường dây trung thế")
        assert "dự kiến có điện lại lúc 11:30 ngày 27/11/2026" in incident

        restored = await asyncio.to_thread(bot, stack, "incident", "restore", incident_code, "--at", "10:45")
        assert "Notices queued for subscribers: 1 restored" in restored
        back = await widget.hears("điện đã được cấp lại")
        assert "lúc 10:45 ngày 27/11/2026" in back
    finally:
        await widget.close()

    # Rasa sends a notice appended with execute_side_effects before it saves the tracker:
    # a tracker read at once may miss the last one (seen once in a full `make test`).
    for _ in range(100):
        url = stack.rasa_api(f"/conversations/{conversation}/tracker")  # the id as it is
        status, tracker = stack.get_json(url)
        assert status == 200
        ours = [
            event["metadata"]["notice"]
            for event in tracker["events"]
            if event["event"] == "bot" and "notice" in (event.get("metadata") or {})
        ]
        kinds = [notice["kind"] for notice in ours if notice["event"] in (outage_code, incident_code)]
        if len(kinds) >= 4:
            break
        await asyncio.sleep(0.1)
    assert kinds == ["planned", "reminder", "incident", "restored"]
    for _ in range(100):  # the notifier records what it sent right after sending it
        with unit_of_work(stack.env["DATABASE_URL"]) as uow:
            counts = notices.delivery_counts(uow)
        if counts.by_channel["socketio"]["sent"] >= 4:
            break
        await asyncio.sleep(0.1)
    assert counts.by_channel["socketio"]["sent"] >= 4 and counts.by_channel["socketio"]["failed"] == 0
