"""Local stand-ins for the Zalo OA API and the Messenger Graph API (aiohttp apps).

Each checks the format of every request the way the real API documents it and records
what it was sent; a request in the wrong format is recorded in ``problems`` (tests assert
there are none) and refused the way the platform would. ``script`` queues misbehaviours
for the next requests: an HTTP status (``"http500"``), ``"timeout"`` (answer too late),
``"expired"`` (Zalo: the access token is refused), or a platform error code.
"""

from __future__ import annotations

import asyncio
import itertools
import json
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

ZALO_BUTTON_TYPES = {"oa.open.url", "oa.query.show", "oa.query.hide", "oa.open.sms", "oa.open.phone"}
MESSAGING_TYPES = {"RESPONSE", "UPDATE", "MESSAGE_TAG"}


@dataclass
class FakePlatform:
    sent: list[dict[str, Any]] = field(default_factory=list)  # accepted message requests
    problems: list[str] = field(default_factory=list)
    script: list[Any] = field(default_factory=list)
    requests: int = 0
    slow_s: float = 2.0
    _ids: Any = field(default_factory=lambda: itertools.count(1))

    def check(self, condition: bool, problem: str) -> bool:
        if not condition:
            self.problems.append(problem)
        return condition

    async def misbehave(self) -> web.Response | str | int | None:
        """The next scripted misbehaviour, if any (a response to return, or a marker)."""
        self.requests += 1
        if not self.script:
            return None
        step = self.script.pop(0)
        if step == "timeout":
            await asyncio.sleep(self.slow_s)
            return web.json_response({"late": True})
        if isinstance(step, str) and step.startswith("http"):
            return web.json_response({"error": "scripted"}, status=int(step[4:]))
        return step

    def texts(self) -> list[str]:
        return [item["message"].get("text", "") for item in self.sent]


def _text_ok(fake: FakePlatform, text: Any, limit: int) -> bool:
    return fake.check(isinstance(text, str) and 0 < len(text) <= limit, f"text must be 1-{limit} characters")


class FakeZalo(FakePlatform):
    """``POST /v3.0/oa/message/cs`` and ``POST /v4/oa/access_token``."""

    def __init__(self, app_id: str, app_secret: str, access_token: str, refresh_token: str) -> None:
        super().__init__()
        self.app_id = app_id
        self.app_secret = app_secret
        self.access_token = access_token
        self.refresh_token = refresh_token
        self.refreshes = 0
        self.expires_in = "90000"

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/v3.0/oa/message/cs", self.send)
        app.router.add_post("/v4/oa/access_token", self.token)
        return app

    async def send(self, request: web.Request) -> web.Response:
        scripted = await self.misbehave()
        if isinstance(scripted, web.Response):
            return scripted
        if scripted == "expired":
            return web.json_response({"error": -216, "message": "Access token is invalid"})
        if isinstance(scripted, int):
            return web.json_response({"error": scripted, "message": "scripted Zalo error"})
        self.check(request.content_type == "application/json", "Content-Type must be application/json")
        if request.headers.get("access_token") != self.access_token:
            return web.json_response({"error": -216, "message": "Access token is invalid"})
        try:
            body = json.loads(await request.text())
        except ValueError:
            self.problems.append("body is not JSON")
            return web.json_response({"error": -201, "message": "invalid json"})
        ok = self.check(set(body) == {"recipient", "message"}, f"unexpected keys {sorted(body)}")
        recipient = body.get("recipient")
        ok &= self.check(
            isinstance(recipient, dict)
            and set(recipient) == {"user_id"}
            and isinstance(recipient["user_id"], str)
            and recipient["user_id"].isdigit(),
            "recipient must be {'user_id': '<digits as a string>'}",
        )
        message = body.get("message")
        ok &= self.check(isinstance(message, dict), "message must be an object")
        if isinstance(message, dict):
            if "text" in message:
                ok &= _text_ok(self, message["text"], 2000)
            attachment = message.get("attachment")
            if attachment is not None:
                ok &= self._attachment_ok(attachment)
            ok &= self.check("text" in message or "attachment" in message, "message needs text or attachment")
        if not ok:
            return web.json_response({"error": -201, "message": "Parameters are invalid"})
        self.sent.append(body)
        return web.json_response(
            {
                "data": {"message_id": f"zm{next(self._ids)}", "user_id": recipient["user_id"]},
                "error": 0,
                "message": "Success",
            }
        )

    def _attachment_ok(self, attachment: Any) -> bool:
        if not self.check(
            isinstance(attachment, dict) and attachment.get("type") == "template",
            "attachment must be a template",
        ):
            return False
        payload = attachment.get("payload")
        if not self.check(isinstance(payload, dict), "attachment payload must be an object"):
            return False
        if "buttons" in payload:
            buttons = payload["buttons"]
            ok = self.check(isinstance(buttons, list) and 0 < len(buttons) <= 5, "1-5 buttons")
            for button in buttons if isinstance(buttons, list) else []:
                ok &= self.check(
                    isinstance(button, dict)
                    and button.get("type") in ZALO_BUTTON_TYPES
                    and isinstance(button.get("title"), str)
                    and 0 < len(button["title"]) <= 100
                    and button.get("payload") not in (None, ""),
                    f"bad button {button}",
                )
            return ok
        if payload.get("template_type") == "media":
            elements = payload.get("elements")
            return self.check(
                isinstance(elements, list)
                and len(elements) == 1
                and elements[0].get("media_type") == "image"
                and str(elements[0].get("url", "")).startswith("http"),
                "media template needs one image element with a url",
            )
        self.problems.append(f"unknown attachment payload {payload}")
        return False

    async def token(self, request: web.Request) -> web.Response:
        scripted = await self.misbehave()
        if isinstance(scripted, web.Response):
            return scripted
        self.check(request.content_type == "application/x-www-form-urlencoded", "form-encoded body expected")
        form = await request.post()
        if request.headers.get("secret_key") != self.app_secret:
            self.problems.append("wrong secret_key header")
            return web.json_response({"error": -14002, "error_name": "Invalid app secret"})
        ok = self.check(form.get("app_id") == self.app_id, "app_id missing or wrong")
        ok &= self.check(form.get("grant_type") == "refresh_token", "grant_type must be refresh_token")
        if not ok or form.get("refresh_token") != self.refresh_token:
            return web.json_response({"error": -14014, "error_name": "Invalid refresh token"})
        self.refreshes += 1
        self.access_token = f"access-{self.refreshes}"
        self.refresh_token = f"refresh-{self.refreshes}"  # single use: the old one is now invalid
        return web.json_response(
            {
                "access_token": self.access_token,
                "refresh_token": self.refresh_token,
                "expires_in": self.expires_in,
            }
        )


