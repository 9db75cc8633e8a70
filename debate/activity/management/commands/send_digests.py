"""`manage.py send_digests`: the moderators' daily email digests (run it from cron)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from debate.activity.services import digests_send, site_url


class Command(BaseCommand):
    help = (
        "Email each moderator who asked for a debate's digest what waits for review there "
        "and their unread notices, at most once a day. Safe to run as often as you like."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--site-url",
            default=None,
            help="Where links in the emails point, e.g. https://debates.example.org "
            "(default: settings.SITE_URL, else the SITE_URL environment variable, "
            "else http://localhost:8000).",
        )

    def handle(self, *args, **options) -> None:
        base = options.get("site_url")
        sent = digests_send(base_url=base)
        self.stdout.write(
            f"{sent} digest{'s' if sent != 1 else ''} sent (links to {site_url(base)})."
        )
