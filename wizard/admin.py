from django.contrib import admin

from wizard.models import AuditEvent, Membership, Organisation, Practice


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
