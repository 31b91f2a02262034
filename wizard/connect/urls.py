from django.urls import path

from wizard.connect import views

urlpatterns = [
    path("practices/<int:pk>/connect/", views.connect, name="connect"),
    path("practices/<int:pk>/disconnect/", views.disconnect, name="disconnect"),
    path("practices/<int:pk>/recheck/", views.recheck, name="recheck"),
    path("connect/callback/", views.callback, name="connect_callback"),
    path("practices/<int:pk>/steps/<slug:key>/pull/<slug:kind>/", views.pull, name="pull"),
]
