"""How the workbench names things for agents: hand-off reasons in the policy's words, buyers by a readable name.

Ticket reasons are read only through :func:`reason_words`, the one place that turns reason keys into what
agents read (``policy.yml`` ``handoff.reasons[key].label``).
"""

from __future__ import annotations

import re
from typing import Iterable, List, Optional

from bot.shop.schema import Policy

#: Buyer ids the shop page makes (bot.web.buyer): ``b-`` and 32 hex digits, unreadable at a glance.
_SHOP_PAGE_ID = re.compile(r"^b-([0-9a-f]{32})$")
SHORT_ID = 6
MAX_NAME = 16


def reason_words(policy: Policy, keys: Iterable[str]) -> List[str]:
    """The policy's label of each hand-off reason key, in order (a key the policy does not know, as it is)."""
    reasons = policy.handoff.reasons
    return [reasons[key].label if key in reasons else str(key) for key in keys]


def buyer_name(buyer_id: Optional[str]) -> str:
    """A name an agent can read and say: a platform's buyer id is the buyer's nick (shown as it is, cut to
    16 characters); a shop-page id ``b-<32 hex>`` becomes ``买家`` and its first six hex digits."""
    if not buyer_id:
        return "买家（未登录）"
    match = _SHOP_PAGE_ID.match(buyer_id)
    if match:
        return f"买家{match.group(1)[:SHORT_ID]}"
    return buyer_id if len(buyer_id) <= MAX_NAME else buyer_id[: MAX_NAME - 1] + "…"
