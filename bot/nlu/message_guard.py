"""Rasa component that cleans each buyer message before tokenising it and records what was wrong with it.

It also decides what Rasa's ``/intent{...}`` shortcut may do. Rasa reads any message starting with ``/``
as an intent and entities, skipping the model: typed by a buyer, ``/restart`` would wipe the chat and
``/inform{"height": "abc"}`` would set a slot to anything. Here a ``/`` message is a command only when
it is a button the web service offered (``metadata.button`` is true; the web service checks the payload
against the buttons it sent) or comes from a local tool (no metadata at all: ``rasa shell``, ``rasa
test``; the shop page channel always sends metadata). A command keeps only entity values of the right
type and range (bot.text.entity_values). Anything else is plain text: its leading ``/`` becomes a
full-width ``／``, which Rasa does not read as a command and the model reads as punctuation.
"""

from __future__ import annotations

import json
import re
from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.message_metadata import BUTTON as BUTTON_METADATA
from bot.nlu.rasa_speedups import apply_rasa_speedups
from bot.text.entity_values import valid_payload_entities
from bot.text.message_cleaning import clean_message

# Parse-data key the actions read to answer bad input (empty, HTML, too long, emoji only) plainly.
INPUT_PROBLEMS = "input_problems"
COMMAND = re.compile(r"^/(?P<intent>[A-Za-z][A-Za-z0-9_]{0,63})(?P<entities>\{.*\})?$", re.DOTALL)
PLAIN_SLASH = "\uff0f"


def is_trusted_command(metadata: Any) -> bool:
    """A ``/`` message may act as a command: a button click the web service vouched for, or a local tool
    (no metadata)."""
    if metadata is None or metadata == {}:
        return True
    return isinstance(metadata, dict) and metadata.get(BUTTON_METADATA) is True


def command_text(raw: Text) -> Optional[Text]:
    """``/intent{entities}`` with only valid entity values, or None when it is not a command at all."""
    match = COMMAND.match(raw.strip())
    if match is None:
        return None
    if not match.group("entities"):
        return f"/{match.group('intent')}"
    entities = valid_payload_entities(match.group("entities"))
    return f"/{match.group('intent')}{json.dumps(entities, ensure_ascii=False)}" if entities else f"/{match.group('intent')}"


def as_plain_text(raw: Text) -> Text:
    """The buyer's text with a leading ``/`` that Rasa cannot read as a command."""
    stripped = raw.lstrip()
    return PLAIN_SLASH + stripped[1:] if stripped.startswith("/") else raw


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER], is_trainable=False
)
class MessageGuard(GraphComponent):
    """Strips HTML, folds whitespace and cuts over-long text so the model sees the question itself."""

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "MessageGuard":
        # The first component Rasa builds when it loads the model: the place to install the
        # profiled speed-up of the server (see bot/nlu/rasa_speedups.py).
        apply_rasa_speedups()
        return cls()

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        # Training examples are written by us and already clean.
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            raw: Optional[Text] = message.get(TEXT)
            if raw is None:
                continue
            if raw.lstrip().startswith("/"):
                command = command_text(raw) if is_trusted_command(message.get("metadata")) else None
                if command is not None:
                    message.set(TEXT, command)
                    continue
                raw = as_plain_text(raw)
            cleaned = clean_message(raw)
            message.set(TEXT, cleaned.text)
            message.set(INPUT_PROBLEMS, cleaned.problems, add_to_output=True)
        return messages
