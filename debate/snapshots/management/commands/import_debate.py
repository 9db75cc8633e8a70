import orjson
from django.core.management.base import BaseCommand, CommandError

from debate.errors import ServiceError
from debate.permissions import SYSTEM
from debate.snapshots.importer import debate_import


class Command(BaseCommand):
    help = "Create a new debate from a snapshot document FILE (as export_debate writes)."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--slug", default="", help="The new debate's slug.")

    def handle(self, *args, **options):
        try:
            with open(options["file"], "rb") as handle:
                document = orjson.loads(handle.read())
        except (OSError, orjson.JSONDecodeError) as exc:
            raise CommandError(f"Cannot read {options['file']}: {exc}") from exc
        try:
            debate = debate_import(actor=SYSTEM, document=document, slug=options["slug"])
        except ServiceError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"Imported as '{debate.slug}'.")
