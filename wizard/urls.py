"""Every page of the product, one feature package at a time, under the ``wizard`` namespace."""

from wizard.connect import urls as connect
from wizard.dashboard import urls as dashboard
from wizard.notifications import urls as notifications
from wizard.people import urls as people
from wizard.practices import urls as practices
from wizard.report import urls as report
from wizard.runs import urls as runs
from wizard.signoff import urls as signoff
from wizard.steps import urls as steps
from wizard.uploads import urls as uploads

app_name = "wizard"

# "practices/new/" comes before "practices/<int:pk>/..." only by habit: the converters differ.
urlpatterns = [
    *dashboard.urlpatterns,
    *practices.urlpatterns,
    *steps.urlpatterns,
    *uploads.urlpatterns,
    *runs.urlpatterns,
    *signoff.urlpatterns,
    *report.urlpatterns,
    *people.urlpatterns,
    *connect.urlpatterns,
    *notifications.urlpatterns,
]
