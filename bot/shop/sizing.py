"""Size advice from a product's size chart: which size for a buyer's height and weight, and why.

Plain logic over the catalogue (no Rasa, no clock). The rules follow what a good agent does: read
the chart of that very product, say which size and why, give both sizes and let the buyer's taste
decide when they are between two, and quote the model's measurements instead of guessing when no
size fits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Sequence, Tuple

from bot.handoff.reasons import HandoffReason
from bot.shop.catalogue import ModelWears, Product, SizeRow
from bot.shop.replies import Answer, join_lines

#: Buyers outside these bounds have mistyped (身高16, 体重2) or given 斤 for kg twice over; asking
#: again beats advising from nonsense.
PLAUSIBLE_HEIGHT_CM = (100.0, 230.0)
PLAUSIBLE_WEIGHT_KG = (25.0, 200.0)

#: How close to the end of a size's weight range counts as "at the edge" for products that run small
#: or large: within 1 kg (about the last fifth of a typical 5-7 kg range). Only weight is read: a
#: cut that runs small is tight round the body, which follows weight; a tall slim buyer at the top
#: of the height range needs no bigger waist.
EDGE_KG = 1.0

PREFERENCES = ("fitted", "loose")
_PREFERENCE_LABEL = {"fitted": "合身", "loose": "宽松"}

FITS = "fits"
BETWEEN = "between"
OUT_OF_RANGE = "out_of_range"
IMPLAUSIBLE = "implausible"
NO_CHART = "no_chart"


@dataclass(frozen=True)
class SizeAdvice:
    """What the chart says for one buyer and one product.

    Attributes:
        size: the size to recommend, or None when the chart cannot decide (or must not).
        status: ``fits`` | ``between`` | ``out_of_range`` | ``implausible`` | ``no_chart``.
        alternatives: the candidate sizes, smallest first (the two neighbours when ``between``).
        reason_facts: what the advice rests on: ``height_size``/``weight_size`` (sizes each
            measurement points to), ``height_range``/``weight_range`` of the size advised,
            ``runs``/``fit_note``, ``rule`` (which rule decided), ``shifted_from``...
        model: the photo model's height, weight and size, for reference.
    """

    size: Optional[str]
    status: str
    alternatives: Tuple[str, ...] = ()
    reason_facts: Dict[str, Any] = field(default_factory=dict)
    model: Optional[ModelWears] = None


def plausible(height_cm: float, weight_kg: float) -> bool:
    """Whether a height (cm) and weight (kg) could be a real adult buyer's."""
    return (
        PLAUSIBLE_HEIGHT_CM[0] <= height_cm <= PLAUSIBLE_HEIGHT_CM[1]
        and PLAUSIBLE_WEIGHT_KG[0] <= weight_kg <= PLAUSIBLE_WEIGHT_KG[1]
    )


def is_top(product: Product) -> bool:
    """A top's chart gives bust and never waist (dresses give both, trousers and skirts no bust)."""
    rows = (product.size_chart or {}).values()
    return bool(rows) and any(r.bust for r in rows) and not any(r.waist for r in rows)


def _candidates(sizes: Sequence[str], ranges: Sequence[Tuple[float, float]], value: float) -> List[int]:
    """Indexes of the sizes whose range holds ``value``.

    A value in the gap between two sizes' ranges (46.5 kg between 40-46 and 47-52) belongs to both
    neighbours; a value beyond every range belongs to none.
    """
    inside = [i for i, (low, high) in enumerate(ranges) if low <= value <= high]
    if inside:
        return inside
    below = [i for i, (_, high) in enumerate(ranges) if high < value]
    above = [i for i, (low, _) in enumerate(ranges) if low > value]
    if below and above:
        return sorted({max(below, key=lambda i: ranges[i][1]), min(above, key=lambda i: ranges[i][0])})
    return []


def _fmt_range(rng: Tuple[float, float]) -> str:
    return f"{_num(rng[0])}-{_num(rng[1])}"


