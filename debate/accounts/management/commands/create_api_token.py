from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from debate.accounts.services import token_create
from debate.permissions import SYSTEM


class Command(BaseCommand):
    help = "Create a personal API token for USERNAME and print it (it is shown only once)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--read-only", action="store_true", help="The token cannot write.")
        parser.add_argument("--name", default="command line")

    def handle(self, *args, **options):
        user = get_user_model().objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"No user {options['username']!r}.")
        token, raw = token_create(
            actor=SYSTEM, user=user, name=options["name"], read_only=options["read_only"]
        )
        self.stdout.write(raw)
