"""A labelled synthetic client list for measuring near-duplicate detection (item 5).

``practice(n, seed)`` returns (frame, planted): a client table with the columns
``matching.probable_duplicates`` reads, and the set of planted probable-duplicate pairs (frame
index labels, smaller first). It carries the hard negatives a real practice has, which the
generator's practices (unique identifiers everywhere) do not:

- households: 2-4 people sharing a surname, street address and landline, sometimes one email,
  with first names drawn from one pool (so "Mark"/"Mary" and "Jon"/"Joan" happen);
- namesakes: a skewed name distribution, so common names repeat with their own identifiers;
- shared birthdays: 80% of individuals have a date of birth, drawn from 1940-2005;
- client groups: 2-4 entities on one base name ("Silver Creek Holdings Pty Ltd", "Silver Creek
  Family Trust") sharing email, phone and address;
- companies in one building: same street and postcode, different names.

Planted duplicates (~1% of clients) copy a client, keep 1-3 of its identifiers (never a differing
one) and respell the name as people do: an accent dropped, a spelling variant, "Last First", a
middle initial, a one-letter typo, a nickname (which no string measure should catch: counted as a
miss), joined words, a leading "The", an extra trade word.
"""

from __future__ import annotations

import random

import pandas as pd

FIRST = [
    "James",
    "John",
    "Robert",
    "Michael",
    "William",
    "David",
    "Richard",
    "Joseph",
    "Thomas",
    "Charles",
    "Christopher",
    "Daniel",
    "Matthew",
    "Anthony",
    "Mark",
    "Donald",
    "Steven",
    "Paul",
    "Andrew",
    "Joshua",
    "Kenneth",
    "Kevin",
    "Brian",
    "George",
    "Timothy",
    "Ronald",
    "Edward",
    "Jason",
    "Jeffrey",
    "Ryan",
    "Jacob",
    "Gary",
    "Nicholas",
    "Eric",
    "Jonathan",
    "Stephen",
    "Larry",
    "Justin",
    "Scott",
    "Brandon",
    "Benjamin",
    "Samuel",
    "Gregory",
    "Alexander",
    "Frank",
    "Patrick",
    "Raymond",
    "Jack",
    "Dennis",
    "Jerry",
    "Jon",
    "Liam",
    "Noah",
    "Oliver",
    "Lucas",
    "Ethan",
    "Mason",
    "Logan",
    "Aiden",
    "Jake",
    "Wei",
    "Hiroshi",
    "Arjun",
    "Rahul",
    "Mohammed",
    "Mary",
    "Patricia",
    "Jennifer",
    "Linda",
    "Elizabeth",
    "Barbara",
    "Susan",
    "Jessica",
    "Sarah",
    "Karen",
    "Nancy",
    "Lisa",
    "Betty",
    "Margaret",
    "Sandra",
    "Ashley",
    "Kimberly",
    "Emily",
    "Donna",
    "Michelle",
    "Carol",
    "Amanda",
    "Dorothy",
    "Melissa",
    "Deborah",
    "Stephanie",
    "Rebecca",
    "Sharon",
    "Laura",
    "Cynthia",
    "Kathleen",
    "Amy",
    "Angela",
    "Shirley",
    "Anna",
    "Brenda",
    "Pamela",
    "Emma",
    "Nicole",
    "Helen",
    "Samantha",
    "Katherine",
    "Catherine",
    "Christine",
    "Debra",
    "Rachel",
    "Carolyn",
    "Janet",
    "Joan",
    "Jane",
    "Zoë",
    "Chloé",
    "Renée",
    "José",
    "Ana",
    "Mei",
    "Priya",
    "Aisha",
    "Fatima",
    "Olivia",
    "Ava",
    "Isla",
    "Mia",
    "Grace",
    "Ruby",
    "Daniela",
]
LAST = [
    "Smith",
    "Jones",
    "Williams",
    "Brown",
    "Wilson",
    "Taylor",
    "Johnson",
    "White",
    "Martin",
    "Anderson",
    "Thompson",
    "Nguyen",
    "Thomas",
    "Walker",
    "Harris",
    "Lee",
    "Ryan",
    "Robinson",
    "Kelly",
    "King",
    "Davis",
    "Wright",
    "Evans",
    "Roberts",
    "Green",
    "Hall",
    "Wood",
    "Jackson",
    "Clarke",
    "Patel",
    "Khan",
    "Lewis",
    "James",
    "Phillips",
    "Mitchell",
    "Turner",
    "Campbell",
    "Edwards",
    "Cook",
    "Morris",
    "Ward",
    "Murphy",
    "Bennett",
    "Cooper",
    "Bailey",
    "Young",
    "Allen",
    "Scott",
    "Stewart",
    "Baker",
    "Hughes",
    "Morgan",
    "Price",
    "Reid",
    "Carter",
    "Hill",
    "Murray",
    "Graham",
    "Collins",
    "Russell",
    "Watson",
    "Gray",
    "Ross",
    "Fraser",
    "Hamilton",
    "Kennedy",
    "Henderson",
    "Ferguson",
    "McDonald",
    "O'Brien",
    "O'Connor",
    "MacKenzie",
    "Sullivan",
    "Chen",
    "Wang",
    "Li",
    "Zhang",
    "Liu",
    "Tran",
    "Le",
    "Pham",
    "Singh",
    "Kaur",
    "Sharma",
    "Gupta",
    "Ahmed",
    "Ali",
    "Hussain",
    "Müller",
    "Schröder",
    "García",
    "López",
    "Sørensen",
    "Rossi",
    "Russo",
    "Costa",
    "Silva",
    "Santos",
    "Kowalski",
    "Novak",
    "Horvat",
    "Papadopoulos",
    "Jensen",
    "Larsen",
    "Hansen",
]
VARIANT = {
    "Sarah": "Sara",
    "Catherine": "Katherine",
    "Katherine": "Catherine",
    "Stephen": "Steven",
    "Steven": "Stephen",
    "Rebecca": "Rebekah",
    "Jon": "John",
    "Thompson": "Thomson",
    "Clarke": "Clark",
    "Smith": "Smyth",
    "Reid": "Reed",
    "McDonald": "MacDonald",
    "MacKenzie": "McKenzie",
    "Müller": "Mueller",
    "Schröder": "Schroeder",
    "Philips": "Phillips",
    "Matthew": "Mathew",
    "Gray": "Grey",
}
NICKNAME = {"Robert": "Bob", "William": "Bill", "Elizabeth": "Liz", "Margaret": "Peggy"}
BASE = [
    "Silver",
    "Golden",
    "Blue",
    "Red",
    "Green",
    "Northern",
    "Southern",
    "Coastal",
    "Harbour",
    "River",
    "Ocean",
    "Summit",
    "Valley",
    "Cedar",
    "Oak",
    "Maple",
    "Willow",
    "Eagle",
    "Falcon",
    "Phoenix",
    "Atlas",
    "Apex",
    "Vertex",
    "Pioneer",
    "Heritage",
    "Liberty",
    "Crystal",
    "Diamond",
    "Emerald",
    "Sapphire",
    "Bright",
    "Swift",
    "Bold",
    "Clear",
    "True",
    "Prime",
    "Noble",
    "Royal",
    "Grand",
]
BASE2 = [
    "Creek",
    "Ridge",
    "Point",
    "Bay",
    "Hill",
    "Stone",
    "Gate",
    "Field",
    "Brook",
    "Wood",
    "Lake",
    "Peak",
    "Star",
    "Bridge",
    "Rock",
    "Tree",
]
TRADE = [
    "Plumbing",
    "Electrical",
    "Building",
    "Marketing",
    "Consulting",
    "Logistics",
    "Freight",
    "Foods",
    "Bakery",
    "Dental",
    "Medical",
    "Legal",
    "Design",
    "Media",
    "Engineering",
    "Cleaning",
    "Landscaping",
    "Roofing",
    "Motors",
    "Travel",
]
SUFFIX = ("Pty Ltd", "Pty Ltd", "Ltd", "Limited")
STREETS = [
    "High",
    "Church",
    "Station",
    "Park",
    "Victoria",
    "George",
    "King",
    "Queen",
    "Elizabeth",
    "Mill",
    "Bridge",
    "Forest",
    "Beach",
    "Ocean",
    "Hill",
    "Railway",
    "Albert",
    "Market",
    "Main",
    "Union",
    "Rose",
    "Garden",
]
STREET_TYPES = ("St", "Street", "Rd", "Road", "Ave", "Lane", "Parade")