def _num(value: float) -> str:
    return str(int(value)) if float(value) == int(value) else f"{value:.1f}".rstrip("0")


def recommend_size(
    product: Product,
    height_cm: float,
    weight_kg: float,
    preference: Optional[str] = None,
    usual_size: Optional[str] = None,
) -> SizeAdvice:
    """Recommend a size of ``product`` for a buyer, from the product's own size chart.

    Rules, in order:
      1. Height outside 100-230 cm or weight outside 25-200 kg: ``implausible``, no size.
      2. No chart: ``no_chart``; a one-size product (均码) still names its only size.
      3. Height or weight beyond every size of the chart: ``out_of_range``, no size (never invented).
      4. One size holds both: ``fits``. If the product runs small (偏小) and the buyer's weight is
         within EDGE_KG of that size's upper end, the next size up; runs large (偏大) and at the
         lower end, the next size down.
      5. Height and weight point to different sizes: ``between``, alternatives smallest first. The
         size is chosen by, in order: ``preference`` (fitted: the smaller, loose: the larger), then
         ``usual_size`` if it is one of the two (only ever a tiebreak), then for tops when the two
         are one step apart, the weight's size: a top's fit is its bust, which follows weight, while
         one size of length is tolerable. Otherwise size None: the reply asks how they like it.
         When the two are more than one step apart no size is chosen even with a preference: the
         buyer's build is unusual for this cut and the measurements must be compared by hand.

    Args:
        product: the product, with its ``size_chart``.
        height_cm: the buyer's height in cm.
        weight_kg: the buyer's weight in kg (斤 converted upstream).
        preference: ``"fitted"``, ``"loose"`` or None.
        usual_size: the size the buyer usually wears (平时穿L), or None.

    Returns:
        The advice.

    Raises:
        ValueError: an unknown preference.
    """
    if preference is not None and preference not in PREFERENCES:
        raise ValueError(f"preference must be one of {PREFERENCES} or None, got {preference!r}")
    runs = product.fit.runs if product.fit else "正常"
    facts: Dict[str, Any] = {"height_cm": height_cm, "weight_kg": weight_kg, "runs": runs}
    if product.fit and product.fit.note:
        facts["fit_note"] = product.fit.note
    model = product.model_wears

    def advice(size: Optional[str], status: str, alternatives: Sequence[str] = (), **more: Any) -> SizeAdvice:
        return SizeAdvice(size, status, tuple(alternatives), {**facts, **more}, model)

    if not plausible(height_cm, weight_kg):
        return advice(None, IMPLAUSIBLE)
    sizes = product.chart_sizes()
    if not sizes:
        only = product.sizes[0] if len(product.sizes) == 1 else None
        return advice(only, NO_CHART, product.sizes)
    rows: List[SizeRow] = [product.size_chart[s] for s in sizes]  # type: ignore[index]
    by_height = _candidates(sizes, [r.height_cm for r in rows], height_cm)
    by_weight = _candidates(sizes, [r.weight_kg for r in rows], weight_kg)
    facts["chart_height"] = (rows[0].height_cm[0], max(r.height_cm[1] for r in rows))
    facts["chart_weight"] = (rows[0].weight_kg[0], max(r.weight_kg[1] for r in rows))
    if not by_height or not by_weight:
        return advice(None, OUT_OF_RANGE, rule="beyond_chart",
                      height_in_chart=bool(by_height), weight_in_chart=bool(by_weight))
    facts["height_size"] = sizes[by_height[0]] if len(by_height) == 1 else None
    facts["weight_size"] = sizes[by_weight[0]] if len(by_weight) == 1 else None

    both = sorted(set(by_height) & set(by_weight))
    if len(both) == 1:
        i = both[0]
        row = rows[i]
        at_top = weight_kg >= row.weight_kg[1] - EDGE_KG
        at_bottom = weight_kg <= row.weight_kg[0] + EDGE_KG
        if runs == "偏小" and at_top and i + 1 < len(sizes):
            return _fits(advice, sizes, rows, i + 1, rule="runs_small", shifted_from=sizes[i])
        if runs == "偏大" and at_bottom and i > 0:
            return _fits(advice, sizes, rows, i - 1, rule="runs_large", shifted_from=sizes[i])
        return _fits(advice, sizes, rows, i, rule="in_range")

    # Between: the candidates from each measurement, or two neighbours that both hold the buyer.
    pair = both if both else sorted({*by_height, *by_weight})
    low, high = pair[0], pair[-1]
    alternatives = (sizes[low], sizes[high])
    steps = high - low
    between = {"steps_apart": steps}
    if steps > 1:
        return advice(None, BETWEEN, alternatives, rule="far_apart", **between)
    if preference == "fitted":
        return _pick(advice, sizes, rows, low, alternatives, rule="preference_fitted", **between)
    if preference == "loose":
        return _pick(advice, sizes, rows, high, alternatives, rule="preference_loose", **between)
    if usual_size in alternatives:
        return _pick(advice, sizes, rows, sizes.index(usual_size), alternatives, rule="usual_size", **between)
    choose_by = product.fit.choose_by if product.fit else None
    if choose_by == "体重" and len(by_weight) == 1:
        return _pick(advice, sizes, rows, by_weight[0], alternatives, rule="choose_by_weight", **between)
    if choose_by == "身高" and len(by_height) == 1:
        return _pick(advice, sizes, rows, by_height[0], alternatives, rule="choose_by_height", **between)
    # The fit note decides between two neighbours: a cut that runs small takes the larger, one that runs
    # large the smaller.
    if runs == "偏小":
        return _pick(advice, sizes, rows, high, alternatives, rule="runs_small_between", **between)
    if runs == "偏大":
        return _pick(advice, sizes, rows, low, alternatives, rule="runs_large_between", **between)
    if is_top(product) and not both and len(by_weight) == 1:
        return _pick(advice, sizes, rows, by_weight[0], alternatives, rule="weight_dominates", **between)
    return advice(None, BETWEEN, alternatives, rule="ask_preference", **between)


