from django.urls import path

from wizard.notifications import views

urlpatterns = [
    path("account/notifications/", views.notification_settings, name="notification_settings"),
]
