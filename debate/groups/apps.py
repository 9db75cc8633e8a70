from django.apps import AppConfig


class GroupsConfig(AppConfig):
    """Small groups: one debate split into group debates of the same motion, each with its
    own map, and the overview that sets them side by side."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "debate.groups"
