"""factory_boy factories for every model the tests build.

Factories write rows directly: they set up the world a test starts from. Behaviour under test
always goes through the services.
"""

from __future__ import annotations

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from debate.arguments.models import Citation, Claim, Relation, Stance, Vote
from debate.audit.services import debate_version_bump
from debate.debates.models import Debate, Membership, Phase, Position, Role, Team
from debate.people.services import pseudonyms_assign
from debate.sources.models import Evidence, EvidenceStatus, Source
from debate.sources.text import paragraph_of, paragraph_starts, text_sha256

TEST_PASSWORD = "correct-horse-battery-staple"

DEFAULT_SOURCE_TEXT = (
    "Bilateral agreements are of limited value in their scope, duration, and enforcement.\n"
    "\n"
    "Nine such agreements have been signed out of almost thirty planned by allied states.\n"
    "\n"
    "Accession talks should begin now, with a target date for membership.\n"
)


class InDebateFactory(factory.django.DjangoModelFactory):
    """Rows written straight into a debate still move its version, as every write through
    the services does (audit_record): otherwise a map cached before them would stay served."""

    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        obj = super()._create(model_class, *args, **kwargs)
        debate_id = getattr(obj, "debate_id", None) or getattr(
            getattr(obj, "claim", None), "debate_id", None
        )
        if debate_id is not None:
            debate_version_bump(debate_id)
        return obj


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    password = factory.django.Password(TEST_PASSWORD)


class DebateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Debate

    slug = factory.Sequence(lambda n: f"debate-{n}")
    title = factory.Sequence(lambda n: f"Debate {n}")
    motion = "Should Ukraine's NATO accession proceed now, or only after a settlement?"
    phase = Phase.REBUTTAL
    # New debates take no observers unless set up to; the tests' debates do.
    allow_observers = True


class PositionFactory(InDebateFactory):
    class Meta:
        model = Position

    debate = factory.SubFactory(DebateFactory)
    key = factory.Sequence(lambda n: f"position-{n}")
    title = factory.Sequence(lambda n: f"Position {n}")
    order = factory.Sequence(lambda n: n)


class TeamFactory(InDebateFactory):
    class Meta:
        model = Team

    debate = factory.SubFactory(DebateFactory)
    name = factory.Sequence(lambda n: f"Team {n}")
    position = factory.SubFactory(PositionFactory, debate=factory.SelfAttribute("..debate"))


class MembershipFactory(InDebateFactory):
    """A role in a debate; debaters get a team of that debate unless one is given."""

    class Meta:
        model = Membership
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    debate = factory.SubFactory(DebateFactory)
    role = Role.DEBATER
    team = factory.Maybe(
        factory.LazyAttribute(lambda o: o.role == Role.DEBATER),
        yes_declaration=factory.SubFactory(TeamFactory, debate=factory.SelfAttribute("..debate")),
        no_declaration=None,
    )

    @factory.post_generation
    def pseudonym(obj, create, extracted, **kwargs):  # noqa: N805 (factory_boy's signature)
        """As every joining write does (people.services.pseudonyms_assign)."""
        if create:
            pseudonyms_assign(obj.debate, [obj.user_id])


class SourceFactory(InDebateFactory):
    class Meta:
        model = Source

    debate = factory.SubFactory(DebateFactory)
    title = factory.Sequence(lambda n: f"Source {n}")
    publication = "Eurasia Daily Monitor"
    text = DEFAULT_SOURCE_TEXT
    text_sha256 = factory.LazyAttribute(lambda o: text_sha256(o.text))


class EvidenceFactory(InDebateFactory):
    """Approved evidence whose quote is always text[start:end] of its source.

    Pass `start` and `end` to pick the span; by default a short span at a sequence offset.
    """

    class Meta:
        model = Evidence

    source = factory.SubFactory(SourceFactory)
    debate = factory.SelfAttribute("source.debate")
    start = factory.LazyAttributeSequence(lambda o, n: n % max(1, len(o.source.text) - 20))
    end = factory.LazyAttribute(lambda o: min(len(o.source.text), o.start + 20))
    quote = factory.LazyAttribute(lambda o: o.source.text[o.start : o.end])
    paragraph = factory.LazyAttribute(
        lambda o: paragraph_of(paragraph_starts(o.source.text), o.start)
    )
    status = EvidenceStatus.APPROVED
    reviewed_at = factory.LazyFunction(timezone.now)


class ClaimFactory(InDebateFactory):
    """A claim under a position, or under `parent` (then in the parent's debate and position)."""

    class Meta:
        model = Claim

    parent = None
    debate = factory.Maybe(
        "parent",
        yes_declaration=factory.SelfAttribute("parent.debate"),
        no_declaration=factory.SubFactory(DebateFactory),
    )
    position = factory.Maybe(
        "parent",
        yes_declaration=factory.SelfAttribute("parent.position"),
        no_declaration=factory.SubFactory(
            PositionFactory, debate=factory.SelfAttribute("..debate")
        ),
    )
    stance = Stance.PRO
    text = factory.Sequence(lambda n: f"Claim number {n} says something arguable.")
    author = None
    team = None


class CitationFactory(InDebateFactory):
    class Meta:
        model = Citation

    claim = factory.SubFactory(ClaimFactory)
    evidence = factory.SubFactory(
        EvidenceFactory, source__debate=factory.SelfAttribute("...claim.debate")
    )
    relation = Relation.SUPPORTS


class VoteFactory(InDebateFactory):
    class Meta:
        model = Vote

    user = factory.SubFactory(UserFactory)
    claim = factory.SubFactory(ClaimFactory)
    value = 3
