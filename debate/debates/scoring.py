"""Strength of claims and positions: a base score from votes, propagated by DF-QuAD.

Rago, Toni, Aurisicchio and Baroni, "Discontinuity-Free Decision Support with Quantitative
Argumentation Debates" (KR 2016). Pure functions over plain numbers, so the read model, the
tests and the benchmarks all call the same code.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

PRIOR_WEIGHT = 2  # m: how many neutral (0.5) pseudo-votes every claim starts with
PRIOR = 0.5
POSITION_BASE = 0.5


STRENGTH_DIGITS = 2  # every strength a person reads is rounded here, once


def shown(value: float | None) -> str:
    """A strength as people read it, on every page, tag, card and the picture alike."""
    if value is None:
        return ""
    return f"{value:.{STRENGTH_DIGITS}f}"


def base_score(histogram: Sequence[int]) -> float:
    """tau = (sum(v_i / 4) + m * 0.5) / (n + m), from a histogram of votes 0..4."""
    n = sum(histogram)
    total = sum(value * count for value, count in enumerate(histogram)) / 4
    return (total + PRIOR_WEIGHT * PRIOR) / (n + PRIOR_WEIGHT)


def aggregate(strengths: Iterable[float]) -> float:
    """1 - prod(1 - s): the combined force of several attackers (or supporters)."""
    product = 1.0
    for strength in strengths:
        product *= 1.0 - strength
    return 1.0 - product


def combine(tau: float, attack: float, support: float) -> float:
    if attack >= support:
        return tau - tau * (attack - support)
    return tau + (1.0 - tau) * (support - attack)


def strength(tau: float, attackers: Iterable[float], supporters: Iterable[float]) -> float:
    return combine(tau, aggregate(attackers), aggregate(supporters))
