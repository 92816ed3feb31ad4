"""When a chat goes to a person, and how urgently: the one place, configured by policy.yml ``handoff``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, List, Optional, Sequence, Tuple

from bot.handoff.ticket import highest_priority
from bot.shop.fields import yuan
from bot.shop.schema import HANDOFF_REASONS, Policy

__all__ = [
    "HANDOFF_REASONS",
    "HandoffDecision",
    "angry_words_in",
    "decide_handoff",
    "is_angry",
    "next_step_text",
    "reason_key",
    "reason_keys",
]

#: The fallback for a reason string no rule knows: a person looks, at the lowest urgency configured.
FALLBACK_REASON = "request_human"

# The details the order answers give (bot.orders.answers.HandOff, COMPLAINT_LABELS), and what they mean.
_DETAIL_KEYS = {
    "催件": "late_parcel",
    "催发货": "late_parcel",
    "拦截改单": "order_change_refused",
    "快递改派": "order_change_refused",
    "退款超时": "refund",
    "退款被拒": "refund",
    "质量问题超期": "complain_quality",
    "发错货": "complain_quality",
    "漏发": "complain_quality",
    "破损": "complain_quality",
    "色差": "complain_quality",
    "售后投诉": "complain_quality",
    # bot.shop.pricing reasons
    "repeated_bargain": "bargain_insists",
    "prices_negotiable": "bargain_insists",
    "over_agent_limit": "bargain_over_limit",
}
# The topic before the colon, when the detail says nothing more.
_TOPIC_KEYS = {
    "bargain": "bargain_insists",
    "complain_quality": "complain_quality",
    "track_order": "late_parcel",
    "modify_order": "order_change_refused",
    "cancel_order": "order_change_refused",
    "return_request": "refund",
    "ask_product": "unknown_fact",
    "size_advice": "size_unknown",
    "complain_service": "complain_service",
    "request_human": "request_human",
}
_PRIORITY_SUFFIX = re.compile(r"\s*\((?:urgent|high|normal)\)\s*$")
# Just before an angry word, these mean the buyer is not threatening (放心不会给差评的).
_NEGATIONS = ("不会给", "不给", "不会", "不打", "没给", "没有", "不是", "别担心")


def reason_key(slot_string: str) -> str:
    """The canonical reason key of one entry of the ``handoff_reasons`` slot.

    Reads what the actions record: ``request_human``, ``complain_quality (high)``,
    ``bargain: over_agent_limit``, ``track_order: 催件``, ``modify_order: 快递改派``,
    ``return_request: 退款被拒``, ``ask_product: <product_id> <attribute>``, ``size_advice: out_of_range``.

    Returns:
        One of HANDOFF_REASONS; ``request_human`` for a string no rule knows (a person still looks).
    """
    text = _PRIORITY_SUFFIX.sub("", (slot_string or "").strip())
    if text in HANDOFF_REASONS:
        return text
    if text in _DETAIL_KEYS:
        return _DETAIL_KEYS[text]
    topic, _, detail = text.partition(":")
    topic, detail = topic.strip(), detail.strip()
    if detail in _DETAIL_KEYS:
        return _DETAIL_KEYS[detail]
    if topic in _TOPIC_KEYS:
        return _TOPIC_KEYS[topic]
    if topic.endswith("_order"):
        return "order_change_refused"
    return FALLBACK_REASON


def reason_keys(slot_strings: Iterable[str]) -> List[str]:
    """Canonical keys of several slot strings, each once, in the order they first arose."""
    keys: List[str] = []
    for value in slot_strings or ():
        key = reason_key(value)
        if key not in keys:
            keys.append(key)
    return keys


def _normalise(text: str) -> str:
    return re.sub(r"\s+", "", text or "").lower()


def angry_words_in(policy: Policy, text: Optional[str]) -> List[str]:
    """The policy's angry words in a message, unless plainly negated (不会给差评)."""
    body = _normalise(text or "")
    found: List[str] = []
    for word in policy.handoff.angry_words:
        needle = _normalise(word)
        for match in re.finditer(re.escape(needle), body):
            before = body[max(0, match.start() - 3) : match.start()]
            if not before.endswith(_NEGATIONS):
                found.append(word)
                break
    return found


def is_angry(policy: Policy, text: Optional[str]) -> bool:
    """True when a message holds one of the policy's angry words (垃圾, 骗子, 差评, 12315...)."""
    return bool(angry_words_in(policy, text))


def next_step_text(policy: Policy, template: str) -> str:
    """A next-step template filled with the agent's limits from ``pricing``."""
    return template.format(
        agent_discount_max=yuan(policy.pricing.agent_discount_max),
        compensation_max=yuan(policy.pricing.compensation_max),
    )


@dataclass(frozen=True)
class HandoffDecision:
    """A chat a person should take: why (canonical keys), how urgently, and what to do."""

    reasons: Tuple[str, ...]
    priority: str
    next_steps: Tuple[str, ...]
    labels: Tuple[str, ...]

    @property
    def next_step(self) -> str:
        """The next steps, one line per reason."""
        return "\n".join(self.next_steps)


def decide_handoff(
    policy: Policy, reason_strings: Sequence[str], latest_text: Optional[str] = None
) -> Optional[HandoffDecision]:
    """Whether a person should take the chat, from the recorded reasons and the buyer's latest words.

    Args:
        policy: the shop policy (its ``handoff`` section).
        reason_strings: the ``handoff_reasons`` slot (raw strings or canonical keys).
        latest_text: the buyer's latest message, checked for angry words.

    Returns:
        The decision, most urgent reason first; None when no enabled reason calls for a person.
    """
    keys = reason_keys(reason_strings)
    if is_angry(policy, latest_text) and "angry_words" not in keys:
        keys.append("angry_words")
    config = policy.handoff.reasons
    keys = [key for key in keys if config[key].enabled]
    if not keys:
        return None
    # Most urgent first, else in the order they arose, so the agent reads the pressing step first.
    keys.sort(key=lambda key: ("urgent", "high", "normal").index(config[key].priority))
    steps: List[str] = []
    for key in keys:
        step = next_step_text(policy, config[key].next_step)
        if step not in steps:
            steps.append(step)
    return HandoffDecision(
        reasons=tuple(keys),
        priority=highest_priority([config[key].priority for key in keys]),
        next_steps=tuple(steps),
        labels=tuple(config[key].label for key in keys),
    )
