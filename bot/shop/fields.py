"""Value types shared by the shop's schemas: text, money, day counts, clock times, sizes."""

from __future__ import annotations

import re
from datetime import time
from typing import Any, Callable, Iterator, Optional

from pydantic import BaseModel, Extra, conint, constr

#: Non-empty text; strict, so a number or a list where words belong is an error, not coerced.
Text = constr(strict=True, strip_whitespace=True, min_length=1)
#: Short ids such as ``jk-down-01``.
Slug = constr(strict=True, regex=r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
#: A count of days (never negative).
Days = conint(strict=True, ge=0)
#: A positive whole number (instalment periods, ...).
PositiveInt = conint(strict=True, gt=0)

_CLOCK = re.compile(r"^([01]?[0-9]|2[0-3]):([0-5][0-9])$")


class StrictModel(BaseModel):
    """Base of every schema model: unknown fields are errors (a typo must not pass silently)."""

    class Config:
        extra = Extra.forbid
        allow_mutation = False


class Money:
    """An amount in yuan, ``>= 0``; int or float in YAML, always a float once loaded.

    A string such as ``"12"`` is refused rather than coerced: in a price list it usually means a
    mistake (``12元``) the owner should see.
    """

    @classmethod
    def __get_validators__(cls) -> Iterator[Callable[[Any], float]]:
        yield cls.validate

    @classmethod
    def __modify_schema__(cls, field_schema: dict) -> None:
        field_schema.update(type="number", minimum=0)

    @classmethod
    def validate(cls, value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError(f"expected an amount in yuan (a number), got {value!r} 金额应为数字")
        if value < 0:
            raise ValueError(f"must not be negative, got {value} 不能为负数")
        return float(value)


class ClockTime:
    """A wall-clock time written ``"HH:MM"`` (24-hour), loaded as ``datetime.time``."""

    @classmethod
    def __get_validators__(cls) -> Iterator[Callable[[Any], time]]:
        yield cls.validate

    @classmethod
    def __modify_schema__(cls, field_schema: dict) -> None:
        field_schema.update(type="string", pattern=_CLOCK.pattern)

    @classmethod
    def validate(cls, value: Any) -> time:
        if isinstance(value, time):
            return value
        if not isinstance(value, str):
            raise ValueError(f'invalid time {value!r}: write it as "HH:MM" in quotes, e.g. "16:00"')
        match = _CLOCK.match(value.strip())
        if not match:
            raise ValueError(
                f"invalid time {value!r}: expected HH:MM between 00:00 and 23:59 时间格式应为 HH:MM"
            )
        return time(int(match.group(1)), int(match.group(2)))


class SizeLabel(str):
    """A garment size label (S, XL, 均码, 160/84A); a bare number such as ``110`` is kept as text."""

    @classmethod
    def __get_validators__(cls) -> Iterator[Callable[[Any], str]]:
        yield cls.validate

    @classmethod
    def validate(cls, value: Any) -> str:
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            raise ValueError(f"expected a size label such as M or 均码, got {value!r}")
        text = str(value).strip()
        if not text:
            raise ValueError("size label must not be empty")
        return text


def hhmm(value: time) -> str:
    """Format a clock time the way agents write it: ``16:00``."""
    return f"{value.hour:02d}:{value.minute:02d}"


def yuan(amount: float) -> str:
    """Format an amount of yuan without a useless ``.0``: 99 -> ``99``, 89.9 -> ``89.9``."""
    rounded = round(float(amount), 2)
    if rounded == int(rounded):
        return str(int(rounded))
    return f"{rounded:.2f}".rstrip("0")


def as_amount(value: Any) -> Optional[float]:
    """An amount of yuan from an extracted entity: 20, 20.5, "20" or "¥20"; None if absent.

    Entity extractors hand over strings as often as numbers, so the answer functions take either.

    Raises:
        ValueError: a value that is not an amount (``"二十"`` should be normalised upstream), or a
            negative one.
    """
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError(f"not an amount: {value!r}")
    if isinstance(value, str):
        text = value.strip().lstrip("¥￥").rstrip("元块").strip()
        try:
            value = float(text)
        except ValueError:
            raise ValueError(f"not an amount: {value!r}") from None
    amount = float(value)
    if amount < 0:
        raise ValueError(f"an amount must not be negative: {amount}")
    return amount
