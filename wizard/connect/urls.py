from django.urls import path

from wizard.connect import fix_views, views

urlpatterns = [
    path("practices/<int:pk>/connect/", views.connect, name="connect"),
    path("practices/<int:pk>/disconnect/", views.disconnect, name="disconnect"),
    path("practices/<int:pk>/recheck/", views.recheck, name="recheck"),
    path("connect/callback/", views.callback, name="connect_callback"),
    path("practices/<int:pk>/steps/<slug:key>/pull/<slug:kind>/", views.pull, name="pull"),
    path("practices/<int:pk>/fixes/", fix_views.fix_list, name="fixes"),
    path("practices/<int:pk>/fixes/status/", fix_views.fix_status, name="fix_status"),
    path("practices/<int:pk>/fixes/<int:fix_id>/", fix_views.fix_edit, name="fix_edit"),
    path("practices/<int:pk>/fixes/approve/", fix_views.fix_approve, name="fix_approve"),
    path("practices/<int:pk>/fixes/send/", fix_views.fix_send, name="fix_send"),
    path("practices/<int:pk>/write-back/", fix_views.write_back, name="write_back"),
]
