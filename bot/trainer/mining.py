"""Finds the buyer messages a person should look at: low confidence, close calls, fallbacks, hand-offs, far from training data.

The model is behind the `Parser` protocol (bot.trainer.model.RasaParser for the real one), so
mining is tested with a fake and never needs rasa here. Coverage is measured without the model:
the highest cosine similarity between a message and any training example in data/nlu, both as
character 1-3-gram TF-IDF vectors. Messages are ranked by how many reasons they have, then by
how often they were sent, then by confidence (lowest first).
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, List, Optional, Protocol, Sequence

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from bot.trainer.nlu_files import read_folder
from bot.trainer.logs import ENDED_FALLBACK, ENDED_HANDOFF, LogMessage

DEFAULT_NLU_DIR = Path(__file__).resolve().parents[2] / "data" / "nlu"

DEFAULT_THRESHOLD = 0.5
DEFAULT_MARGIN = 0.1
DEFAULT_FAR = 0.35

REASON_LOW = "low_confidence"
REASON_CLOSE = "close_call"
REASON_FALLBACK = "fallback"
REASON_HANDOFF = "handoff"
REASON_FAR = "far"
#: Reasons that say the assistant does not cover the message (what clustering looks at).
UNCOVERED = (REASON_FALLBACK, REASON_LOW, REASON_FAR)


@dataclass(frozen=True)
class IntentScore:
    """An intent and its confidence."""

    name: str
    confidence: float


@dataclass
class Parse:
    """What the model made of a message: intents best first (nlu_fallback left out), and whether it fell back."""

    ranking: List[IntentScore]
    fallback: bool = False


class Parser(Protocol):
    """Anything that parses messages into intents (the Rasa model, or a fake in tests)."""

    def parse_batch(self, texts: Sequence[str]) -> List[Parse]:
        """One Parse per text, in order."""


@dataclass
class MinedItem:
    """A message with what the model predicted and why a person should look at it."""

    id: str
    text: str
    predicted: Optional[str]
    confidence: Optional[float]
    alternatives: List[IntentScore] = field(default_factory=list)
    reasons: List[str] = field(default_factory=list)
    similarity: float = 0.0
    count: int = 1
    source: str = ""

    def to_json(self) -> str:
        """One JSONL line."""
        return json.dumps(dataclasses.asdict(self), ensure_ascii=False)


@dataclass(frozen=True)
class MiningSettings:
    """Thresholds; the defaults are the CLI's."""

    threshold: float = DEFAULT_THRESHOLD  # below this confidence a prediction is doubtful
    margin: float = DEFAULT_MARGIN  # top two closer than this is a close call
    far: float = DEFAULT_FAR  # best similarity to any training example below this is far


def load_training_examples(nlu_dir: Path = DEFAULT_NLU_DIR) -> List[str]:
    """Intent examples in data/nlu (entity annotations reduced to their text; lookups left out)."""
    return [text for text, _ in read_folder(Path(nlu_dir), plain=True)]


class Coverage:
    """How close a message is to the nearest training example (cosine of char 1-3-gram TF-IDF)."""

    def __init__(self, examples: Sequence[str]) -> None:
        """Fits the vectoriser on the training examples."""
        if not examples:
            raise ValueError("no training examples to compare messages with")
        self._vectorizer = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True)
        self._examples = self._vectorizer.fit_transform(examples)

    def similarity(self, texts: Sequence[str], chunk: int = 2000) -> np.ndarray:
        """The best similarity of each text to any example (0 to 1)."""
        best = np.zeros(len(texts))
        for start in range(0, len(texts), chunk):
            vectors = self._vectorizer.transform(texts[start:start + chunk])
            # Rows are L2-normalised, so the dot product is the cosine.
            scores = (vectors @ self._examples.T).max(axis=1).toarray().ravel()
            best[start:start + len(scores)] = scores
        return best


def reasons_for(message: LogMessage, parse: Parse, similarity: float, settings: MiningSettings) -> List[str]:
    """Why a message needs a person (empty when it does not)."""
    reasons: List[str] = []
    top = parse.ranking[0].confidence if parse.ranking else 0.0
    if parse.fallback or message.ended_in == ENDED_FALLBACK:
        reasons.append(REASON_FALLBACK)
    if top < settings.threshold:
        reasons.append(REASON_LOW)
    if len(parse.ranking) > 1 and top - parse.ranking[1].confidence < settings.margin:
        reasons.append(REASON_CLOSE)
    if message.ended_in == ENDED_HANDOFF:
        reasons.append(REASON_HANDOFF)
    if similarity < settings.far:
        reasons.append(REASON_FAR)
    return reasons


def mine(
    messages: Sequence[LogMessage],
    parser: Parser,
    coverage: Coverage,
    settings: MiningSettings = MiningSettings(),
    batch_size: int = 64,
    progress: Callable[[Iterable], Iterable] = lambda batches: batches,
) -> List[MinedItem]:
    """Parses every message and returns all of them with their reasons, the ones needing a person first.

    Args:
        messages: de-duplicated messages (bot.trainer.logs).
        parser: the model.
        coverage: similarity to the training examples.
        settings: thresholds.
        batch_size: messages per parser call.
        progress: wraps the batch iterator (e.g. tqdm) to show progress.

    Returns:
        One item per message, sorted: most reasons, then most sent, then lowest confidence.
    """
    texts = [message.text for message in messages]
    parses: List[Parse] = []
    batches = [texts[start:start + batch_size] for start in range(0, len(texts), batch_size)]
    for batch in progress(batches):
        parses.extend(parser.parse_batch(batch))
    similarities = coverage.similarity(texts) if texts else np.zeros(0)
    items = []
    for message, parse, similarity in zip(messages, parses, similarities):
        top = parse.ranking[0] if parse.ranking else None
        items.append(
            MinedItem(
                id=message.id,
                text=message.text,
                predicted=top.name if top else None,
                confidence=round(top.confidence, 4) if top else None,
                alternatives=[IntentScore(s.name, round(s.confidence, 4)) for s in parse.ranking[1:4]],
                reasons=reasons_for(message, parse, float(similarity), settings),
                similarity=round(float(similarity), 4),
                count=message.count,
                source=message.source,
            )
        )
    items.sort(key=lambda item: (-len(item.reasons), -item.count, item.confidence if item.confidence is not None else 0.0))
    return items


def write_mined(items: Iterable[MinedItem], path: Path) -> None:
    """Writes mined items as JSONL."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as handle:
        for item in items:
            handle.write(item.to_json() + "\n")
