"""Demo exports for `make run`: a small generated practice, uploaded through the real path."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from audits.models import Upload
from audits.testdata import generate
from audits.uploads import receive_upload
from wizard.checklist import STEPS

DEMO_CLIENTS = 250
DEMO_SEED = 7


def load_demo_exports(practice, actor=None) -> list[Upload]:
    """Upload every export kind of a generated practice (with the usual problems) once."""
    onboarding = practice.current_onboarding()
    if Upload.objects.filter(onboarding=onboarding).exists():
        return []
    first_step = {}
    for step in STEPS:
        for kind in step.all_exports:
            first_step.setdefault(kind, step.key)
    uploads = []
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        generate(out, clients=DEMO_CLIENTS, seed=DEMO_SEED, problems="default")
        files = json.loads((out / "labels.json").read_text(encoding="utf-8"))["files"]
        for kind, name in files.items():
            uploads.append(
                receive_upload(
                    practice=practice,
                    onboarding=onboarding,
                    step_key=first_step.get(kind, ""),
                    name=name,
                    data=(out / name).read_bytes(),
                    actor=actor,
                    kind=kind,  # the generator names each file's kind; no one is there to map columns
                )
            )
    return uploads
