"""``manage.py validate`` as findings.md specifies it; no database is touched (no db fixture)."""

import hashlib
import io
import json

import pytest
from django.core.management import CommandError, call_command

from audits.validators import identifier_checks, registry
from audits.validators.base import Registry
from tests.audits.runs.factories import CLIENTS_CSV
from tests.audits.runs.test_runs import CommaNames, EveryName

FINDING_KEYS = {"code", "item", "severity", "message", "hint", "file", "rows", "column", "value"}
FINDING_KEYS |= {"suggestion", "related"}  # exactly findings.md's finding
CLEAN_CSV = b"Client,Email,Business Structure\r\nJane Smith,jane@example.com,Individual\r\n"


@pytest.fixture(autouse=True)
def rules(monkeypatch):
    monkeypatch.setattr(registry, "REGISTRY", Registry((CommaNames(), EveryName())))


@pytest.fixture
def clients(tmp_path):
    path = tmp_path / "clients.csv"
    path.write_bytes(CLIENTS_CSV)
    return path


@pytest.fixture
def clean(tmp_path):
    path = tmp_path / "clean.csv"
    path.write_bytes(CLEAN_CSV)
    return path


def validate(*args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("validate", *map(str, args), stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue(), err.getvalue()


def test_it_exits_0_when_nothing_fails(clean):
    code, out, err = validate(clean, "--format", "json")
    assert code == 0 and err == ""
    assert json.loads(out)["summary"]["error"] == 0


def test_it_exits_1_on_an_error(clients):
    code, _, _ = validate(clients)
    assert code == 1


def test_it_exits_0_with_fail_on_never(clients):
    assert validate(clients, "--fail-on", "never")[0] == 0


def test_it_fails_on_warnings_only_when_asked(clean, monkeypatch):
    from tests.audits.runs.test_runs import CommaNames as Base

    class Warns(Base):
        code = "C03.W904"

        def check(self, ctx):
            table = ctx.table("xpm_clients")
            yield self.finding("warn", file=table.file, rows=[2], value="x")

    monkeypatch.setattr(registry, "REGISTRY", Registry((Warns(),)))
    assert validate(clean)[0] == 0
    assert validate(clean, "--fail-on", "warning")[0] == 1


def test_it_writes_the_json_document(clients):
    _code, out, _ = validate(clients, "--format", "json", "--fail-on", "never")
    document = json.loads(out)
    assert list(document) == ["version", "files", "findings", "summary"]
    assert document["version"] == 1
    (file,) = document["files"]
    assert file["path"] == str(clients)
    assert file["kind"] == "xpm_clients" and file["rows"] == 3
    assert file["sha256"] == hashlib.sha256(CLIENTS_CSV).hexdigest()
    assert file["columns"]["name"] == "Client"
    first = document["findings"][0]
    assert set(first) == FINDING_KEYS
    assert (first["code"], first["rows"], first["value"]) == ("C03.E901", [3], "Smith, John")
    assert document["summary"] == {
        "error": 1,
        "warning": 0,
        "info": 3,
        "by_item": {"3": {"error": 1, "warning": 0, "info": 3}},
    }


def test_a_pulled_table_gives_the_same_document(tmp_path):
    """A pull's CSV carries record_id and record_url; findings.md has no field for them, so the
    JSON stays exactly as specified and they are not among the file's columns."""
    pulled = tmp_path / "XPM clients, pulled 1 Dec 2026 10:02.csv"
    pulled.write_bytes(
        b"name,email,business_structure,record_id,record_url\r\n"
        b'"Smith, John",john@example.com,Individual,c-1,https://practicemanager.xero.com/c-1\r\n'
    )
    _code, out, _ = validate(pulled, "--format", "json", "--fail-on", "never")
    document = json.loads(out)
    assert set(document["files"][0]["columns"]) == {"name", "email", "business_structure"}
    first = document["findings"][0]
    assert first["code"] == "C03.E901" and set(first) == FINDING_KEYS


def test_it_writes_to_output(clients, tmp_path):
    target = tmp_path / "out.json"
    code, out, _ = validate(clients, "--format", "json", "--output", target)
    assert code == 1 and out == ""
    assert json.loads(target.read_text())["version"] == 1


def test_it_is_deterministic(clients):
    assert validate(clients, "--format", "json")[1] == validate(clients, "--format", "json")[1]


def test_it_limits_rules_to_items(clients):
    code, out, _ = validate(clients, "--items", "5", "--format", "json")
    assert code == 0
    assert json.loads(out)["findings"] == []


def test_it_exits_2_for_an_unusable_file(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"Client,Email\r\n")
    target = tmp_path / "out.json"
    code, out, err = validate(empty, "--format", "json", "--output", target)
    assert code == 2
    assert out == "" and err.strip()
    assert not target.exists()


def test_it_refuses_a_file_wider_than_the_column_limit_in_words(tmp_path):
    wide = tmp_path / "wide.csv"
    wide.write_bytes(("x," * 39_999 + "x\r\n" + "1," * 39_999 + "1\r\n").encode())
    code, out, err = validate(wide)
    assert (code, out) == (2, "")
    assert "wide.csv has 40,000 columns in row 1; the limit is 2,000." in err


def test_it_exits_2_for_a_missing_file(tmp_path):
    code, out, err = validate(tmp_path / "nope.csv")
    assert code == 2 and out == "" and "nope.csv" in err


def test_it_exits_2_for_a_bad_kind_override(clients):
    code, out, err = validate(clients, "--kind", f"{clients}=spreadsheet")
    assert code == 2 and out == "" and "spreadsheet" in err


def test_it_exits_2_for_bad_items(clients):
    assert validate(clients, "--items", "three")[0] == 2


def test_it_honours_a_kind_override(tmp_path):
    path = tmp_path / "people.csv"
    path.write_bytes(b"Name,Email\r\nSmith; Jo,jo@example.com\r\n")
    _code, out, _ = validate(path, "--kind", "people.csv=xpm_staff", "--format", "json")
    assert json.loads(out)["files"][0]["kind"] == "xpm_staff"


def test_it_prints_text_grouped_by_step_with_a_summary(clients):
    _code, out, _ = validate(clients)
    lines = out.rstrip().splitlines()
    step = next(i for i, line in enumerate(lines) if line.startswith("Step 3:"))
    assert lines[step + 1].lstrip().startswith("ERROR")
    assert lines[-1] == "1 error(s), 0 warning(s), 3 info in 1 file(s)."


def test_it_checks_identifiers_as_the_country_given(tmp_path, monkeypatch):
    monkeypatch.setattr(registry, "REGISTRY", Registry(identifier_checks.RULES))
    path = tmp_path / "clients.csv"
    path.write_bytes(
        b"Client,Business Structure,Tax Number,Phone\r\n"
        b"Kiwi Traders Ltd,Company,49-091-850,09 379 1234\r\n"
    )
    code, out, _ = validate(path, "--format", "json", "--fail-on", "warning", "--country", "NZ")
    assert code == 0 and json.loads(out)["findings"] == []
    code, out, _ = validate(path, "--format", "json", "--fail-on", "warning")  # AU by default
    assert code == 1
    assert [f["column"] for f in json.loads(out)["findings"]] == ["Phone", "Tax Number"]


def test_it_refuses_a_country_it_cannot_check(clients):
    with pytest.raises(CommandError, match="invalid choice: 'US'"):
        call_command("validate", str(clients), "--country", "US")
