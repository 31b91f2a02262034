from django.urls import path

from wizard.runs import findings, state_map, views

urlpatterns = [
    path("practices/<int:pk>/steps/<slug:key>/run-panel/", views.run_panel, name="run_panel"),
    path("practices/<int:pk>/steps/<slug:key>/run/", views.run_again, name="run_again"),
    path("practices/<int:pk>/runs/<int:run_id>/", findings.findings, name="findings"),
    path(
        "practices/<int:pk>/runs/<int:run_id>/findings.csv",
        findings.findings_csv,
        name="findings_csv",
    ),
    path(
        "practices/<int:pk>/runs/<int:run_id>/findings.xlsx",
        findings.findings_xlsx,
        name="findings_xlsx",
    ),
    path("practices/<int:pk>/job-states/", state_map.state_map, name="state_map"),
    path(
        "practices/<int:pk>/job-states/save/", state_map.save_state_map_view, name="save_state_map"
    ),
]
