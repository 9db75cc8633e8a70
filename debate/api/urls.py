from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from debate.api import views
from debate.comments import api as comments_api

app_name = "api"

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(api_version="v1"), name="schema"),
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api:schema", template_name="api/swagger_ui.html"
        ),
        name="docs",
    ),
    path("debates/", views.DebateList.as_view(), name="debates"),
    path("debates/import/", views.DebateImport.as_view(), name="debate-import"),
    path("debates/<slug:slug>/", views.DebateDetail.as_view(), name="debate"),
    path("debates/<slug:slug>/phase/", views.DebatePhase.as_view(), name="phase"),
    path("debates/<slug:slug>/positions/", views.PositionList.as_view(), name="positions"),
    path("debates/<slug:slug>/teams/", views.TeamList.as_view(), name="teams"),
    path("debates/<slug:slug>/claims/", views.ClaimListCreate.as_view(), name="claims"),
    path("debates/<slug:slug>/claims/<int:claim_id>/", views.ClaimDetail.as_view(), name="claim"),
    path(
        "debates/<slug:slug>/claims/<int:claim_id>/withdraw/",
        views.ClaimWithdraw.as_view(),
        name="claim-withdraw",
    ),
    path(
        "debates/<slug:slug>/claims/<int:claim_id>/vote/",
        views.ClaimVote.as_view(),
        name="claim-vote",
    ),
    path("debates/<slug:slug>/sources/", views.SourceList.as_view(), name="sources"),
    path("debates/<slug:slug>/evidence/", views.EvidenceListPropose.as_view(), name="evidence"),
    path(
        "debates/<slug:slug>/evidence/<int:evidence_id>/approve/",
        views.EvidenceReview.as_view(),
        name="evidence-approve",
    ),
    path(
        "debates/<slug:slug>/evidence/<int:evidence_id>/reject/",
        views.EvidenceReject.as_view(),
        name="evidence-reject",
    ),
    path("debates/<slug:slug>/citations/", views.CitationList.as_view(), name="citations"),
    path("debates/<slug:slug>/snapshot/", views.DebateSnapshot.as_view(), name="snapshot"),
    path("debates/<slug:slug>/snapshots/", views.SnapshotListCreate.as_view(), name="snapshots"),
    path(
        "debates/<slug:slug>/snapshots/<int:number>/",
        views.SnapshotDetail.as_view(),
        name="snapshot-frozen",
    ),
    path(
        "debates/<slug:slug>/snapshots/<int:number>/diff/<int:other>/",
        views.SnapshotDiff.as_view(),
        name="snapshot-diff",
    ),
    path(
        "debates/<slug:slug>/snapshots/<int:number>/diff/live/",
        views.SnapshotLiveDiff.as_view(),
        name="snapshot-diff-live",
    ),
    path("debates/<slug:slug>/events/", views.DebateEvents.as_view(), name="events"),
    path("debates/<slug:slug>/search/", views.DebateSearch.as_view(), name="search"),
    path(
        "debates/<slug:slug>/participation/",
        views.DebateParticipation.as_view(),
        name="participation",
    ),
    path("debates/<slug:slug>/targets/", views.DebateTargets.as_view(), name="targets"),
    path("debates/<slug:slug>/grades/", views.DebateGrades.as_view(), name="grades"),
    # comments on claims (debate/comments/api.py)
    path(
        "debates/<slug:slug>/claims/<int:claim_id>/comments/",
        comments_api.CommentListCreate.as_view(),
        name="comments",
    ),
    path(
        "debates/<slug:slug>/comments/<int:comment_id>/",
        comments_api.CommentDetail.as_view(),
        name="comment",
    ),
    path(
        "debates/<slug:slug>/comments/<int:comment_id>/hide/",
        comments_api.CommentHide.as_view(),
        name="comment-hide",
    ),
    path(
        "debates/<slug:slug>/comments/<int:comment_id>/restore/",
        comments_api.CommentRestore.as_view(),
        name="comment-restore",
    ),
    path("debates/<slug:slug>/groups/", views.DebateGroups.as_view(), name="groups"),
]
