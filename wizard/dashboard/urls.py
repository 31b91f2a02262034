from django.urls import path

from wizard.dashboard import views

# The dashboard keeps the "practice_list" name that home and the crumbs already link to.
urlpatterns = [
    path("practices/", views.dashboard_view, name="practice_list"),
]
