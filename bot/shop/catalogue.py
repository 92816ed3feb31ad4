"""The shop's catalogue: product schema, loading data/shop/catalogue.yml, finding a product by name."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Literal, Optional, Tuple, get_args

from pydantic import PrivateAttr, conint, validator

from bot.shop.data_files import read_yaml, validate
from bot.shop.errors import Problem, ShopDataError
from bot.shop.fields import Money, SizeLabel, Slug, StrictModel, Text

_SPACES = re.compile(r"\s+")


def normalise_name(text: str) -> str:
    """Key used to compare product names: no spaces, lower-case latin (``Polo衫`` == ``polo 衫``)."""
    return _SPACES.sub("", text).lower()


class Measure:
    """A body or garment measurement (cm or kg), more than 0; a string such as ``"90cm"`` is refused."""

    @classmethod
    def __get_validators__(cls) -> Iterator[Callable[[Any], float]]:
        yield cls.validate

    @classmethod
    def __modify_schema__(cls, field_schema: dict) -> None:
        field_schema.update(type="number", exclusiveMinimum=0)

    @classmethod
    def validate(cls, value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError(f"expected a number (cm or kg, no unit), got {value!r} 请填数字，不要写单位")
        if value <= 0:
            raise ValueError(f"must be a positive number, got {value} 不能为负数或0")
        return float(value)


#: Units in stock of one colour and size (0 = sold out).
StockCount = conint(strict=True, ge=0)
#: ``[low, high]``, both ends included: the heights (cm) or weights (kg) a size suits.
Range = Tuple[Measure, Measure]


def _ordered(value: Optional[Tuple[float, float]]) -> Optional[Tuple[float, float]]:
    if value is not None and value[0] > value[1]:
        raise ValueError(f"low end {value[0]:g} is above high end {value[1]:g} 范围应写成[小, 大]")
    return value


class SizeRow(StrictModel):
    """One row of a size chart: the garment's measurements (cm) and who it suits.

    Only the measurements that fit the garment are given (tops: bust/shoulder/sleeve; trousers and
    skirts: waist/hip/thigh). Sizing reads ``bust`` without ``waist`` as the mark of a top.
    """

    height_cm: Range
    weight_kg: Range
    length: Optional[Measure] = None
    bust: Optional[Measure] = None
    waist: Optional[Measure] = None
    hip: Optional[Measure] = None
    shoulder: Optional[Measure] = None
    sleeve: Optional[Measure] = None
    thigh: Optional[Measure] = None

    _ranges_ordered = validator("height_cm", "weight_kg", allow_reuse=True)(_ordered)

    def measurements(self) -> Dict[str, float]:
        """The garment measurements given for this size, in chart order."""
        names = ("length", "bust", "waist", "hip", "shoulder", "sleeve", "thigh")
        return {name: getattr(self, name) for name in names if getattr(self, name) is not None}


#: The generic word buyers use for a product (想买件外套, 有裤子吗), as listed in catalogue.yml.
Garment = Literal["上衣", "外套", "裤子", "裙子", "袜子"]
GARMENTS: Tuple[str, ...] = get_args(Garment)


def _unique_texts(values: List[str]) -> List[str]:
    seen = set()
    for value in values:
        if value in seen:
            raise ValueError(f"{value!r} is listed twice 重复")
        seen.add(value)
    return values


#: How the cut compares with the chart: 偏小 runs small, 偏大 runs large, 宽松 a loose cut by design.
Runs = Literal["偏小", "正常", "偏大", "宽松"]


class Fit(StrictModel):
    """Fit notes: how the product runs, and a sentence an agent would say about it."""

    runs: Runs = "正常"
    note: Optional[Text] = None
    #: Between two sizes (height says one, weight the other), which one decides: 体重 for an elastic waist
    #: (按体重选), 身高 for a length that matters. Tops go by weight (the bust follows it) unless set.
    choose_by: Optional[Literal["体重", "身高"]] = None


class ModelWears(StrictModel):
    """The photo model's measurements and the size worn (quoted when no size can be advised)."""

    height_cm: Measure
    weight_kg: Measure
    size: SizeLabel


