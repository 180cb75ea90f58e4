"""Actions served by the action-server tests (registered by module name)."""

from __future__ import annotations

import os

from rasa_sdk import Action
from rasa_sdk.events import SlotSet
from sqlalchemy import create_engine, text


class ActionSampleHello(Action):
    def name(self) -> str:
        return "action_sample_hello"

    async def run(self, dispatcher, tracker, domain):
        dispatcher.utter_message(text=f"Dạ, chào {tracker.sender_id}.")
        return [SlotSet("topic", "greeting")]


class ActionSampleDatabase(Action):
    """Reads the database at SAMPLE_DATABASE_URL with a short busy timeout."""

    def name(self) -> str:
        return "action_sample_database"

    async def run(self, dispatcher, tracker, domain):
        engine = create_engine(os.environ["SAMPLE_DATABASE_URL"], connect_args={"timeout": 0.2})
        try:
            with engine.connect() as connection:
                phone = "0908111321"
                connection.execute(text("UPDATE people SET name = :name WHERE phone = :phone"),
                                   {"name": "Nguyễn Thị Minh Khai", "phone": phone})
        finally:
            engine.dispose()
        dispatcher.utter_message(text="Dạ, đã tra xong.")
        return []


class ActionSampleBug(Action):
    def name(self) -> str:
        return "action_sample_bug"

    async def run(self, dispatcher, tracker, domain):
        customer_name = "Nguyễn Thị Minh Khai"
        slots = {"phone": "0908111321", "name": customer_name}
        return [SlotSet("x", slots["missing 0908111321"])]
