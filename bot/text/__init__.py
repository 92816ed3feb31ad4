"""Chinese buyer-message text: finding and normalising entity mentions (no rasa imports here)."""

from bot.text.extraction import combine_mentions, extract_entities, find_pattern_mentions
from bot.text.lexicon import Gazetteer, Lexicons, load_lexicons
from bot.text.mentions import ENTITY_NAMES, Mention, resolve_overlaps
from bot.text.numerals import parse_number, to_halfwidth

__all__ = [
    "ENTITY_NAMES",
    "Gazetteer",
    "Lexicons",
    "Mention",
    "combine_mentions",
    "extract_entities",
    "find_pattern_mentions",
    "load_lexicons",
    "parse_number",
    "resolve_overlaps",
    "to_halfwidth",
]
