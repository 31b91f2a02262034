"""URL patterns (included by audits/urls.py)."""

from django.urls import path

from audits import views_runs

urlpatterns = [
    path(
        "practices/<int:pk>/steps/<slug:key>/run-panel/",
        views_runs.run_panel,
        name="run_panel",
    ),
    path("practices/<int:pk>/steps/<slug:key>/run/", views_runs.run_again, name="run_again"),
    path("practices/<int:pk>/runs/<int:run_id>/", views_runs.findings, name="findings"),
    path(
        "practices/<int:pk>/runs/<int:run_id>/findings.csv",
        views_runs.findings_csv,
        name="findings_csv",
    ),
    path(
        "practices/<int:pk>/runs/<int:run_id>/findings.xlsx",
        views_runs.findings_xlsx,
        name="findings_xlsx",
    ),
    path("practices/<int:pk>/job-states/", views_runs.state_map, name="state_map"),
    path("practices/<int:pk>/job-states/save/", views_runs.save_state_map, name="save_state_map"),
]
