from django.urls import path

from wizard.signoff import views

urlpatterns = [
    path("practices/<int:pk>/steps/<slug:key>/sign/", views.sign, name="sign"),
    path("practices/<int:pk>/steps/<slug:key>/countersign/", views.countersign, name="countersign"),
    path(
        "practices/<int:pk>/steps/<slug:key>/sign-offs/<int:sign_off_id>/revoke/",
        views.revoke,
        name="revoke",
    ),
    path("practices/<int:pk>/findings/<int:finding_id>/waive/", views.waive, name="waive"),
    path(
        "practices/<int:pk>/findings/<int:finding_id>/acknowledge/",
        views.acknowledge,
        name="acknowledge",
    ),
    path(
        "practices/<int:pk>/runs/<int:run_id>/acknowledge-all/",
        views.acknowledge_all,
        name="acknowledge_all",
    ),
]
