"""How often a buyer, an address or a sign-in name may ask: limits from the settings, counted in memory.

Built on ``limits`` (moving windows): one limiter for the whole service, one named limit per kind of
request. The web service is a single process (it is the only writer of tickets and the buyer's entry),
so counting in its memory is exact; a restart forgets the counts, which only ever lets a few more in.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Dict, List, Mapping, Optional, Tuple

from limits import RateLimitItem, parse_many
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

#: The environment variable of each limit, and its default (``limits`` syntax: "20/minute;300/hour").
LIMIT_SETTINGS: Dict[str, Tuple[str, str]] = {
    # One buyer typing: a person sends a few messages a minute; a script sends hundreds.
    "buyer_messages": ("XIAODIAN_LIMIT_BUYER_MESSAGES", "30/minute;600/hour"),
    # One address: many buyers may share it (mobile carriers put thousands behind one address).
    "address_messages": ("XIAODIAN_LIMIT_ADDRESS_MESSAGES", "600/minute"),
    # New buyers (each gets an id and, in the demo, demo orders) from one address.
    "new_buyers": ("XIAODIAN_LIMIT_NEW_BUYERS", "30/minute;300/hour"),
    # Wrong passwords before sign-in is refused for a while: per name, and per address.
    "login_name": ("XIAODIAN_LIMIT_LOGIN_NAME", "5/15 minutes"),
    "login_address": ("XIAODIAN_LIMIT_LOGIN_ADDRESS", "20/15 minutes"),
}


def parse_limits(env: Mapping[str, str]) -> Dict[str, str]:
    """Each limit's text from the environment or its default.

    Raises:
        ValueError: a limit that ``limits`` cannot read, naming the variable.
    """
    texts = {}
    for name, (variable, default) in LIMIT_SETTINGS.items():
        text = env.get(variable) or default
        try:
            parse_many(text)
        except ValueError as error:
            raise ValueError(f"{variable}={text!r} is not a rate limit such as '20/minute;300/hour': {error}") from None
        texts[name] = text
    return texts


@dataclass
class Refusal:
    """A request over a limit: which one, and in how many seconds to try again."""

    limit: str
    retry_after_s: int


class RateLimiter:
    """The service's limits (see LIMIT_SETTINGS), keyed by buyer id, address or sign-in name.

    Args:
        limits: each limit's text, as ``parse_limits`` gives it.
    """

    def __init__(self, limits: Mapping[str, str]) -> None:
        self._items: Dict[str, List[RateLimitItem]] = {name: parse_many(text) for name, text in limits.items()}
        self._storage = MemoryStorage()
        self._limiter = MovingWindowRateLimiter(self._storage)

    def hit(self, name: str, key: str) -> Optional[Refusal]:
        """Counts one request against limit ``name`` for ``key``; a Refusal when it is over the limit."""
        for item in self._items[name]:
            if not self._limiter.hit(item, name, key):
                reset_at, _ = self._limiter.get_window_stats(item, name, key)
                return Refusal(name, max(1, int(reset_at - time.time()) + 1))
        return None

    def over(self, name: str, key: str) -> Optional[Refusal]:
        """Whether ``key`` is already at limit ``name``, without counting a request."""
        for item in self._items[name]:
            if not self._limiter.test(item, name, key):
                reset_at, _ = self._limiter.get_window_stats(item, name, key)
                return Refusal(name, max(1, int(reset_at - time.time()) + 1))
        return None

    def clear(self, name: str, key: str) -> None:
        """Forget ``key``'s count for limit ``name`` (a successful sign-in clears its name's failures)."""
        for item in self._items[name]:
            self._limiter.clear(item, name, key)
