import sys

import orjson
from django.core.management.base import BaseCommand, CommandError

from debate.debates.models import Debate
from debate.snapshots.services import live_document


class Command(BaseCommand):
    help = "Write the snapshot document of debate SLUG (with source texts) as JSON."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--output", "-o", help="A file to write; standard output if none.")

    def handle(self, *args, **options):
        debate = Debate.objects.filter(slug=options["slug"]).first()
        if debate is None:
            raise CommandError(f"No debate {options['slug']!r}.")
        document = live_document(debate, include_hidden=False, with_text=True)
        data = orjson.dumps(document, option=orjson.OPT_INDENT_2) + b"\n"
        if options["output"]:
            with open(options["output"], "wb") as handle:
                handle.write(data)
            self.stderr.write(f"Wrote {options['output']} ({document['content_hash']}).")
        else:
            sys.stdout.buffer.write(data)
