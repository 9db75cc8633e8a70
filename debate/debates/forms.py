"""The shape of every input on the debate screens: the map's query (sort, voters, page), the
live poll, the phase and poll forms, joining, and the set-up page's forms.

Forms parse shape (ASCII-digit ids, lengths, choices); the services in `debates.services`
keep the domain's rules (who may, in which phase, unique names).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from debate.debates.models import Phase, Poll, StandingsFrom
from debate.debates.services import position_key
from debate.inputs import (
    CappedForm,
    CountField,
    IdField,
    QuotedChoiceField,
    TextField,
    quote,
)
from debate.mapview.build import ALL_VOTERS, OBSERVERS, team_of

# The services' words for a value too long, so a refusal reads the same from form or service.
AT_MOST = gettext_lazy("At most %(limit_value)d characters.")
INVITE_INVALID = gettext_lazy("This invite code is not valid. Ask your moderator for a new one.")


def text(max_length: int, **kwargs: Any) -> TextField:
    kwargs["error_messages"] = {"max_length": AT_MOST, **kwargs.get("error_messages", {})}
    return TextField(max_length=max_length, **kwargs)


SORT_CHOICES = [("oldest", gettext_lazy("Oldest first")), ("newest", gettext_lazy("Newest first")),
                ("strength", gettext_lazy("Strongest"))]  # fmt: skip
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
            _("Not a choice of voters (all, observers or team:<number>): %(value)s."),
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
        "required": gettext_lazy("Give the number of a claim, such as 12."),
        "invalid": gettext_lazy(
            "A claim's number is a whole number, such as 12. Not a number: %(value)s."
        ),
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
        "required": gettext_lazy("Unknown phase."),
        "invalid_choice": gettext_lazy("Unknown phase."),
    })  # fmt: skip


class PositionOrUndecidedField(forms.Field):
    """A position's id, or `undecided` (None in cleaned data)."""

    def to_python(self, value: Any) -> int | None:
        if value in self.empty_values:
            return None
        if value == UNDECIDED:
            return None
        return IdField(error_messages={
            "invalid": _("Choose a position, or undecided. Not an id: %(value)s."),
        }).clean(value)  # fmt: skip

    def validate(self, value: Any) -> None:
        # `undecided` is a valid answer that cleans to None: only an empty field is missing.
        pass

    def clean(self, value: Any) -> int | None:
        if value in self.empty_values:
            raise ValidationError(_("Choose a position, or undecided."), code="required")
        return super().clean(value)


class PollAnswerForm(CappedForm):
    poll = QuotedChoiceField(choices=Poll.choices, error_messages={
        "required": gettext_lazy("Unknown poll."), "invalid_choice": gettext_lazy("Unknown poll."),
    })  # fmt: skip
    position = PositionOrUndecidedField()


class JoinForm(CappedForm):
    # Longer than any code we hand out (new_invite_code: 12 characters; the column holds 32).
    code = TextField(max_length=32, required=False, error_messages={"max_length": INVITE_INVALID})


def usernames(text: str) -> list[str]:
    """Names separated by commas or lines, in order, each once."""
    names = [n.strip() for n in text.replace("\n", ",").split(",") if n.strip()]
    return list(dict.fromkeys(names))


# The new-debate form: the debate's own fields, then a fixed number of position rows and team
# rows (Django formsets). The blank rows are in the page, so it works without JavaScript; a
# row left blank is skipped. Every check runs on every post, so the page shows every error.
POSITION_ROWS = 6
TEAM_ROWS = 8
MIN_POSITIONS = 2
POSITIONS_TOO_FEW = gettext_lazy("A debate needs at least two positions: give two rows a title.")
NO_TEAM_POSITION = gettext_lazy("No position yet")


class NewDebateForm(CappedForm):
    title = text(200)
    motion = text(500)
    description = text(5000, required=False)
    moderators = text(2000, required=False)
    allow_observers = forms.BooleanField(required=False)
    count_observer_votes = forms.BooleanField(required=False)
    anonymous = forms.BooleanField(required=False)

    def clean_moderators(self) -> list[Any]:
        """The users named, each once; every unknown name is refused here, with the rest of
        the form's errors rather than after them."""
        from django.contrib.auth import get_user_model

        names = usernames(self.cleaned_data.get("moderators", ""))
        users = list(get_user_model().objects.filter(username__in=names)) if names else []
        missing = sorted(set(names) - {user.username for user in users})
        if missing:
            raise ValidationError(_("No such user: %(names)s."), code="invalid",
                                  params={"names": quote(", ".join(missing))})  # fmt: skip
        return users


