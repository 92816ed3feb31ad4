"""ShopEntityExtractor: a rule-based Rasa entity extractor for the shop, built on a blank spaCy pipeline.

Pipeline (``spacy.blank("zh")``, no model weights):

1. spaCy's default Chinese segmenter, one token per character. Phrase patterns then match at any
   character offset, whatever jieba would have made of the sentence (能发顺丰吗 segments as
   能/发顺丰/吗 without our dictionary), and no extra package or dictionary is needed at run time.
   Words are not needed here: the patterns are whole phrases.
2. An EntityRuler with phrase patterns (lower-cased) built at train time from the catalogue
   (product names and aliases -> product id, product colours) and data/lexicon (colours, couriers,
   regions, garments, fits, attributes, and not_* words that only block a match).
3. ``shop_pattern_entities``: adds the pattern entities of ``bot.text`` (height, weight, size,
   amount, order_id, one-character colours, garment and attribute words in context), settles
   overlaps the same way as ``bot.text.extract_entities`` and sets ``doc.ents``; normalised values
   go to ``doc.user_data``.

The patterns are persisted in the model, so a trained model does not need data/shop or
data/lexicon to run. They are rebuilt when the catalogue or lexicon files change (see
``fingerprint_addon``).
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Text, Tuple

import rasa.shared.utils.io
import spacy
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import ENTITY_ATTRIBUTE_CONFIDENCE_TYPE
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.exceptions import FileIOException, InvalidConfigException
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_END,
    ENTITY_ATTRIBUTE_START,
    ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE,
    EXTRACTOR,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from spacy.language import Language
from spacy.tokens import Doc

from bot.shop.catalogue import load_catalogue
from bot.text.extraction import combine_mentions
from bot.text.lexicon import Gazetteer, latin_boundaries_ok, load_lexicons
from bot.text.mentions import ENTITY_NAMES, PRIORITY_LEXICON, Mention
from bot.text.numerals import to_halfwidth

logger = logging.getLogger(__name__)

PATTERNS_FILE = "patterns.json"
PATTERN_PIPE = "shop_pattern_entities"
#: Key of ``doc.user_data`` holding {(start_char, end_char, label): normalised value}.
VALUES_KEY = "shop_entity_values"
_BOT_TEXT_DIR = Path(__file__).resolve().parents[1] / "text"


class ShopPatternEntities:
    """spaCy pipe: merges the EntityRuler's entities with ``bot.text``'s pattern entities."""

    def __init__(
        self,
        hues: Dict[str, str],
        entities: Optional[List[str]],
        short_terms: Optional[Dict[str, Dict[str, str]]] = None,
    ) -> None:
        self.hues = dict(hues)
        self.entities = None if entities is None else set(entities)
        self.short_terms = {entity: dict(chars) for entity, chars in (short_terms or {}).items()}

    def __call__(self, doc: Doc) -> Doc:
        text = doc.text
        lexical = [
            Mention(ent.start_char, ent.end_char, ent.label_, ent.text, ent.ent_id_, PRIORITY_LEXICON)
            for ent in doc.ents
            if latin_boundaries_ok(text, ent.start_char, ent.end_char)
        ]
        mentions = combine_mentions(text, lexical, self.hues, self.entities, self.short_terms)
        spans, values = [], {}
        for mention in mentions:
            span = doc.char_span(mention.start, mention.end, label=mention.entity, alignment_mode="expand")
            if span is None:
                continue
            spans.append(span)
            values[(span.start_char, span.end_char, mention.entity)] = mention.value
        doc.ents = spans
        doc.user_data[VALUES_KEY] = values
        return doc


if not Language.has_factory(PATTERN_PIPE):
    Language.factory(
        PATTERN_PIPE,
        default_config={"hues": {}, "entities": None, "short_terms": {}},
        func=lambda nlp, name, hues, entities, short_terms: ShopPatternEntities(hues, entities, short_terms),
    )


def build_pipeline(
    ruler_patterns: Sequence[Dict[str, str]],
    hues: Dict[str, str],
    entities: Optional[Sequence[str]] = None,
    short_terms: Optional[Dict[str, Dict[str, str]]] = None,
) -> Language:
    """The spaCy pipeline: blank Chinese (character tokens), EntityRuler, pattern entities.

    Args:
        ruler_patterns: EntityRuler phrase patterns ``{"label", "pattern", "id"}``.
        hues: one-character colour -> canonical colour (``{"黑": "黑色"}``).
        entities: entities to keep (None keeps all).
        short_terms: entity -> {one character: canonical value} (``{"attribute": {"透":
            "see_through"}}``), counted in context.

    Returns:
        The pipeline; ``doc.ents`` are the entities, ``doc.user_data[VALUES_KEY]`` their values.
    """
    nlp = spacy.blank("zh")
    ruler = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "LOWER", "validate": True})
    ruler.add_patterns(list(ruler_patterns))
    nlp.add_pipe(
        PATTERN_PIPE,
        config={
            "hues": dict(hues),
            "entities": None if entities is None else list(entities),
            "short_terms": {entity: dict(chars) for entity, chars in (short_terms or {}).items()},
        },
    )
    return nlp


def gazetteer_patterns(gazetteer: Gazetteer) -> List[Dict[str, str]]:
    """EntityRuler phrase patterns for the gazetteer's terms (the canonical value as the id)."""
    return [{"label": term.entity, "pattern": term.text, "id": term.value} for term in gazetteer.terms]


