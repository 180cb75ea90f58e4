"""The action server can load every outage action (as `rasa run actions` does)."""

from __future__ import annotations

from rasa_sdk.executor import ActionExecutor

OUTAGE_ACTIONS = {
    "validate_outage_schedule_form",
    "validate_outage_report_form",
    "validate_outage_restore_form",
    "validate_hazard_form",
    "action_ask_outage_location",
    "action_ask_outage_scope",
    "action_ask_outage_breaker",
    "action_ask_outage_since",
    "action_ask_hazard_place",
    "action_outage_schedule",
    "action_report_outage",
    "action_restore_time",
    "action_report_hazard",
    "action_hazard_place",
}


def test_the_action_server_registers_every_outage_action(domain: dict) -> None:
    executor = ActionExecutor()
    executor.register_package("actions")  # fails if any action class cannot even name itself
    assert set(executor.actions) >= OUTAGE_ACTIONS
    assert set(domain["actions"]) >= OUTAGE_ACTIONS, "every outage action is declared in domain.yml"