class Product(StrictModel):
    """One product (宝贝) as the shop owner lists it.

    New facts (size charts, model measurements...) are added here as optional fields, so existing
    catalogues keep loading.
    """

    id: Slug
    name: Text
    aliases: List[Text] = []
    category: Text
    gender: Literal["女", "男", "中性"]
    price: Money
    colors: List[Text]
    sizes: List[SizeLabel]
    fabric: Text
    #: Overrides the category rule of the policy (returns.excluded_categories) when set.
    returnable_no_reason: Optional[bool] = None
    care: Optional[Text] = None
    description: Optional[Text] = None
    thickness: Optional[Literal["薄", "适中", "厚", "加厚"]] = None
    stretch: Optional[Literal["无弹", "微弹", "弹力"]] = None
    fit: Optional[Fit] = None
    #: size -> row; every key must be one of ``sizes`` (checked in cross_check).
    size_chart: Optional[Dict[SizeLabel, SizeRow]] = None
    #: colour -> size -> units in stock; keys must be ``colors`` and ``sizes``.
    stock: Optional[Dict[Text, Dict[SizeLabel, StockCount]]] = None
    #: colour -> size -> date it is back, only for a colour and size whose stock is 0.
    restock: Optional[Dict[Text, Dict[SizeLabel, date]]] = None
    model_wears: Optional[ModelWears] = None
    garment: Optional[Garment] = None
    #: What an agent says when asked; absent = not known, and the assistant asks a colleague.
    pilling: Optional[Text] = None
    fading: Optional[Text] = None
    shrinking: Optional[Text] = None
    see_through: Optional[Text] = None
    warmth: Optional[Text] = None
    workmanship: Optional[Text] = None
    #: Tags for recommendations (通勤, 约会...); each must be a key of recommendation_cues.occasions.
    occasions: List[Text] = []

    _occasions_unique = validator("occasions", allow_reuse=True)(_unique_texts)

    @validator("price")
    def _price_positive(cls, value: float) -> float:
        if value <= 0:
            raise ValueError("a price must be more than 0 价格必须大于0")
        return value

    @validator("colors", "sizes")
    def _not_empty_and_unique(cls, values: list) -> list:
        if not values:
            raise ValueError("list at least one 至少填写一项")
        seen = set()
        for value in values:
            if value in seen:
                raise ValueError(f"{value!r} is listed twice 重复")
            seen.add(value)
        return values

    @validator("returnable_no_reason", pre=True)
    def _strict_bool(cls, value: object) -> object:
        if value is not None and not isinstance(value, bool):
            raise ValueError("expected true or false")
        return value

    def names(self) -> List[str]:
        """The product's name followed by its aliases."""
        return [self.name, *self.aliases]

    def chart_sizes(self) -> List[str]:
        """The sizes that have a chart row, smallest first (the order of ``sizes``)."""
        chart = self.size_chart or {}
        return [size for size in self.sizes if size in chart]

    def problems(self, prefix: str) -> List[Problem]:
        """Checks between this product's fields: chart, stock and restock use its own sizes and colours.

        Args:
            prefix: the product's path in the file, e.g. ``products[3]``.

        Returns:
            (field path, problem) pairs; empty when consistent.
        """
        problems: List[Problem] = []
        sizes = ", ".join(self.sizes)
        colors = ", ".join(self.colors)

        def unknown_size(path: str, size: str) -> None:
            if size not in self.sizes:
                problems.append((path, f"size {size!r} is not in sizes ({sizes}) 尺码不在 sizes 里"))

        def unknown_color(path: str, color: str) -> bool:
            if color not in self.colors:
                problems.append((path, f"colour {color!r} is not in colors ({colors}) 颜色不在 colors 里"))
                return True
            return False

        for size in self.size_chart or {}:
            unknown_size(f"{prefix}.size_chart.{size}", size)
        if self.model_wears is not None:
            unknown_size(f"{prefix}.model_wears.size", self.model_wears.size)
        stock = self.stock or {}
        for color, counts in stock.items():
            if not unknown_color(f"{prefix}.stock.{color}", color):
                for size in counts:
                    unknown_size(f"{prefix}.stock.{color}.{size}", size)
        for color, dates in (self.restock or {}).items():
            if unknown_color(f"{prefix}.restock.{color}", color):
                continue
            for size in dates:
                path = f"{prefix}.restock.{color}.{size}"
                if stock.get(color, {}).get(size) != 0:
                    problems.append(
                        (path, "a restock date only where stock is 0 只有库存为0的尺码才填补货日期")
                    )
        return problems


class RecommendationCues(StrictModel):
    """Words in a buyer's message that say what they want recommended (送男朋友, 上班穿, 200以内)."""

    #: occasion tag (as in products' ``occasions``) -> words that ask for it.
    occasions: Dict[Text, List[Text]] = {}
    #: 男 / 女 -> words that say who will wear it (男朋友, 老公...).
    genders: Dict[Literal["男", "女"], List[Text]] = {}
    #: garment -> words that ask for that kind of garment (裤子, 大衣...).
    garments: Dict[Garment, List[Text]] = {}
    #: Words before an amount that make it a budget (预算200, 不超过300).
    budget_before: List[Text] = []
    #: Words after an amount that make it a budget (200以内, 300左右).
    budget_after: List[Text] = []

    @validator("occasions", "genders", "garments")
    def _words_listed_once(cls, value: Dict[str, List[str]]) -> Dict[str, List[str]]:
        for key, words in value.items():
            if not words:
                raise ValueError(f"{key}: list at least one word 至少填写一个词")
            _unique_texts(words)
        return value

    _budget_words_unique = validator("budget_before", "budget_after", allow_reuse=True)(_unique_texts)


