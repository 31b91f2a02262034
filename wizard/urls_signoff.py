"""URL patterns (included by wizard/urls.py)."""

from django.urls import path

from wizard import views_signoff as v

urlpatterns = [
    path("practices/<int:pk>/steps/<slug:key>/sign/", v.sign, name="sign"),
    path("practices/<int:pk>/steps/<slug:key>/countersign/", v.countersign, name="countersign"),
    path(
        "practices/<int:pk>/steps/<slug:key>/sign-offs/<int:sign_off_id>/revoke/",
        v.revoke,
        name="revoke",
    ),
    path("practices/<int:pk>/findings/<int:finding_id>/waive/", v.waive, name="waive"),
    path(
        "practices/<int:pk>/findings/<int:finding_id>/acknowledge/",
        v.acknowledge,
        name="acknowledge",
    ),
    path(
        "practices/<int:pk>/runs/<int:run_id>/acknowledge-all/",
        v.acknowledge_all,
        name="acknowledge_all",
    ),
    path("practices/<int:pk>/report.<str:fmt>", v.report, name="report"),
]
