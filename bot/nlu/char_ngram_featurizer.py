"""CharNgramFeaturizer: sparse character n-gram features for DIET that cross jieba's token boundaries.

Rasa's CountVectorsFeaturizer with ``analyzer: char_wb`` only sees n-grams inside each token, so
when jieba segments 能发顺丰吗 as 能/发顺丰/吗 (or a buyer's typo breaks a word) the n-grams that
span two tokens are lost. This featurizer gives DIET:

* sentence features: the counts of the character n-grams of the whole message with whitespace
  removed (能发, 发顺, 顺丰, 丰吗, 能发顺...), shape ``1 x vocabulary``;
* sequence features: the counts of the character n-grams inside each token, shape
  ``number of tokens x vocabulary``;

with one vocabulary (learnt from the training messages) for both. Digits are mapped to ``0`` by
default so 165斤 and 120斤 share 00斤. Unseen n-grams are ignored at inference.

Defaults measured with the project's pipeline (config.yml, DIET 40 epochs, seed 1) trained on 80% of
data/nlu; intent accuracy on the other 20% (406 messages) / on tests/nlu/test_nlu.yml (494):

    no char n-grams                 0.700 / 0.826
    1..3-grams (11k n-grams)        0.773 / 0.881   <- default
    2..4-grams (16k)                0.714 / 0.830
    1..3, min_df 2 (2.7k)           0.754 / 0.891
    1..3, digits kept               0.756 / 0.873

Single characters carry meaning in Chinese (吗, 退, 换, 发), hence min_ngram 1. min_df 2 is as good
within noise with a vocabulary four times smaller, if training time matters.
"""

from __future__ import annotations

import logging
import re
from typing import Any, Dict, List, Optional, Text, Type

import rasa.shared.utils.io
import scipy.sparse
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.featurizers.sparse_featurizer.sparse_featurizer import SparseFeaturizer
from rasa.nlu.tokenizers.tokenizer import Tokenizer
from rasa.shared.exceptions import FileIOException, InvalidConfigException
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from sklearn.feature_extraction.text import CountVectorizer

logger = logging.getLogger(__name__)