class PositionRowForm(CappedForm):
    title = text(200, required=False)
    description = text(2000, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("description") and not data.get("title"):
            self.add_error("title", _("Give this position a title, or clear its description."))
        return data


class PositionRows(forms.BaseFormSet):
    def clean(self) -> None:
        # Run even when a row has errors (its refused values are out of cleaned_data), so
        # that one post shows every error.
        keys: set[str] = set()
        for number, form in enumerate(self.filled(), start=1):
            key = position_key(form.cleaned_data["title"], number)
            if key in keys:
                form.add_error("title", _(
                    "Another position has this title (or one that starts the same way): give "
                    "each position its own."
                ))  # fmt: skip
            keys.add(key)
        if len(self.filled()) < MIN_POSITIONS:
            raise ValidationError(POSITIONS_TOO_FEW, code="too_few")

    def filled(self) -> list[forms.Form]:
        """The rows with a title, in order (a row's errors keep it out)."""
        return [f for f in self.forms if getattr(f, "cleaned_data", {}).get("title")]


class TeamRowForm(CappedForm):
    name = text(80, required=False)
    # The number of a position row (1 to POSITION_ROWS), or none yet.
    position = QuotedChoiceField(
        choices=[("", NO_TEAM_POSITION)] + [(str(n), str(n)) for n in range(1, POSITION_ROWS + 1)],
        required=False,
        error_messages={"invalid_choice": gettext_lazy("Choose one of the positions above.")},
    )  # fmt: skip

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("position") and not data.get("name"):
            self.add_error("name", _("Give this team a name, or choose no position for it."))
        return data


class TeamRows(forms.BaseFormSet):
    def clean(self) -> None:
        # Run even when a row has errors (its refused values are out of cleaned_data), so
        # that one post shows every error.
        names: set[str] = set()
        for form in self.forms:
            name = getattr(form, "cleaned_data", {}).get("name")
            if not name:
                continue
            if name.casefold() in names:
                form.add_error("name", _("Another team has this name: give each team its own."))
            names.add(name.casefold())


def _rows(form: type[forms.Form], rows: type[forms.BaseFormSet], count: int):
    return forms.formset_factory(form, formset=rows, extra=count, max_num=count,
                                 absolute_max=count, validate_max=True)  # fmt: skip


PositionFormSet = _rows(PositionRowForm, PositionRows, POSITION_ROWS)
TeamFormSet = _rows(TeamRowForm, TeamRows, TEAM_ROWS)


def _with_rows(data: Any, prefix: str, count: int) -> Any:
    """`data` with the formset's management fields set to the rows the page always shows:
    what a post says there is ignored, so a tampered count can neither hide the rows nor be
    echoed back into the page."""
    if data is None:
        return None
    data = data.copy()
    data[f"{prefix}-TOTAL_FORMS"] = str(count)
    data[f"{prefix}-INITIAL_FORMS"] = "0"
    return data


class NewDebateSetUp:
    """The new-debate page's three parts, checked together so that one post shows every error:
    the debate's fields, the position rows and the team rows."""

    def __init__(self, data: Any = None):
        data = _with_rows(_with_rows(data, "positions", POSITION_ROWS), "teams", TEAM_ROWS)
        self.is_bound = data is not None
        self.form = NewDebateForm(data)
        self.positions = PositionFormSet(data, prefix="positions")
        self.teams = TeamFormSet(data, prefix="teams")

    def is_valid(self) -> bool:
        # Each part is checked even when another failed (no short-circuit): all errors at once.
        valid = [self.form.is_valid(), self.positions.is_valid(), self.teams.is_valid()]
        self._check_team_positions()
        return all(valid) and not self.errors()

    def _check_team_positions(self) -> None:
        """A team may only point at a position row that has a title."""
        titled = {str(n) for n, f in enumerate(self.positions.forms, start=1)
                  if getattr(f, "cleaned_data", {}).get("title")}  # fmt: skip
        for form in self.teams.forms:
            chosen = getattr(form, "cleaned_data", {}).get("position")
            if chosen and chosen not in titled:
                form.add_error("position", _(
                    "Position %(number)s has no title: give it one, or choose another position."
                ) % {"number": chosen})  # fmt: skip

    def service_input(self) -> dict[str, Any]:
        """debate_set_up's arguments: (title, description) per position, (name, index of the
        position among the filled rows) per team."""
        data = self.form.cleaned_data
        rows = self.positions.forms
        filled = [n for n, f in enumerate(rows, start=1) if f.cleaned_data.get("title")]
        index_of = {str(n): i for i, n in enumerate(filled)}
        return {
            "title": data["title"], "motion": data["motion"], "description": data["description"],
            "positions": [(rows[n - 1].cleaned_data["title"],
                           rows[n - 1].cleaned_data["description"]) for n in filled],
            "teams": [(f.cleaned_data["name"], index_of.get(f.cleaned_data.get("position") or ""))
                      for f in self.teams.forms if f.cleaned_data.get("name")],
            "moderators": data["moderators"],
            "allow_observers": data["allow_observers"],
            "count_observer_votes": data["count_observer_votes"],
            "anonymous": data["anonymous"],
        }  # fmt: skip

    def position_choices(self) -> list[tuple[str, str]]:
        """The team rows' menu: each position row by number, with the title typed so far."""
        choices = [("", NO_TEAM_POSITION)]
        for number, row in enumerate(self.positions.forms, start=1):
            typed = (row["title"].value() or "").strip() if self.is_bound else ""
            # Translators: a menu item: a position row's number and the title typed in it.
            label = (_("Position %(number)s: %(title)s") % {"number": number, "title": typed}
                     if typed else _("Position %(number)s") % {"number": number})  # fmt: skip
            choices.append((str(number), label))
        return choices

    def errors(self) -> list[tuple[str, str, str]]:
        """Every error as (id of the field it belongs to, the field's label, message), in the
        page's order: the summary at the top links each to its field."""
        found = [(f"new-{name}", LABELS.get(name, name), message)
                 for name, messages in self.form.errors.items()
                 for message in messages]  # fmt: skip
        found += [("positions", _("Positions"), m) for m in self.positions.non_form_errors()]
        found += _row_errors(self.positions, POSITION_ROW_LABELS)
        found += [("teams", _("Teams"), m) for m in self.teams.non_form_errors()]
        found += _row_errors(self.teams, TEAM_ROW_LABELS)
        return [(("new-form" if id_ == "new-__all__" else id_), label, message)
                for id_, label, message in found]  # fmt: skip


LABELS = {"title": gettext_lazy("Title"), "motion": gettext_lazy("Motion"),
          "description": gettext_lazy("Description"),
          "moderators": gettext_lazy("Other moderators"),
          "__all__": gettext_lazy("The debate")}  # fmt: skip
# The error summary's label of a row's field (`None`: the row as a whole), by row number.
POSITION_ROW_LABELS = {
    "title": gettext_lazy("Position %(number)s title"),
    "description": gettext_lazy("Position %(number)s description"),
    None: gettext_lazy("Position %(number)s"),
}
TEAM_ROW_LABELS = {
    "name": gettext_lazy("Team %(number)s name"),
    "position": gettext_lazy("Team %(number)s position"),
    None: gettext_lazy("Team %(number)s"),
}


def _row_errors(rows: forms.BaseFormSet, labels: dict[str | None, str]):
    fields = [name for name in labels if name is not None]
    found = []
    for number, form in enumerate(rows.forms, start=1):
        for name, messages in form.errors.items():
            target = f"{form.prefix}-{name if name in fields else fields[0]}"
            label = labels[name if name in fields else None] % {"number": number}
            found += [(target, label, message) for message in messages]
    return found


# The set-up page's forms, one per `action` it posts.


class ManageActionForm(CappedForm):
    action = QuotedChoiceField(
        choices=[(a, a) for a in (
            "details", "team", "regenerate", "moderator", "source", "revise", "clone",
            "anonymous",
        )],
        error_messages={"required": gettext_lazy("Unknown action."),
                        "invalid_choice": gettext_lazy("Unknown action.")},
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
    position = IdField(required=False,
                       error_messages={"invalid": gettext_lazy("Unknown position.")})  # fmt: skip


class RegenerateForm(CappedForm):
    team = IdField(error_messages={"invalid": gettext_lazy("Unknown team."),
                                   "required": gettext_lazy("Unknown team.")})  # fmt: skip


class AnonymityForm(CappedForm):
    """Anonymous mode on or off: said outright, so that a form posted without the field
    never switches it off by omission."""

    anonymous = forms.TypedChoiceField(
        choices=[("on", "on"), ("off", "off")], coerce=lambda value: value == "on",
        error_messages={"required": gettext_lazy("Say on or off."),
                        "invalid_choice": gettext_lazy("Say on or off.")},
    )


class ModeratorForm(CappedForm):
    username = text(2000)

    def clean_username(self) -> list[str]:
        return usernames(self.cleaned_data["username"])


class SourceForm(CappedForm):
    title = text(300, error_messages={"required": gettext_lazy("A source needs a title.")})
    publication = text(200, required=False)
    volume = text(40, required=False)
    issue = text(40, required=False)
    published_on = forms.DateField(
        required=False, input_formats=["%Y-%m-%d"],
        error_messages={"invalid": gettext_lazy("Give the date as YYYY-MM-DD.")},
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
            self.add_error("file", _("Paste the text or upload a file, not both."))
        return data


class ReviseForm(CappedForm):
    source = IdField(error_messages={"invalid": gettext_lazy("Unknown source."),
                                     "required": gettext_lazy("Unknown source.")})  # fmt: skip
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
    "anonymous": AnonymityForm,
}
