"""Conflicting suggestions for records that must share one spelling: no value until a person
picks one, and the pick is set on every record of the group (one spelling per client across
XPM and Xero)."""

import pytest

from audits.fixes import Proposal, _grouped, _Groups
from audits.models import Fix, FixStatus
from wizard.connect import fixes
from wizard.connect.services import Refused

pytestmark = pytest.mark.django_db


def _proposal(system, ident, before, *suggestions):
    kind = "client" if system == "XPM" else "contact"
    return Proposal(
        system, kind, ident, "name", before, suggestions[0], suggestions=set(suggestions)
    )


def test_differing_suggestions_for_one_client_leave_the_choice_to_a_person():
    xpm = _proposal("XPM", "u1", "HARPER SHARMA", "Harper Sharma", "Harper R Sharma")
    xero = _proposal("Xero", "c1", "Harper Sharmaa", "Harper Sharma")
    alone = _proposal("XPM", "u2", "Dr Ann Lee", "Ann Lee")
    groups = _Groups()
    groups.join([xpm.key, xero.key])
    found = _grouped([xpm, xero, alone], groups)
    assert xpm.group == xero.group != alone.group
    assert xpm.after == xero.after == ""
    assert xpm.choices == xero.choices == ["Harper R Sharma", "Harper Sharma"]
    assert alone.after == "Ann Lee" and alone.choices == []
    assert len(found) == 3


def _fix(practice, system, ident, before, group):
    return Fix.objects.create(
        practice=practice,
        onboarding=practice.current_onboarding(),
        system=system,
        record_kind="client" if system == "XPM" else "contact",
        record_id=ident,
        field="name",
        before=before,
        after="",
        choices=["Harper R Sharma", "Harper Sharma"],
        group=group,
    )


def test_a_conflict_must_be_resolved_before_approval_and_the_pick_applies_to_the_group(
    practice, manager, staff
):
    onboarding = practice.current_onboarding()
    xpm = _fix(practice, "XPM", "u1", "HARPER SHARMA", "g1")
    xero = _fix(practice, "Xero", "c1", "Harper Sharmaa", "g1")
    with pytest.raises(Refused):
        fixes.approve(onboarding=onboarding, pks=[xpm.pk, xero.pk], actor=manager)
    fixes.edit(fix=xero, after="Harper Sharma", actor=staff)
    for fix in (xpm, xero):
        fix.refresh_from_db()
        assert (fix.after, fix.choices) == ("Harper Sharma", [])
    done = fixes.approve(onboarding=onboarding, pks=[xpm.pk, xero.pk], actor=manager)
    assert {f.status for f in done} == {FixStatus.APPROVED}
