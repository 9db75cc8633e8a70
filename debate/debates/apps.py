from django.apps import AppConfig


class DebatesConfig(AppConfig):
    name = "debate.debates"
    label = "debates"
