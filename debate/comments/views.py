"""The comment screens: the thread under a claim (drawn on the claim's page, and as its own
page at .../comments/), and the posts that add, edit, hide and restore a comment.

htmx posts get the re-rendered thread (`comments/thread.html#comments`); the same forms
without JavaScript post and are redirected back to the claim's page (Post/Redirect/Get), or,
when refused, get the thread page with the errors under their fields and the draft kept."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from debate.arguments.models import Claim
from debate.comments import selectors, services
from debate.comments.forms import CommentEditForm, CommentForm, HideForm
from debate.comments.models import Comment
from debate.debates.models import Debate
from debate.debates.views import get_visible_debate
from debate.errors import Conflict, InvalidInput, ServiceError
from debate.inputs import add_service_error, field_errors
from debate.mapview import visibility
from debate.rendering import error_context, error_status, render_screen

PAGE = "comments/thread.html"


def _claim(request: HttpRequest, slug: str, claim_id: int) -> tuple[Debate, Claim]:
    """The claim, if this reader may see it (a hidden claim's comments are moderators')."""
    debate = get_visible_debate(request, slug)
    claim = Claim.objects.filter(pk=claim_id, debate=debate).first()
    audience = visibility.audience_of(request.user, debate)
    if claim is None or not visibility.claim_shown(
        audience, is_hidden=claim.is_hidden, is_withdrawn=claim.is_withdrawn
    ):
        raise Http404(_("No such claim in this debate."))
    claim.debate = debate
    return debate, claim


def _comment(debate: Debate, claim: Claim, comment_id: int) -> Comment:
    comment = Comment.objects.filter(pk=comment_id, claim=claim).first()
    if comment is None:
        raise Http404(_("No such comment on this claim."))
    comment.debate, comment.claim = debate, claim
    return comment


def _screen(request: HttpRequest, debate: Debate, claim: Claim, *, status: int = 200,
            **extra) -> HttpResponse:  # fmt: skip
    context = {
        "debate": debate, "claim": claim,
        "comments": selectors.comment_thread(debate, claim, request.user), **extra,
    }  # fmt: skip
    return render_screen(request, PAGE, context, region="comments", status=status)


def _done(request: HttpRequest, debate: Debate, claim: Claim, said: str, anchor: str):
    if not request.htmx:
        messages.success(request, said)
        return redirect(f"{reverse('claim', args=[debate.slug, claim.pk])}#{anchor}")
    return _screen(request, debate, claim, saved=said)


def _refused(request, debate, claim, error: ServiceError, **extra) -> HttpResponse:
    return _screen(request, debate, claim, status=error_status(error),
                   comments_error=error.message, **error_context(error), **extra)  # fmt: skip


@require_GET
def comments_page(request: HttpRequest, slug: str, claim_id: int) -> HttpResponse:
    """The comments under one claim, on their own page (htmx: the thread alone)."""
    debate, claim = _claim(request, slug, claim_id)
    return _screen(request, debate, claim)


@require_POST
def comment_add(request: HttpRequest, slug: str, claim_id: int) -> HttpResponse:
    debate, claim = _claim(request, slug, claim_id)
    form = CommentForm(request.POST)
    try:
        if not form.is_valid():
            raise InvalidInput(_("Check the comment."), errors=field_errors(form))
        comment = services.comment_add(actor=request.user, claim=claim,
                                       kind=form.cleaned_data["kind"],
                                       text=form.cleaned_data["text"])  # fmt: skip
    except ServiceError as error:
        if not form.errors:
            add_service_error(form, error)
        return _refused(request, debate, claim, error, comment_form=form)
    return _done(request, debate, claim, _("Your comment is posted."), f"comment-{comment.pk}")


@require_POST
def comment_edit(request: HttpRequest, slug: str, claim_id: int, comment_id: int) -> HttpResponse:
    debate, claim = _claim(request, slug, claim_id)
    comment = _comment(debate, claim, comment_id)
    form = CommentEditForm(request.POST)
    try:
        if not form.is_valid():
            raise InvalidInput(_("Check the comment."), errors=field_errors(form))
        services.comment_edit(actor=request.user, comment=comment,
                              text=form.cleaned_data["text"],
                              version=form.cleaned_data["version"])  # fmt: skip
    except ServiceError as error:
        if not form.errors:
            add_service_error(form, error)
        # After a conflict the form carries the newer version: sending the draft again is
        # then a choice made with the newer text in view, never an accident.
        current = error.current if isinstance(error, Conflict) else None
        return _refused(request, debate, claim, error, edit_form=form, edit_id=comment.pk,
                        edit_version=current.version if current else None)  # fmt: skip
    return _done(request, debate, claim, _("Your comment is saved."), f"comment-{comment.pk}")


@require_POST
def comment_moderate(
    request: HttpRequest, slug: str, claim_id: int, comment_id: int, action: str
) -> HttpResponse:
    """Hide (a reason is required) or restore a comment."""
    debate, claim = _claim(request, slug, claim_id)
    comment = _comment(debate, claim, comment_id)
    form = HideForm(request.POST)
    service = services.comment_hide if action == "hide" else services.comment_restore
    try:
        if not form.is_valid():
            raise InvalidInput(_("Check the reason."), errors=field_errors(form))
        service(actor=request.user, comment=comment, reason=form.cleaned_data["reason"])
    except ServiceError as error:
        if not form.errors:
            add_service_error(form, error)
        return _refused(request, debate, claim, error, hide_form=form, hide_id=comment.pk)
    said = _("The comment is hidden.") if action == "hide" else _("The comment is shown again.")
    return _done(request, debate, claim, said, f"comment-{comment.pk}")
