from django.urls import path

from wizard.practices import views

urlpatterns = [
    path("practices/new/", views.practice_new, name="practice_new"),
    path("practices/<int:pk>/settings/", views.practice_admin, name="practice_settings"),
    path("practices/<int:pk>/archive/", views.practice_archive, name="practice_archive"),
    path("practices/<int:pk>/onboardings/new/", views.onboarding_new, name="onboarding_new"),
]
