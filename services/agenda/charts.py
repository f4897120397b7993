"""Geometry of the agenda's bar charts; the SVG itself is written by Jinja templates."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

LABEL_WIDTH = 300  # room for the label left of the bars
BAR_AREA = 380
VALUE_WIDTH = 110
ROW_HEIGHT = 26
BAR_HEIGHT = 18


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None  # None: suppressed, drawn as an empty row with its text
    text: str  # what is written after the bar
    y: int
    width: float


@dataclass(frozen=True)
class BarChart:
    bars: list[Bar]
    width: int
    height: int
    label_width: int = LABEL_WIDTH
    bar_height: int = BAR_HEIGHT


def bar_chart(rows: list[dict[str, Any]], maximum: float | None = None) -> BarChart:
    """rows: {"label", "value" (None when suppressed), "text"}; bars scale to the largest value."""
    values = [r["value"] for r in rows if r["value"] is not None]
    top = maximum if maximum is not None else max(values, default=0)
    bars = [
        Bar(
            label=row["label"],
            value=row["value"],
            text=row["text"],
            y=index * ROW_HEIGHT,
            width=round(BAR_AREA * row["value"] / top, 1) if row["value"] and top else 0.0,
        )
        for index, row in enumerate(rows)
    ]
    return BarChart(bars=bars, width=LABEL_WIDTH + BAR_AREA + VALUE_WIDTH, height=max(ROW_HEIGHT, len(bars) * ROW_HEIGHT))
