from django.apps import AppConfig


class ActivityConfig(AppConfig):
    name = "debate.activity"
    label = "activity"
