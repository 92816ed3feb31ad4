"""The metadata the web service sends with each buyer message to Rasa: the one definition both sides read.

- ``identity``: the buyer's signed identity (bot.identity), which the actions verify;
- ``product``: the catalogue id of the product page the buyer is on, if any;
- ``button``: the text is the payload of a button the web service offered this buyer, so Rasa may read
  it as a command (bot.nlu.message_guard); typed text never is.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, Optional

IDENTITY = "identity"
PRODUCT = "product"
BUTTON = "button"


@dataclass(frozen=True)
class MessageMetadata:
    """What travels with one buyer message."""

    identity: str
    product: Optional[str] = None
    button: bool = False

    def as_dict(self) -> Dict[str, Any]:
        return {IDENTITY: self.identity, PRODUCT: self.product, BUTTON: self.button}
