from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "debate.audit"
    label = "audit"