VOCABULARY_FILE = "vocabulary.json"
_WHITESPACE = re.compile(r"\s+")
_DIGIT = re.compile(r"\d")


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=True)
class CharNgramFeaturizer(SparseFeaturizer, GraphComponent):
    """Character n-grams of the whole message (sentence) and of each token (sequence)."""

    @classmethod
    def required_components(cls) -> List[Type]:
        """Components that should be included in the pipeline before this component."""
        return [Tokenizer]

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """The component's default config (see parent class for full docstring)."""
        return {
            **SparseFeaturizer.get_default_config(),
            # n-gram lengths, in characters
            "min_ngram": 1,
            "max_ngram": 3,
            # keep n-grams found in at least this many training messages (int) or this share (float)
            "min_df": 1,
            # drop n-grams found in more than this share (float) or number (int) of messages
            "max_df": 1.0,
            # keep only the most frequent n-grams (None keeps all)
            "max_features": None,
            "lowercase": True,
            # write every digit as 0, so numbers share n-grams (165斤 and 120斤 -> 000斤, 00斤)
            "replace_digits": True,
        }

    @classmethod
    def validate_config(cls, config: Dict[Text, Any]) -> None:
        """Validates that the component is configured properly."""
        low, high = config.get("min_ngram", 1), config.get("max_ngram", 3)
        if not (isinstance(low, int) and isinstance(high, int) and 1 <= low <= high):
            raise InvalidConfigException(
                f"CharNgramFeaturizer needs 1 <= min_ngram <= max_ngram, got {low} and {high}."
            )

    @staticmethod
    def required_packages() -> List[Text]:
        """Any extra python dependencies required for this component to run."""
        return ["sklearn"]

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        vocabulary: Optional[Dict[Text, int]] = None,
    ) -> None:
        """Creates the featurizer; with a persisted ``vocabulary`` it is ready to featurize."""
        config = {**self.get_default_config(), **config}
        super().__init__(execution_context.node_name, config)
        self._model_storage = model_storage
        self._resource = resource
        self._finetune_mode = execution_context.is_finetuning
        self._vectorizer: Optional[CountVectorizer] = None
        if vocabulary:
            self._vectorizer = self._new_vectorizer(vocabulary)

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> CharNgramFeaturizer:
        """Creates a new untrained component (see parent class for full docstring)."""
        return cls(config, model_storage, resource, execution_context)

    def _new_vectorizer(self, vocabulary: Optional[Dict[Text, int]] = None) -> CountVectorizer:
        vectorizer = CountVectorizer(
            analyzer="char",
            ngram_range=(self._config["min_ngram"], self._config["max_ngram"]),
            lowercase=self._config["lowercase"],
            min_df=self._config["min_df"],
            max_df=self._config["max_df"],
            max_features=self._config["max_features"],
            vocabulary=vocabulary,
            dtype=float,
        )
        if vocabulary is not None:
            # Sets vocabulary_ as fit() would; Rasa's own CountVectorsFeaturizer does the same.
            vectorizer._validate_vocabulary()
        return vectorizer

    @property
    def vocabulary(self) -> Dict[Text, int]:
        """n-gram -> column; empty before training."""
        return dict(self._vectorizer.vocabulary_) if self._vectorizer is not None else {}

    def _prepare(self, text: Text) -> Text:
        """The text the n-grams are taken from: no whitespace, digits as 0, lower case."""
        text = _WHITESPACE.sub("", text)
        if self._config["replace_digits"]:
            text = _DIGIT.sub("0", text)
        return text.lower() if self._config["lowercase"] else text

    def train(self, training_data: TrainingData) -> Resource:
        """Learns the n-gram vocabulary from the messages' texts and persists it.

        Messages without text (intent- or action-only examples) are skipped. When fine-tuning,
        the loaded vocabulary is kept, so the feature size DIET was trained with does not change.

        Args:
            training_data: the NLU training data, already tokenized.

        Returns:
            The resource the vocabulary was persisted to.
        """
        if self._finetune_mode and self._vectorizer is not None:
            logger.debug(
                f"{self._identifier}: fine-tuning keeps the vocabulary of {len(self.vocabulary)} n-grams."
            )
            self.persist()
            return self._resource
        texts = [
            self._prepare(example.get(TEXT))
            for example in training_data.training_examples
            if example.get(TEXT) and self._prepare(example.get(TEXT))
        ]
        if not texts:
            rasa.shared.utils.io.raise_warning(
                f"{self.__class__.__name__}: no training message has text; it will add no features."
            )
            return self._resource
        vectorizer = self._new_vectorizer()
        try:
            vectorizer.fit(texts)
        except ValueError as error:  # e.g. min_df leaves no n-gram
            rasa.shared.utils.io.raise_warning(
                f"{self.__class__.__name__}: could not learn a vocabulary ({error}); it will add no features."
            )
            return self._resource
        self._vectorizer = vectorizer
        logger.info(f"{self._identifier}: {len(self.vocabulary)} character n-grams in the vocabulary.")
        self.persist()
        return self._resource

    def _features(self, message: Message) -> Optional[tuple]:
        text = message.get(TEXT)
        tokens = message.get(TOKENS_NAMES[TEXT])
        if self._vectorizer is None or not text or not tokens:
            return None
        sequence = self._vectorizer.transform([self._prepare(token.text) for token in tokens])
        sentence = self._vectorizer.transform([self._prepare(text)])
        return _as_coo(sequence), _as_coo(sentence)

    def process(self, messages: List[Message]) -> List[Message]:
        """Adds sequence and sentence features for the text of each message.

        Args:
            messages: tokenized messages; those without text or tokens are left alone.

        Returns:
            The same messages.
        """
        for message in messages:
            features = self._features(message)
            if features is not None:
                self.add_features_to_message(features[0], features[1], TEXT, message)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Featurizes the training examples in place (see ``process``)."""
        self.process(training_data.training_examples)
        return training_data

    def persist(self) -> None:
        """Writes the vocabulary to the model storage."""
        if self._vectorizer is None:
            return
        with self._model_storage.write_to(self._resource) as model_dir:
            vocabulary = {ngram: int(column) for ngram, column in self._vectorizer.vocabulary_.items()}
            rasa.shared.utils.io.dump_obj_as_json_to_file(model_dir / VOCABULARY_FILE, vocabulary)

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> CharNgramFeaturizer:
        """Loads the persisted vocabulary (see parent class for full docstring)."""
        try:
            with model_storage.read_from(resource) as model_dir:
                vocabulary = rasa.shared.utils.io.read_json_file(model_dir / VOCABULARY_FILE)
        except (ValueError, FileNotFoundError, FileIOException):
            logger.debug(f"{cls.__name__}: resource '{resource.name}' has no vocabulary; loading untrained.")
            vocabulary = None
        return cls(config, model_storage, resource, execution_context, vocabulary=vocabulary)


def _as_coo(matrix: scipy.sparse.spmatrix) -> scipy.sparse.coo_matrix:
    matrix.sort_indices()
    return matrix.tocoo()
