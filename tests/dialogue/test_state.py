"""The conversation state: typed slots in, typed slots out, nothing secret kept."""

from __future__ import annotations

from pathlib import Path

import yaml

from bot.dialogue.state import (
    SLOT_NAMES,
    Awaiting,
    Question,
    ReportDraft,
    ShownOutage,
    State,
    TicketRef,
    from_slots,
    to_slots,
)

DOMAIN = Path(__file__).resolve().parents[2] / "domain.yml"


def test_every_state_field_is_a_domain_slot_that_shapes_no_prediction() -> None:
    slots = yaml.safe_load(DOMAIN.read_text(encoding="utf-8"))["slots"]
    assert set(slots) == set(SLOT_NAMES)
    for name, slot in slots.items():
        assert slot["influence_conversation"] is False, name
        assert slot["mappings"] == [{"type": "custom"}], name


def test_a_full_state_survives_the_slots() -> None:
    state = State(
        topic="bill",
        customer_code="PB05010000001",
        period_shown="2026-10",
        area="Phường Tân An, Thành phố Cần Thơ",
        station="PB1102-T001",
        kwh=450,
        households=2,
        dates_shown=("week:+1",),
        ticket=TicketRef("SC2611270001", "outage"),
        outages_shown=(
            ShownOutage(
                "planned", "KH1", "2026-12-03T07:30:00+07:00", "2026-12-03T16:00:00+07:00", "bảo trì"
            ),
        ),
        awaiting=Awaiting(
            "digits",
            (Question("bill", code="PB05010000001", months=("2026-10",)),),
            code="PB05010000001",
            draft=ReportDraft(scope="house"),
        ),
        misunderstood=1,
        tips_shown=True,
        privacy_notice_shown=True,
    )
    assert from_slots(to_slots(state)) == state


def test_the_wait_behind_an_offer_survives_the_slots_one_level_deep() -> None:
    digits = Awaiting("digits", (Question("bill", code="PB05010000001"),), code="PB05010000001")
    offer = Awaiting("offer", (Question("human_offer", service="complaint"),), offer="human", behind=digits)
    assert from_slots(to_slots(State(awaiting=offer))).awaiting == offer
    nested = to_slots(State(awaiting=offer))
    nested["awaiting"]["behind"]["behind"] = {"kind": "customer_code"}  # never written; dropped if read
    assert from_slots(nested).awaiting == offer
    nested["awaiting"]["behind"] = {"kind": "bogus"}
    assert from_slots(nested).awaiting == Awaiting("offer", offer.questions, offer="human")


def test_slot_values_are_plain_json_without_empty_fields() -> None:
    slots = to_slots(State(awaiting=Awaiting("customer_code", (Question("bill"),))))
    assert slots["awaiting"] == {"kind": "customer_code", "questions": [{"topic": "bill"}]}
    assert slots["dates_shown"] == [] and slots["ticket"] is None


def test_malformed_slot_values_are_dropped_never_raised() -> None:
    state = from_slots(
        {
            "awaiting": {"kind": "bogus"},
            "kwh": "many",
            "households": True,
            "ticket": {"kind": "outage"},  # no number
            "outages_shown": [1, "x", {"kind": "planned", "nonsense": 1}],
            "dates_shown": ["week:+1", 3, None],
            "misunderstood": None,
            "tips_shown": "yes",
        }
    )
    assert state.awaiting is None and state.kwh is None and state.households is None and state.ticket is None
    assert state.outages_shown == (ShownOutage("planned"),)
    assert state.dates_shown == ("week:+1",) and state.misunderstood == 0 and state.tips_shown is False


def test_nothing_in_the_state_can_hold_the_verification_digits() -> None:
    """The digits are read from the answering message only: no field is meant for them."""
    names = set(SLOT_NAMES) | {f for f in Awaiting.__dataclass_fields__} | set(Question.__dataclass_fields__)
    assert not {n for n in names if "digit" in n or "answer" in n or "phone" in n}
