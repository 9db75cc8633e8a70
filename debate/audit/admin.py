from django.contrib import admin

from debate.admin_base import ReadOnlyAdmin
from debate.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("id", "created_at", "actor", "debate", "action", "object_type", "object_id")
    list_filter = ("action", "object_type")
    search_fields = ("action", "actor__username")
    readonly_fields = [f.name for f in AuditEvent._meta.fields]
