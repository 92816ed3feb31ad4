"""The workbench's wording (data/shop/workbench.yml): quick phrases and suggested-reply templates, checked at start."""

from __future__ import annotations

from pathlib import Path
from typing import Dict, List, Optional

from pydantic import constr, root_validator, validator

from bot.shop.data_files import DEFAULT_SHOP_DIR, read_yaml, validate
from bot.shop.fields import StrictModel, Text
from bot.shop.replies import template_problems
from bot.handoff.reasons import HANDOFF_REASONS

WORKBENCH_FILE = "workbench.yml"
#: Templates under this key serve every ticket, after those of its own reasons.
DEFAULT_KEY = "default"

#: What a suggested reply may use, filled from the policy, the catalogue, the ticket's facts and the buyer's
#: order (bot.workbench.suggestions.suggestion_values says where each comes from). A template is offered only
#: when every field it uses has a value for this ticket.
SUGGESTION_FIELDS = frozenset({
    "agent", "shop_name",
    "agent_discount_max", "compensation_max", "quality_postage_max", "refund_days", "no_reason_days",
    "product", "price", "promotion", "final_price", "price_after_limit", "amount",
    "height", "weight", "size",
    "order_tail", "order_items", "order_status", "courier", "tracking_no", "scan", "scan_time", "dispatch_day",
})
#: What a quick phrase may use.
PHRASE_FIELDS = frozenset({"agent", "shop_name"})

#: What follows ``/`` in the reply box to find a phrase: short, lower-case, so it is quick to type.
PhraseKey = constr(strict=True, regex=r"^[a-z0-9]{1,16}$")


class QuickPhrase(StrictModel):
    """A phrase an agent inserts by typing ``/`` and the start of its key (or of its title)."""

    key: PhraseKey  # type: ignore[valid-type]
    title: Text
    text: Text

    @validator("text")
    def _usable(cls, value: str) -> str:
        problems = template_problems(value, PHRASE_FIELDS)
        if problems:
            raise ValueError("; ".join(problems))
        return value


class Workbench(StrictModel):
    """Everything in workbench.yml."""

    quick_phrases: List[QuickPhrase]
    #: Suggested-reply templates by hand-off reason key (policy.yml handoff.reasons), and ``default``.
    suggestions: Dict[str, List[Text]]

    @validator("quick_phrases")
    def _unique_keys(cls, value: List[QuickPhrase]) -> List[QuickPhrase]:
        seen = set()
        for phrase in value:
            if phrase.key in seen:
                raise ValueError(f"key {phrase.key!r} is used twice 快捷短语的 key 重复")
            seen.add(phrase.key)
        return value

    @root_validator(skip_on_failure=True)
    def _suggestions(cls, values: dict) -> dict:
        suggestions: Dict[str, List[str]] = values["suggestions"]
        problems = []
        unknown = sorted(set(suggestions) - set(HANDOFF_REASONS) - {DEFAULT_KEY})
        if unknown:
            problems.append(f"suggestions: unknown reason(s) {unknown}; use the keys of policy.yml handoff.reasons "
                            f"or {DEFAULT_KEY} 未知的转人工原因")
        if not suggestions.get(DEFAULT_KEY):
            problems.append(f"suggestions.{DEFAULT_KEY}: give at least one template 至少写一条通用建议回复")
        for key, templates in suggestions.items():
            for index, template in enumerate(templates):
                problems += [f"suggestions.{key}[{index}]: {p}" for p in template_problems(template, SUGGESTION_FIELDS)]
        if problems:
            raise ValueError("; ".join(problems))
        return values

    def templates_for(self, reason: str) -> List[str]:
        """The templates of one reason key (empty when it has none)."""
        return list(self.suggestions.get(reason, ()))


def load_workbench(shop_dir: Optional[Path] = None) -> Workbench:
    """Reads and validates workbench.yml.

    Args:
        shop_dir: folder with the shop's data files (default: the repository's data/shop).

    Raises:
        ShopDataError: the file is missing, not YAML, or breaks the schema (file, field and problem named).
    """
    path = (shop_dir or DEFAULT_SHOP_DIR) / WORKBENCH_FILE
    return validate(Workbench, read_yaml(path), path)

