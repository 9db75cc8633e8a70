from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    """The admin browses the domain; every write goes through the services, which check
    permissions, validate and record the audit event. Editing rows here would skip all
    three, so the admin offers no add, change or delete."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
