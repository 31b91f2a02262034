from django.urls import path

from wizard.uploads import views

urlpatterns = [
    path("practices/<int:pk>/steps/<slug:key>/uploads/", views.upload, name="upload"),
    path("practices/<int:pk>/steps/<slug:key>/paste/", views.paste, name="paste"),
    path(
        "practices/<int:pk>/steps/<slug:key>/uploads/reading/",
        views.reading,
        name="upload_reading",
    ),
    path(
        "practices/<int:pk>/steps/<slug:key>/uploads/<int:upload_id>/mapping/",
        views.mapping,
        name="mapping",
    ),
    path(
        "practices/<int:pk>/steps/<slug:key>/uploads/<int:upload_id>/accept/",
        views.accept_rows,
        name="accept_rows",
    ),
    path(
        "practices/<int:pk>/steps/<slug:key>/uploads/<int:upload_id>/dismiss/",
        views.dismiss,
        name="dismiss_upload",
    ),
    path("templates/<slug:kind>.csv", views.template, name="template"),
]