def _file_digest(paths: Sequence[Path]) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(str(path.name).encode())
        digest.update(path.read_bytes() if path.is_file() else b"<missing>")
    return digest.hexdigest()


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=True)
class ShopEntityExtractor(GraphComponent, EntityExtractorMixin):
    """Extracts the entities of ``ENTITY_NAMES`` (height, weight, size ... fit, attribute), normalised.

    Entities are added as ``{"entity", "start", "end", "value", "extractor", "confidence_entity"}``
    next to those of other extractors, which are left untouched.
    """

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """The component's default config (see parent class for full docstring)."""
        return {
            # The shop catalogue, relative to the directory `rasa train` runs in (the project root).
            "catalogue_path": "data/shop/catalogue.yml",
            # colors.yml, couriers.yml, regions.yml, garments.yml, fits.yml, product_attributes.yml.
            "lexicon_dir": "data/lexicon",
            # Only extract these entities; null extracts all of bot.text.ENTITY_NAMES.
            "entities": None,
        }

    @staticmethod
    def required_packages() -> List[Text]:
        """Any extra python dependencies required for this component to run."""
        return ["spacy"]

    @classmethod
    def fingerprint_addon(cls, config: Dict[str, Any]) -> Optional[str]:
        """Retrain when the catalogue, the lexicons or bot/text change, not only the NLU data."""
        lexicon_dir = Path(config.get("lexicon_dir") or cls.get_default_config()["lexicon_dir"])
        catalogue = Path(config.get("catalogue_path") or cls.get_default_config()["catalogue_path"])
        files = [catalogue, *sorted(lexicon_dir.glob("*.yml")), *sorted(_BOT_TEXT_DIR.glob("*.py"))]
        return _file_digest(files)

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        patterns: Optional[Dict[str, Any]] = None,
    ) -> None:
        """Creates the extractor; with persisted ``patterns`` it is ready to process messages."""
        self._config = {**self.get_default_config(), **config}
        unknown = set(self._config["entities"] or ()) - set(ENTITY_NAMES)
        if unknown:
            raise InvalidConfigException(
                f"{self.name}: unknown entities {sorted(unknown)} in 'entities'; known: {list(ENTITY_NAMES)}."
            )
        self._model_storage = model_storage
        self._resource = resource
        self._patterns = patterns
        self._nlp: Optional[Language] = None
        if patterns is not None:
            self._nlp = self._pipeline(patterns)

    def _pipeline(self, patterns: Dict[str, Any]) -> Language:
        # Models trained before garment and attribute words existed have no "short_terms".
        return build_pipeline(
            patterns["ruler_patterns"],
            patterns["hues"],
            self._config["entities"],
            patterns.get("short_terms") or {},
        )

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> ShopEntityExtractor:
        """Creates a new untrained component (see parent class for full docstring)."""
        return cls(config, model_storage, resource)

    def _products(self) -> Tuple[List[Tuple[str, List[str]]], List[str]]:
        path = Path(self._config["catalogue_path"])
        if not path.is_file():
            rasa.shared.utils.io.raise_warning(
                f"{self.name}: catalogue '{path}' not found; products and catalogue colours "
                f"will not be extracted."
            )
            return [], []
        catalogue = load_catalogue(path)
        products = [(product.id, [product.name, *product.aliases]) for product in catalogue.products]
        colors = [color for product in catalogue.products for color in product.colors]
        return products, colors

    def train(self, training_data: TrainingData) -> Resource:
        """Builds the patterns from the catalogue and lexicons and persists them.

        Args:
            training_data: unused: the patterns come from the shop's data files.

        Returns:
            The resource the patterns were persisted to.
        """
        lexicons = load_lexicons(Path(self._config["lexicon_dir"]))
        products, colors = self._products()
        gazetteer = Gazetteer.build(lexicons, products, colors)
        self._patterns = {
            "ruler_patterns": gazetteer_patterns(gazetteer),
            "hues": dict(sorted(gazetteer.hues.items())),
            "short_terms": {
                entity: dict(sorted(chars.items())) for entity, chars in sorted(gazetteer.short_terms.items())
            },
        }
        self._nlp = self._pipeline(self._patterns)
        count = len(self._patterns["ruler_patterns"])
        logger.info(f"{self.name}: {count} phrase patterns, {len(products)} products")
        self.persist()
        return self._resource

    def persist(self) -> None:
        """Writes the patterns to the model storage."""
        if self._patterns is None:
            return
        with self._model_storage.write_to(self._resource) as model_dir:
            rasa.shared.utils.io.dump_obj_as_json_to_file(model_dir / PATTERNS_FILE, self._patterns)

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> ShopEntityExtractor:
        """Rebuilds the spaCy pipeline from the persisted patterns (see parent class)."""
        try:
            with model_storage.read_from(resource) as model_dir:
                patterns = rasa.shared.utils.io.read_json_file(model_dir / PATTERNS_FILE)
        except (ValueError, FileNotFoundError, FileIOException):
            rasa.shared.utils.io.raise_warning(
                f"Failed to load {cls.__name__} from model storage: resource '{resource.name}' has "
                f"no patterns. Continuing without extracting entities with it."
            )
            return cls(config, model_storage, resource)
        return cls(config, model_storage, resource, patterns)

    def extract(self, text: str) -> List[Dict[Text, Any]]:
        """Entities of one text, in Rasa's format.

        Args:
            text: the buyer's message.

        Returns:
            Entity dicts with normalised values.
        """
        if not text or self._nlp is None:
            return []
        # Half-width first (ＸＬ -> XL, １６５ -> 165) so the lower-cased phrase patterns match;
        # one character maps to one, so offsets stay those of the original text.
        doc = self._nlp(to_halfwidth(text))
        values = doc.user_data.get(VALUES_KEY, {})
        return [
            {
                ENTITY_ATTRIBUTE_TYPE: ent.label_,
                ENTITY_ATTRIBUTE_START: ent.start_char,
                ENTITY_ATTRIBUTE_END: ent.end_char,
                ENTITY_ATTRIBUTE_VALUE: values.get(
                    (ent.start_char, ent.end_char, ent.label_), text[ent.start_char : ent.end_char]
                ),
                EXTRACTOR: self.name,
                ENTITY_ATTRIBUTE_CONFIDENCE_TYPE: 1.0,
            }
            for ent in doc.ents
        ]

    def process(self, messages: List[Message]) -> List[Message]:
        """Adds this extractor's entities to each message (see parent class for full docstring)."""
        if self._nlp is None:
            rasa.shared.utils.io.raise_warning(
                f"{self.name} has not been trained; continuing without extracting entities with it."
            )
            return messages
        for message in messages:
            text = message.get(TEXT)
            if not text:
                continue
            entities = self.extract(text)
            message.set(ENTITIES, message.get(ENTITIES, []) + entities, add_to_output=True)
        return messages
