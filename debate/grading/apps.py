from django.apps import AppConfig


class GradingConfig(AppConfig):
    """Grades per participant and feedback per claim, private to moderators until released."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "debate.grading"
