"""The match model: Fellegi and Sunter's, with its parameters explained.

For every field two records both have, a comparison level (``compare``) says how well they
agree. Each level has two probabilities:

- ``m``: how often a TRUE pair (the same client twice) lands on that level. These are priors
  from how people mistype records: one field in ten or so of a re-keyed record carries a slip
  (FEBRL's generator, built on studies of data-entry errors, corrupts at that rate), names more
  often than dates, dates more often than tax numbers that are copied from a form. They are
  the ``M`` tuples below, each level's share of true pairs, summing to one.
- ``u``: how often a RANDOM pair of this practice's records lands there. For full agreement it
  is the value's own frequency ("Smith" agrees by chance far more often than "Warnock": term
  frequency, Winkler 1989). For the other levels it is measured on the practice itself:
  ``U_SAMPLE`` random pairs, seeded, blended with ``U_PRIOR`` (``U_PRIOR_WEIGHT`` pseudo-pairs)
  so a practice of twelve clients still gets sensible values.

A pair's match weight is the sum over fields of log2(m / u): each bit doubles the odds that the
two records are one client. Phone, email and address are shared by a household, so they are
not independent evidence: together they count once, the strongest of them (``CONTACT``).
Two records are the same client when the weight reaches ``MATCH_WEIGHT``, measured on FEBRL
data sets 1 and 2 and on the labelled synthetic practice (``bench/bench_linkage.py``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from audits.validators.linkage import compare
from audits.validators.linkage.compare import MISSING
from audits.validators.linkage.prepare import Prepared


@dataclass(frozen=True)
class Field:
    key: str  # the comparison's name (and the prepared field for term frequencies)
    label: str  # in the practice's words
    levels: tuple[str, ...]  # level 0 is full agreement
    m: tuple[float, ...]
    u_prior: tuple[float, ...]  # typical share of random pairs per level (level 0: unused)
    contact: bool = False


NAME_LEVELS = ("same", "spelled slightly differently", "alike", "different")
FIELDS: tuple[Field, ...] = (
    # A name part differs completely in a true pair when it was replaced (a nickname, a
    # maiden name, a different given name used): rare, 4 %.
    Field(
        "given", "given name", NAME_LEVELS, (0.80, 0.10, 0.06, 0.04), (0.005, 0.003, 0.02, 0.972)
    ),
    Field(
        "family", "family name", NAME_LEVELS, (0.82, 0.10, 0.04, 0.04), (0.002, 0.002, 0.01, 0.986)
    ),
    # Whole names of organisations: a random pair within one slip is rarer than one in 10,000.
    Field("org", "name", NAME_LEVELS, (0.70, 0.18, 0.08, 0.04), (0.0001, 0.00005, 0.002, 0.9978)),
    Field(
        "date_of_birth",
        "date of birth",
        ("same", "one slip", "two slips", "different"),
        (0.90, 0.06, 0.02, 0.02),
        (0.00003, 0.002, 0.01, 0.98797),  # one day in 80 years: 1 / 29,200
    ),
    Field(
        "tax_number",
        "tax number",
        ("same", "one slip", "different"),
        (0.92, 0.06, 0.02),
        (0.000001, 0.0001, 0.999899),
    ),
    # Email: only an exact address counts. One character apart is as often a different person
    # (jsmith1@ / jsmith2@, accounts84@ / accounts86@) as a typing slip.
    Field("email", "email", ("same", "different"), (0.85, 0.15), (0.00001, 0.99999), contact=True),
    Field("phone", "phone", ("same", "different"), (0.80, 0.20), (0.00001, 0.99999), contact=True),
    Field(
        "address",
        "address",
        ("same", "one slip", "same postcode or street only", "different"),
        (0.75, 0.12, 0.08, 0.05),
        (0.00001, 0.0005, 0.02, 0.97949),
        contact=True,
    ),
    Field(
        "code",
        "client code / account number",
        ("same", "different"),
        (0.90, 0.10),
        (0.00001, 0.99999),
    ),
)
BY_KEY = {f.key: f for f in FIELDS}
TF_FIELD = {"address": "street"}  # term frequency of an address: its street (with the number)

U_SAMPLE = 20_000
U_PRIOR_WEIGHT = 2_000
HOUSEHOLD_PRIOR = 0.05
HOUSEHOLD_PRIOR_WEIGHT = 200  # pseudo-pairs: a practice's own families soon outweigh the prior
SEED = 20261201
# The weight at which two records are called one client: 2^16 to one before the prior odds.
# Chosen on FEBRL 1 and 2 and the synthetic practice together (bench/bench_linkage.py): 16 keeps
# FEBRL recall ~0.98 at precision 1.000 and the synthetic practice (households, twins, shared
# birthdays) at precision 0.95-0.98; 14 lets household members through, 18 loses recall on both.
MATCH_WEIGHT = 16.0
# Between systems (step 13) the prior is different: nearly every XPM client left without an
# exact Xero twin HAS a Xero contact among the leftovers, where within XPM about one client in a
# hundred has a duplicate. Prior odds about 2^6 higher, so the same certainty needs 6 bits less.
CROSS_MATCH_WEIGHT = MATCH_WEIGHT - 6.0


@dataclass
class Scored:
    """Candidate pairs and, per field, their level and weight (0 where missing)."""

    i: np.ndarray
    j: np.ndarray
    levels: dict[str, np.ndarray]
    weights: dict[str, np.ndarray]
    swapped: np.ndarray
    joined: np.ndarray
    weight: np.ndarray


def levels(a: Prepared, b: Prepared, i: np.ndarray, j: np.ndarray):
    """Per field its level per pair, plus whether the names matched swapped or joined. Name
    parts are compared for pairs of people only, whole names for the other pairs only."""
    people = a.person[i] & b.person[j]
    out = {}
    given, family, swapped, joined = _people_levels(a, b, i[people], j[people])
    for key, level in (("given", given), ("family", family)):
        out[key] = np.full(len(i), MISSING, dtype=np.int8)
        out[key][people] = level
    out["org"] = np.full(len(i), MISSING, dtype=np.int8)
    out["org"][~people] = compare.org_name(a, b, i[~people], j[~people])
    out["date_of_birth"] = compare.date_of_birth(a, b, i, j)
    out["tax_number"] = compare.identifier(a, b, "tax_number", i, j, slips=1)
    out["email"] = compare.exact(a, b, "email", i, j)
    out["phone"] = compare.exact(a, b, "phone", i, j)
    out["address"] = compare.address(a, b, i, j)
    out["code"] = compare.exact(a, b, "code", i, j)
    all_swapped, all_joined = np.zeros(len(i), dtype=bool), np.zeros(len(i), dtype=bool)
    all_swapped[people], all_joined[people] = swapped, joined
    return out, all_swapped, all_joined


def _people_levels(a: Prepared, b: Prepared, i: np.ndarray, j: np.ndarray):
    """Given and family name levels of pairs of people, the better of as written and swapped,
    and either raised to "close" when the names written together agree ("Kate Lin" /
    "Katelin")."""
    given = compare.name_part(a, b, "given", "given", i, j)
    family = compare.name_part(a, b, "family", "family", i, j)
    given_sw = compare.name_part(a, b, "given", "family", i, j)
    family_sw = compare.name_part(a, b, "family", "given", i, j)
    swapped = _cost(given_sw) + _cost(family_sw) < _cost(given) + _cost(family)
    given, family = np.where(swapped, given_sw, given), np.where(swapped, family_sw, family)
    joined = np.zeros(len(i), dtype=bool)
    far = np.flatnonzero((given >= 2) | (family >= 2))
    if len(far):
        joined[far] = compare.joined_names(a, b, i[far], j[far])
        given = np.where(joined & (given != MISSING), np.minimum(given, 1), given)
        family = np.where(joined & (family != MISSING), np.minimum(family, 1), family)
    return given.astype(np.int8), family.astype(np.int8), swapped, joined


def _cost(level: np.ndarray) -> np.ndarray:
    return np.where(level == MISSING, 2.5, level)


class Model:
    """``u`` measured on one linkage's records; scores candidate pairs."""

    def __init__(self, a: Prepared, b: Prepared, *, within: bool):
        self.a, self.b, self.within = a, b, within
        self.u = self._estimate_u()
        self.frequency = {f.key: self._frequencies(f) for f in FIELDS}
        self.u_household = self._estimate_u_household()

    def _estimate_u(self) -> dict[str, np.ndarray]:
        rng = np.random.default_rng(SEED)
        pairs = self.a.n * (self.a.n - 1) // 2 if self.within else self.a.n * self.b.n
        size = min(U_SAMPLE, pairs)
        i = rng.integers(0, max(self.a.n, 1), size)
        j = rng.integers(0, max(self.b.n, 1), size)
        if self.within:
            keep = i != j
            i, j = i[keep], j[keep]
        sample = levels(self.a, self.b, i, j)[0] if self.a.n and self.b.n else {}
        u = {}
        for f in FIELDS:
            prior = np.asarray(f.u_prior) * U_PRIOR_WEIGHT
            counts = np.zeros(len(f.levels))
            if f.key in sample:
                got = sample[f.key]
                counts = np.bincount(got[got >= 0], minlength=len(f.levels))[: len(f.levels)]
            u[f.key] = (counts + prior) / (counts.sum() + prior.sum())
        return u

    def _estimate_u_household(self) -> dict[str, float]:
        """How often two DIFFERENT records with the same family name share each contact field.

        Families share a phone, an address, often an email: agreement on those says little
        once the family name agrees. Measured on pairs of records of side ``a`` that share a
        family name (true duplicates among them are too few to matter), blended with a prior of
        one in twenty (``HOUSEHOLD_PRIOR_WEIGHT`` pseudo-pairs)."""
        codes = self.a.codes["family"]
        order = np.argsort(codes, kind="stable")
        ordered = codes[order]
        same = (ordered[1:] == ordered[:-1]) & (ordered[1:] >= 0)
        i, j = order[:-1][same], order[1:][same]
        if len(i) > U_SAMPLE:
            pick = np.random.default_rng(SEED).choice(len(i), U_SAMPLE, replace=False)
            i, j = i[pick], j[pick]
        found = levels(self.a, self.a, i, j)[0] if len(i) else {}
        out = {}
        for f in FIELDS:
            if f.contact:
                got = found.get(f.key, np.zeros(0, dtype=np.int8))
                present = got[got >= 0]
                agree = np.count_nonzero(present == 0)
                out[f.key] = (agree + HOUSEHOLD_PRIOR * HOUSEHOLD_PRIOR_WEIGHT) / (
                    len(present) + HOUSEHOLD_PRIOR_WEIGHT
                )
        return out

    def _frequencies(self, f: Field) -> tuple[np.ndarray, int]:
        """How many records (both sides) hold each value of the field's prepared column, and
        how many hold any."""
        name = TF_FIELD.get(f.key, f.key)
        codes = [self.a.codes[name]] if self.within else [self.a.codes[name], self.b.codes[name]]
        codes = np.concatenate(codes)
        codes = codes[codes >= 0]
        return np.bincount(codes, minlength=len(self.a.values[name])), len(codes)

    def weights_of(self, f: Field, level: np.ndarray, i, j, family: np.ndarray) -> np.ndarray:
        """log2(m / u) per pair. Full agreement on value v: u is the chance that another record
        holds v, (records with v - 1) / records, blended with the field's prior chance
        (``u_prior[0]``, ``U_PRIOR_WEIGHT`` pseudo-records) so twelve clients sharing nothing
        still weigh a shared phone as rare."""
        u = self.u[f.key]
        per_level = np.log2(np.asarray(f.m) / np.maximum(u, 1e-9))
        w = np.where(level >= 0, per_level[np.maximum(level, 0)], 0.0)
        exact = np.flatnonzero(level == 0)
        if len(exact):
            name = TF_FIELD.get(f.key, f.key)
            counts, total = self.frequency[f.key]
            others = counts[np.maximum(self.a.codes[name][i[exact]], 0)] - 1
            share = (others + U_PRIOR_WEIGHT * f.u_prior[0]) / (total + U_PRIOR_WEIGHT)
            if f.contact:
                kin = family[exact] == 0
                share = np.where(kin, np.maximum(share, self.u_household[f.key]), share)
            w[exact] = np.log2(f.m[0] / share)
        return w

    def score(self, i: np.ndarray, j: np.ndarray) -> Scored:
        found, swapped, joined = levels(self.a, self.b, i, j)
        family = found["family"]
        weights = {f.key: self.weights_of(f, found[f.key], i, j, family) for f in FIELDS}
        contact = [weights[f.key] for f in FIELDS if f.contact]
        present = [found[f.key] >= 0 for f in FIELDS if f.contact]
        strongest = np.where(
            np.any(present, axis=0), np.max(np.where(present, contact, -np.inf), axis=0), 0.0
        )
        total = strongest + sum(weights[f.key] for f in FIELDS if not f.contact)
        return Scored(i, j, found, weights, swapped, joined, total)