#: Body details a buyer gives, and the chart measurements they concern (one size up when the garment has it).
BODY_MEASURES: Dict[str, Tuple[str, ...]] = {
    "broad_hips": ("hip", "waist"),
    "thick_thighs": ("thigh", "hip"),
    "broad_shoulders": ("shoulder",),
    "big_belly": ("waist", "bust"),
}


def adjust_size(
    product: Product,
    advice: SizeAdvice,
    preference: Optional[str] = None,
    usual_size: Optional[str] = None,
    body: Sequence[str] = (),
    layering: Optional[str] = None,
) -> SizeAdvice:
    """What the buyer adds after a size (宽松一点, 平时穿XL, 屁股大, 里面穿毛衣) moves the advice, as the fit note says.

    Only a size the chart gave is moved, by one step at most, in this order: a body detail that the garment's
    chart measures (hips, thighs, shoulders, belly) takes one size up; layers worn under a cut that is not
    roomy (the fit note says nothing of wearing them inside) one size up; a loose preference one size up; a
    fitted preference one size down on a loose or large cut; the usual size when it is a neighbour of a
    standard cut. The first that applies decides; ``reason_facts["adjusted"]`` says which.

    Args:
        product: the product.
        advice: the chart's advice (``recommend_size``).
        preference: ``fitted`` or ``loose``.
        usual_size: the size the buyer usually wears.
        body: keys of BODY_MEASURES the buyer mentioned.
        layering: what the buyer wears under it (毛衣, 卫衣), if said.

    Returns:
        The advice, moved or as it was.
    """
    if advice.size is None or advice.status not in (FITS, BETWEEN):
        return advice
    sizes = product.chart_sizes()
    if advice.size not in sizes:
        return advice
    i = sizes.index(advice.size)
    chart = product.size_chart or {}
    runs = product.fit.runs if product.fit else "正常"
    note = product.fit.note if product.fit and product.fit.note else ""
    facts = dict(advice.reason_facts)
    already_up = facts.get("rule") in ("runs_small", "runs_small_between", "preference_loose")

    def moved(j: int, why: str, **more: Any) -> SizeAdvice:
        j = max(0, min(j, len(sizes) - 1))
        row = chart[sizes[j]]
        return SizeAdvice(sizes[j], advice.status, advice.alternatives,
                          {**facts, "adjusted": why, "adjusted_from": advice.size, "height_range": row.height_cm,
                           "weight_range": row.weight_kg, **more}, advice.model)

    # First how they like it (or usually wear it), then what their body or the layers under it need.
    j, why = i, None
    if preference == "loose" and facts.get("rule") != "preference_loose" and i + 1 < len(sizes):
        j, why = i + 1, "loose_up"
    elif preference == "fitted" and runs in ("宽松", "偏大") and facts.get("rule") != "preference_fitted" and i > 0:
        j, why = i - 1, "fitted_down"
    elif usual_size in sizes and usual_size != advice.size and abs(sizes.index(usual_size) - i) == 1:
        # The usual size, a neighbour, is right for a standard cut, and for a cut that runs the same way
        # (a larger usual size on a small-running cut); otherwise the chart's size stands, and says why.
        u = sizes.index(usual_size)
        if runs == "正常" or (runs == "偏小" and u > i) or (runs in ("偏大", "宽松") and u < i):
            j, why = u, "usual_fits"
        else:
            why = "usual_kept"
    up = already_up or why == "loose_up"
    measured = [(key, name) for key in body for name in BODY_MEASURES.get(key, ())
                if getattr(chart[sizes[j]], name, None) is not None]
    if measured:
        key, name = measured[0]
        k = j if up else min(j + 1, len(sizes) - 1)
        return moved(k, "body", body=key, measure=name, cm=getattr(chart[sizes[k]], name))
    if layering:
        roomy = runs in ("宽松", "偏大") or "里面" in note
        if roomy or up:
            return moved(j, "layering_fits", layering=layering)
        return moved(min(j + 1, len(sizes) - 1), "layering_up", layering=layering)
    if why is not None:
        return moved(j, why)
    return advice


