"""The one dialogue policy: every customer message goes to ``action_converse``.

The conversation is decided by our engine (``bot.dialogue``), called by the single
custom action ``action_converse`` once per customer message (one action-server round
trip per turn). This policy only says when to call it:

* after a customer message (any intent, ``nlu_fallback`` included): ``action_converse``;
* after any action: ``action_listen``;
* Rasa's own default intents keep their default actions (``/restart``, ``/back``,
  ``/session_start``), as Rasa's RulePolicy would do.

No training data is learnt (no TED, no memoization): training and prediction are
instant and deterministic.
"""

from __future__ import annotations

import json
from typing import Any

from rasa.core.constants import POLICY_PRIORITY
from rasa.core.policies.policy import Policy, PolicyPrediction, confidence_scores_for
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.shared.core.constants import (
    ACTION_BACK_NAME,
    ACTION_LISTEN_NAME,
    ACTION_RESTART_NAME,
    ACTION_SESSION_START_NAME,
    USER_INTENT_BACK,
    USER_INTENT_RESTART,
    USER_INTENT_SESSION_START,
)
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker

CONVERSE_ACTION = "action_converse"
DEFAULT_INTENT_ACTIONS = {
    USER_INTENT_RESTART: ACTION_RESTART_NAME,
    USER_INTENT_BACK: ACTION_BACK_NAME,
    USER_INTENT_SESSION_START: ACTION_SESSION_START_NAME,
}
# Above Rasa's own policies (RulePolicy is 6): should one be added next to this one, the
# engine still decides.
DEFAULT_PRIORITY = 7


def next_action(tracker: DialogueStateTracker) -> str:
    """The action to run next: a customer message not yet followed by an action is
    answered; anything else is followed by listening."""
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            return DEFAULT_INTENT_ACTIONS.get(event.intent_name or "", CONVERSE_ACTION)
        if isinstance(event, ActionExecuted):
            return ACTION_LISTEN_NAME
    return ACTION_LISTEN_NAME


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True)
class ConversePolicy(Policy):
    """Predicts ``action_converse`` after each customer message, then listens."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {POLICY_PRIORITY: DEFAULT_PRIORITY}

    def train(
        self, training_trackers: list[TrackerWithCachedStates], domain: Domain, **kwargs: Any
    ) -> Resource:
        """Nothing to learn; the resource records what the policy does, for `rasa test`."""
        with self._model_storage.write_to(self._resource) as directory:
            (directory / "converse_policy.json").write_text(
                json.dumps({"after_user_message": CONVERSE_ACTION}), encoding="utf-8"
            )
        return self._resource

    def predict_action_probabilities(
        self,
        tracker: DialogueStateTracker,
        domain: Domain,
        rule_only_data: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> PolicyPrediction:
        action = next_action(tracker)
        return self._prediction(confidence_scores_for(action, 1.0, domain))
