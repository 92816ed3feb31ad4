"""NotUnderstoodFallbackClassifier: Rasa's FallbackClassifier that also falls back on messages with nothing to understand.

Rasa's FallbackClassifier predicts nlu_fallback when the classifier is unsure. A linear classifier
can be sure about keyboard mashing (asdkjh qwe lands wherever its character n-grams point), so this
one also predicts nlu_fallback, whatever the confidence, when the message

* has no words at all (MessageGuard's ``empty`` / ``no_words``: blank, lone punctuation, emoji), or
* is gibberish or only fillers (``bot.text.not_understood``), judged with the Latin words of the
  training examples as the known vocabulary, learnt at training and stored in the model.

The reason is added to the message's ``input_problems`` (beside MessageGuard's), so action_clarify
can ask plainly instead of offering topics guessed from noise; two such messages in a row hand the
chat to a person like any other misunderstanding.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, FrozenSet, List, Optional, Text, Type

import rasa.shared.utils.io
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.fallback_classifier import FallbackClassifier
from rasa.shared.exceptions import FileIOException
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.message_guard import INPUT_PROBLEMS
from bot.text.not_understood import FILLER, GIBBERISH, latin_words, not_understood_reason

logger = logging.getLogger(__name__)

VOCABULARY_FILE = "known_latin_words.json"
# MessageGuard's problems that leave nothing to understand.
NOTHING_TO_UNDERSTAND = ("empty", "no_words")
# Every input problem after which the message is not understood, whatever the classifier thinks.
NOT_UNDERSTOOD_PROBLEMS = (*NOTHING_TO_UNDERSTAND, GIBBERISH, FILLER)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class NotUnderstoodFallbackClassifier(FallbackClassifier):
    """nlu_fallback below the confidence threshold, and for messages without anything to understand."""

    @classmethod
    def required_components(cls) -> List[Type]:
        """None checked by Rasa: it must come after the intent classifier in config.yml, but being
        trainable its training node reads the training data, not the classifier's output, and
        Rasa's check of the graph would then refuse it."""
        return []

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: Optional[ModelStorage] = None,
        resource: Optional[Resource] = None,
        known_words: FrozenSet[Text] = frozenset(),
    ) -> None:
        """Creates the classifier; ``known_words`` are the training examples' Latin words."""
        super().__init__({**self.get_default_config(), **config})
        self._model_storage = model_storage
        self._resource = resource
        self.known_words = frozenset(known_words)

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> NotUnderstoodFallbackClassifier:
        """Creates a new untrained component (see parent class for full docstring)."""
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        """Learns the Latin words of the training examples (hello, ok, iphone...) and persists them."""
        words = set()
        for example in training_data.training_examples:
            words.update(latin_words(example.get(TEXT) or ""))
        self.known_words = frozenset(words)
        with self._model_storage.write_to(self._resource) as model_dir:
            rasa.shared.utils.io.dump_obj_as_json_to_file(model_dir / VOCABULARY_FILE, sorted(words))
        return self._resource

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> NotUnderstoodFallbackClassifier:
        """Loads the known words (see parent class for full docstring)."""
        try:
            with model_storage.read_from(resource) as model_dir:
                words = rasa.shared.utils.io.read_json_file(model_dir / VOCABULARY_FILE)
        except (ValueError, FileNotFoundError, FileIOException):
            logger.debug(f"{cls.__name__}: no known words stored; every Latin word must spell pinyin.")
            words = []
        return cls(config, model_storage, resource, frozenset(words))

    def reason_not_understood(self, message: Message) -> Optional[Text]:
        """Why the message has nothing to understand (a MessageGuard problem, gibberish, filler), or None."""
        problems = message.get(INPUT_PROBLEMS) or []
        for problem in NOTHING_TO_UNDERSTAND:
            if problem in problems:
                return problem
        return not_understood_reason(message.get(TEXT) or "", self.known_words)

    def process(self, messages: List[Message]) -> List[Message]:
        """Records why a message cannot be understood, then falls back as Rasa's classifier does."""
        for message in messages:
            text = message.get(TEXT)
            if text is not None and text.startswith("/"):
                continue  # a button's intent payload
            reason = self.reason_not_understood(message)
            if reason and reason not in (message.get(INPUT_PROBLEMS) or []):
                message.set(INPUT_PROBLEMS, [*(message.get(INPUT_PROBLEMS) or []), reason], add_to_output=True)
        return super().process(messages)

    def _should_fallback(self, message: Message) -> bool:
        if any(problem in NOT_UNDERSTOOD_PROBLEMS for problem in message.get(INPUT_PROBLEMS) or []):
            return True
        return super()._should_fallback(message)