def _skewed(rng: random.Random, pool: list[str]) -> str:
    """Zipf-like: the first names of a pool are far more common (namesakes happen)."""
    if rng.random() < 0.3:
        return pool[min(int(rng.paretovariate(1.5)) - 1, len(pool) - 1)]
    return pool[rng.randrange(len(pool))]


def _fold(text: str) -> str:
    import unicodedata

    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


class _Maker:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.rows: list[dict[str, str]] = []
        self.serial = 0
        self.postcodes = [str(2000 + i * 7) for i in range(400)]

    def next(self) -> int:
        self.serial += 1
        return self.serial

    def address(self) -> tuple[str, str]:
        rng = self.rng
        street = f"{rng.randint(1, 400)} {rng.choice(STREETS)} {rng.choice(STREET_TYPES)}"
        return street, rng.choice(self.postcodes)

    def phone(self) -> str:
        return f"04{self.next():08d}"[:10]

    def tax(self) -> str:
        return f"{100_000_000 + self.next() * 7919 % 899_999_999}"

    def dob(self) -> str:
        rng = self.rng
        return f"{rng.randint(1940, 2005)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"

    def person(self, first: str, last: str, **shared: str) -> dict[str, str]:
        rng = self.rng
        street, postcode = self.address()
        n = self.next()
        row = {
            "name": f"{first} {last}",
            "email": f"{_fold(first).lower()}.{_fold(last).lower()}{n}@mail.example"
            if rng.random() < 0.7
            else "",
            "phone": self.phone() if rng.random() < 0.85 else "",
            "tax_number": self.tax() if rng.random() < 0.6 else "",
            "date_of_birth": self.dob() if rng.random() < 0.8 else "",
            "address": street if rng.random() < 0.9 else "",
            "postcode": postcode,
        }
        row.update(shared)
        return row

    def household(self) -> None:
        rng = self.rng
        last = _skewed(rng, LAST)
        street, postcode = self.address()
        shared = {"address": street, "postcode": postcode, "phone": f"02{self.next():08d}"}
        if rng.random() < 0.3:
            shared["email"] = f"{_fold(last).lower()}.family{self.next()}@mail.example"
        firsts = {_skewed(rng, FIRST) for _ in range(rng.randint(2, 4))}
        for first in sorted(firsts):
            self.rows.append(self.person(first, last, **shared))

    def organisation(self, base: str | None = None, **shared: str) -> dict[str, str]:
        rng = self.rng
        base = base or f"{rng.choice(BASE)} {rng.choice(BASE2)}"
        street, postcode = self.address()
        n = self.next()
        row = {
            "name": f"{base} {rng.choice(TRADE)} {rng.choice(SUFFIX)}",
            "email": f"accounts{n}@{_fold(base).lower().replace(' ', '')}.example",
            "phone": f"02{n:08d}",
            "tax_number": self.tax() if rng.random() < 0.8 else "",
            "date_of_birth": "",
            "address": street,
            "postcode": postcode,
        }
        row.update(shared)
        return row

    def group(self) -> None:
        rng = self.rng
        base = f"{rng.choice(BASE)} {rng.choice(BASE2)}"
        lead = self.organisation(base)
        shared = {k: lead[k] for k in ("email", "phone", "address", "postcode")}
        names = [
            f"{base} Holdings Pty Ltd",
            f"{base} Family Trust",
            f"{base} Super Fund",
            f"{base} Investments Pty Ltd",
        ]
        for name in names[: rng.randint(2, 4)]:
            self.rows.append({**lead, **shared, "name": name, "tax_number": self.tax()})

    def building(self) -> None:
        """Tenants of one building; half the time they share the first word of their name
        ("Harbour Foods", "Harbour Freight")."""
        rng = self.rng
        street, postcode = self.address()
        word = rng.choice(BASE) if rng.random() < 0.5 else None
        for _ in range(rng.randint(2, 5)):
            base = f"{word or rng.choice(BASE)} {rng.choice(BASE2)}"
            self.rows.append(self.organisation(base, address=street, postcode=postcode))


