"""The team's URL patterns (included by wizard/urls.py)."""

from django.urls import path

from wizard import views_team as v

# The dashboard keeps the "practice_list" name that home and the crumbs already link to.
dashboard = path("practices/", v.dashboard_view, name="practice_list")

urlpatterns = [
    path("practices/new/", v.practice_new, name="practice_new"),
    path("practices/<int:pk>/settings/", v.practice_admin, name="practice_settings"),
    path("practices/<int:pk>/archive/", v.practice_archive, name="practice_archive"),
    path("practices/<int:pk>/onboardings/new/", v.onboarding_new, name="onboarding_new"),
    path("practices/<int:pk>/members/", v.members, name="members"),
    path("team/", v.team_members, name="team_members"),
    path("members/<int:membership_id>/remove/", v.member_remove, name="member_remove"),
    path("invitations/<int:invitation_id>/revoke/", v.invitation_revoke, name="invitation_revoke"),
    path("invitations/<str:token>/", v.accept_invitation, name="accept_invitation"),
    path("account/notifications/", v.notification_settings, name="notification_settings"),
]
