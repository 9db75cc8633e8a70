"""The shape of every input on the debate screens: the map's query (sort, voters, page), the
live poll, the phase and poll forms, joining, and the set-up page's forms.

Forms parse shape (ASCII-digit ids, lengths, choices); the services in `debates.services`
keep the domain's rules (who may, in which phase, unique names).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from debate.debates.models import Phase, Poll, StandingsFrom
from debate.inputs import (
    CappedForm,
    CountField,
    IdField,
    QuotedChoiceField,
    TextField,
    ascii_id,
    quote,
)
from debate.mapview.build import ALL_VOTERS, OBSERVERS, team_of

# The services' words for a value too long, so a refusal reads the same from form or service.
AT_MOST = "At most %(limit_value)d characters."
INVITE_INVALID = "This invite code is not valid. Ask your moderator for a new one."


def text(max_length: int, **kwargs: Any) -> TextField:
    kwargs["error_messages"] = {"max_length": AT_MOST, **kwargs.get("error_messages", {})}
    return TextField(max_length=max_length, **kwargs)


SORT_CHOICES = [("oldest", "Oldest first"), ("newest", "Newest first"), ("strength", "Strongest")]
# Pages of the map a reader can ask for; far more than any debate of ours has.
MAX_PAGE = 99_999
UNDECIDED = "undecided"
# How much of a refused source text a page puts back in its textarea.
ECHO_TEXT = 50_000


class VotersField(forms.CharField):
    """Whose votes count: `all`, `observers` or `team:<id>` (the id in ASCII digits)."""

    def __init__(self, **kwargs: Any):
        kwargs.setdefault("required", False)
        super().__init__(max_length=40, strip=True, **kwargs)

    def clean(self, value: Any) -> str:
        value = super().clean(value) or ALL_VOTERS
        if value in (ALL_VOTERS, OBSERVERS):
            return value
        team = team_of(value)
        if team is not None:
            return f"team:{team}"
        raise ValidationError(
            "Not a choice of voters (all, observers or team:<number>): %(value)s.",
            code="invalid", params={"value": quote(value)},
        )  # fmt: skip


class VotersQuery(CappedForm):
    voters = VotersField()


class MapQuery(VotersQuery):
    """The debate page's query: how to sort, whose votes, which page, the larger map."""

    sort = QuotedChoiceField(choices=SORT_CHOICES, required=False)
    page = CountField(maximum=MAX_PAGE, required=False)
    whole = QuotedChoiceField(choices=[("1", "yes"), ("0", "no")], required=False)

    def clean_sort(self) -> str:
        return self.cleaned_data.get("sort") or "oldest"

    def clean_page(self) -> int:
        return max(self.cleaned_data.get("page") or 1, 1)

    def clean_whole(self) -> bool:
        return self.cleaned_data.get("whole") == "1"


class ClaimQuery(CappedForm):
    """A claim's own page: its sort, and whether only its replies are wanted."""

    sort = QuotedChoiceField(choices=SORT_CHOICES, required=False)
    part = QuotedChoiceField(choices=[("replies", "replies")], required=False)

    def clean_sort(self) -> str:
        return self.cleaned_data.get("sort") or "oldest"


class JumpQuery(CappedForm):
    """The "Go to claim #" form: the number of a claim, as the debate page sends it."""

    n = IdField(error_messages={
        "required": "Give the number of a claim, such as 12.",
        "invalid": "A claim's number is a whole number, such as 12. Not a number: %(value)s.",
    })  # fmt: skip

    def __init__(self, data=None, **kwargs: Any):
        # A pasted "#12" is the number the cards show.
        if data is not None and isinstance(data.get("n"), str) and data["n"].startswith("#"):
            data = data.copy()
            data["n"] = data["n"][1:]
        super().__init__(data, **kwargs)


class LiveQuery(VotersQuery):
    """The live poll: the version the page has, and the claim its subtree hangs from."""

    since = CountField(required=False)
    root = IdField(required=False)

    def clean_since(self) -> int:
        return self.cleaned_data.get("since") or 0


class PhaseForm(CappedForm):
    phase = QuotedChoiceField(choices=Phase.choices, error_messages={
        "required": "Unknown phase.", "invalid_choice": "Unknown phase.",
    })  # fmt: skip


class PositionOrUndecidedField(forms.Field):
    """A position's id, or `undecided` (None in cleaned data)."""

    def to_python(self, value: Any) -> int | None:
        if value in self.empty_values:
            return None
        if value == UNDECIDED:
            return None
        return IdField(error_messages={
            "invalid": "Choose a position, or undecided. Not an id: %(value)s.",
        }).clean(value)  # fmt: skip

    def validate(self, value: Any) -> None:
        # `undecided` is a valid answer that cleans to None: only an empty field is missing.
        pass

    def clean(self, value: Any) -> int | None:
        if value in self.empty_values:
            raise ValidationError("Choose a position, or undecided.", code="required")
        return super().clean(value)


