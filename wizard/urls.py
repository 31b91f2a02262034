from django.urls import path

from wizard import urls_signoff, urls_team, views

app_name = "wizard"

urlpatterns = [
    urls_team.dashboard,
    path("practices/<int:pk>/", views.overview, name="overview"),
    path("practices/<int:pk>/activity/", views.activity, name="activity"),
    path("practices/<int:pk>/steps/<slug:key>/", views.step_detail, name="step"),
    path("practices/<int:pk>/steps/<slug:key>/attest/", views.attest, name="attest"),
    *urls_signoff.urlpatterns,
    *urls_team.urlpatterns,
]