def _fits(advice, sizes, rows, i, **more) -> SizeAdvice:  # type: ignore[no-untyped-def]
    return advice(sizes[i], FITS, (sizes[i],), height_range=rows[i].height_cm,
                  weight_range=rows[i].weight_kg, **more)


def _pick(advice, sizes, rows, i, alternatives, **more) -> SizeAdvice:  # type: ignore[no-untyped-def]
    return advice(sizes[i], BETWEEN, alternatives, height_range=rows[i].height_cm,
                  weight_range=rows[i].weight_kg, **more)


def answer_size(
    shop: Any,
    product: Product,
    height_cm: float,
    weight_kg: float,
    preference: Optional[str] = None,
    usual_size: Optional[str] = None,
    body: Sequence[str] = (),
    layering: Optional[str] = None,
    pair: Sequence[str] = (),
    measure_asked: Optional[str] = None,
) -> Answer:
    """Size advice as a reply (at most four lines) from the ``size_advice`` templates.

    Args:
        shop: the loaded shop (its ``replies`` are used).
        product: the product asked about.
        height_cm: the buyer's height in cm.
        weight_kg: the buyer's weight in kg.
        preference: ``"fitted"``, ``"loose"`` or None.
        usual_size: the size the buyer usually wears, or None.

        body: body details the buyer gave (keys of BODY_MEASURES).
        layering: what the buyer wears under it.
        pair: two sizes the buyer hesitates between (xl还是2xl): the advice names the one of them to take.
        measure_asked: a chart measurement the buyer worries about (M会不会紧 with 大腿粗: thigh).

    Returns:
        The reply; ``facts`` holds ``size``, ``status``, ``alternatives`` and the reason facts.
    """
    adv = adjust_size(product, recommend_size(product, height_cm, weight_kg, preference, usual_size),
                      preference, usual_size, body, layering)
    f = adv.reason_facts
    values: Dict[str, Any] = {
        "product": product.name,
        "size": adv.size or "",
        "height": _num(height_cm),
        "weight": _num(weight_kg),
        "runs": f.get("runs", "正常"),
        "note": f.get("fit_note", ""),
        "height_size": f.get("height_size") or "",
        "weight_size": f.get("weight_size") or "",
        "smaller": adv.alternatives[0] if adv.alternatives else "",
        "larger": adv.alternatives[-1] if adv.alternatives else "",
        "preference": _PREFERENCE_LABEL.get(preference or "", ""),
        "usual_size": usual_size or "",
        "from_size": f.get("shifted_from", ""),
    }
    if "height_range" in f:
        values.update(height_range=_fmt_range(f["height_range"]), weight_range=_fmt_range(f["weight_range"]))
    if "chart_height" in f:
        values.update(chart_height=_fmt_range(f["chart_height"]), chart_weight=_fmt_range(f["chart_weight"]))
    if adv.model:
        values.update(model_height=_num(adv.model.height_cm), model_weight=_num(adv.model.weight_kg),
                      model_size=adv.model.size)

    def r(key: str) -> str:
        return shop.replies.render(f"size_advice.{key}", **values)

    model_line = r("model") if adv.model else None
    rule = f.get("rule")
    if adv.status == IMPLAUSIBLE:
        parts = [r("implausible")]
    elif adv.status == NO_CHART:
        parts = [r("one_size") if adv.size else r("no_chart"), values["note"] or None]
    elif adv.status == OUT_OF_RANGE:
        parts = [r("out_of_range"), model_line or r("no_model")]
    elif f.get("adjusted"):
        parts = [r("recommend"), _adjusted_line(shop, product, adv, values, pair)]
    elif adv.status == FITS:
        why = r("why_shifted") if rule in ("runs_small", "runs_large") else r("why_fits")
        parts = [r("recommend"), why, values["note"] or None]
    elif adv.size is None and rule == "far_apart":
        parts = [r("far_apart"), model_line]
    elif adv.size is None:
        parts = [r("between_ask")]
    else:
        why = {"usual_size": "why_usual", "weight_dominates": "why_weight", "choose_by_weight": "why_choose_by",
               "choose_by_height": "why_choose_by", "runs_small_between": "why_runs_between",
               "runs_large_between": "why_runs_between"}.get(rule, "why_preference")
        # The other size is worth a line unless the buyer already said how they like it.
        other = None if rule in ("preference_fitted", "preference_loose") else r("between_other")
        parts = [r("recommend"), r(why), other]
    if len(pair) >= 2 and adv.size and not f.get("adjusted") and adv.status in (FITS, BETWEEN):
        pair_values = {**values, "smaller": pair[0], "larger": pair[1]}
        key = "size_advice.pair_pick" if adv.size in pair else "size_advice.pair_other"
        parts.insert(1, shop.replies.render(key, **pair_values))
    facts = {"size": adv.size, "status": adv.status, "alternatives": list(adv.alternatives), **f}
    return Answer(text=join_lines(*parts), facts=facts)


