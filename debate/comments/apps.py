from django.apps import AppConfig


class CommentsConfig(AppConfig):
    """Comments on claims: questions, clarifications and requests for a source, beside the
    argument tree and never part of it (no strength, no standings)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "debate.comments"
