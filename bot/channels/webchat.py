"""The website widget's socket.io channel (``bot.channels.webchat.WebchatInput``, name "socketio").

Our subclass of Rasa's SocketIOInput, which with the pinned python-socketio 5.18.1 never
awaits ``enter_room`` (so replies were produced but never delivered), accepts any
Origin and trusts the ``session_id`` of every message. Here:

- Websockets work (see :mod:`bot.channels.sanic_compat`), not only HTTP long-polling.
- Only the configured origins (``WEB_ORIGIN``, comma-separated) may connect from a browser.
- ``session_request`` binds a session to the socket: an id we issued (signed, see
  :mod:`bot.channels.webchat_session`) is resumed, anything else gets a new one
  (``session_confirm``). Messages use the socket's bound session, never a field of the
  message, so nobody can write into or read from a conversation without its session id.
- Replies go to the room of the conversation (``web:<hash of the session id>``): every
  tab of that session receives them, including agent replies sent during a handoff with
  ``POST /conversations/{id}/execute?output_channel=latest``.
- Several Rasa instances (production profile): with ``WEBCHAT_PUBSUB_URL`` set, every
  emit goes through Redis pub/sub (python-socketio's ``AsyncRedisManager``), so a reply,
  an agent message or a notice produced by one instance reaches the visitor's socket
  held by another. The client network is the peer address Sanic reports (behind the
  balancer: ``X-Forwarded-For``, trusted only with ``RASA_PROXIES_COUNT``).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from rasa.core.channels.channel import InputChannel, OutputChannel
from rasa.core.channels.socketio import SocketBlueprint, SocketIOInput, SocketIOOutput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from socketio import AsyncRedisManager, AsyncServer

from bot.channels import replies, webchat_session
from bot.channels.base import GuardedInputChannel, OnNewMessage, client_metadata, network_fact
from bot.channels.errors import BadRequest
from bot.channels.sanic_compat import make_sanic_websockets_work
from bot.config import VAR_DIR, ChannelSettings, load_channel_settings
from bot.services.verification import identity

log = logging.getLogger(__name__)

MAX_SOCKET_BYTES = 1_000_000  # one socket.io packet (a 100,000-character message fits)


def peer_address(environ: dict) -> str | None:
    """The visitor's address: python-engineio's Sanic driver puts 127.0.0.1 in REMOTE_ADDR
    for everybody, so ask Sanic's request (the socket peer, or the balancer's
    X-Forwarded-For when ``RASA_PROXIES_COUNT`` says to trust it)."""
    request = environ.get("sanic.request")
    if request is not None:
        return request.remote_addr or request.ip or None
    return environ.get("REMOTE_ADDR")


class WebchatOutput(SocketIOOutput):
    """Emits to the conversation's room (all sockets of the session)."""

    async def send_custom_json(self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any) -> None:
        await self._send_message(recipient_id, {"custom": json_message})

    async def send_elements(
        self, recipient_id: str, elements: Iterable[dict[str, Any]], **kwargs: Any
    ) -> None:
        for element in elements:
            await self.send_text_with_buttons(
                recipient_id, str(element.get("title") or ""), list(element.get("buttons") or [])
            )


class WebchatInput(GuardedInputChannel, SocketIOInput):
    @classmethod
    def name(cls) -> str:
        return "socketio"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        credentials = credentials or {}
        return cls(
            load_channel_settings(),
            user_message_evt=credentials.get("user_message_evt", "user_uttered"),
            bot_message_evt=credentials.get("bot_message_evt", "bot_uttered"),
            socketio_path=credentials.get("socketio_path", "/socket.io"),
        )

    def __init__(
        self,
        settings: ChannelSettings,
        user_message_evt: str = "user_uttered",
        bot_message_evt: str = "bot_uttered",
        socketio_path: str = "/socket.io",
        signing_key: bytes | None = None,
    ) -> None:
        GuardedInputChannel.__init__(self, settings)
        SocketIOInput.__init__(
            self, user_message_evt, bot_message_evt, None, True, socketio_path, None, "HS256", "metadata"
        )
        self.origins = list(settings.web_origins)
        self.key = signing_key or webchat_session.signing_key(settings.webchat_session_secret, VAR_DIR)

    def get_output_channel(self) -> OutputChannel | None:
        if self.sio is None:
            return None
        return WebchatOutput(self.sio, self.bot_message_evt)

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        make_sanic_websockets_work()
        manager = None
        if self.settings.webchat_pubsub_url:
            manager = AsyncRedisManager(
                self.settings.webchat_pubsub_url, channel=self.settings.webchat_pubsub_channel
            )
        sio = AsyncServer(
            async_mode="sanic",
            cors_allowed_origins=self.origins,
            max_http_buffer_size=MAX_SOCKET_BYTES,
            client_manager=manager,
        )
        hook = SocketBlueprint(sio, self.socketio_path, "webchat_socketio", __name__)
        self.sio = sio

        @hook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @sio.on("connect")
        async def connect(sid: str, environ: dict, auth: Any = None) -> bool:
            # The Origin was checked by the server (cors_allowed_origins); the peer's
            # address is kept as the client network fact of the rate limits.
            await sio.save_session(sid, {"network": network_fact(peer_address(environ))})
            return True

        @sio.on("session_request")
        async def session_request(sid: str, data: Any = None) -> None:
            await self.bind_session(sid, data)

        @sio.on(self.user_message_evt)
        async def handle_message(sid: str, data: Any = None) -> None:
            await self.receive(sid, data, on_new_message)

        return hook

    async def bind_session(self, sid: str, data: Any) -> str:
        """Resume a session we issued, or issue a new one; join its room."""
        assert self.sio is not None
        presented = data.get("session_id") if isinstance(data, dict) else None
        ours = webchat_session.is_ours(presented, self.key)
        session_id = presented if ours else webchat_session.issue(self.key)
        conversation = webchat_session.conversation_id(session_id)
        previous = (await self.sio.get_session(sid)).get("conversation_id")
        if previous and previous != conversation:
            await self.sio.leave_room(sid, previous)
        await self.sio.save_session(
            sid,
            {
                "conversation_id": conversation,
                "identity_key": webchat_session.session_key(session_id),
                "network": (await self.sio.get_session(sid)).get("network") or {},
            },
        )
        await self.sio.enter_room(sid, conversation)
        await self.sio.emit("session_confirm", {"session_id": session_id}, room=sid)
        return conversation

    async def receive(self, sid: str, data: Any, on_new_message: OnNewMessage) -> None:
        assert self.sio is not None
        bound = await self.sio.get_session(sid)
        conversation, key = bound.get("conversation_id"), bound.get("identity_key")
        output = WebchatOutput(self.sio, self.bot_message_evt)
        if not conversation or not key:
            await self.sio.emit(self.bot_message_evt, {"text": replies.session_required()}, room=sid)
            return
        data = data if isinstance(data, dict) else {}
        text = data.get("message")
        try:
            client = client_metadata(data.get(self.metadata_key))
        except BadRequest:
            client = {}
        await self.hand_over(
            on_new_message,
            output,
            conversation_id=conversation,
            text=text if isinstance(text, str) else None,
            identity=identity("session", key),
            client=client,
            **(bound.get("network") or {}),
        )