_BODY_WORDS = {"broad_hips": "body_hips", "thick_thighs": "body_thighs", "broad_shoulders": "body_shoulders",
               "big_belly": "body_belly"}


def _adjusted_line(shop: Any, product: Product, adv: SizeAdvice, values: Dict[str, Any], pair: Sequence[str]) -> str:
    """Why the size moved with what the buyer added (the body detail and that size's measure, the layers, the
    preference, the usual size)."""
    f = adv.reason_facts
    how = f["adjusted"]
    extra: Dict[str, Any] = {"from_size": f.get("adjusted_from", ""), "layering": f.get("layering", "")}
    if how == "body":
        extra.update(body=shop.replies.render(f"size_advice.{_BODY_WORDS[f['body']]}"),
                     measure=shop.replies.render(f"product_facts.measure_{f['measure']}"), cm=_num(f["cm"]))
    key = {"body": "why_body", "layering_fits": "why_layering_fits", "layering_up": "why_layering_up",
           "loose_up": "why_loose_up", "fitted_down": "why_fitted_down", "usual_fits": "why_usual_fits",
           "usual_kept": "why_usual_kept"}[how]
    if how == "usual_fits" and product.fit and product.fit.runs != "正常":
        key = "why_usual_runs"
    return shop.replies.render(f"size_advice.{key}", **{**values, **extra})


