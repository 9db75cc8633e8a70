from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from debate import permissions
from debate.debates.views import get_visible_debate
from debate.errors import ServiceError
from debate.inputs import add_service_error, field_errors
from debate.mapview import visibility
from debate.ratelimit import heavy_read
from debate.rendering import error_context, error_status, for_visitors, render_screen
from debate.sources import services
from debate.sources.forms import EvidenceProposeForm
from debate.sources.models import EvidenceStatus, Source
from debate.sources.selectors import evidence_of_source, source_reading, source_revisions

# A proposal of a passage that is evidence already: one whole sentence per status.
ALREADY_EVIDENCE = {
    EvidenceStatus.PROPOSED: gettext_lazy(
        "This passage is evidence #%(number)s already (proposed)."),
    EvidenceStatus.APPROVED: gettext_lazy(
        "This passage is evidence #%(number)s already (approved)."),
    EvidenceStatus.REJECTED: gettext_lazy(
        "This passage is evidence #%(number)s already (rejected)."),
}  # fmt: skip


def _reader_context(request: HttpRequest, debate, source: Source) -> dict:
    user = request.user
    # What the reader shows whom (highlights, citing claims, proposals and their reasons)
    # is the visibility policy's to say, as on every other page.
    audience = visibility.audience_of(user, debate)
    return {
        "debate": debate,
        "source": source,
        "reading": source_reading(source, audience),
        "revisions": source_revisions(source),
        "can_propose": permissions.can_propose_evidence(user, debate)
        and getattr(user, "is_authenticated", False),
        "is_moderator": audience.moderator,
        # "New claim from this quote" on each approved passage, for who may add a claim.
        "can_compose": getattr(user, "is_authenticated", False)
        and any(
            permissions.can_add_claim(user, debate, position=p) for p in debate.positions.all()
        ),
        "all_evidence": evidence_of_source(source, audience) if audience.moderator else [],
        "my_evidence": evidence_of_source(source, audience, proposer_id=audience.user_id)
        if audience.user_id is not None
        else [],
    }


@require_GET
@heavy_read("reader")
def source_reader(request: HttpRequest, slug: str, source_id: int) -> HttpResponse:
    debate = get_visible_debate(request, slug)
    source = get_object_or_404(Source, pk=source_id, debate=debate)
    # A source of two million characters is cut into paragraphs once per debate version for
    # visitors, not once per visit.
    return for_visitors(request, debate, lambda extra: render_screen(
        request, "sources/source_reader.html", {**_reader_context(request, debate, source),
                                                **extra}), variant="")  # fmt: skip


@require_POST
def evidence_propose(request: HttpRequest, slug: str, source_id: int) -> HttpResponse:
    """Propose the selected passage as evidence; the server verifies it against the text."""
    debate = get_visible_debate(request, slug)
    source = get_object_or_404(Source.objects.select_related("debate"), pk=source_id,
                               debate=debate)  # fmt: skip
    form = EvidenceProposeForm(request.POST)
    result, status = {}, 422
    if form.is_valid():
        try:
            evidence, created = services.evidence_propose(
                actor=request.user, source=source, quote=form.cleaned_data["quote"],
                start=form.cleaned_data["start"], note=form.cleaned_data["note"],
            )  # fmt: skip
        except ServiceError as error:
            add_service_error(form, error)
            result, status = error_context(error), error_status(error)
        else:
            if not request.htmx:
                if created:
                    messages.success(request, _(
                        "Proposed as evidence #%(number)s; a moderator will review it."
                    ) % {"number": evidence.pk})  # fmt: skip
                else:
                    messages.info(request, ALREADY_EVIDENCE[evidence.status]
                                  % {"number": evidence.pk})  # fmt: skip
                return redirect(
                    reverse("source", args=[debate.slug, source.pk]) + f"#evidence-{evidence.pk}"
                )
            result, status = {"evidence": evidence, "created": created}, 200
    if status != 200:
        result["errors"] = field_errors(form)
    context = _reader_context(request, debate, source)
    context.update(form=form, **result)
    return render_screen(request, "sources/source_reader.html", context, region="propose",
                         status=status)  # fmt: skip
