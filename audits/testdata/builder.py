"""The clean practice: staff, clients (with client groups), job templates and the service library.

Templates and services are built here too, with the library problems of steps 7 and 8 spliced in by
their injectors (``annual_templates``, ``library_mapping``): they draw nothing from the random
source, only the row order matters.
"""

from __future__ import annotations

from audits.testdata.formats import TITLE_LINES
from audits.testdata.injectors import annual_templates, library_mapping
from audits.testdata.names import ascii_letters, name_key
from audits.testdata.practice import Practice
from audits.testdata.records import Client, Rec, money
from audits.testdata.vocabulary import (
    BASE_A,
    BASE_B,
    FIRST_F,
    FIRST_M,
    GROUP_MEMBERS,
    LAST,
    SERVICES,
    TEMPLATES,
)

STAFF_POSITIONS = ["Senior Accountant", "Accountant", "Bookkeeper", "Practice Administrator"]
STRUCTURES = {"company": "Company", "trust": "Trust", "partnership": "Partnership"}


# ---- staff ---------------------------------------------------------------------------------
def _staff_member(p: Practice, used: set[str], position: str, role: str) -> Rec:
    rng = p.rng
    for _ in range(1000):
        first = rng.choice(FIRST_M + FIRST_F)
        last = rng.choice(LAST)
        name = f"{first} {last}"
        if name_key(name) not in used:
            used.add(name_key(name))
            break
    else:
        raise RuntimeError("ran out of staff names")
    surname = name.split(" ", 1)[1]
    email = f"{ascii_letters(first).lower()}.{ascii_letters(surname).lower()}@{p.domain}"
    rec = Rec([name, email, position, role])
    p.staff.append(rec)
    return rec


def build_staff(p: Practice) -> None:
    n_partners = max(2, round(p.n / 1500))
    n_managers = max(3, round(p.n / 350))
    n_others = max(3, round(p.n / 250))
    used: set[str] = set()
    p.partners = [_staff_member(p, used, "Partner", "Partner") for _ in range(n_partners)]
    p.managers = [_staff_member(p, used, "Client Manager", "Manager") for _ in range(n_managers)]
    p.others = [
        _staff_member(p, used, p.rng.choice(STAFF_POSITIONS), "Standard") for _ in range(n_others)
    ]


# ---- clients -------------------------------------------------------------------------------
def _individual(p: Practice, c: Client, preset: tuple | None) -> None:
    rng = p.rng
    first, last, male = preset or p.person()
    c.name, c.first, c.last = f"{first} {last}", first, last
    c.mods["male"] = male
    c.structure = "Individual"
    c.code = p.code(last)
    dom = rng.choice(["example.com", "example.net", "example.org", "mail.example"])
    sep = rng.choice([".", "", "_"])
    c.email = p.email(f"{ascii_letters(first)}{sep}{ascii_letters(last)}", dom)
    c.phone = p.phone(True)
    c.dob = p.dob(first, last)
    c.tax = p.tax(9)
    c.services = ["itr"] + (["tax_planning"] if rng.random() < 0.08 else [])
    c.prior = ["Individual Tax Return"]


def _org_services(p: Practice, kind: str) -> list[str]:
    rng = p.rng
    if kind == "trust":
        return ["annual", "trust"]
    if kind != "company":
        return ["annual"] + (["bookkeeping"] if rng.random() < 0.4 else [])
    services = ["annual"]
    for key, chance in (("bookkeeping", 0.45), ("payroll", 0.25), ("cosec", 0.6)):
        if rng.random() < chance:
            services.append(key)
    if rng.random() < 0.1:
        services.append("tax_planning")
    return services


def _organisation(p: Practice, c: Client, kind: str, preset: tuple | None) -> None:
    c.name, c.base = preset or p.org_name(kind)
    c.structure = STRUCTURES[kind]
    c.code = p.code(c.base.split()[0])
    slug = ascii_letters(
        c.name.replace("Pty", "").replace("Ltd", "").replace("Limited", "")
    ).lower()
    c.email = p.email(p.rng.choice(["accounts", "admin", "office", "info"]), f"{slug}.example")
    c.phone = p.phone(False, c.region)
    c.tax = p.tax(11)
    c.services = _org_services(p, kind)
    c.prior = ["Annual Compliance"]


