"""Every rule, in checklist order, as one explicit tuple. The registry refuses a code twice."""

from __future__ import annotations

from audits.validators import (
    adhoc_jobs,
    annual_jobs,
    annual_templates,
    clean_data,
    client_names,
    identifier_checks,
    internal_names,
    job_states,
    library_mapping,
    name_parity,
    no_subscriptions,
    proposal_billing,
    team_linked,
)
from audits.validators.base import Registry

REGISTRY = Registry(
    (
        *client_names.RULES,  # 3
        *team_linked.RULES,  # 4
        *clean_data.RULES,  # 5
        *identifier_checks.RULES,  # 5: C05.W006
        *annual_templates.RULES,  # 7
        *library_mapping.RULES,  # 8
        *proposal_billing.RULES,  # 9
        *annual_jobs.RULES,  # 10
        *job_states.RULES,  # 11
        *internal_names.RULES,  # 12
        *name_parity.RULES,  # 13
        *adhoc_jobs.RULES,  # 14
        *no_subscriptions.RULES,  # 15
    )
)
