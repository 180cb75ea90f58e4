"""Property-based tests (hypothesis) of the channel parsers and helpers: whatever arrives,
they answer with a value or a BadRequest, never another exception."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.channels import base
from bot.channels.errors import BadRequest
from bot.channels.events import IGNORED, MAX_EVENT_ID, PlatformEvent, platform_id, timestamp_ms
from bot.channels.facebook import events as facebook_events
from bot.channels.formatting import split_text
from bot.channels.http import json_object
from bot.channels.signatures import hub_problem, zalo_problem
from bot.channels.zalo import events as zalo_events
from bot.channels.zalo import messages as zalo_messages

json_leaf = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=False),
    st.text(max_size=40),
)
json_value = st.recursive(
    json_leaf,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=5),
    max_leaves=25,
)
ids = st.one_of(st.integers(min_value=-5, max_value=10**19), st.text(max_size=200), json_value)

zalo_like = st.fixed_dictionaries(
    {
        "app_id": st.one_of(st.just("1234567890123456789"), json_value),
        "event_name": st.sampled_from(
            [
                "user_send_text",
                "user_send_image",
                "user_send_sticker",
                "follow",
                "unfollow",
                "oa_send_text",
                "x",
            ]
        )
        | json_value,
        "timestamp": st.one_of(st.integers(), st.text(max_size=20), json_value),
        "sender": st.one_of(st.fixed_dictionaries({"id": ids}), json_value),
        "follower": st.one_of(st.fixed_dictionaries({"id": ids}), json_value),
        "message": st.one_of(
            st.fixed_dictionaries(
                {"msg_id": ids, "text": st.one_of(st.text(max_size=300), json_value)},
                optional={"attachments": json_value},
            ),
            json_value,
        ),
    }
)

messenger_item = st.fixed_dictionaries(
    {"sender": st.one_of(st.fixed_dictionaries({"id": ids}), json_value), "timestamp": json_value},
    optional={
        "message": st.one_of(
            st.fixed_dictionaries(
                {"mid": ids},
                optional={
                    "text": st.one_of(st.text(max_size=200), json_value),
                    "quick_reply": st.one_of(st.fixed_dictionaries({"payload": json_value}), json_value),
                    "is_echo": json_value,
                    "attachments": json_value,
                },
            ),
            json_value,
        ),
        "postback": st.one_of(
            st.fixed_dictionaries({"payload": json_value, "title": json_value}), json_value
        ),
    },
)
messenger_like = st.fixed_dictionaries(
    {
        "object": st.sampled_from(["page", "instagram"]) | json_value,
        "entry": st.one_of(
            st.lists(
                st.fixed_dictionaries({"messaging": st.lists(messenger_item, max_size=4) | json_value}),
                max_size=3,
            ),
            json_value,
        ),
    }
)


def check_events(found: list[PlatformEvent]) -> None:
    assert isinstance(found, list)
    for event in found:
        assert event.kind in ("text", "follow", "unsupported", "ignored")
        if event.kind != IGNORED:
            assert isinstance(event.event_id, str) and 0 < len(event.event_id) <= MAX_EVENT_ID
            assert isinstance(event.user_id, str) and 0 < len(event.user_id) <= 128
            assert event.text is None or isinstance(event.text, str)


@given(st.one_of(zalo_like, st.dictionaries(st.text(max_size=12), json_value, max_size=6)))
def test_zalo_parser_never_raises(body) -> None:
    check_events(zalo_events.parse(body))
    assert isinstance(zalo_events.signed_timestamp(body), str)


@given(st.one_of(messenger_like, st.dictionaries(st.text(max_size=12), json_value, max_size=6)))
def test_messenger_parser_never_raises(body) -> None:
    check_events(facebook_events.parse(body))


@given(ids)
def test_platform_ids_are_exact_strings_or_refused(value) -> None:
    found = platform_id(value)
    assert found is None or (isinstance(found, str) and 0 < len(found) <= 128)
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        assert found == str(value)  # 19-digit ids stay exact


@given(json_value)
def test_timestamps_are_read_or_refused(value) -> None:
    found = timestamp_ms(value)
    assert found is None or (isinstance(found, int) and found >= 0)


@given(st.binary(max_size=300) | json_value.map(lambda v: json.dumps(v).encode()))
def test_json_object_gives_a_dict_or_a_bad_request(raw) -> None:
    try:
        assert isinstance(json_object(raw), dict)
    except BadRequest as bad:
        assert bad.code.startswith("body_") and bad.reason


@given(json_value)
def test_sender_and_metadata_checks_give_a_value_or_a_bad_request(value) -> None:
    try:
        sender = base.client_sender(value)
        assert 0 < len(sender) <= 128 and not sender.lower().startswith(base.RESERVED_PREFIXES)
    except BadRequest as bad:
        assert bad.code.startswith("sender_")
    try:
        kept = base.client_metadata(value)
        assert set(kept) <= set(base.CLIENT_METADATA_ALLOWLIST) and "identity" not in kept
    except BadRequest as bad:
        assert bad.code.startswith("metadata_")


@given(st.text(max_size=80) | st.none(), st.binary(max_size=200), st.text(max_size=30), st.text(max_size=30))
def test_signature_checks_never_raise(header, raw, timestamp, secret) -> None:
    hub = hub_problem(header, raw, secret)
    zalo = zalo_problem(header, "app", raw, timestamp, secret)
    assert hub is None or isinstance(hub, str)
    assert zalo is None or isinstance(zalo, str)
    if not secret:
        assert hub is not None and zalo is not None  # no secret configured: refuse everything
    # Random headers are never the right signature (the chance is 2**-256).
    assert hub is not None and zalo is not None


@given(st.text(max_size=6000), st.integers(min_value=20, max_value=2000))
@settings(max_examples=200)
def test_split_text_fits_the_limit_and_keeps_every_word(text, limit) -> None:
    pieces = split_text(text, limit)
    assert all(0 < len(piece) <= limit for piece in pieces)
    assert "".join("".join(pieces).split()) == "".join(text.split())


@given(
    st.text(max_size=5000),
    st.lists(st.dictionaries(st.sampled_from(["title", "payload", "url"]), json_value)),
)
def test_zalo_messages_fit_zalo_limits(text, buttons) -> None:
    for message in zalo_messages.text_messages(text, buttons):
        assert 0 < len(message["text"]) <= zalo_messages.MAX_TEXT
        for button in message.get("attachment", {}).get("payload", {}).get("buttons", []):
            assert 0 < len(button["title"]) <= zalo_messages.MAX_TITLE and button["payload"]
        assert (
            len(message.get("attachment", {}).get("payload", {}).get("buttons", []))
            <= zalo_messages.MAX_BUTTONS
        )
