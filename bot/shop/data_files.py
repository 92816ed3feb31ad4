"""Reading the shop's YAML data files: where they live and how they are parsed and validated."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Type, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from bot.shop.errors import ShopDataError, problems_from_validation

#: The repository's data/shop, found from this file's place (bot/shop/data_files.py), never the cwd.
DEFAULT_SHOP_DIR = Path(__file__).resolve().parents[2] / "data" / "shop"

POLICY_FILE = "policy.yml"
CATALOGUE_FILE = "catalogue.yml"
REPLIES_FILE = "replies.yml"

M = TypeVar("M", bound=BaseModel)


class _ShopYamlLoader(yaml.SafeLoader):
    """A SafeLoader with YAML 1.2 scalars.

    PyYAML follows YAML 1.1, where an unquoted ``16:00`` is the base-60 integer 960 and ``no`` /
    ``on`` are booleans. A shop owner writing ``cutoff: 16:00`` or a size ``NO`` must get what they
    typed, so only plain decimals become numbers and only true/false become booleans.
    """


_REPLACED_TAGS = {"tag:yaml.org,2002:bool", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"}
_ShopYamlLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in _REPLACED_TAGS]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_ShopYamlLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_ShopYamlLoader.add_implicit_resolver(
    "tag:yaml.org,2002:int", re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$"), list("-+0123456789")
)
_ShopYamlLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$"),
    list("-+0123456789."),
)


def read_yaml(path: Path) -> Any:
    """Parse one UTF-8 YAML file.

    Args:
        path: the file.

    Returns:
        The parsed document.

    Raises:
        ShopDataError: the file is missing, unreadable, not UTF-8, empty or not valid YAML.
    """
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ShopDataError(path, [("", "file not found 文件不存在")]) from None
    except UnicodeDecodeError:
        raise ShopDataError(path, [("", "not UTF-8 text 请用 UTF-8 编码保存")]) from None
    except OSError as exc:
        raise ShopDataError(path, [("", f"cannot read file: {exc.strerror}")]) from None
    try:
        data = yaml.load(text, Loader=_ShopYamlLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ShopDataError(path, [(where, f"not valid YAML: {problem} YAML 格式错误")]) from None
    if data is None:
        raise ShopDataError(path, [("", "the file is empty 文件为空")])
    return data


def validate(model: Type[M], data: Any, path: Path) -> M:
    """Validate parsed YAML against a pydantic model, reporting problems against the file.

    Args:
        model: the pydantic model of the file.
        data: the parsed YAML.
        path: the file it came from (for the error message).

    Returns:
        The validated model.

    Raises:
        ShopDataError: with one (field path, problem) line per validation error.
    """
    if not isinstance(data, dict):
        raise ShopDataError(path, [("", "the top level must be a mapping of keys 顶层必须是键值对")])
    try:
        return model.parse_obj(data)
    except ValidationError as exc:
        raise ShopDataError(path, problems_from_validation(exc)) from None
