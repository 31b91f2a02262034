"""Step 4 (team linked): XPM staff and the Ignition team.

C04.E001 a manager who manages clients and jobs is left out of ignition_team. xpm_staff row; value =
         staff name.
C04.E002 a partner's/manager's team member has a blank Linked XPM User. ignition_team row; value =
         member name. (Labelled where the team table is written: ``tables.build_team``.)
C04.W003 an extra XPM staff member (graduate/admin) who manages nothing, not in Ignition. xpm_staff
         row; value = name.

Staff rules inject ``max(1, round(staff * 0.01 * m))`` cases (m = 1 default, 4 heavy).
"""

from __future__ import annotations

from audits.testdata.names import ascii_letters, name_key
from audits.testdata.practice import STAFF_RATE, Practice
from audits.testdata.records import Rec
from audits.testdata.vocabulary import FIRST_F, FIRST_M, LAST

NEW_POSITIONS = ["Graduate Accountant", "Administration Assistant"]


def _new_staff_member(p: Practice, position: str) -> Rec:
    for _ in range(1000):
        first = p.rng.choice(FIRST_M + FIRST_F)
        last = p.rng.choice(LAST)
        name = f"{first} {last}"
        if all(name_key(name) != name_key(s.values[0]) for s in p.staff):
            break
    email = f"{ascii_letters(first).lower()}.{ascii_letters(last).lower()}@{p.domain}"
    return Rec([name, email, position, "Standard"])


def inject(p: Practice) -> None:
    if not p.m:
        return
    k = max(1, round(len(p.staff) * STAFF_RATE * p.m))
    used_managers = {c.job_manager for c in p.clients}
    candidates = [s for s in p.managers if s.values[0] in used_managers]
    p.rng.shuffle(candidates)
    k_e001 = min(k, max(1, len(candidates) - 1))
    p.not_in_team = candidates[:k_e001]
    for s in p.not_in_team:
        p.label("C04.E001", "xpm_staff", [s], s.values[0])
    rest = [s for s in p.partners + p.managers if s not in p.not_in_team]
    p.rng.shuffle(rest)
    p.unlinked = rest[:k]
    for i in range(k):
        rec = _new_staff_member(p, NEW_POSITIONS[i % 2])
        p.staff.append(rec)
        p.new_staff.append(rec)
        p.label("C04.W003", "xpm_staff", [rec], rec.values[0])
