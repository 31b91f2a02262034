from audits.validators import clean_data
from tests.audits.validators.rule_helpers import findings


def client(name, **fields):
    return {"name": name, "status": "Active", **fields}


def test_it_flags_exact_duplicates_as_one_cluster():
    (f,) = findings(
        clean_data,
        "C05.E001",
        xpm_clients=[
            client("Margaret Ahmed", email="m@x.com"),
            client("Jane Smith"),
            client("margaret  ahmed"),
        ],
    )
    assert (f.rows, f.value) == ((2, 4), "Margaret Ahmed")


def test_it_treats_same_names_with_different_birth_dates_as_namesakes():
    rows = [
        client("Bruce Sullivan", date_of_birth="1970-01-01"),
        client("Bruce Sullivan", date_of_birth="1985-05-05"),
    ]
    assert findings(clean_data, "C05.E001", xpm_clients=rows) == []


def test_it_flags_similar_names_that_share_a_phone():
    rows = [
        client("Bold Tree Marketing Limited", phone="(02) 9999 1234"),
        client("Boldtree Marketing Ltd", phone="02 9999 1234"),
        client("Jane Smith", phone="0400 000 000"),
    ]
    (f,) = findings(clean_data, "C05.W002", xpm_clients=rows)
    assert (f.rows, f.value) == ((2, 3), "Bold Tree Marketing Limited")


def test_it_finds_first_and_last_swapped():
    rows = [
        client("Ross Russell", address="1 High St", postcode="2000"),
        client("Russell Ross", address="1 High St", postcode="2000"),
    ]
    (f,) = findings(clean_data, "C05.W002", xpm_clients=rows)
    assert f.rows == (2, 3)


def test_it_does_not_pair_unrelated_names_that_share_an_email():
    rows = [
        client("Blake Hoang", email="blake@mail.example"),
        client("Harbour Freight Pty Ltd", email="blake@mail.example"),
    ]
    assert findings(clean_data, "C05.W002", xpm_clients=rows) == []
    (f,) = findings(clean_data, "C05.W003", xpm_clients=rows)
    assert (f.rows, f.value) == ((2, 3), "blake@mail.example")


def test_it_warns_about_archived_clients_and_clients_without_jobs():
    rows = [client("Glenn King", status="Archived"), client("Jane Smith"), client("Idle Pty Ltd")]
    jobs = [
        {"job_no": "J1", "client": "Jane Smith", "state": "Planned"},
        {"job_no": "J2", "client": "Glenn King", "state": "Completed"},
    ]
    got = findings(clean_data, "C05.W004", xpm_clients=rows, xpm_jobs=jobs)
    assert [(f.value, f.rows) for f in got] == [("Glenn King", (2,)), ("Idle Pty Ltd", (4,))]


def test_it_flags_a_row_with_no_name():
    (f,) = findings(
        clean_data, "C05.E005", xpm_clients=[client("Jane Smith"), client("  ", email="x@y.z")]
    )
    assert (f.rows, f.value) == ((3,), "")


def test_it_is_quiet_on_distinct_clients():
    rows = [
        client("Jane Smith", email="jane@x.com", phone="0400 111 222"),
        client("Blue Bell Group Ltd", email="bb@x.com"),
    ]
    assert findings(clean_data, xpm_clients=rows) == []
