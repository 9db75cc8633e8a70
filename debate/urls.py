from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from debate.accounts import views as account_views
from debate.activity import views as activity_views
from debate.arguments import views as claim_views
from debate.comments import views as comment_views
from debate.debates import manage_views, search_views
from debate.debates import views as debate_views
from debate.grading import views as grading_views
from debate.groups import views as groups_views
from debate.moderation import views as moderation_views
from debate.people import views as people_views
from debate.snapshots import views as snapshot_views
from debate.sources import views as source_views

debate_patterns = [
    path("", debate_views.debate_detail, name="debate"),
    path("live/", debate_views.debate_live, name="debate-live"),
    path("results/", debate_views.debate_results, name="debate-results"),
    path("picture/", debate_views.debate_picture, name="debate-picture"),
    path("phase/", debate_views.debate_phase, name="debate-phase"),
    path("observe/", debate_views.debate_observe, name="debate-observe"),
    path("compose/", claim_views.claim_compose, name="compose"),
    path("compose/similar/", claim_views.compose_similar, name="compose-similar"),
    path("compose/evidence/", claim_views.compose_evidence, name="compose-evidence"),
    path("search/", search_views.debate_search, name="debate-search"),
    path("claims/<int:claim_id>/", debate_views.claim_detail, name="claim"),
    path("jump/", debate_views.debate_jump, name="debate-jump"),
    path("claims/<str:key>/why/", debate_views.strength_why, {"kind": "claim"}, name="claim-why"),
    path(
        "positions/<str:key>/why/",
        debate_views.strength_why,
        {"kind": "position"},
        name="position-why",
    ),
    path("claims/<int:claim_id>/edit/", claim_views.claim_edit, name="claim-edit"),
    path("claims/<int:claim_id>/withdraw/", claim_views.claim_withdraw, name="claim-withdraw"),
    path(
        "claims/<int:claim_id>/hide/",
        claim_views.claim_moderate,
        {"action": "hide"},
        name="claim-hide",
    ),
    path(
        "claims/<int:claim_id>/restore/",
        claim_views.claim_moderate,
        {"action": "restore"},
        name="claim-restore",
    ),
    path("claims/<int:claim_id>/vote/", claim_views.claim_vote, name="claim-vote"),
    path("claims/<int:claim_id>/cite/", claim_views.claim_cite, name="claim-cite"),
    path("claims/<int:claim_id>/flag/", moderation_views.flag_create, name="claim-flag"),
    # comments on claims (debate/comments)
    path("claims/<int:claim_id>/comments/", comment_views.comments_page, name="comments"),
    path("claims/<int:claim_id>/comments/add/", comment_views.comment_add, name="comment-add"),
    path(
        "claims/<int:claim_id>/comments/<int:comment_id>/edit/",
        comment_views.comment_edit,
        name="comment-edit",
    ),
    path(
        "claims/<int:claim_id>/comments/<int:comment_id>/hide/",
        comment_views.comment_moderate,
        {"action": "hide"},
        name="comment-hide",
    ),
    path(
        "claims/<int:claim_id>/comments/<int:comment_id>/restore/",
        comment_views.comment_moderate,
        {"action": "restore"},
        name="comment-restore",
    ),
    path("sources/<int:source_id>/", source_views.source_reader, name="source"),
    path(
        "sources/<int:source_id>/propose/",
        source_views.evidence_propose,
        name="evidence-propose",
    ),
    path(
        "evidence/<int:evidence_id>/review/",
        moderation_views.evidence_review,
        name="evidence-review",
    ),
    path("manage/", manage_views.debate_manage, name="debate-manage"),
    path("moderate/", moderation_views.moderation_queue, name="moderation-queue"),
    path("flags/<int:flag_id>/resolve/", moderation_views.flag_resolve, name="flag-resolve"),
    path("audit/", moderation_views.audit_view, name="audit"),
    # the roster (debate/people): participation, members, tasks, the CSV
    path("people/", people_views.roster, name="debate-people"),
    path("people/tasks/", people_views.targets_save, name="debate-targets"),
    path(
        "people/<int:membership_id>/change/", people_views.member_change, name="member-change"
    ),
    path("people/<int:membership_id>/remove/", people_views.member_end, name="member-remove"),
    path("participation.csv", people_views.participation_csv, name="debate-participation-csv"),
    # exports: downloads, frozen versions and their diffs, the printable summary
    path("exports/", snapshot_views.exports_page, name="debate-exports"),
    path("export.<str:fmt>", snapshot_views.live_export, name="debate-export"),
    path("snapshots/freeze/", snapshot_views.snapshot_freeze, name="snapshot-freeze"),
    path("snapshots/diff/", snapshot_views.snapshot_diff_pick, name="snapshot-diff-pick"),
    path(
        "snapshots/<int:number>/export.<str:fmt>",
        snapshot_views.frozen_export,
        name="snapshot-export",
    ),
    path(
        "snapshots/<int:number>/diff/<int:other>/",
        snapshot_views.snapshot_diff,
        name="snapshot-diff",
    ),
    path(
        "snapshots/<int:number>/diff/live/",
        snapshot_views.snapshot_diff,
        name="snapshot-diff-live",
    ),
    path("summary/", snapshot_views.summary_page, name="debate-summary"),
    # Small groups (debate/groups): the overview, the split, every group's phase at once.
    path("groups/", groups_views.groups_overview, name="debate-groups"),
    path("groups/split/", groups_views.groups_split, name="debate-groups-split"),
    path("groups/phase/", groups_views.groups_phase, name="debate-groups-phase"),
    # Grading and feedback (debate/grading): moderators only, in every phase.
    path("grading/", grading_views.grading_index, name="debate-grading"),
    path("grading/release/", grading_views.grading_release, name="debate-grading-release"),
    path("grading/scale/", grading_views.grading_scale, name="debate-grading-scale"),
    path("grading/<int:user_id>/", grading_views.grading_person, name="debate-grading-person"),
    path("grading/<int:user_id>/grade/", grading_views.grading_grade, name="debate-grading-grade"),
    path(
        "grading/<int:user_id>/claims/<int:claim_id>/feedback/",
        grading_views.grading_feedback,
        name="debate-grading-feedback",
    ),
    path(
        "grading/feedback/<int:feedback_id>/remove/",
        grading_views.grading_feedback_remove,
        name="debate-grading-feedback-remove",
    ),
]

urlpatterns = [
    path("", debate_views.home, name="home"),
    path("d/<slug:slug>/", include(debate_patterns)),
    path("debates/new/", manage_views.debate_new, name="debate-new"),
    path("activity/", activity_views.activity, name="activity"),
    path("activity/digest/<slug:slug>/", activity_views.digest_toggle, name="activity-digest"),
    path("join/", debate_views.debate_join, name="join"),
    path("join/<str:code>/", debate_views.debate_join, name="join-code"),
    path("accounts/signup/", account_views.signup, name="signup"),
    path("accounts/profile/", account_views.profile, name="profile"),
    path("accounts/login/", account_views.LoginView.as_view(), name="login"),
    # Ours before Django's: throttled, with our templates and 422s for refused forms.
    path(
        "accounts/password_reset/",
        account_views.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "accounts/password_change/",
        account_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        account_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("accounts/language/", account_views.language_switch, name="language-switch"),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("api/v1/", include("debate.api.urls")),
    path("admin/", admin.site.urls),
]

handler400 = "debate.api.errors.json_or_html_bad_request"
handler403 = "debate.api.errors.json_or_html_forbidden"
handler404 = "debate.api.errors.json_or_html_not_found"
handler500 = "debate.api.errors.json_or_html_server_error"
