"""Strength of claims and positions: a base score from votes, propagated by DF-QuAD.

Rago, Toni, Aurisicchio and Baroni, "Discontinuity-Free Decision Support with Quantitative
Argumentation Debates" (KR 2016). Pure functions over plain numbers, so the read model, the
tests and the benchmarks all call the same code.

Only votes move the standings. A claim's base score is the mean impact its votes give it,
pulled towards 0 ("no demonstrated impact") by `PRIOR_WEIGHT` pseudo-votes of 0:

    tau = sum(v_i / 4) / (n + m),   m = PRIOR_WEIGHT = 2

so a claim nobody rated has base score 0, and in DF-QuAD a reply of strength 0 changes
nothing (1 - (1 - 0) = 0 joins every aggregate as nothing). A claim without votes below which
nobody voted either therefore weighs nothing, whatever the number or shape of such claims;
a position starts at the neutral `POSITION_BASE` and only rated claims move it. The two
pseudo-votes keep one enthusiastic vote from counting as much as a class's verdict: one
"decisive" (4) gives 1/3, three give 0.6, ten give 0.83.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.utils.formats import number_format

PRIOR_WEIGHT = 2  # m: how many pseudo-votes of 0 ("no impact") every claim starts with
PRIOR = 0.0  # what each pseudo-vote is worth, and so an unrated claim's base score
POSITION_BASE = 0.5  # a position's neutral starting point: only its rated claims move it


STRENGTH_DIGITS = 2  # every strength a person reads is rounded here, once


def shown(value: float | None) -> str:
    """A strength as people read it, on every page, tag, card and the picture alike."""
    if value is None:
        return ""
    return f"{value:.{STRENGTH_DIGITS}f}"


def shown_here(value: float | None) -> str:
    """`shown` for a page in the current interface language: the same digits, the locale's
    decimal mark (0,50 in Ukrainian). Comparisons use `shown`."""
    if value is None:
        return ""
    return number_format(round(value, STRENGTH_DIGITS), decimal_pos=STRENGTH_DIGITS)


def base_score(histogram: Sequence[int]) -> float:
    """tau = (sum(v_i / 4) + m * PRIOR) / (n + m) = sum(v_i / 4) / (n + m), from a histogram
    of votes 0..4: 0 without votes."""
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
