from django.apps import AppConfig


class PeopleConfig(AppConfig):
    """The teacher's view of who takes part: the roster, participation counts and tasks."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "debate.people"
