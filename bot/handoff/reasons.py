"""Why a person should follow up: the one typed definition of a hand-off reason, as data end to end.

An answer that needs a person says so with a ``HandoffReason`` (its key, a detail in the agents' words,
and optionally a priority that raises the policy's); the actions keep them in the ``handoff_reasons``
slot as dicts (``HandoffReason.dict()``), the ticket gets the keys and the reasons in words. Nothing
is written as a string and parsed back.

The keys are configured in policy.yml ``handoff.reasons`` (whether each hands off, how urgently, the
label and the next step); bot.shop.schema checks that every key here is configured.
"""

from __future__ import annotations

import logging
from typing import Any, Iterable, List, Mapping, Optional

from pydantic import BaseModel, Extra, validator

from bot.handoff.ticket import Priority

log = logging.getLogger(__name__)

#: The canonical reason keys.
HANDOFF_REASONS = (
    "request_human",
    "complain_service",
    "angry_words",
    "complain_quality",
    "refund",
    "bargain_insists",
    "bargain_over_limit",
    "order_change_refused",
    "late_parcel",
    "not_understood_twice",
    "unknown_fact",
    "size_unknown",
    "assistant_unavailable",
)
#: What a slot value no reason can be read from counts as: a person still looks, at the policy's urgency.
FALLBACK_REASON = "request_human"


class HandoffReason(BaseModel):
    """One reason for a person to follow up.

    Attributes:
        key: one of HANDOFF_REASONS.
        detail: what exactly, in the agents' words (催件, 拦截改单, 中性款加绒连帽卫衣 起球, out_of_range...).
        priority: raises the policy's priority for this key when set (never lowers it).
    """

    key: str
    detail: Optional[str] = None
    priority: Optional[Priority] = None

    class Config:
        extra = Extra.forbid
        frozen = True

    @validator("key")
    def _known(cls, value: str) -> str:
        if value not in HANDOFF_REASONS:
            raise ValueError(f"unknown hand-off reason {value!r}; one of {', '.join(HANDOFF_REASONS)}")
        return value

    def words(self, labels: Mapping[str, str]) -> str:
        """The reason as an agent reads it: the policy's label, and the detail when there is one."""
        label = labels.get(self.key, self.key)
        return f"{label}（{self.detail}）" if self.detail else label


def from_slot(values: Optional[Iterable[Any]]) -> List[HandoffReason]:
    """The reasons held in the ``handoff_reasons`` slot (dicts), each once, in the order they arose.

    A bare key (a conversation from before reasons were typed) is read as that reason; anything else
    that is not a reason is logged and counts as FALLBACK_REASON, so a person still looks.
    """
    reasons: List[HandoffReason] = []
    for value in values or ():
        if isinstance(value, HandoffReason):
            reason = value
        elif isinstance(value, Mapping):
            try:
                reason = HandoffReason.parse_obj(value)
            except ValueError:
                log.warning("unreadable hand-off reason %r; a person looks anyway", value)
                reason = HandoffReason(key=FALLBACK_REASON, detail=str(value.get("detail") or "") or None)
        elif isinstance(value, str) and value in HANDOFF_REASONS:
            reason = HandoffReason(key=value)
        else:
            log.warning("unreadable hand-off reason %r; a person looks anyway", value)
            reason = HandoffReason(key=FALLBACK_REASON, detail=str(value)[:100])
        if reason not in reasons:
            reasons.append(reason)
    return reasons


def as_slot(reasons: Iterable[HandoffReason]) -> List[dict]:
    """The slot value for these reasons (plain dicts, as Rasa stores slots)."""
    return [reason.dict(exclude_none=True) for reason in reasons]
