from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from wizard.steps import views as steps

urlpatterns = [
    path("", steps.home, name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("", include("wizard.urls")),
    path("admin/", admin.site.urls),
]

# Refusals say why and link back (wizard/errors.py); htmx gets the reason in the page's messages.
handler400 = "wizard.errors.bad_request"
handler403 = "wizard.errors.permission_denied"
handler404 = "wizard.errors.page_not_found"
