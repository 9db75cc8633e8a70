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
    """A strength rounded the one way every output rounds it (scoring.shown), written with
    the interface language's decimal mark (0.50, 0,50)."""
    return scoring.shown_here(value)


@register.filter
def strength_number(value: float) -> str:
    """A strength as a machine number (0.50) for an attribute such as <meter value>."""
    return scoring.shown(value)


@register.filter
def strengths_later(debate: Debate) -> str:
    """What a page says where a strength may not show yet (visibility.strengths_later)."""
    return visibility.strengths_later(debate)


@register.filter
def named(names: visibility.Names | None, user) -> str:
    """How a page names `user` (a User or None) under this audience's names policy
    (visibility.Names.label): "ana_k (Participant 7)" for moderators of an anonymous debate,
    a pseudonym alone for everyone else there, the username elsewhere."""
    if user is None:
        return ""
    if names is None:
        return user.username
    return names.label(user.pk, user.username) or ""


@register.filter
def pseudonym_beside(names: visibility.Names | None, user_id: int | None) -> str:
    """" (Participant 7)" to put beside a username on a moderators' page of an anonymous
    debate (visibility.Names.both), else nothing."""
    if names is None or not names.both or user_id is None:
        return ""
    return f" ({names.pseudonym(user_id)})"
