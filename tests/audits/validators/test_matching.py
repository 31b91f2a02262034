import pandas as pd

from audits.validators.linkage import link_within
from audits.validators.linkage.blocking import MAX_SHARED
from audits.validators.linkage.duplicates import probable_duplicates
from audits.validators.linkage.sounds import skeleton
from audits.validators.matching import identifier_frame, near_matches
from tests.audits.dedupe_practice import pair_scores, practice


def clients(*rows):
    return pd.DataFrame([{"name": "", **r} for r in rows]).fillna("")


def test_it_reads_one_phone_number_in_any_format():
    ids = identifier_frame(clients({"phone": "+61 2 9999 1234"}, {"phone": "(02) 9999-1234"}))
    assert ids["phone"].iloc[0] == ids["phone"].iloc[1] != ""


def test_it_ignores_placeholder_identifiers():
    ids = identifier_frame(clients({"tax_number": "000 000 000", "email": "none", "phone": "0"}))
    assert (ids.loc[0, "tax_number"], ids.loc[0, "email"], ids.loc[0, "phone"]) == ("", "", "")


def test_it_reads_street_abbreviations_as_one_address():
    ids = identifier_frame(
        clients(
            {"address": "1 High St", "postcode": "2000"},
            {"address": "1 High Street", "postcode": "2000"},
        )
    )
    assert ids["street"].iloc[0] == ids["street"].iloc[1]


def test_it_pairs_swapped_first_and_last_names_with_the_same_birth_date():
    rows = clients(
        {"name": "Ross Russell", "date_of_birth": "1970-01-01"},
        {"name": "Russell Ross", "date_of_birth": "1970-01-01"},
    )
    assert probable_duplicates(rows) == [[0, 1]]


def test_it_pairs_spelling_variants_that_share_a_phone():
    rows = clients(
        {"name": "Stephen Thompson", "phone": "0400 111 222"},
        {"name": "Steven Thomson", "phone": "0400111222"},
    )
    assert probable_duplicates(rows) == [[0, 1]]


def test_it_does_not_pair_similar_names_with_different_birth_dates():
    rows = clients(
        {"name": "Jon Smith", "phone": "0400 111 222", "date_of_birth": "1960-04-17"},
        {"name": "John Smith", "phone": "0400 111 222", "date_of_birth": "1990-09-02"},
    )
    assert probable_duplicates(rows) == []


def test_it_does_not_pair_family_members_at_one_address():
    rows = clients(
        {"name": "Mark Smith", "address": "1 High St", "postcode": "2000", "phone": "02 9999 1234"},
        {"name": "Mary Smith", "address": "1 High St", "postcode": "2000", "phone": "02 9999 1234"},
        {"name": "Jane Smith", "address": "1 High St", "postcode": "2000", "phone": "02 9999 1234"},
    )
    assert probable_duplicates(rows) == []


def test_it_does_not_pair_similar_names_without_a_shared_identifier():
    rows = clients(
        {"name": "Bold Tree Marketing Pty Ltd", "email": "a@x.com"},
        {"name": "Boldtree Marketing Pty Ltd", "email": "b@x.com"},
    )
    assert probable_duplicates(rows) == []


def test_it_does_not_pair_names_whose_numbers_differ():
    rows = clients(
        {"name": "Harbour Property Trust No 1", "email": "a@x.com"},
        {"name": "Harbour Property Trust No 2", "email": "a@x.com"},
    )
    assert probable_duplicates(rows) == []


def test_it_leaves_names_equal_after_normalisation_to_exact_duplicates():
    rows = clients(
        {"name": "Blue Bell Pty Ltd", "email": "a@x.com"},
        {"name": "Blue Bell Limited", "email": "a@x.com"},
    )
    assert probable_duplicates(rows) == []


def test_it_ignores_an_identifier_shared_by_too_many_clients():
    people = [{"name": f"Jane Smith{'e' * (i % 2)}", "phone": "02 9000 0000"} for i in range(30)]
    assert len(people) > MAX_SHARED
    assert len(link_within(clients(*people)).scored.i) == 0
    assert len(link_within(clients(*people[:2])).scored.i) == 1


def test_it_merges_pairs_into_one_cluster():
    rows = clients(
        {"name": "Jane Smith", "email": "j@x.com"},
        {"name": "Jayne Smith", "email": "j@x.com", "phone": "0400 111 222"},
        {"name": "Jane Smyth", "phone": "0400 111 222"},
        {"name": "Other Person", "email": "o@x.com"},
    )
    assert probable_duplicates(rows) == [[0, 1, 2]]


def test_it_scores_only_pairs_that_share_a_block():
    frame, _ = practice(2_000, seed=5)
    pairs = link_within(frame).scored.i
    assert 0 < len(pairs) < len(frame) * 5  # all pairs would be ~2,000,000


def test_it_finds_planted_duplicates_with_high_precision():
    frame, planted = practice(5_000, seed=9)
    precision, recall = pair_scores(probable_duplicates(frame), planted)
    # bench/bench_linkage.py prints the figures at 20,000 clients; these are floors.
    assert precision >= 0.93
    assert recall >= 0.80


def test_it_gives_sound_alike_names_one_skeleton():
    assert skeleton("Stephen") == skeleton("Steven")
    assert skeleton("Catherine") == skeleton("Katherine")
    assert skeleton("Mark") != skeleton("Mary")


def test_it_near_matches_normalised_spellings_first():
    found = near_matches(["Blue Bell Pty Ltd"], ["Bluebell Pty Ltd", "Blue Bell Limited"])
    assert found == {"Blue Bell Pty Ltd": "Blue Bell Limited"}


def test_it_near_matches_a_typo_through_name_blocks():
    pool = [f"Client Number {i:05d} Pty Ltd" for i in range(3_000)] + ["Blue Bell Plumbing"]
    found = near_matches(["Bluebell Plumbing", "Completely Different"], pool)
    assert found == {"Bluebell Plumbing": "Blue Bell Plumbing"}


def test_it_finds_no_near_match_for_an_unrelated_name():
    assert near_matches(["Harbour Freight"], ["Harbour Foods", "Jane Smith"]) == {}