def _respell(rng: random.Random, row: dict[str, str], person: bool) -> str | None:
    name = row["name"]
    words = name.split()
    if person:
        first, last = words[0], words[-1]
        options = []
        if _fold(name) != name:
            options.append(_fold(name))
        if first in VARIANT:
            options.append(f"{VARIANT[first]} {last}")
        if last in VARIANT:
            options.append(f"{first} {VARIANT[last]}")
        if first in NICKNAME:
            options.append(f"{NICKNAME[first]} {last}")
        options.append(f"{last} {first}")
        options.append(f"{first} {rng.choice('ABCDEFGHJKLMNPRSTW')} {last}")
        if len(last) >= 5:
            i = rng.randrange(1, len(last) - 1)
            options.append(f"{first} {last[:i]}{last[i + 1]}{last[i]}{last[i + 2 :]}")
        return rng.choice(options)
    base, rest = " ".join(words[:2]), " ".join(words[2:])
    options = [
        f"{words[0]}{words[1].lower()} {rest}",
        f"The {name}",
        f"{base} {words[2]} Services {' '.join(words[3:])}",
    ]
    if len(words[0]) >= 5:
        w = words[0]
        options.append(f"{w[:2]}{w[3]}{w[2]}{w[4:]} {' '.join(words[1:])}")
    return rng.choice(options)


