from django.apps import AppConfig


class SnapshotsConfig(AppConfig):
    name = "debate.snapshots"
    label = "snapshots"
