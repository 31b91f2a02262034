from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from wizard.models import AuditEvent, Membership, Organisation, Practice

User = get_user_model()


def has_acted(user) -> bool:
    return AuditEvent.objects.filter(actor=user).exists()


@admin.action(description="Deactivate selected users (they keep their history)")
def deactivate(modeladmin, request, queryset) -> None:
    count = queryset.update(is_active=False)
    modeladmin.message_user(request, f"{count} users deactivated.", messages.SUCCESS)


admin.site.unregister(User)


@admin.register(User)
class LiftoffUserAdmin(UserAdmin):
    """Someone who acted in an audit trail is deactivated, never deleted: history names them as
    it was written (``AuditEvent.actor`` is PROTECT, and ``actor_label`` keeps the name)."""

    actions = [deactivate]

    def has_delete_permission(self, request, obj=None) -> bool:
        if obj is not None and has_acted(obj):
            return False
        return super().has_delete_permission(request, obj)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "created_at")


@admin.register(Practice)
class PracticeAdmin(admin.ModelAdmin):
    list_display = ("name", "organisation", "target_go_live", "archived_at")
    list_filter = ("organisation",)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "organisation", "practice", "role")


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("organisation", "sequence", "verb", "actor_label", "created_at")

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
