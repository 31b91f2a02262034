from django.core.management.base import BaseCommand, CommandError

from wizard.audit_chain import read_checkpoints, verify
from wizard.models import Organisation


class Command(BaseCommand):
    help = (
        "Walk each organisation's keyed audit-event chain, hold it against the chain-head "
        "checkpoints kept outside the database, and report the first broken event."
    )

    def add_arguments(self, parser):
        parser.add_argument("--organisation", help="Only this organisation (slug).")

    def handle(self, *args, **options):
        organisations = Organisation.objects.order_by("slug")
        if options["organisation"]:
            organisations = organisations.filter(slug=options["organisation"])
            if not organisations.exists():
                raise CommandError(f"No organisation {options['organisation']!r}.")
        checkpoints = read_checkpoints()
        broken = False
        for organisation in organisations:
            result = verify(organisation, checkpoints)
            if result.problem:
                broken = True
                self.stderr.write(f"BROKEN {result.problem}")
                continue
            point = result.checkpoint
            anchored = (
                f"reaches its checkpoint #{point.sequence} of {point.at}"
                if point
                else "no checkpoint yet (the end of the chain is not anchored)"
            )
            self.stdout.write(
                f"ok {organisation.slug}: {result.checked} events, chain intact, {anchored}"
            )
        if broken:
            raise SystemExit(1)
