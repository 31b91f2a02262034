"""URL patterns (included by audits/urls.py)."""

from django.urls import path

from audits import views_uploads

urlpatterns = [
    path("practices/<int:pk>/steps/<slug:key>/uploads/", views_uploads.upload, name="upload"),
    path("practices/<int:pk>/steps/<slug:key>/paste/", views_uploads.paste, name="paste"),
    path(
        "practices/<int:pk>/steps/<slug:key>/uploads/<int:upload_id>/mapping/",
        views_uploads.mapping,
        name="mapping",
    ),
    path(
        "practices/<int:pk>/steps/<slug:key>/uploads/<int:upload_id>/accept/",
        views_uploads.accept_rows,
        name="accept_rows",
    ),
    path("templates/<slug:kind>.csv", views_uploads.template, name="template"),
]
