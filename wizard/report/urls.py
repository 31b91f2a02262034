from django.urls import path

from wizard.report import views

urlpatterns = [
    path("practices/<int:pk>/report.<str:fmt>", views.report, name="report"),
]
