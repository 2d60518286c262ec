"""The aging chart: the remaining amount per aging bucket, one bar series per currency, as PNG bytes.

matplotlib's object API with the Agg canvas (no pyplot, no display, no global figure state), so two
reports drawn at once on the work pool do not share a figure. The bars are drawn from floats (a
picture); every figure printed beside them comes from the exact sums.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence

from bot.money import from_minor
from bot.reports.numbers import plain

DPI = 110


def aging_png(title: str, buckets: Sequence[str], remaining: Mapping[str, Sequence[int]]) -> bytes:
    """`remaining`: per currency, the minor units in each of `buckets` (same order)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(7.5, 3.2), dpi=DPI)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    currencies = sorted(remaining) or ["SEK"]
    width = 0.8 / len(currencies)
    for index, currency in enumerate(currencies):
        values = remaining.get(currency) or [0] * len(buckets)
        xs = [position + index * width - 0.4 + width / 2 for position in range(len(buckets))]
        bars = axes.bar(xs, [float(from_minor(v, currency)) for v in values], width, label=currency)
        axes.bar_label(bars, labels=[plain(v, currency) for v in values], fontsize=7, padding=2)
    axes.set_xticks(range(len(buckets)), list(buckets), fontsize=8)
    axes.set_ylabel("Remaining", fontsize=8)
    axes.tick_params(axis="y", labelsize=7)
    axes.set_title(title, fontsize=9)
    axes.margins(y=0.18)
    axes.spines[["top", "right"]].set_visible(False)
    if len(currencies) > 1:
        axes.legend(fontsize=7)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()
