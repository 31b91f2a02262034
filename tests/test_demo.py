import io

from django.core.management import call_command

from audits.models import RunStatus, Upload, UploadStatus, ValidationRun
from wizard.models import Membership, Practice


def test_it_loads_the_demo_team_practice_users_and_checked_exports(
    db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo", stdout=io.StringIO())
    practice = Practice.objects.get(name="Harbour & Co Accountants")
    assert Membership.objects.filter(organisation=practice.organisation).count() == 4
    uploads = Upload.objects.filter(practice=practice)
    assert uploads.count() == 10
    assert set(uploads.values_list("status", flat=True)) == {UploadStatus.ACCEPTED}
    runs = ValidationRun.objects.filter(practice=practice)
    assert runs.exists() and not runs.exclude(status=RunStatus.SUCCEEDED).exists()
    latest = runs.filter(step_key="name-parity").order_by("-pk").first()
    assert latest.findings.filter(code="C13.E001").exists()


def test_it_can_run_twice_without_duplicating(db):
    call_command("load_demo", stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())
    assert Practice.objects.count() == 1
    assert Upload.objects.count() == 10
