"""The type and range of every entity value the assistant accepts, checked before a value can reach a slot.

Values come from two places: the entity extractor (our own normalisers, which already give these types)
and the JSON of a button's payload (``/inform{"order_id": "..."}``), which Rasa copies into entities
without looking. One table says what each entity may hold; ``valid_value`` applies it to both, so a
payload such as ``{"height": "abc", "weight": [1, 2], "amount": 1e999}`` never sets a slot.
"""

from __future__ import annotations

import json
import math
from typing import Any, Dict, Optional

from pydantic import ValidationError, confloat, constr, parse_obj_as

_Text = constr(strip_whitespace=True, min_length=1, max_length=16)

#: What each entity may hold (pydantic types); an entity not listed here is never accepted from a payload.
ENTITY_TYPES: Dict[str, Any] = {
    "height": confloat(gt=0, le=300, allow_inf_nan=False),          # cm; plausibility is sizing's call
    "weight": confloat(gt=0, le=500, allow_inf_nan=False),          # kg
    "amount": confloat(ge=0, le=1_000_000, allow_inf_nan=False),    # yuan
    "order_id": constr(strip_whitespace=True, regex=r"^\d{6,24}$"),
    "size": constr(strip_whitespace=True, min_length=1, max_length=12),
    "color": _Text,
    "product": constr(strip_whitespace=True, regex=r"^[A-Za-z0-9_-]{1,64}$"),
    "courier": _Text,
    "region": _Text,
    "garment": _Text,
    "fit": constr(regex=r"^(loose|fitted)$"),
    "attribute": constr(regex=r"^[a-z_]{1,32}$"),
}


def valid_value(entity: str, value: Any) -> Optional[Any]:
    """The value in its entity's type, or None when the entity is unknown or the value is not of its
    type and range (a list, an object, NaN or infinity, a string where a number belongs...)."""
    kind = ENTITY_TYPES.get(entity)
    if kind is None or isinstance(value, (list, dict, bool)) or value is None:
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    try:
        return parse_obj_as(kind, value)
    except (ValidationError, TypeError, ValueError, OverflowError):
        return None


def valid_payload_entities(raw: str) -> Dict[str, Any]:
    """The entities of a button payload's JSON part, keeping only valid values (see valid_value).

    Args:
        raw: the JSON object after the intent name, e.g. ``{"order_id": "1234567890123456"}``.

    Returns:
        The entities that passed; ``{}`` when the text is not a JSON object.
    """
    try:
        data = json.loads(raw, parse_constant=lambda _: None)  # NaN / Infinity literals count as invalid
    except (ValueError, RecursionError):
        return {}
    if not isinstance(data, dict):
        return {}
    kept: Dict[str, Any] = {}
    for entity, value in data.items():
        checked = valid_value(str(entity), value)
        if checked is not None:
            kept[str(entity)] = checked
    return kept
