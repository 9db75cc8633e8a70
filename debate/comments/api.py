"""The comments API, /api/v1/: thin views over comments.services and comments.selectors.

- GET  debates/<slug>/claims/<id>/comments/   the thread (hidden comments: placeholders for
  everyone but moderators), oldest first
- POST debates/<slug>/claims/<id>/comments/   {"kind", "text"}: 201 (200 for a double submit)
- GET/PATCH debates/<slug>/comments/<id>/     PATCH {"text", "version"}: 409 when stale
- POST debates/<slug>/comments/<id>/hide/     {"reason"} (required), moderators
- POST debates/<slug>/comments/<id>/restore/  {"reason"} (optional), moderators

Authors are named by the names policy: a pseudonym and no user id where usernames are
hidden (participants of an anonymous debate); moderators also get `author_pseudonym`.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from debate.api.serializers import (
    ChoiceInputField,
    StrictCharField,
    StrictIntegerField,
    StrictSerializer,
)
from debate.api.views import WriteView, _claim_in, _validated, visible_debate
from debate.comments import selectors, services
from debate.comments.models import REASON_MAX, TEXT_MAX, Comment, CommentKind
from debate.debates.models import Debate
from debate.mapview import visibility


class CommentOutput(serializers.Serializer):
    id = serializers.IntegerField()
    claim_id = serializers.IntegerField()
    kind = serializers.CharField(help_text="question, clarification or source_request; "
                                 "empty for a hidden comment's placeholder")  # fmt: skip
    text = serializers.CharField(help_text="Empty for a hidden comment's placeholder.")
    author = serializers.CharField(
        allow_null=True, help_text="The username, or the pseudonym in an anonymous debate."
    )
    author_id = serializers.IntegerField(
        allow_null=True, help_text="None where usernames are hidden (anonymous debates)."
    )
    author_pseudonym = serializers.CharField(
        allow_null=True, help_text="Moderators of an anonymous debate only."
    )
    created_at = serializers.DateTimeField()
    edited_at = serializers.DateTimeField(allow_null=True)
    version = serializers.IntegerField(help_text="Send it back with an edit (PATCH).")
    is_hidden = serializers.BooleanField()
    placeholder = serializers.BooleanField(
        help_text="True: a moderator hid it; neither words nor author are shown."
    )
    hidden_reason = serializers.CharField(
        help_text="Why a moderator hid it: for moderators and the comment's author only."
    )


class CommentCreateInput(StrictSerializer):
    kind = ChoiceInputField(choices=CommentKind.values)
    text = StrictCharField(max_length=TEXT_MAX, trim_whitespace=True)


class CommentEditInput(StrictSerializer):
    text = StrictCharField(max_length=TEXT_MAX, trim_whitespace=True)
    version = StrictIntegerField(min_value=1, help_text="The version you read.")


class CommentReasonInput(StrictSerializer):
    reason = StrictCharField(required=False, allow_blank=True, max_length=REASON_MAX, default="")


def _row(item: selectors.CommentItem, claim_id: int) -> dict:
    return {
        "id": item.id, "claim_id": claim_id, "kind": item.kind, "text": item.text,
        "author": item.author, "author_id": item.author_id,
        "author_pseudonym": item.author_pseudonym, "created_at": item.created_at,
        "edited_at": item.edited_at, "version": item.version, "is_hidden": item.is_hidden,
        "placeholder": item.placeholder, "hidden_reason": item.hidden_reason,
    }  # fmt: skip


def _one(request, debate: Debate, comment: Comment) -> dict:
    """One comment as the caller may see it (the thread's own rules)."""
    thread = selectors.comment_thread(debate, comment.claim, request.user)
    item = next(i for i in thread.items if i.id == comment.pk)
    return CommentOutput(_row(item, comment.claim_id)).data


def _comment_in(request, debate: Debate, comment_id: int) -> Comment:
    """A comment under a claim the caller may see (404 otherwise, as for the claim)."""
    comment = Comment.objects.select_related("claim").filter(pk=comment_id, debate=debate).first()
    audience = visibility.audience_of(request.user, debate)
    if comment is None or not visibility.claim_shown(
        audience, is_hidden=comment.claim.is_hidden, is_withdrawn=comment.claim.is_withdrawn
    ):
        raise NotFound(_("No such comment in this debate."))
    comment.debate = comment.claim.debate = debate
    return comment


class CommentListCreate(WriteView):
    @extend_schema(responses=CommentOutput(many=True))
    def get(self, request, slug, claim_id):
        debate = visible_debate(request, slug)
        claim = _claim_in(request, debate, claim_id)
        thread = selectors.comment_thread(debate, claim, request.user)
        return Response(CommentOutput([_row(i, claim.pk) for i in thread.items], many=True).data)

    @extend_schema(request=CommentCreateInput,
                   responses={201: CommentOutput, 200: CommentOutput})  # fmt: skip
    def post(self, request, slug, claim_id):
        debate = visible_debate(request, slug)
        claim = _claim_in(request, debate, claim_id)
        data = _validated(CommentCreateInput, request)
        comment, created = services.comment_add_or_find(
            actor=request.user, claim=claim, kind=data["kind"], text=data["text"]
        )  # a double submit finds the first and writes nothing: 200
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(_one(request, debate, comment), status=code)


class CommentDetail(WriteView):
    @extend_schema(responses=CommentOutput)
    def get(self, request, slug, comment_id):
        debate = visible_debate(request, slug)
        return Response(_one(request, debate, _comment_in(request, debate, comment_id)))

    @extend_schema(
        request=CommentEditInput,
        responses={200: CommentOutput, 409: OpenApiResponse(description="Stale version")},
    )
    def patch(self, request, slug, comment_id):
        debate = visible_debate(request, slug)
        comment = _comment_in(request, debate, comment_id)
        data = _validated(CommentEditInput, request)
        comment = services.comment_edit(actor=request.user, comment=comment, text=data["text"],
                                        version=data["version"])  # fmt: skip
        return Response(_one(request, debate, comment))


class CommentHide(WriteView):
    action = "hide"

    @extend_schema(request=CommentReasonInput, responses=CommentOutput)
    def post(self, request, slug, comment_id):
        debate = visible_debate(request, slug)
        comment = _comment_in(request, debate, comment_id)
        data = _validated(CommentReasonInput, request)
        service = services.comment_hide if self.action == "hide" else services.comment_restore
        comment = service(actor=request.user, comment=comment, reason=data["reason"])
        return Response(_one(request, debate, comment))


class CommentRestore(CommentHide):
    action = "restore"