def answer_sizes_for_people(
    shop: Any, product: Product, people: Sequence[Tuple[str, float, float]], preference: Optional[str] = None
) -> Answer:
    """Size advice for several people at once (情侣各拍什么码): one clause per person, from the same chart.

    Args:
        shop: the loaded shop.
        product: the product.
        people: (who, height cm, weight kg) for each person, as the buyer listed them (男生, 女生...).
        preference: a fit preference said for all of them.

    Returns:
        The reply; facts hold ``sizes`` (one per person, None where the chart gives none).
    """
    replies = shop.replies
    clauses, sizes = [], []
    for person, height, weight in people:
        adv = adjust_size(product, recommend_size(product, height, weight, preference), preference)
        values = {"person": person, "height": _num(height), "weight": _num(weight), "size": adv.size or ""}
        sizes.append(adv.size)
        key = "size_advice.person" if adv.size else "size_advice.person_none"
        clauses.append(replies.render(key, **values))
    text = replies.render("size_advice.people", product=product.name, people="，".join(clauses))
    return Answer(text, {"sizes": sizes, "status": "people"})


def answer_one_size(shop: Any, product: Product) -> Answer:
    """A product sold in one size only (袜子 均码): that size and its fit note, no measurements needed."""
    size = product.sizes[0] if len(product.sizes) == 1 else "/".join(product.sizes)
    note = product.fit.note if product.fit and product.fit.note else None
    text = join_lines(shop.replies.render("size_advice.one_size", product=product.name, size=size,
                                          note=note or ""), note)
    return Answer(text, {"size": size, "status": NO_CHART})


#: How many cm a garment's waist may be under the buyer's waist and still fit, by the fabric's stretch.
WAIST_GIVE_CM = {"弹力": 3.0, "微弹": 1.0}


def answer_size_by_waist(shop: Any, product: Product, waist: float) -> Optional[Answer]:
    """Size advice from the buyer's waist alone (腰围二尺四), for a product whose chart gives waists: the smallest
    size whose waist takes it (a stretch fabric gives a little); None when the chart has no waist.

    The fit note follows (偏小, 胯宽拍大一码), as with advice from height and weight. A waist over the largest
    size's is said honestly, and a colleague compares the measurements.
    """
    chart = product.size_chart or {}
    rows = [(label, chart[label].measurements().get("waist")) for label in product.chart_sizes()]
    rows = [(label, cm) for label, cm in rows if cm is not None]
    if not rows:
        return None
    give = WAIST_GIVE_CM.get(product.stretch or "", 0.0)
    values = {"product": product.name, "waist": _num(round(waist))}
    fitting = next(((label, cm) for label, cm in rows if cm + give >= waist), None)
    note = product.fit.note if product.fit and product.fit.note else None
    if fitting is None:
        largest, cm = rows[-1]
        text = shop.replies.render("size_advice.by_waist_over", largest=largest, cm=_num(cm), **values)
        return Answer(text, {"size": None, "status": OUT_OF_RANGE, "waist": waist},
                      HandoffReason(key="size_unknown", detail=OUT_OF_RANGE))
    label, cm = fitting
    text = join_lines(shop.replies.render("size_advice.by_waist", size=label, cm=_num(cm), **values), note)
    return Answer(text, {"size": label, "status": "by_waist", "waist": waist})
