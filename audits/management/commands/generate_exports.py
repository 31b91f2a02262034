"""``manage.py generate_exports``: write a realistic, labelled set of practice exports."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from audits.testdata import PROBLEM_LEVELS, generate


class Command(BaseCommand):
    help = (
        "Write all ten export kinds for one synthetic practice (XPM, Ignition, Xero) plus "
        "labels.json listing every finding a correct validator must report."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--out", required=True, help="Directory to write the exports into.")
        parser.add_argument("--clients", type=int, default=1000, help="Number of clients.")
        parser.add_argument(
            "--seed", type=int, default=1, help="Random seed (same seed, same files)."
        )
        parser.add_argument(
            "--problems",
            choices=sorted(PROBLEM_LEVELS),
            default="default",
            help="How many problems to inject: none, default (a few %% of clients), heavy.",
        )

        parser.add_argument(
            "--noise",
            choices=("none", "realistic"),
            default="none",
            help="realistic: a quarter of the Xero contacts typed as people type (typos, "
            "swapped or missing names, merged words, blank account numbers), labelled C13.E001.",
        )

    def handle(self, *args, **options) -> None:
        if options["clients"] < 1:
            raise CommandError("--clients must be at least 1.")
        summary = generate(
            Path(options["out"]),
            clients=options["clients"],
            seed=options["seed"],
            problems=options["problems"],
            noise=options["noise"],
        )
        for kind, info in summary["files"].items():
            self.stdout.write(f"{info['file']:<28} {info['rows']:>9,} rows  ({kind})")
        total = sum(summary["labels"].values())
        codes = len(summary["labels"])
        self.stdout.write(f"labels.json: {total:,} expected findings over {codes} rule codes")
        self.stdout.write(
            self.style.SUCCESS(f"Wrote {summary['out_dir']} in {summary['seconds']} s")
        )
