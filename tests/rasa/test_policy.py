"""The dialogue policy: action_converse after every customer message, then listen."""

from __future__ import annotations

from pathlib import Path

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.rasa.policy import CONVERSE_ACTION, ConversePolicy, next_action

DOMAIN_FILE = Path(__file__).resolve().parents[2] / "domain.yml"


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(DOMAIN_FILE))


@pytest.fixture
def policy(tmp_path: Path) -> ConversePolicy:
    storage = LocalModelStorage(tmp_path)
    context = ExecutionContext(GraphSchema({}), "test")
    return ConversePolicy.create(ConversePolicy.get_default_config(), storage, Resource("converse"), context)


def tracker(*events) -> DialogueStateTracker:
    start = [ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen")]
    return DialogueStateTracker.from_events("someone", [*start, *events])


def said(intent: str, text: str = "x") -> UserUttered:
    return UserUttered(text, {"name": intent, "confidence": 0.9})


@pytest.mark.parametrize(
    "intent", ["greet", "ask_bill", "inform", "nlu_fallback", "ask_bill+ask_debt", "never_seen"]
)
def test_every_customer_message_is_answered_by_the_engine(intent: str) -> None:
    assert next_action(tracker(said(intent))) == CONVERSE_ACTION


def test_after_the_engine_answered_the_bot_listens() -> None:
    answered = tracker(
        said("ask_bill"), ActionExecuted(CONVERSE_ACTION), BotUttered("Dạ"), SlotSet("topic", "bill")
    )
    assert next_action(answered) == "action_listen"


def test_after_a_failed_action_the_bot_still_listens_and_never_loops() -> None:
    assert next_action(tracker(said("ask_bill"), ActionExecuted(CONVERSE_ACTION))) == "action_listen"


def test_listening_already_means_nothing_new_to_answer() -> None:
    assert next_action(tracker()) == "action_listen"


@pytest.mark.parametrize(
    ("intent", "action"),
    [("restart", "action_restart"), ("back", "action_back"), ("session_start", "action_session_start")],
)
def test_rasa_default_intents_keep_their_default_actions(intent: str, action: str) -> None:
    assert next_action(tracker(said(intent, f"/{intent}"))) == action


def test_the_prediction_is_certain_and_names_the_action(policy: ConversePolicy, domain: Domain) -> None:
    prediction = policy.predict_action_probabilities(tracker(said("ask_debt")), domain)
    best = prediction.probabilities.index(max(prediction.probabilities))
    assert domain.action_names_or_texts[best] == CONVERSE_ACTION
    assert prediction.max_confidence == 1.0 and sum(prediction.probabilities) == 1.0
    assert prediction.policy_name == "ConversePolicy"


def test_training_learns_nothing_and_stores_a_resource(policy: ConversePolicy, domain: Domain) -> None:
    resource = policy.train([], domain)
    assert resource == Resource("converse")
    loaded = ConversePolicy.load(
        ConversePolicy.get_default_config(),
        policy._model_storage,
        resource,
        ExecutionContext(GraphSchema({}), "t"),
    )
    prediction = loaded.predict_action_probabilities(tracker(said("greet")), domain)
    assert domain.action_names_or_texts[prediction.max_confidence_index] == CONVERSE_ACTION


def test_the_domain_has_the_action() -> None:
    assert CONVERSE_ACTION in Domain.load(str(DOMAIN_FILE)).action_names_or_texts
