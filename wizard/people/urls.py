from django.urls import path

from wizard.people import views

urlpatterns = [
    path("practices/<int:pk>/members/", views.members, name="members"),
    path("team/", views.team_members, name="team_members"),
    path("members/<int:membership_id>/remove/", views.member_remove, name="member_remove"),
    path(
        "invitations/<int:invitation_id>/revoke/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path("invitations/<str:token>/", views.accept_invitation, name="accept_invitation"),
]