def practice(n: int, seed: int = 1) -> tuple[pd.DataFrame, set[tuple[int, int]]]:
    """About ``n`` clients with ~1% planted probable duplicates; see the module docstring."""
    maker = _Maker(seed)
    rng = maker.rng
    while len(maker.rows) < n:
        roll = rng.random()
        if roll < 0.55:
            maker.rows.append(maker.person(_skewed(rng, FIRST), _skewed(rng, LAST)))
        elif roll < 0.65:
            maker.household()
        elif roll < 0.90:
            maker.rows.append(maker.organisation())
        elif roll < 0.95:
            maker.group()
        else:
            maker.building()
    rows = maker.rows[:n]
    planted: list[tuple[int, dict[str, str]]] = []
    for original in rng.sample(range(len(rows)), max(1, n // 100)):
        row = rows[original]
        person = not row["name"].endswith(("Ltd", "Limited", "Trust", "Fund"))
        name = _respell(rng, row, person)
        keep = [f for f in ("email", "phone", "tax_number", "date_of_birth") if row[f]]
        if row["address"]:
            keep.append("address")
        if not keep or name is None or name == row["name"]:
            continue
        kept = set(rng.sample(keep, rng.randint(1, min(3, len(keep)))))
        copy = {f: (row[f] if f in kept else "") for f in row}
        if "address" in kept:
            copy["postcode"] = row["postcode"]
        copy["name"] = name
        planted.append((original, copy))
    order = list(range(len(rows)))
    for _original, copy in planted:
        rows.append(copy)
    frame = pd.DataFrame(rows, columns=list(rows[0]))
    pairs = {(original, len(order) + k) for k, (original, _copy) in enumerate(planted)}
    return frame, pairs


def pair_scores(clusters: list[list[int]], planted: set[tuple[int, int]]) -> tuple[float, float]:
    """(precision, recall) over pairs: every pair inside a reported cluster is a claim."""
    claimed = {(a, b) for c in clusters for i, a in enumerate(c) for b in c[i + 1 :]}
    hits = len(claimed & planted)
    precision = hits / len(claimed) if claimed else 1.0
    recall = hits / len(planted) if planted else 1.0
    return precision, recall