class FakeGraph(FakePlatform):
    """``POST /me/messages?access_token=…`` (Messenger Send API)."""

    def __init__(self, page_token: str) -> None:
        super().__init__()
        self.page_token = page_token

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/me/messages", self.send)
        return app

    async def send(self, request: web.Request) -> web.Response:
        scripted = await self.misbehave()
        if isinstance(scripted, web.Response):
            return scripted
        if isinstance(scripted, int):
            return web.json_response({"error": {"code": scripted, "message": "scripted"}}, status=400)
        if request.query.get("access_token") != self.page_token:
            return web.json_response(
                {"error": {"code": 190, "message": "Invalid OAuth access token"}}, status=400
            )
        self.check(request.content_type == "application/json", "Content-Type must be application/json")
        try:
            body = json.loads(await request.text())
        except ValueError:
            self.problems.append("body is not JSON")
            return web.json_response({"error": {"code": 100, "message": "bad json"}}, status=400)
        ok = self.check(
            set(body) <= {"recipient", "messaging_type", "message", "tag"}, f"keys {sorted(body)}"
        )
        ok &= self.check(body.get("messaging_type") in MESSAGING_TYPES, "messaging_type missing or wrong")
        ok &= self.check(
            (body.get("messaging_type") == "MESSAGE_TAG") == ("tag" in body), "tag iff MESSAGE_TAG"
        )
        recipient = body.get("recipient")
        ok &= self.check(
            isinstance(recipient, dict) and isinstance(recipient.get("id"), str), "recipient.id string"
        )
        message = body.get("message")
        if self.check(isinstance(message, dict), "message must be an object"):
            ok &= self.check(("text" in message) != ("attachment" in message), "text xor attachment")
            if "text" in message:
                ok &= _text_ok(self, message["text"], 2000)
            quick = message.get("quick_replies")
            if quick is not None:
                ok &= self.check(isinstance(quick, list) and 0 < len(quick) <= 13, "1-13 quick replies")
                for item in quick if isinstance(quick, list) else []:
                    ok &= self.check(
                        item.get("content_type") == "text"
                        and 0 < len(item.get("title", "")) <= 20
                        and 0 < len(item.get("payload", "")) <= 1000,
                        f"bad quick reply {item}",
                    )
        else:
            ok = False
        if not ok:
            return web.json_response({"error": {"code": 100, "message": "Invalid parameter"}}, status=400)
        self.sent.append(body)
        return web.json_response({"recipient_id": recipient["id"], "message_id": f"m_{next(self._ids)}"})
