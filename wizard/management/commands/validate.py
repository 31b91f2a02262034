"""``manage.py validate``: the wizard's validators on files, without the web app or the database.

Contract: docs/findings.md. Exit 0 when nothing at or above ``--fail-on`` was found, 1 when
something was, 2 when an input could not be used (the reason on stderr, nothing else written).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser

from audits.kinds import KINDS
from audits.loading import LoadError
from audits.runs.checking import Checked, InputError, InputFile, check_files
from audits.runs.state_map import folded_state_map
from audits.validators.base import Severity
from audits.validators.identifier_checks import COUNTRIES
from audits.validators.job_states import parse_state_map_csv
from wizard.checklist import STEPS

USAGE_ERROR = 2
FAIL_LEVELS = {"error": (Severity.ERROR,), "warning": (Severity.ERROR, Severity.WARNING)}


class InputProblem(Exception):
    pass


class Command(BaseCommand):
    help = "Check export files with the same validators the wizard runs."
    requires_migrations_checks = False
    requires_system_checks: list = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", metavar="FILE")
        parser.add_argument(
            "--kind",
            action="append",
            default=[],
            metavar="FILE=KIND",
            help=f"Override the detected kind; kinds: {', '.join(KINDS)}.",
        )
        parser.add_argument("--items", default="", help="Checklist items to check, e.g. 3,5,13.")
        parser.add_argument(
            "--state-map",
            metavar="CSV",
            help="Two-column CSV (state name, type) for step 11's job states.",
        )
        parser.add_argument(
            "--country",
            choices=tuple(COUNTRIES),
            default="AU",
            help="The practice's country: tax and phone numbers are checked as its own.",
        )
        parser.add_argument("--format", choices=("text", "json"), default="text")
        parser.add_argument("--output", metavar="PATH")
        parser.add_argument("--fail-on", choices=("error", "warning", "never"), default="error")

    def handle(self, *args, **options) -> None:
        try:
            inputs = self._inputs(options["files"], options["kind"])
            items = _items(options["items"])
            state_map = _state_map(options["state_map"])
            checked = check_files(
                inputs, items=items, state_map=state_map, country=options["country"]
            )
        except LoadError as exc:
            self._refuse(str(getattr(exc, "message", "") or exc), _failed_name(exc, options))
        except (InputProblem, InputError) as exc:
            self._refuse(str(exc))

        document = _document(checked)
        text = (
            json.dumps(document, indent=2, ensure_ascii=False) + "\n"
            if options["format"] == "json"
            else _text(checked, document)
        )
        if options["output"]:
            Path(options["output"]).write_text(text, encoding="utf-8")
        else:
            self.stdout.write(text, ending="")

        levels = FAIL_LEVELS.get(options["fail_on"], ())
        if any(f.severity in levels for f in checked.result.findings):
            sys.exit(1)

    def _refuse(self, message: str, name: str = "") -> None:
        prefix = f"{name}: " if name and not message.startswith(name) else ""
        self.stderr.write(f"{prefix}{message}")
        sys.exit(USAGE_ERROR)

    def _inputs(self, files: list[str], kinds: list[str]) -> list[InputFile]:
        overrides: dict[str, str] = {}
        for pair in kinds:
            name, sep, kind = pair.rpartition("=")
            if not sep or not name:
                raise InputProblem(f"--kind takes FILE=KIND, not {pair!r}.")
            if kind not in KINDS:
                raise InputProblem(f"Unknown kind {kind!r}; kinds: {', '.join(KINDS)}.")
            if name not in files and not any(Path(f).name == name for f in files):
                raise InputProblem(f"--kind names {name!r}, which is not one of the files.")
            overrides[name] = kind
        inputs = []
        for path in files:
            try:
                data = Path(path).read_bytes()
            except OSError as exc:
                raise InputProblem(f"{path}: cannot be read ({exc.strerror or exc}).") from None
            kind = overrides.get(path) or overrides.get(Path(path).name)
            inputs.append(InputFile(name=path, data=data, kind=kind))
        return inputs


def _failed_name(exc, options) -> str:
    details = getattr(exc, "details", None) or {}
    return str(details.get("file", "")) if isinstance(details, dict) else ""


def _items(value: str) -> list[int] | None:
    if not value.strip():
        return None
    try:
        items = [int(part) for part in value.split(",") if part.strip()]
    except ValueError:
        raise InputProblem(
            f"--items takes checklist numbers such as 3,5,13, not {value!r}."
        ) from None
    if not items or any(not 1 <= i <= 15 for i in items):
        raise InputProblem("--items takes checklist numbers between 1 and 15.")
    return items


def _state_map(path: str | None) -> dict[str, str]:
    if not path:
        return folded_state_map({})
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise InputProblem(f"{path}: cannot be read ({exc.strerror or exc}).") from None
    try:
        confirmed = parse_state_map_csv(data)
    except ValueError as exc:
        raise InputProblem(f"{path}: {exc}") from None
    return folded_state_map(confirmed)


def _document(checked: Checked) -> dict:
    return {
        "version": 1,
        "files": [f.to_dict() for f in checked.files],
        "findings": [f.to_dict() for f in checked.result.findings],
        "summary": checked.result.summary(),
    }


def _text(checked: Checked, document: dict) -> str:
    titles = {s.number: s.title for s in STEPS}
    out = []
    for f in checked.files:
        out.append(f"Read {f.path} as {KINDS[f.kind].label} ({f.rows} rows).")
    by_item: dict[int, list] = {}
    for finding in checked.result.findings:
        by_item.setdefault(finding.item, []).append(finding)
    for item in sorted(by_item):
        out.append("")
        out.append(f"Step {item}: {titles.get(item, '')}")
        for f in sorted(by_item[item], key=lambda f: (f.severity.rank, f.sort_key)):
            where = f.file
            if f.rows:
                rows = ", ".join(map(str, f.rows[:10])) + (" …" if len(f.rows) > 10 else "")
                where += f" row{'s' if len(f.rows) > 1 else ''} {rows}"
            if f.column:
                where += f" [{f.column}]"
            out.append(f"  {f.severity.value.upper():7} {f.code} {where}".rstrip())
            out.append(f"          {f.message}")
            if f.hint:
                out.append(f"          Fix: {f.hint}")
            if f.suggestion:
                out.append(f"          Suggestion: {f.suggestion}")
    summary = document["summary"]
    out.append("")
    out.append(
        f"{summary['error']} error(s), {summary['warning']} warning(s), {summary['info']} info "
        f"in {len(checked.files)} file(s)."
    )
    return "\n".join(out) + "\n"
