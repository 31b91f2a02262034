from django.core.management.base import BaseCommand, CommandError

from wizard.audit_chain import verify
from wizard.models import Organisation


class Command(BaseCommand):
    help = "Walk each organisation's audit-event hash chain and report the first broken event."

    def add_arguments(self, parser):
        parser.add_argument("--organisation", help="Only this organisation (slug).")

    def handle(self, *args, **options):
        organisations = Organisation.objects.order_by("slug")
        if options["organisation"]:
            organisations = organisations.filter(slug=options["organisation"])
            if not organisations.exists():
                raise CommandError(f"No organisation {options['organisation']!r}.")
        broken = False
        for organisation in organisations:
            checked, problem = verify(organisation)
            if problem:
                broken = True
                self.stderr.write(f"BROKEN {problem}")
            else:
                self.stdout.write(f"ok {organisation.slug}: {checked} events, chain intact")
        if broken:
            raise SystemExit(1)
