from django.urls import path

from wizard.steps import views

urlpatterns = [
    path("practices/<int:pk>/", views.overview, name="overview"),
    path("practices/<int:pk>/activity/", views.activity, name="activity"),
    path("practices/<int:pk>/steps/<slug:key>/", views.step_detail, name="step"),
    path("practices/<int:pk>/steps/<slug:key>/attest/", views.attest, name="attest"),
]
