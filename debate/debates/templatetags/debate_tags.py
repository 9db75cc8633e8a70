import json

from django import template

from debate.debates import scoring
from debate.debates.models import Debate
from debate.mapview import visibility

register = template.Library()


@register.filter
def as_json(value) -> str:
    """A JSON rendering of a stored value (autoescaped by the template like any text)."""
    if value is None:
        return ""
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


@register.filter
def strength(value: float) -> str:
    """A strength rounded the one way every output rounds it (scoring.shown)."""
    return scoring.shown(value)


@register.filter
def strengths_later(debate: Debate) -> str:
    """What a page says where a strength may not show yet (visibility.strengths_later)."""
    return visibility.strengths_later(debate)
