"""URL patterns (included by wizard/urls.py)."""

from django.urls import path

from wizard import views_team as v

urlpatterns = [
    path("practices/new/", v.practice_new, name="practice_new"),
    path("practices/<int:pk>/settings/", v.practice_settings, name="practice_settings"),
    path("practices/<int:pk>/archive/", v.practice_archive, name="practice_archive"),
    path("practices/<int:pk>/onboardings/new/", v.onboarding_new, name="onboarding_new"),
    path("practices/<int:pk>/members/", v.members, name="members"),
    path("team/", v.team_members, name="team_members"),
    path("members/<int:membership_id>/remove/", v.member_remove, name="member_remove"),
    path("invitations/<str:token>/", v.accept_invitation, name="accept_invitation"),
    path("account/notifications/", v.notification_settings, name="notification_settings"),
]