def new_client(p: Practice, kind: str, preset: tuple | None = None) -> Client:
    rng = p.rng
    c = Client(idx=len(p.clients) + len(p.extra_rows), kind=kind, name="")
    c.address, c.city, c.postcode, c.region = p.address()
    if kind == "individual":
        _individual(p, c, preset)
    else:
        _organisation(p, c, kind, preset)
    c.job_manager = rng.choice(p.managers).values[0]
    c.partner = rng.choice(p.partners).values[0]
    c.account_manager = c.partner if rng.random() < 0.3 else c.job_manager
    c.ignition = rng.random() < 0.95
    c.proposals = c.ignition
    p.clients.append(c)
    return c


def _group_individual(p: Practice, last: str) -> Client | None:
    for _ in range(50):
        male = p.rng.random() < 0.5
        first = p.rng.choice(FIRST_M if male else FIRST_F)
        if p.claim(f"{first} {last}"):
            break
    else:
        return None
    return new_client(p, "individual", (first, last, male))


def _group_org(p: Practice, base: str, kind: str, name: str) -> Client | None:
    if not p.claim(name):
        return None
    return new_client(p, kind, (name, base))


def _group_base(p: Practice) -> str | None:
    """A base name whose "<base> Group" is still free (claimed), or None when none is found."""
    rng = p.rng
    for _ in range(500):
        cand = (
            rng.choice(LAST) if rng.random() < 0.5 else f"{rng.choice(BASE_A)} {rng.choice(BASE_B)}"
        )
        if name_key(f"{cand} Group") not in p.used_names:
            p.used_names.add(name_key(f"{cand} Group"))
            return cand
    return None


def _group_members(p: Practice, base: str, size: int) -> list[Client]:
    rng = p.rng
    members: list[Client] = []
    kinds = rng.sample(GROUP_MEMBERS, k=len(GROUP_MEMBERS))
    for i in range(size):
        if i == 0 and base in LAST and rng.random() < 0.5:
            c = _group_individual(p, base)
        elif i == size - 1 and size > 2:
            trust = f"{base} {'Family' if base in LAST else 'Unit'} Trust"
            c = _group_org(p, base, "trust", trust)
        else:
            c = _group_org(p, base, "company", f"{base} {kinds[i]}")
        if c is None:
            continue
        c.group = f"{base} Group"
        members.append(c)
    return members


def _build_groups(p: Practice) -> None:
    n_group_clients = max(2, round(p.n * 0.07)) if p.n >= 20 else 0
    made = 0
    while made < n_group_clients:
        base = _group_base(p)
        if base is None:
            break
        size = min(p.rng.randint(2, 4), n_group_clients - made)
        if size < 2:
            break
        members = _group_members(p, base, size)
        if len(members) >= 2:
            p.groups.append(members)
        made += size


def _client_kind(r: float) -> str:
    if r < 0.52:
        return "individual"
    if r < 0.82:
        return "company"
    return "trust" if r < 0.93 else "partnership"


def build_clients(p: Practice) -> None:
    _build_groups(p)
    for _ in range(p.n - len(p.clients)):
        new_client(p, _client_kind(p.rng.random()))


# ---- templates and services ----------------------------------------------------------------
def build_templates(p: Practice) -> None:
    k = p.fixed()
    templates = {name: (cat, list(tasks)) for name, (cat, tasks) in TEMPLATES.items()}
    annual_templates.inject(templates, k)
    first = len(TITLE_LINES["xpm_job_templates"]) + 2
    rows_of: dict[str, list[int]] = {}
    for name in sorted(templates, key=str.casefold):
        cat, tasks = templates[name]
        for order, task in enumerate(tasks, 1):
            row = first + len(p.template_rows)
            rows_of.setdefault(name, []).append(row)
            rows_of.setdefault(f"{name}\x00{task}", []).append(row)
            p.template_rows.append([name, task, str(order), cat])
    annual_templates.label(p, rows_of, k)


def build_services(p: Practice) -> None:
    rows = [
        [s, cat, bill, freq, money(price), tpl]
        for s, cat, bill, freq, price, tpl in SERVICES.values()
    ]
    marks = library_mapping.inject(rows, p.fixed())
    rows.sort(key=lambda r: r[0].casefold())
    p.service_rows = rows
    library_mapping.label(p, rows, marks)