class Catalogue(StrictModel):
    """All products of the shop, and the buyer words used to recommend them."""

    products: List[Product]
    recommendation_cues: Optional[RecommendationCues] = None
    _by_key: Dict[str, Product] = PrivateAttr(default_factory=dict)

    def __init__(self, **data: object):
        super().__init__(**data)
        # First listed wins: cross_check() reports collisions, so at run time there are none.
        for product in self.products:
            for key in (product.id, *product.names()):
                self._by_key.setdefault(normalise_name(key), product)

    def find(self, name_or_alias_or_id: str) -> Optional[Product]:
        """Find a product by its id, its name or one of its aliases (spaces and case ignored).

        Args:
            name_or_alias_or_id: e.g. ``jk-down-01``, ``女款连帽羽绒服`` or ``羽绒服``.

        Returns:
            The product, or None when nothing matches exactly.
        """
        if not name_or_alias_or_id:
            return None
        return self._by_key.get(normalise_name(name_or_alias_or_id))

    def mentioned_in(self, text: str) -> List[Product]:
        """Products whose name or alias occurs in a message, longest mention first.

        Args:
            text: a buyer's message, e.g. ``那件白色外套还有M码吗``.

        Returns:
            The products mentioned, each once; a shorter alias inside a longer match is not counted.
        """
        haystack = normalise_name(text or "")
        found: List[Product] = []
        for key in sorted(self._by_key, key=len, reverse=True):
            if key and key in haystack:
                product = self._by_key[key]
                if product not in found:
                    found.append(product)
                haystack = haystack.replace(key, "\0")
        return found

    def with_garment(self, garment: str) -> List[Product]:
        """Products of one kind of garment, in catalogue order.

        Args:
            garment: one of GARMENTS, e.g. ``外套``.

        Returns:
            The products whose ``garment`` is that word; empty for any other word.
        """
        return [product for product in self.products if product.garment == garment]

    def cross_check(self) -> List[Problem]:
        """Checks across products (unique ids and names) and within each (chart, stock, restock).

        Occasion tags must be keys of ``recommendation_cues.occasions`` (when that section is
        given): a tag no buyer word leads to would never be recommended.

        Returns:
            (field path, problem) pairs; empty when the catalogue is consistent.
        """
        problems: List[Problem] = []
        owner: Dict[str, str] = {}
        ids_seen: Dict[str, int] = {}
        for i, product in enumerate(self.products):
            for j, key in enumerate([product.id, *product.names()]):
                norm = normalise_name(key)
                other = owner.get(norm)
                if other is not None and (other != product.id or (j == 0 and i != ids_seen[other])):
                    where = "name" if j == 1 else "id" if j == 0 else f"aliases[{j - 2}]"
                    what = "duplicate id 商品编号重复" if j == 0 else "name/alias used twice 名称/别名重复"
                    problems.append(
                        (f"products[{i}].{where}", f"{key!r} is already used by product {other!r}: {what}")
                    )
                owner.setdefault(norm, product.id)
            ids_seen.setdefault(product.id, i)
        for i, product in enumerate(self.products):
            problems.extend(product.problems(f"products[{i}]"))
        if self.recommendation_cues is not None:
            known = self.recommendation_cues.occasions
            for i, product in enumerate(self.products):
                for j, tag in enumerate(product.occasions):
                    if tag not in known:
                        problems.append((
                            f"products[{i}].occasions[{j}]",
                            f"{tag!r} is not in recommendation_cues.occasions ({', '.join(known)}) "
                            "场合标签要在 recommendation_cues.occasions 里",
                        ))
        return problems


def load_catalogue(path: Path) -> Catalogue:
    """Load and validate a catalogue file.

    Args:
        path: the catalogue YAML, e.g. ``data/shop/catalogue.yml``.

    Returns:
        The validated catalogue.

    Raises:
        ShopDataError: the file is missing, malformed, breaks the schema or has duplicate ids/aliases.
    """
    catalogue = validate(Catalogue, read_yaml(Path(path)), Path(path))
    problems = catalogue.cross_check()
    if problems:
        raise ShopDataError(path, problems)
    return catalogue
