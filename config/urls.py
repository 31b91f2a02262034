from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from wizard.people.forms import EmailAuthenticationForm
from wizard.steps import views as steps

urlpatterns = [
    path("", steps.home, name="home"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(authentication_form=EmailAuthenticationForm),
        name="login",
    ),
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
    # Forgotten passwords: Django's own reset flow (mail to the console in development).
    path(
        "accounts/password/reset/",
        auth_views.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "accounts/password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("admin/", admin.site.urls),
]

# Refusals say why and link back (wizard/errors.py); htmx gets the reason in the page's messages.
handler400 = "wizard.errors.bad_request"
handler403 = "wizard.errors.permission_denied"
handler404 = "wizard.errors.page_not_found"
