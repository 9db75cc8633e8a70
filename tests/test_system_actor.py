"""The app acting on its own behalf is `permissions.SYSTEM`, a sentinel that no view can take
for a user; `None` is no actor at all and is refused everywhere, so a forgotten actor never
becomes a superuser."""

from __future__ import annotations

import copy
import pickle
from io import StringIO

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command

from debate import permissions
from debate.accounts.models import ApiToken
from debate.arguments.models import Claim
from debate.arguments.services import claim_create
from debate.audit.models import AuditEvent
from debate.debates.services import membership_set, phase_change, team_create
from debate.errors import NotAllowed
from debate.moderation.services import flag_create
from debate.snapshots.services import snapshot_take
from debate.sources.services import evidence_propose, source_create
from tests.factories import ClaimFactory, UserFactory
from tests.helpers import rows_of

pytestmark = pytest.mark.django_db

SYSTEM = permissions.SYSTEM


def test_the_system_is_nobody_to_views_and_audit_rows():
    assert not SYSTEM.is_authenticated and SYSTEM.is_anonymous
    assert SYSTEM.pk is None and not SYSTEM.is_superuser and not SYSTEM.is_staff
    assert permissions.is_system(SYSTEM)
    assert not permissions.is_system(AnonymousUser())


def test_the_system_stays_one_instance_when_copied_or_pickled():
    assert pickle.loads(pickle.dumps(SYSTEM)) is SYSTEM  # noqa: S301 - our own bytes
    assert copy.deepcopy(SYSTEM) is SYSTEM


PERMISSION_CHECKS = {
    "is_moderator": lambda d, c: permissions.is_moderator(None, d),
    "can_view_debate": lambda d, c: permissions.can_view_debate(None, d),
    "can_add_claim": lambda d, c: permissions.can_add_claim(None, d, position=c.position),
    "can_edit_claim": lambda d, c: permissions.can_edit_claim(None, d, c),
    "can_withdraw_claim": lambda d, c: permissions.can_withdraw_claim(None, d, c, answered=False),
    "can_vote": lambda d, c: permissions.can_vote(None, d, c),
    "can_moderate": lambda d, c: permissions.can_moderate(None, d),
    "can_manage": lambda d, c: permissions.can_manage(None, d),
    "can_change_phase": lambda d, c: permissions.can_change_phase(None, d),
    "can_propose_evidence": lambda d, c: permissions.can_propose_evidence(None, d),
    "can_flag": lambda d, c: permissions.can_flag(None, d),
    "can_create_debate": lambda d, c: permissions.can_create_debate(None),
    "can_view_audit": lambda d, c: permissions.can_view_audit(None, d),
    "can_answer_poll": lambda d, c: permissions.can_answer_poll(None, d, "after"),
    "membership_of": lambda d, c: permissions.membership_of(None, d),
}


@pytest.mark.parametrize("phase", ["setup", "rebuttal", "closed"])
@pytest.mark.parametrize("check", list(PERMISSION_CHECKS))
def test_a_none_actor_is_an_error_in_every_permission_function(debate, position_now, check,
                                                               phase):  # fmt: skip
    claim = ClaimFactory(debate=debate, position=position_now)
    debate.phase = phase
    with pytest.raises(TypeError, match="actor=None"):
        PERMISSION_CHECKS[check](debate, claim)


def test_a_service_called_with_none_writes_nothing(debate, position_now):
    before = rows_of()
    with pytest.raises(TypeError):
        claim_create(actor=None, debate=debate, position=position_now, text="Who?", stance="pro")
    with pytest.raises(TypeError):
        team_create(actor=None, debate=debate, name="Nobody's team")
    assert rows_of() == before


def test_the_system_may_set_up_and_is_recorded_without_an_actor(debate, position_now, source):
    team_create(actor=SYSTEM, debate=debate, name="Seeded team")
    claim = claim_create(actor=SYSTEM, debate=debate, position=position_now, text="Seeded.",
                         stance="pro")  # fmt: skip
    source_create(actor=SYSTEM, debate=debate, title="Seeded source", text="Some text.")
    evidence_propose(actor=SYSTEM, source=source, quote="signed nine bilateral")
    membership_set(actor=SYSTEM, debate=debate, user=UserFactory(), role="observer")
    snapshot_take(actor=SYSTEM, debate=debate)

    assert claim.author is None
    events = AuditEvent.objects.filter(debate=debate)
    assert events.count() == 6 and not events.exclude(actor=None).exists()


def test_the_system_neither_votes_nor_flags(debate, position_now):
    claim = ClaimFactory(debate=debate, position=position_now)
    assert not permissions.can_vote(SYSTEM, debate, claim)
    with pytest.raises(NotAllowed):
        flag_create(actor=SYSTEM, claim=claim, kind="off_topic")


def test_the_system_is_never_rate_limited(settings, debate, position_now):
    settings.RATE_LIMITS = {"claim": 1, "manage": 1}
    for n in range(3):
        claim_create(actor=SYSTEM, debate=debate, position=position_now, text=f"Seeded {n}.",
                     stance="pro")  # fmt: skip
        team_create(actor=SYSTEM, debate=debate, name=f"Seeded team {n}")
    assert Claim.objects.filter(debate=debate, author=None).count() == 3


def test_the_system_may_close_and_reopen(debate):
    phase_change(actor=SYSTEM, debate=debate, phase="closed")
    phase_change(actor=SYSTEM, debate=debate, phase="voting")
    debate.refresh_from_db()
    assert debate.phase == "voting"


def test_create_api_token_command_acts_as_the_system(debater_now):
    out = StringIO()
    call_command("create_api_token", debater_now.username, stdout=out)

    token = ApiToken.objects.get(user=debater_now)
    assert out.getvalue().strip().startswith(token.prefix)
    event = AuditEvent.objects.get(action="token.create")
    assert event.actor is None  # the command, not the user, made it
