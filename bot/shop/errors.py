"""The one error raised when the shop's data files cannot be read or do not validate."""

from __future__ import annotations

from pathlib import Path
from typing import Iterable, Sequence, Tuple, Union

from pydantic import ValidationError

#: One problem: (field path such as ``couriers[2].surcharge``, what is wrong).
Problem = Tuple[str, str]

# pydantic's own wording is written for programmers; a shop owner reads these, so the most common
# ones get a plainer English sentence and a Chinese gloss.
_FRIENDLY = {
    "value_error.extra": "unknown field (spelling mistake?) 未知字段，请检查拼写",
    "value_error.missing": "required field is missing 缺少必填项",
    "type_error.none.not_allowed": "a value is required here 此处不能为空",
}


class ShopDataError(Exception):
    """A shop data file is missing, is not valid YAML, or breaks the schema or a cross-check.

    The message has one line per problem, each naming the file, the field path and the problem,
    e.g. ``data/shop/policy.yml: couriers[2].surcharge: ensure this value is greater than or equal
    to 0``.

    Attributes:
        path: the file at fault.
        problems: the (field path, problem) pairs, in file order where known.
    """

    def __init__(self, path: Union[Path, str], problems: Sequence[Problem]):
        self.path = Path(path)
        self.problems = list(problems) or [("", "invalid shop data")]
        super().__init__("\n".join(_line(self.path, field, text) for field, text in self.problems))


def _line(path: Path, field: str, text: str) -> str:
    return f"{path}: {field}: {text}" if field else f"{path}: {text}"


def field_path(loc: Iterable[Union[str, int]]) -> str:
    """Turn a pydantic location such as ``('couriers', 2, 'surcharge')`` into ``couriers[2].surcharge``.

    Args:
        loc: the location tuple of a pydantic error.

    Returns:
        The dotted path; ``__root__`` parts (model-level checks) are dropped.
    """
    out = ""
    for part in loc:
        if part == "__root__":
            continue
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def problems_from_validation(error: ValidationError, prefix: str = "") -> list[Problem]:
    """List a pydantic ValidationError's errors as (field path, readable problem) pairs.

    Args:
        error: the error pydantic raised.
        prefix: a path to put in front (for models validated inside a bigger file).

    Returns:
        One pair per error.
    """
    problems = []
    for item in error.errors():
        path = field_path(item["loc"])
        if prefix:
            path = f"{prefix}.{path}" if path and not path.startswith("[") else f"{prefix}{path}"
        problems.append((path, _FRIENDLY.get(item["type"], item["msg"])))
    return problems
