"""The shape of what the claim screens are sent: where a claim goes, its text and stance,
an edit's version, a reason, a vote, a citation and the evidence picker's query.

Forms parse shape (ids in ASCII digits, texts without null characters, lengths, choices);
the services in `debate.arguments.services` decide meaning (phase, role, tree rules). A
refusal never quotes more than a short prefix of what was sent.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from debate.arguments.models import CLAIM_TEXT_MAX, Relation, Stance
from debate.arguments.services import clean_claim_text
from debate.errors import InvalidInput
from debate.inputs import DRAFT_KEPT, CappedForm, CountField, IdField, TextField, ascii_id, quote
from debate.sources.services import REASON_MAX

STANCE_CHOICE = gettext_lazy("Choose whether the claim supports (pro) or attacks (con).")
RELATION_CHOICE = gettext_lazy("Choose whether the evidence supports or concedes.")
VERSION_NEEDED = gettext_lazy("The version is missing or not a number.")
VOTE_SHAPE = gettext_lazy("A vote is a whole number from 0 to 4.")
PICK_EVIDENCE = gettext_lazy("Choose a piece of evidence.")
# The picker searches approved evidence by a few words, never by a page of text.
QUERY_MAX = 200
# Pieces of evidence a new claim may cite in one go (each is one citation, as citing later).
CITE_MAX = 10
# A vote as typed: an optional minus and a few ASCII digits. The range is the service's rule
# (its message names the number: "A vote is from 0 to 4, not 7.").
_SIGNED = re.compile(r"-?[0-9]{1,6}")


class ClaimTextField(forms.CharField):
    """A claim's text. Null characters are refused by CharField; emptiness and length by the
    service's own rule (`clean_claim_text`), so the page and the service say the same words.
    `max_length` stays for the textarea's counter (`data-limit`); a refused draft comes back
    whole up to DRAFT_KEPT characters, for the writer to shorten."""

    echo_limit = DRAFT_KEPT

    def __init__(self, **kwargs: Any):
        super().__init__(max_length=CLAIM_TEXT_MAX, required=False, strip=False, **kwargs)
        self.validators = [v for v in self.validators if not isinstance(v, MaxLengthValidator)]

    def clean(self, value: Any) -> str:
        text = super().clean(value)
        try:
            return clean_claim_text(text)
        except InvalidInput as error:
            raise ValidationError(error.message, code="invalid") from error


class ComposeTargetForm(forms.Form):
    """Where a new claim goes: under a claim (`parent`) or under a position (`position`)."""

    parent = IdField(required=False, error_messages={"invalid": gettext_lazy("Unknown parent.")})
    position = IdField(required=False,
                       error_messages={"invalid": gettext_lazy("Unknown position.")})

    def __init__(self, *args: Any, choose: bool = False, **kwargs: Any):
        # `choose`: the form may open without either, and asks for the position.
        super().__init__(*args, **kwargs)
        self.choose = choose

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if (not self.choose and not self.errors and not data.get("parent")
                and not data.get("position")):  # fmt: skip
            raise ValidationError(_("Choose a position, or a claim to reply to."),
                                  code="required")
        return data


class StancePreset(forms.Form):
    """`?stance=` on the compose link (*Support* or *Attack*): which choice the form opens
    with. Only a preset, so anything but pro or con presets nothing."""

    stance = forms.CharField(required=False, max_length=10)

    def clean_stance(self) -> str:
        stance = self.cleaned_data["stance"]
        return stance if stance in Stance.values else ""


class EvidencePicksField(forms.MultipleChoiceField):
    """Pieces of evidence picked to cite, as ticked boxes: each an id in ASCII digits that is
    one of `allowed` (the citable evidence of the debate, which the view passes in); the
    service checks them again. The boxes shown (`choices`) may be fewer than the allowed ids:
    the picker shows what matches a search, and what was ticked already."""

    default_error_messages = {
        # Translators: %(value)s is the number of a piece of evidence (or what was sent).
        "invalid_choice": gettext_lazy("Evidence %(value)s cannot be cited: it is not approved "
                                     "evidence of this debate."),
        "invalid_list": gettext_lazy("Choose evidence from the list."),
    }  # fmt: skip

    def __init__(self, **kwargs: Any):
        super().__init__(required=False, **kwargs)
        self.allowed: frozenset[int] = frozenset()

    def to_python(self, value: Any) -> list[int]:
        values = super().to_python(value)
        picked = []
        # Every value counts (a repeated one must not push later picks out), up to the first
        # distinct one past the limit.
        for raw in values:
            number = ascii_id(raw)
            if number is None:
                raise ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": quote(raw)},
                )
            if number not in picked:
                picked.append(number)
                if len(picked) > CITE_MAX:
                    break
        if len(picked) > CITE_MAX:
            raise ValidationError(ngettext("Cite at most %(count)s piece of evidence at once.",
                                           "Cite at most %(count)s pieces of evidence at once.",
                                           CITE_MAX) % {"count": CITE_MAX},
                                  code="max")  # fmt: skip
        return picked

    def validate(self, value: list[int]) -> None:
        for number in value:
            if number not in self.allowed:
                raise ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": number},
                )


class CitePicks(CappedForm):
    """The evidence ticked in the compose form: as support (`supports`) or as a concession
    (`concedes`), never both for one piece."""

    supports = EvidencePicksField()
    concedes = EvidencePicksField()

    def __init__(self, *args: Any, citable: frozenset[int] = frozenset(), **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["supports"].allowed = self.fields["concedes"].allowed = citable

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        both = set(data.get("supports") or ()) & set(data.get("concedes") or ())
        if both:
            raise ValidationError(
                _("Evidence %(number)s is ticked both as support and as a concession; "
                  "choose one.") % {"number": min(both)}, code="both",
            )  # fmt: skip
        return data

    def citations(self) -> list[tuple[int, str]]:
        """(evidence id, relation) for each piece picked, supports first."""
        data = self.cleaned_data
        return [(pk, Relation.SUPPORTS) for pk in data.get("supports") or ()] + [
            (pk, Relation.CONCEDES) for pk in data.get("concedes") or ()
        ]


class ClaimComposeForm(CitePicks):
    text = ClaimTextField()
    stance = forms.ChoiceField(
        choices=Stance.choices,
        error_messages={"required": STANCE_CHOICE, "invalid_choice": STANCE_CHOICE},
    )


class EvidencePickerForm(CitePicks):
    """The compose form's evidence search (`?q=`), with what is ticked already, so that the
    list it sends back keeps those boxes ticked."""

    q = TextField(max_length=QUERY_MAX, required=False)


class SearchForm(CappedForm):
    """A search of one debate (`?q=`): a few words, never a page of text."""

    q = TextField(max_length=QUERY_MAX, required=False)


class SimilarForm(forms.Form):
    """The text being written (`?text=`), for the similar-claim hints; longer text is cut to
    the claim's own limit (static/js/compose.js sends at most its first SIMILAR_SEND
    characters)."""

    text = forms.CharField(required=False, strip=True)

    def clean_text(self) -> str:
        return self.cleaned_data["text"][:CLAIM_TEXT_MAX]


class ClaimEditForm(CappedForm):
    text = ClaimTextField()
    version = CountField(error_messages={"required": VERSION_NEEDED, "invalid": VERSION_NEEDED})


class ReasonForm(CappedForm):
    """Hide or restore: the reason, which the service requires and the audit trail keeps."""

    reason = TextField(max_length=REASON_MAX, required=False)


class VoteForm(forms.Form):
    """A vote from 0 to 4, or an empty value to withdraw it."""

    value = forms.CharField(required=False, max_length=10, error_messages={
        "max_length": VOTE_SHAPE})  # fmt: skip

    def clean_value(self) -> int | None:
        raw = self.cleaned_data["value"]
        if raw == "":
            return None
        if not _SIGNED.fullmatch(raw):
            raise ValidationError(VOTE_SHAPE, code="invalid")
        return int(raw)


class CiteForm(forms.Form):
    evidence = IdField(error_messages={"required": PICK_EVIDENCE, "invalid": PICK_EVIDENCE})
    relation = forms.ChoiceField(
        choices=Relation.choices, required=False,
        error_messages={"invalid_choice": RELATION_CHOICE},
    )  # fmt: skip

    def clean_relation(self) -> str:
        return self.cleaned_data["relation"] or Relation.SUPPORTS


class PickerQueryForm(CappedForm):
    """The evidence picker's search (`?q=`)."""

    q = TextField(max_length=QUERY_MAX, required=False)
