from audits.validators import team_linked
from tests.audits.validators.rule_helpers import findings

STAFF = [
    {"name": "Priya Patel", "email": "priya@firm.example"},
    {"name": "Tom Walker", "email": "tom@firm.example"},
    {"name": "Glenn Kovács", "email": "glenn@firm.example"},
]
TEAM = [{"name": "Priya Patel", "email": "PRIYA@firm.example", "xpm_user": "Priya Patel"}]
JOBS = [
    {
        "job_no": "J1",
        "client": "A",
        "state": "Planned",
        "manager": "Tom Walker",
        "partner": "Priya Patel",
    },
    {
        "job_no": "J2",
        "client": "B",
        "state": "Planned",
        "manager": "Tom Walker",
        "partner": "Priya Patel",
    },
]
CLIENTS = [{"name": "A", "account_manager": "Tom Walker"}]


def test_it_flags_a_manager_who_is_not_in_ignition_with_their_workload():
    (f,) = findings(
        team_linked,
        "C04.E001",
        xpm_staff=STAFF,
        ignition_team=TEAM,
        xpm_jobs=JOBS,
        xpm_clients=CLIENTS,
    )
    assert (f.value, f.rows) == ("Tom Walker", (3,))
    assert "on 2 job(s)" in f.message and "of 1 client(s)" in f.message


def test_it_flags_a_team_member_without_a_linked_xpm_user():
    team = [*TEAM, {"name": "Tom Walker", "email": "tom@firm.example", "xpm_user": ""}]
    (f,) = findings(team_linked, "C04.E002", ignition_team=team)
    assert (f.value, f.rows) == ("Tom Walker", (3,))


def test_it_warns_about_idle_staff_missing_from_ignition():
    (f,) = findings(
        team_linked,
        "C04.W003",
        xpm_staff=STAFF,
        ignition_team=TEAM,
        xpm_jobs=JOBS,
        xpm_clients=CLIENTS,
    )
    assert f.value == "Glenn Kovács"


def test_it_matches_team_members_by_email_then_name():
    team = [
        *TEAM,
        {"name": "Thomas Walker", "email": "tom@firm.example", "xpm_user": "Tom Walker"},
        {"name": "glenn kovacs", "email": "", "xpm_user": "Glenn Kovács"},
    ]
    assert (
        findings(
            team_linked, xpm_staff=STAFF, ignition_team=team, xpm_jobs=JOBS, xpm_clients=CLIENTS
        )
        == []
    )


def test_it_flags_a_manager_missing_from_both_staff_and_ignition_on_their_jobs():
    jobs = [*JOBS, {**JOBS[0], "job_no": "J3", "manager": "Dana Lee", "partner": ""}]
    clients = [*CLIENTS, {"name": "B", "account_manager": "Dana  Lee"}]
    team = [*TEAM, {"name": "Tom Walker", "email": "tom@firm.example", "xpm_user": "Tom Walker"}]
    (f,) = findings(
        team_linked,
        "C04.E001",
        xpm_staff=STAFF,
        ignition_team=team,
        xpm_jobs=jobs,
        xpm_clients=clients,
    )
    assert (f.file, f.rows, f.value) == ("xpm_jobs.csv", (4,), "Dana Lee")
    assert "on 1 job(s)" in f.message and "of 1 client(s)" in f.message
    assert [(r.file, r.rows) for r in f.related] == [("xpm_clients.csv", (3,))]
    assert "Settings → Team" in f.hint


def test_a_team_member_whose_name_has_a_slip_is_still_the_staff_member():
    staff = [
        {"name": "Liam Fitzgerald", "email": "liam@firm.example"},
        {"name": "Tom Walker", "email": "tom@firm.example"},
    ]
    team = [
        {"name": "Liam Fitzgerlad", "email": "", "xpm_user": "Liam Fitzgerlad"},
        {"name": "Ann Bell", "email": "ann@firm.example", "xpm_user": "Ann Bell"},
    ]
    found = findings(team_linked, "C04.W003", xpm_staff=staff, ignition_team=team)
    assert [f.value for f in found] == ["Tom Walker"]
