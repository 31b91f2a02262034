"""Problem injectors, one module per checklist step (mirroring ``audits.validators``).

Each module injects its step's problems into the clean practice and labels them. Client-level rules
inject ``max(1, round(clients * 0.0015 * m))`` cases (m = 1 default, 4 heavy); staff rules
``max(1, round(staff * 0.01 * m))``; template/library rules 1 case (default) or 3 (heavy). Victims
are distinct non-group clients (group members only for C10.W003), taken in turn from one shuffled
pool, so the order of ``CLIENT_INJECTORS`` is part of the output.

Some problems are only made when the activity (jobs, proposals, invoices) or the final tables are
built: those injectors mark their victims here (``c.mods``) and provide hooks that ``activity`` and
``tables`` call.
"""

from __future__ import annotations

from collections.abc import Callable

from audits.testdata.injectors import (
    adhoc_jobs,
    annual_jobs,
    clean_data,
    client_names,
    internal_names,
    job_states,
    name_parity,
    no_subscriptions,
    proposal_billing,
)
from audits.testdata.practice import Practice

# (practice, number of cases) -> None, run in this order (it decides who is picked and what is drawn).
CLIENT_INJECTORS: tuple[Callable[[Practice, int], None], ...] = (
    annual_jobs.mark,  # C10.E001, C10.W002
    job_states.mark,  # C11.E001, C11.E002
    proposal_billing.mark,  # C09.E001, C09.E002, C09.E003, C09.W004
    adhoc_jobs.mark,  # C14.W001
    no_subscriptions.mark,  # C15.E001, C15.W002
    client_names.inject,  # C03.*
    internal_names.inject,  # C12.*
    name_parity.inject_variants,  # C13.E001, C13.E005, C13.W004
    clean_data.inject,  # C05.*
    annual_jobs.inject_group_member_without_job,  # C10.W003
    name_parity.inject_missing,  # C13.W002, C13.W003: last, isolated from every other name
)


def inject_clients(p: Practice) -> None:
    n = p.count()
    p.pool = [c for c in p.clients if not c.group]
    p.rng.shuffle(p.pool)
    for inject in CLIENT_INJECTORS:
        inject(p, n)
