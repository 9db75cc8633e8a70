from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from debate import permissions
from debate.accounts.services import creator_set
from debate.permissions import SYSTEM


class Command(BaseCommand):
    help = (
        'Give USERNAME the "Can create debates" permission (a teacher setting up debates), '
        "or take it back with --revoke. Running it twice changes nothing; each change is audited."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "--revoke", action="store_true", help="Take the permission back instead."
        )

    def handle(self, *args, **options):
        username = options["username"]
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user {username!r}.")
        allowed = not options["revoke"]
        changed = creator_set(actor=SYSTEM, user=user, allowed=allowed)
        if allowed:
            verb = "can now create debates" if changed else "could already create debates"
            self.stdout.write(f"{user.username} {verb}.")
        else:
            if changed:
                self.stdout.write(f"{user.username} no longer holds the permission.")
            else:
                self.stdout.write(f"{user.username} did not hold the permission.")
            if permissions.can_create_debate(user):
                self.stdout.write(
                    f"{user.username} can still create debates (as staff, or through a group)."
                )
