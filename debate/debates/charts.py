"""Small SVG charts drawn on the server: no script, so they print, and work without JS.

Only numbers and escaped labels go into the markup; templates render the shapes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.utils.formats import number_format

from debate.mapview.explain import PollResults, StandingPoint
from debate.mapview.model import PositionNode

WIDTH, HEIGHT, PAD = 640, 260, 40
COLOURS = ["#2a4fb5", "#b5532a", "#1b6e3c", "#7a2ab5", "#8a6d00"]


@dataclass
class Line:
    label: str
    colour: str
    points: str  # "x,y x,y ..." for a polyline
    dots: list[tuple[float, float, float]]  # x, y, value


@dataclass
class LineChart:
    width: int
    height: int
    lines: list[Line]
    x_labels: list[tuple[float, str]]
    y_ticks: list[tuple[float, str]]


def standings_chart(history: list[StandingPoint], positions: list[PositionNode]) -> LineChart:
    count = len(history)
    step = (WIDTH - 2 * PAD) / max(count - 1, 1)
    # Strengths often bunch near the top: show the band they use, in steps of 0.1.
    values = [v for point in history for v in point.strengths.values()] or [0.0]
    low = max(0.0, math.floor(min(values) * 10 - 1) / 10)
    high = min(1.0, math.ceil(max(values) * 10 + 1) / 10)
    if high - low < 0.2:
        low = max(0.0, high - 0.2)

    def x(i: int) -> float:
        return PAD + i * step if count > 1 else WIDTH / 2

    def y(value: float) -> float:
        return HEIGHT - PAD - (value - low) / (high - low) * (HEIGHT - 2 * PAD)

    lines = []
    for index, position in enumerate(positions):
        values = [point.strengths.get(position.key, 0.0) for point in history]
        dots = [(round(x(i), 1), round(y(v), 1), v) for i, v in enumerate(values)]
        lines.append(Line(position.title, COLOURS[index % len(COLOURS)],
                          " ".join(f"{dx},{dy}" for dx, dy, _ in dots), dots))  # fmt: skip
    return LineChart(
        width=WIDTH, height=HEIGHT, lines=lines,
        x_labels=[(round(x(i), 1), f"v{p.number}") for i, p in enumerate(history)],
        y_ticks=[(round(y(tick), 1), number_format(tick, decimal_pos=2))
                 for tick in (low + (high - low) * k / 4 for k in range(5))],
    )  # fmt: skip


@dataclass
class Bar:
    label: str
    colour: str
    before: float
    after: float
    before_width: float
    after_width: float
    change: float


def poll_bars(results: PollResults) -> list[Bar]:
    bars = []
    for index, (before, after) in enumerate(zip(results.before, results.after, strict=True)):
        colour = COLOURS[index % len(COLOURS)] if before.position_id else "#8b97ad"
        bars.append(Bar(before.label, colour, before.share, after.share,
                        round(before.share * 300, 1), round(after.share * 300, 1),
                        after.share - before.share))  # fmt: skip
    return bars
