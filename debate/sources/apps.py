from django.apps import AppConfig


class SourcesConfig(AppConfig):
    name = "debate.sources"
    label = "sources"
