"""Kinds and mappings: detection, ties, explicit kinds and remembered mappings
(``audits.loading.detect``, ``audits.loading.columns``, ``audits.loading.templates``).

Pure pandas: no Django, no database. Each test pins the exact outcome (code, words, rows, values).
"""

import pytest

from audits.kinds import KINDS
from audits.loading import DetectResult, detect_kind, load_bytes, read_header, template_csv
from tests.audits.loading.helpers import CLIENTS, refused


def test_it_refuses_a_tie_between_kinds():
    error = refused(b"Name,Email\r\nJane,j@x.com\r\n")
    assert error.code == "ambiguous_kind"
    assert error.details["tied"] == [
        "ignition_clients",
        "ignition_team",
        "xero_contacts",
        "xpm_clients",
        "xpm_staff",
    ]
    assert error.message == (
        "clients.csv could be Ignition clients or Ignition team or Xero contacts or XPM clients "
        "or XPM staff. Choose which export it is."
    )


def test_it_refuses_headers_that_match_no_kind():
    error = refused(b"Foo,Bar\r\n1,2\r\n")
    assert (error.code, error.details["candidates"]) == ("unknown_kind", [])


def test_it_lets_an_explicit_kind_win_over_detection():
    result = load_bytes(b"Name,Email\r\nJane,j@x.com\r\n", "staff.csv", kind="xpm_staff")
    assert (result.table.kind, result.table.df["name"].tolist()) == ("xpm_staff", ["Jane"])


def test_it_lets_an_explicit_mapping_override_matching():
    data = b"Client,Customer\r\nC-1,Jane Smith\r\n"
    result = load_bytes(data, "c.csv", kind="xpm_clients", mapping={"name": "Customer"})
    assert result.table.df["name"].tolist() == ["Jane Smith"]
    assert (result.table.columns, result.report.extra_columns) == ({"name": "Customer"}, ["Client"])


def test_it_leaves_out_a_field_mapped_to_nothing():
    result = load_bytes(CLIENTS, "c.csv", kind="xpm_clients", mapping={"email": ""})
    assert "email" not in result.table.df.columns
    assert result.report.extra_columns == ["Email"]


def test_it_ignores_mapped_fields_the_kind_does_not_have():
    mapping = {"name": "Client", "invoice_number": "Email"}
    result = load_bytes(CLIENTS, "c.csv", kind="xpm_clients", mapping=mapping)
    assert result.table.columns == {
        "name": "Client",
        "business_structure": "Business Structure",
        "email": "Email",
    }


def test_it_uses_a_remembered_mapping_to_detect_the_kind():
    data = b"Ref,Who,What\r\nP-1,Jane,Audit\r\n"
    mapping = {"proposal": "Ref", "client": "Who", "service": "What"}
    result = load_bytes(data, "p.csv", mapping=mapping)
    assert result.table.kind == "ignition_proposals"


def test_it_refuses_an_unknown_explicit_kind():
    assert refused(CLIENTS, kind="myob_clients").code == "unknown_kind"


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_it_detects_each_kind_from_its_template(kind):
    data = template_csv(kind)
    detected = detect_kind(read_header(data, f"{kind}.csv").headers)
    assert isinstance(detected, DetectResult)
    assert (detected.kind, detected.candidates[0][2]) == (kind, ())


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_it_round_trips_each_template_through_the_loader(kind):
    result = load_bytes(template_csv(kind), f"{kind}.csv")
    spec = KINDS[kind]
    expected = [
        dict(zip(spec.field_names, (*row, *[""] * len(spec.fields)), strict=False))
        for row in spec.example_rows
    ]
    df = result.table.df
    assert df[list(spec.field_names)].to_dict("records") == expected
    assert (result.report.rows, df["_row"].tolist(), result.report.value_issues) == (2, [2, 3], [])
