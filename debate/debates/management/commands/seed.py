from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from debate.debates.seeding import DEMO_PASSWORD, seed_demo_accounts, seed_file


class Command(BaseCommand):
    help = "Load the seeded debates from seeds/*.json (idempotent: a second run changes nothing)."

    def handle(self, *args, **options):
        files = sorted(settings.SEEDS_DIR.glob("*.json"))
        if not files:
            raise CommandError(f"No seed files in {settings.SEEDS_DIR}")
        for path in files:
            report = seed_file(path)
            made = ", ".join(f"{n} {kind}" for kind, n in report.created.items()) or "nothing new"
            self.stdout.write(f"{path.name}: debate '{report.debate.slug}': created {made}.")
            if settings.DEBUG:
                accounts = seed_demo_accounts(report.debate)
                self.stdout.write("Demo accounts (DEBUG only), password " + DEMO_PASSWORD + ":")
                for username, role in accounts:
                    self.stdout.write(f"  {username:<14} {role}")