class PollAnswerForm(CappedForm):
    poll = QuotedChoiceField(choices=Poll.choices, error_messages={
        "required": "Unknown poll.", "invalid_choice": "Unknown poll.",
    })  # fmt: skip
    position = PositionOrUndecidedField()


class JoinForm(CappedForm):
    # Longer than any code we hand out (new_invite_code: 12 characters; the column holds 32).
    code = TextField(max_length=32, required=False, error_messages={"max_length": INVITE_INVALID})


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def usernames(text: str) -> list[str]:
    """Names separated by commas or lines, in order, each once."""
    names = [n.strip() for n in text.replace("\n", ",").split(",") if n.strip()]
    return list(dict.fromkeys(names))


def team_lines(text: str, position_count: int) -> list[tuple[str, int | None]]:
    """Lines of "Team name | position number" (the number is optional, 1 to the count)."""
    teams = []
    for line in _lines(text):
        name, _, number = line.partition("|")
        index = None
        if number.strip():
            chosen = ascii_id(number)
            if chosen is None or chosen > position_count:
                raise ValidationError(
                    "“%(name)s”: the position number must be 1 to %(count)d.",
                    code="invalid", params={"name": quote(name.strip()), "count": position_count},
                )  # fmt: skip
            index = chosen - 1
        teams.append((name.strip(), index))
    return teams


class NewDebateForm(CappedForm):
    title = text(200)
    motion = text(500)
    description = text(5000, required=False)
    positions = text(5000)
    teams = text(5000, required=False)
    moderators = text(2000, required=False)
    allow_observers = forms.BooleanField(required=False)
    count_observer_votes = forms.BooleanField(required=False)

    def clean_positions(self) -> list[str]:
        return _lines(self.cleaned_data["positions"])

    def clean_moderators(self) -> list[str]:
        return usernames(self.cleaned_data.get("moderators", ""))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if "positions" in data and "teams" in data:
            try:
                data["teams"] = team_lines(data["teams"], len(data["positions"]))
            except ValidationError as error:
                self.add_error("teams", error)
        return data


# The set-up page's forms, one per `action` it posts.


class ManageActionForm(CappedForm):
    action = QuotedChoiceField(
        choices=[(a, a) for a in (
            "details", "team", "regenerate", "moderator", "source", "revise", "clone",
        )],
        error_messages={"required": "Unknown action.", "invalid_choice": "Unknown action."},
    )  # fmt: skip


class DetailsForm(CappedForm):
    title = text(200)
    motion = text(500)
    description = text(5000, required=False)
    is_public = forms.BooleanField(required=False)
    allow_observers = forms.BooleanField(required=False)
    count_observer_votes = forms.BooleanField(required=False)
    # Left out of a post (an older form): the debate keeps its setting.
    standings_from = QuotedChoiceField(choices=StandingsFrom.choices, required=False)


class TeamForm(CappedForm):
    name = text(80)
    position = IdField(required=False, error_messages={"invalid": "Unknown position."})


class RegenerateForm(CappedForm):
    team = IdField(error_messages={"invalid": "Unknown team.", "required": "Unknown team."})


class ModeratorForm(CappedForm):
    username = text(2000)

    def clean_username(self) -> list[str]:
        return usernames(self.cleaned_data["username"])


class SourceForm(CappedForm):
    title = text(300, error_messages={"required": "A source needs a title."})
    publication = text(200, required=False)
    volume = text(40, required=False)
    issue = text(40, required=False)
    published_on = forms.DateField(
        required=False, input_formats=["%Y-%m-%d"],
        error_messages={"invalid": "Give the date as YYYY-MM-DD."},
    )  # fmt: skip
    url = text(500, required=False)
    # The text is stored exactly as given (hashed, never silently changed): no stripping.
    text = forms.CharField(strip=False, required=False)
    text.echo_limit = ECHO_TEXT
    # An empty file is the service's to refuse, in its words.
    file = forms.FileField(required=False, allow_empty_file=True)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("file") is not None and (data.get("text") or "").strip():
            self.add_error("file", "Paste the text or upload a file, not both.")
        return data


class ReviseForm(CappedForm):
    source = IdField(error_messages={"invalid": "Unknown source.", "required": "Unknown source."})
    text = forms.CharField(strip=False, required=False)
    text.echo_limit = ECHO_TEXT


class CloneForm(CappedForm):
    title = text(200)
    slug = text(80, required=False)


MANAGE_FORMS: dict[str, type[forms.Form]] = {
    "details": DetailsForm,
    "team": TeamForm,
    "regenerate": RegenerateForm,
    "moderator": ModeratorForm,
    "source": SourceForm,
    "revise": ReviseForm,
    "clone": CloneForm,
}
