"""The practice being generated: its random source, what is already used, its rows and labels.

``Practice`` holds the state every builder and injector shares, and draws the unique identities
(person and organisation names, phones, tax numbers, addresses, emails, dates of birth, codes).
Every draw goes through ``self.rng`` (``random.Random(seed)``), so the order in which builders and
injectors run is part of the output: keep it.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from typing import Any

from stdnum.au import abn, tfn

from audits.testdata.names import ascii_letters, name_key
from audits.testdata.records import Client, Label, Rec, dmy
from audits.testdata.vocabulary import (
    BASE_A,
    BASE_B,
    CITIES,
    COMPANY_SUFFIXES,
    FIRST_F,
    FIRST_M,
    INDUSTRIES,
    LAST,
    STREET_TYPES,
    STREETS,
    TRUST_KINDS,
)

PROBLEM_LEVELS = {"none": 0, "default": 1, "heavy": 4}
CLIENT_RATE = 0.0015
STAFF_RATE = 0.01


class Practice:
    def __init__(self, clients: int, seed: int, problems: str) -> None:
        if problems not in PROBLEM_LEVELS:
            raise ValueError(f"problems must be one of {', '.join(PROBLEM_LEVELS)}")
        if clients < 1:
            raise ValueError("clients must be at least 1")
        self.n = clients
        self.seed = seed
        self.problems = problems
        self.m = PROBLEM_LEVELS[problems]
        self.rng = random.Random(seed)
        self.labels: list[Label] = []
        self.used_names: set[str] = set()
        self.used_emails: set[str] = set()
        self.used_phones: set[str] = set()
        self.used_tax: set[str] = set()
        self.used_addr: set[tuple[str, str]] = set()
        self.dob_by_first: dict[str, set[str]] = {}
        self.dob_by_last: dict[str, set[str]] = {}
        self.code_counter: dict[str, int] = {}
        self.clients: list[Client] = []
        self.extra_rows: list[Client] = []
        self.extra_contacts: list[tuple[Rec, Rec | None]] = []  # (contact, placeholder)
        self.w003_invoices: list[tuple[str, str]] = []  # (contact name, PO ref)
        self.client_ids: dict[int, str] = {}

        # Staff (builder.build_staff, team_linked.inject).
        self.domain = "northbridge-advisory.example"
        self.staff: list[Rec] = []
        self.partners: list[Rec] = []
        self.managers: list[Rec] = []
        self.others: list[Rec] = []
        self.new_staff: list[Rec] = []
        self.unlinked: list[Rec] = []
        self.not_in_team: list[Rec] = []
        # Clients (builder.build_clients, injectors).
        self.groups: list[list[Client]] = []
        self.pool: list[Client] = []
        # Tables (templates, services, activity, tables).
        self.template_rows: list[list[str]] = []
        self.service_rows: list[list[str]] = []
        self.jobs: list[tuple] = []
        self.proposals: list[tuple] = []
        self.invoices: list[tuple] = []
        self.job_no = 0
        self.prop_no = 10000
        self.inv_no = 0
        self.ignition_order: list[Client] = []
        self.xpm_rows: list[Client] = []
        self.contact_rows: list[Rec] = []
        self.ignition_rows: list[list[str]] = []
        self.team_rows: list[Rec] = []

    # ---- counts --------------------------------------------------------------------------
    def count(self) -> int:
        return 0 if not self.m else max(1, round(self.n * CLIENT_RATE * self.m))

    def fixed(self) -> int:
        return {0: 0, 1: 1, 4: 3}[self.m]

    def label(self, code: str, kind: str, refs: list[Any], value: str) -> None:
        self.labels.append(Label(code, kind, list(refs), value))

    # ---- identities ----------------------------------------------------------------------
    def person(self) -> tuple[str, str, bool]:
        rng = self.rng
        for attempt in range(200):
            male = rng.random() < 0.5
            first = rng.choice(FIRST_M if male else FIRST_F)
            last = rng.choice(LAST)
            if attempt >= 15 or rng.random() < 0.02:
                other = rng.choice(LAST)
                if " " in other or " " in last or other == last:
                    continue
                last = f"{last}-{other}"
            key = name_key(f"{first} {last}")
            if key not in self.used_names:
                self.used_names.add(key)
                return first, last, male
        raise RuntimeError("ran out of person names")

    def claim(self, name: str) -> bool:
        key = name_key(name)
        if key in self.used_names:
            return False
        self.used_names.add(key)
        return True

    def base_name(self) -> str:
        rng = self.rng
        if rng.random() < 0.3:
            return rng.choice(LAST)
        return f"{rng.choice(BASE_A)} {rng.choice(BASE_B)}"

    def org_name(self, kind: str) -> tuple[str, str]:
        rng = self.rng
        for _ in range(500):
            if kind == "company":
                base = self.base_name()
                name = f"{base} {rng.choice(INDUSTRIES)} {rng.choice(COMPANY_SUFFIXES)}"
            elif kind == "trust":
                r = rng.random()
                if r < 0.4:
                    base = rng.choice(LAST)
                elif r < 0.7:
                    base = f"{rng.choice(FIRST_M + FIRST_F)} {rng.choice(LAST)}"
                else:
                    base = self.base_name()
                name = f"{base} {rng.choice(TRUST_KINDS)}"
            else:
                a, b = rng.choice(LAST), rng.choice(LAST)
                if a == b:
                    continue
                base = f"{a} & {b}"
                name = base if rng.random() < 0.6 else f"{base} Partners"
            if self.claim(name):
                return name, base
        raise RuntimeError("ran out of organisation names")

    def unique(self, used: set, make) -> Any:
        for _ in range(1000):
            value = make()
            if value not in used:
                used.add(value)
                return value
        raise RuntimeError("ran out of unique values")

    def phone(self, mobile: bool, region: str = "NSW") -> str:
        """A valid Australian number (C05.W006): mobiles 0400-0439, landlines in ranges of their
        area code that phonenumbers knows as allocated."""
        rng = self.rng
        if mobile:
            return self.unique(
                self.used_phones,
                lambda: (
                    f"04{rng.randint(0, 39):02d} {rng.randint(0, 999):03d} {rng.randint(0, 999):03d}"
                ),
            )
        area = {"VIC": "03", "TAS": "03", "QLD": "07", "SA": "08", "WA": "08", "NT": "08"}.get(
            region, "02"
        )
        low, high = {"07": (3000, 5999), "08": (8000, 8999)}.get(area, (8000, 9999))
        return self.unique(
            self.used_phones,
            lambda: f"({area}) {rng.randint(low, high)} {rng.randint(0, 9999):04d}",
        )

    def tax(self, digits: int) -> str:
        """A tax number that passes its check digits (C05.W006): 9 digits a TFN, 11 an ABN."""
        rng = self.rng

        def make() -> str:
            if digits == 9:
                while True:
                    body = str(rng.randint(10**7, 10**8 - 1))
                    last = tfn.checksum(body + "0")  # the last weight is 10, -1 (mod 11)
                    if last < 10:
                        s = body + str(last)
                        return f"{s[:3]} {s[3:6]} {s[6:]}"
            body = str(rng.randint(10**8, 10**9 - 1))
            s = abn.calc_check_digits(body) + body
            return f"{s[:2]} {s[2:5]} {s[5:8]} {s[8:]}"

        return self.unique(self.used_tax, make)

    def address(self) -> tuple[str, str, str, str]:
        rng = self.rng
        for _ in range(1000):
            city, region, pc = rng.choice(CITIES)
            postcode = f"{pc + rng.randint(0, 40):04d}"
            street = f"{rng.randint(1, 399)} {rng.choice(STREETS)} {rng.choice(STREET_TYPES)}"
            if rng.random() < 0.15:
                street = f"Unit {rng.randint(1, 40)}, {street}"
            if (street, postcode) not in self.used_addr:
                self.used_addr.add((street, postcode))
                return street, city, postcode, region
        raise RuntimeError("ran out of addresses")

    def email(self, local: str, domain: str) -> str:
        local = local.lower()
        candidate = f"{local}@{domain}"
        n = 1
        while candidate in self.used_emails:
            n += 1
            candidate = f"{local}{n}@{domain}"
        self.used_emails.add(candidate)
        return candidate

    def dob(self, first: str, last: str) -> str:
        rng = self.rng
        a = self.dob_by_first.setdefault(first, set())
        b = self.dob_by_last.setdefault(last, set())
        for _ in range(1000):
            d = dt.date(1940, 1, 1) + dt.timedelta(days=rng.randint(0, 24800))
            s = dmy(d)
            if s not in a and s not in b:
                a.add(s)
                b.add(s)
                return s
        raise RuntimeError("ran out of dates of birth")

    def code(self, word: str) -> str:
        prefix = (ascii_letters(word).upper() + "XXX")[:3]
        n = self.code_counter.get(prefix, 0) + 1
        self.code_counter[prefix] = n
        return f"{prefix}{n:04d}"

    # ---- victims -------------------------------------------------------------------------
    def pick(self, n: int, code: str, pred: Callable[[Client], bool]) -> list[Client]:
        """Up to ``n`` clients of the shuffled pool, not yet a victim, that satisfy ``pred``."""
        out: list[Client] = []
        if n <= 0:
            return out
        for c in self.pool:
            if not c.victim and pred(c):
                c.victim = code
                out.append(c)
                if len(out) == n:
                    break
        return out

    def add_extra(self, c: Client) -> None:
        """An injected extra xpm_clients row: no job, Xero contact, Ignition client or invoice."""
        c.idx = len(self.clients) + len(self.extra_rows)
        c.extra = True
        c.jobs = "none"
        c.xero_name = None
        c.ignition = c.proposals = c.invoices = False
        c.country = "Australia"
        self.extra_rows.append(c)

    def contact_names(self) -> list[str]:
        names = []
        for c in self.clients + self.extra_rows:
            if not c.name or c.xero_name is None:
                continue
            names.append(c.xero_name or c.name)
        return names
