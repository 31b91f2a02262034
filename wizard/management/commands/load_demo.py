from django.core.management.base import BaseCommand

from wizard.demo import DEMO_PASSWORD, DEMO_USERS, load_demo, load_demo_exports


class Command(BaseCommand):
    help = "Create the demo onboarding team, practice and users (safe to run again)."

    def add_arguments(self, parser):
        parser.add_argument("--url", default="http://127.0.0.1:8000/", help="Where the app runs.")
        parser.add_argument(
            "--no-exports", action="store_true", help="Skip uploading the demo practice's exports."
        )

    def handle(self, *args, **options):
        organisation, practice = load_demo()
        if not options["no_exports"]:
            uploaded = load_demo_exports(practice)
            if uploaded:
                self.stdout.write(
                    f"Uploaded {len(uploaded)} demo exports; the worker reads and checks them when it starts."
                )
        self.stdout.write(self.style.SUCCESS(f"Demo ready: {organisation} → {practice}"))
        self.stdout.write(
            f"\n  Log in at {options['url']}accounts/login/  (password: {DEMO_PASSWORD})"
        )
        for user in DEMO_USERS:
            self.stdout.write(f"    {user.role.label:<22} {user.username}")
        self.stdout.write("")
