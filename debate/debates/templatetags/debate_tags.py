import json

from django import template

from debate.debates import scoring

register = template.Library()


@register.filter
def as_json(value) -> str:
    """A JSON rendering of a stored value (autoescaped by the template like any text)."""
    if value is None:
        return ""
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


@register.filter
def strength(value) -> str:
    """A strength rounded the one way every output rounds it (scoring.shown)."""
    return scoring.shown(value)
