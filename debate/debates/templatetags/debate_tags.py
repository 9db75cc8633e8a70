import json

from django import template

register = template.Library()


@register.filter
def as_json(value) -> str:
    """A JSON rendering of a stored value (autoescaped by the template like any text)."""
    if value is None:
        return ""
    return json.dumps(value, ensure_ascii=False, sort_keys=True)
