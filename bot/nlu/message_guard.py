"""Rasa component that cleans each buyer message before tokenising it and records what was wrong with it."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.rasa_speedups import apply_rasa_speedups
from bot.text.message_cleaning import clean_message

# Parse-data key the actions read to answer bad input (empty, HTML, too long, emoji only) plainly.
INPUT_PROBLEMS = "input_problems"


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
            if raw is None or raw.startswith("/"):
                continue  # no text, or an intent payload from a button
            cleaned = clean_message(raw)
            message.set(TEXT, cleaned.text)
            message.set(INPUT_PROBLEMS, cleaned.problems, add_to_output=True)
        return messages
