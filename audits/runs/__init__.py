"""Validation runs: ``checking`` (files in, findings out; shared with ``manage.py validate``),
``queue`` (a run row and its worker message), ``execution`` (claim, heartbeat, store, recover)
and ``state_map`` (step 11's job-state types)."""
