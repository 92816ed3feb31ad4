"""The report's plots as PNG bytes (matplotlib's object API with the Agg canvas: no pyplot, safe off the event
loop's thread), with a Chinese font when one is installed."""

from __future__ import annotations

import io
import re
import warnings
from functools import lru_cache
from pathlib import Path
from typing import Dict, List, Optional

from bot.report.figures import ServiceReport

#: Fonts with Chinese glyphs, the first installed one is used (Debian: fonts-wqy-microhei, fonts-noto-cjk).
CJK_FONTS = ("WenQuanYi Micro Hei", "WenQuanYi Zen Hei", "Noto Sans CJK SC", "Noto Sans CJK JP", "Source Han Sans SC",
             "Droid Sans Fallback", "Microsoft YaHei", "SimHei", "PingFang SC")
BLUE, ORANGE, GREY, RED = "#0a66c2", "#ff5000", "#9aa5b1", "#d64545"


#: File names of fonts with Chinese glyphs, for a font installed after matplotlib cached its list of fonts.
_CJK_FILES = re.compile(r"wqy|cjk|droidsansfallback|sourcehansans|simhei|msyh", re.IGNORECASE)


@lru_cache(maxsize=1)
def chinese_font() -> Optional[str]:
    """The first of CJK_FONTS matplotlib can find, or None (Chinese labels then show as boxes)."""
    from matplotlib import font_manager

    installed = {font.name for font in font_manager.fontManager.ttflist}
    if not installed & set(CJK_FONTS):
        for path in font_manager.findSystemFonts():
            if _CJK_FILES.search(Path(path).name):
                try:
                    font_manager.fontManager.addfont(path)
                except (OSError, RuntimeError, ValueError):
                    continue
        installed = {font.name for font in font_manager.fontManager.ttflist}
    return next((name for name in CJK_FONTS if name in installed), None)


def _figure(width: float, height: float):
    import matplotlib

    matplotlib.rcParams["axes.unicode_minus"] = False
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    font = chinese_font()
    if font:
        matplotlib.rcParams["font.sans-serif"] = [font, "DejaVu Sans"]
        matplotlib.rcParams["font.family"] = "sans-serif"
    figure = Figure(figsize=(width, height), dpi=100)
    FigureCanvasAgg(figure)
    return figure


def _png(figure) -> bytes:
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        # Without a Chinese font every label warns once per glyph; the boxes in the plot say it already.
        warnings.simplefilter("ignore", UserWarning)
        figure.tight_layout()
        figure.savefig(buffer, format="png")
    return buffer.getvalue()


def daily_plot(report: ServiceReport) -> bytes:
    """Buyer messages (bars) and conversations and tickets (lines) per day."""
    figure = _figure(9, 3.4)
    axis = figure.add_subplot(1, 1, 1)
    labels = [f"{d.day.month}/{d.day.day}" for d in report.days]
    x = list(range(len(labels)))
    axis.bar(x, [d.buyer_messages for d in report.days], color=GREY, label="买家消息")
    axis.set_ylabel("买家消息")
    other = axis.twinx()
    other.plot(x, [d.conversations for d in report.days], color=BLUE, marker="o", markersize=3, label="会话")
    other.plot(x, [d.handoffs for d in report.days], color=ORANGE, marker="o", markersize=3, label="转人工")
    other.set_ylabel("会话 / 转人工")
    other.set_ylim(bottom=0)
    step = max(1, len(labels) // 15)
    axis.set_xticks(x[::step])
    axis.set_xticklabels(labels[::step])
    handles = axis.get_legend_handles_labels()[0] + other.get_legend_handles_labels()[0]
    names = axis.get_legend_handles_labels()[1] + other.get_legend_handles_labels()[1]
    axis.legend(handles, names, loc="upper left", fontsize=8)
    axis.set_title("每日会话、买家消息和转人工")
    return _png(figure)


def _barh(title: str, labels: List[str], values: List[float], color: str, width: float = 6, fmt: str = "{:g}") -> bytes:
    figure = _figure(width, max(2.2, 0.38 * len(labels) + 1))
    axis = figure.add_subplot(1, 1, 1)
    y = list(range(len(labels)))[::-1]
    bars = axis.barh(y, values, color=color)
    axis.set_yticks(y)
    axis.set_yticklabels(labels)
    for bar, value in zip(bars, values):
        axis.text(bar.get_width(), bar.get_y() + bar.get_height() / 2, " " + fmt.format(value), va="center", fontsize=8)
    axis.set_title(title)
    axis.margins(x=0.15)
    return _png(figure)


def reasons_plot(report: ServiceReport) -> bytes:
    return _barh("转人工原因（工单数）", [c.words for c in report.handoff_reasons],
                 [c.count for c in report.handoff_reasons], ORANGE)


def intents_plot(report: ServiceReport) -> bytes:
    return _barh("买家最常问的（消息数）", [c.words for c in report.top_intents], [c.count for c in report.top_intents],
                 BLUE)


def agents_plot(report: ServiceReport) -> bytes:
    """Each agent's first-response and resolution time, median and 90th percentile, in minutes."""
    agents = [a for a in report.agents if a.agent]
    figure = _figure(9, 3.2)
    left, right = figure.add_subplot(1, 2, 1), figure.add_subplot(1, 2, 2)
    names = [a.display_name for a in agents]
    x = list(range(len(names)))
    for axis, title, pick in ((left, "首次响应（分钟）", lambda a: a.first_response),
                              (right, "解决用时（分钟）", lambda a: a.resolution)):
        p50 = [(pick(a).p50 or 0) / 60 for a in agents]
        p90 = [(pick(a).p90 or 0) / 60 for a in agents]
        axis.bar([i - 0.2 for i in x], p50, width=0.4, color=BLUE, label="p50")
        axis.bar([i + 0.2 for i in x], p90, width=0.4, color=GREY, label="p90")
        axis.set_xticks(x)
        axis.set_xticklabels(names, rotation=30, ha="right", fontsize=8)
        axis.set_title(title)
        axis.legend(fontsize=8)
    return _png(figure)


def ratings_plot(report: ServiceReport) -> bytes:
    figure = _figure(4.5, 2.8)
    axis = figure.add_subplot(1, 1, 1)
    scores = list(range(1, 6))
    counts = [report.rating_counts.get(s, 0) for s in scores]
    axis.bar(scores, counts, color=[RED, RED, GREY, BLUE, BLUE])
    axis.set_xticks(scores)
    axis.set_xticklabels([f"{s}星" for s in scores])
    average = f"，平均 {report.rating_average:.2f}" if report.rating_average is not None else ""
    axis.set_title(f"满意度（{report.ratings} 个评价{average}）")
    return _png(figure)


def all_plots(report: ServiceReport) -> Dict[str, bytes]:
    """Every plot by name (``daily``, ``reasons``, ``agents``, ``ratings``, ``intents``); a plot with nothing to show
    is left out."""
    plots = {"daily": daily_plot(report)}
    if report.handoff_reasons:
        plots["reasons"] = reasons_plot(report)
    if any(a.agent for a in report.agents):
        plots["agents"] = agents_plot(report)
    if report.ratings:
        plots["ratings"] = ratings_plot(report)
    if report.top_intents:
        plots["intents"] = intents_plot(report)
    return plots
