"""When a chat goes to a person, and how urgently: the one place, configured by policy.yml ``handoff``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import List, Optional, Sequence, Tuple

from bot.handoff.reasons import HANDOFF_REASONS, HandoffReason
from bot.handoff.ticket import highest_priority
from bot.shop.fields import yuan
from bot.shop.schema import Policy

__all__ = [
    "HANDOFF_REASONS",
    "HandoffDecision",
    "HandoffReason",
    "angry_words_in",
    "decide_handoff",
    "is_angry",
    "next_step_text",
]

# Just before an angry word, these mean the buyer is not threatening (放心不会给差评的).
_NEGATIONS = ("不会给", "不给", "不会", "不打", "没给", "没有", "不是", "别担心")
_RANK = ("urgent", "high", "normal")


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
    """A chat a person should take: why (canonical keys, and the reasons in words), how urgently, what to do."""

    reasons: Tuple[str, ...]
    priority: str
    next_steps: Tuple[str, ...]
    labels: Tuple[str, ...]
    #: Each reason as an agent reads it: its label and detail (拦截改单, 中性款加绒连帽卫衣 起球...).
    in_words: Tuple[str, ...] = ()

    @property
    def next_step(self) -> str:
        """The next steps, one line per reason."""
        return "\n".join(self.next_steps)


def decide_handoff(
    policy: Policy, reasons: Sequence[HandoffReason], latest_text: Optional[str] = None
) -> Optional[HandoffDecision]:
    """Whether a person should take the chat, from the recorded reasons and the buyer's latest words.

    Args:
        policy: the shop policy (its ``handoff`` section).
        reasons: the reasons recorded so far (the ``handoff_reasons`` slot, read by reasons.from_slot).
        latest_text: the buyer's latest message, checked for angry words.

    Returns:
        The decision, most urgent reason first; None when no enabled reason calls for a person.
    """
    config = policy.handoff.reasons
    found = [reason for reason in reasons if config[reason.key].enabled]
    if is_angry(policy, latest_text) and not any(r.key == "angry_words" for r in found):
        if config["angry_words"].enabled:
            found.append(HandoffReason(key="angry_words"))
    if not found:
        return None

    def priority(reason: HandoffReason) -> str:
        # A reason may raise the policy's urgency for its key (a complaint about a specific order), never lower it.
        return highest_priority([config[reason.key].priority, reason.priority or config[reason.key].priority])

    # Most urgent first, else in the order they arose, so the agent reads the pressing step first.
    found.sort(key=lambda reason: _RANK.index(priority(reason)))
    keys: List[str] = []
    for reason in found:
        if reason.key not in keys:
            keys.append(reason.key)
    steps: List[str] = []
    for key in keys:
        step = next_step_text(policy, config[key].next_step)
        if step not in steps:
            steps.append(step)
    labels = {key: config[key].label for key in config}
    return HandoffDecision(
        reasons=tuple(keys),
        priority=highest_priority([priority(reason) for reason in found]),
        next_steps=tuple(steps),
        labels=tuple(config[key].label for key in keys),
        in_words=tuple(dict.fromkeys(reason.words(labels) for reason in found)),
    )
