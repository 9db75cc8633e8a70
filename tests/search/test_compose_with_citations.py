"""Writing a claim with its evidence in one step: the service (one transaction, the rules of
citing later), the compose form with its evidence list, the list's search, the similar-claim
hints, and the source reader's "new claim from this quote"."""

from __future__ import annotations

import pytest
from django.urls import reverse

from debate.arguments import services
from debate.arguments.models import Citation, Claim, Relation
from debate.audit.models import AuditEvent
from debate.debates.models import Debate, Phase
from debate.errors import InvalidInput, NotAllowed
from debate.sources.models import EvidenceStatus
from tests.factories import ClaimFactory, DebateFactory, EvidenceFactory, SourceFactory
from tests.helpers import client_as

HX = {"HTTP_HX_REQUEST": "true"}
TEXT = "Bilateral deals are a bridge that needs a far bank."
pytestmark = pytest.mark.django_db


@pytest.fixture
def world(world):
    text = world.source.text
    at = text.index("a temporary recourse")
    world.approved = EvidenceFactory(source=world.source, start=at, end=at + 20)
    at = text.index("Critics want")
    world.second = EvidenceFactory(source=world.source, start=at, end=at + 34)
    world.proposed = EvidenceFactory(
        source=world.source, start=0, end=8, status=EvidenceStatus.PROPOSED
    )
    world.hidden = EvidenceFactory(source=world.source, start=10, end=30, is_hidden=True)
    other = DebateFactory()
    world.foreign = EvidenceFactory(source=SourceFactory(debate=other), start=0, end=10)
    return world


def create(world, citations, actor=None):
    return services.claim_create_with_citations(
        actor=actor or world.debater_now, debate=world.debate, position=world.position_now,
        text=TEXT, stance="pro", citations=citations,
    )  # fmt: skip


# --- the service ---------------------------------------------------------------------------


def test_a_claim_is_created_with_its_citations(world):
    claim = create(world, [(world.approved, Relation.SUPPORTS), (world.second, "concedes")])
    assert sorted(claim.citations.values_list("evidence_id", "relation")) == sorted(
        [(world.approved.pk, "supports"), (world.second.pk, "concedes")]
    )
    actions = list(AuditEvent.objects.filter(debate=world.debate).values_list("action", flat=True))
    assert actions.count("claim.create") == 1 and actions.count("citation.add") == 2


@pytest.mark.parametrize("which, words", [
    ("proposed", "Only approved evidence"),
    ("hidden", "Only approved evidence"),
    ("foreign", "belongs to another debate"),
])  # fmt: skip
def test_evidence_that_cannot_be_cited_is_refused_and_nothing_is_created(world, which, words):
    before = (Claim.objects.count(), Citation.objects.count(), AuditEvent.objects.count())
    with pytest.raises(InvalidInput, match=words):
        create(world, [(world.approved, "supports"), (getattr(world, which), "supports")])
    assert (Claim.objects.count(), Citation.objects.count(), AuditEvent.objects.count()) == before


def test_a_bad_relation_is_refused(world):
    with pytest.raises(InvalidInput, match="supports or concedes"):
        create(world, [(world.approved, "agrees")])
    assert not Claim.objects.filter(text=TEXT).exists()


def test_a_failing_citation_rolls_the_claim_back(world, monkeypatch):
    """If a citation fails after the claim was written, the claim goes too (one transaction)."""

    def refuse(**kwargs):
        raise NotAllowed("You cannot cite evidence on this claim.")

    monkeypatch.setattr(services, "citation_add", refuse)
    with pytest.raises(NotAllowed):
        create(world, [(world.approved, "supports")])
    assert not Claim.objects.filter(text=TEXT).exists()


def test_an_observer_can_neither_write_nor_cite(world):
    with pytest.raises(NotAllowed):
        create(world, [(world.approved, "supports")], actor=world.observer)
    assert Citation.objects.count() == 0


# --- the compose form ----------------------------------------------------------------------


def compose_url(world, query: str = "") -> str:
    return reverse("compose", args=[world.debate.slug]) + query


def post(world, client=None, **fields):
    data = {"position": world.position_now.pk, "text": TEXT, "stance": "pro", **fields}
    return (client or client_as(world.debater_now)).post(compose_url(world), data, **HX)


def test_the_form_lists_only_citable_evidence_as_boxes(world):
    page = (
        client_as(world.debater_now)
        .get(compose_url(world, f"?position={world.position_now.pk}"))
        .content.decode()
    )
    assert f'name="supports" value="{world.approved.pk}"' in page
    assert f'name="concedes" value="{world.second.pk}"' in page
    for pk in (world.proposed.pk, world.hidden.pk, world.foreign.pk):
        assert f'value="{pk}"' not in page


def test_a_debater_cites_in_the_same_post(world):
    response = post(world, supports=[world.approved.pk], concedes=[world.second.pk])
    assert response.status_code == 200, response.content.decode()
    claim = Claim.objects.get(text=TEXT)
    assert sorted(claim.citations.values_list("evidence_id", "relation")) == sorted(
        [(world.approved.pk, "supports"), (world.second.pk, "concedes")]
    )
    assert "citing 2 pieces of evidence" in response.content.decode()


def test_without_htmx_the_post_redirects_to_the_new_claim(world):
    response = client_as(world.debater_now).post(compose_url(world), {
        "position": world.position_now.pk, "text": TEXT, "stance": "pro",
        "supports": [world.approved.pk]})  # fmt: skip
    claim = Claim.objects.get(text=TEXT)
    assert response.status_code == 302 and response["Location"].endswith(f"#claim-{claim.pk}")
    assert claim.citations.count() == 1


@pytest.mark.parametrize("which", ["proposed", "hidden", "foreign"])
def test_a_bad_evidence_id_is_a_clear_error_and_nothing_is_created(world, which):
    pk = getattr(world, which).pk
    response = post(world, supports=[world.approved.pk, pk])
    assert response.status_code == 422
    page = response.content.decode()
    assert f"Evidence {pk} cannot be cited" in page
    assert not Claim.objects.filter(text=TEXT).exists() and Citation.objects.count() == 0
    # The draft stays, and the good box stays ticked.
    assert TEXT in page and f'value="{world.approved.pk}" checked' in page


@pytest.mark.parametrize("value", ["²", "abc", "-1", "9" * 40, "1\x00"])
def test_ids_that_are_not_ids_are_refused(world, value):
    response = post(world, supports=[value])
    assert response.status_code == 422
    assert not Claim.objects.filter(text=TEXT).exists()


def test_one_piece_cannot_both_support_and_concede(world):
    response = post(world, supports=[world.approved.pk], concedes=[world.approved.pk])
    assert response.status_code == 422
    assert "both as support and as a concession" in response.content.decode()
    assert not Claim.objects.filter(text=TEXT).exists()


def test_a_phase_that_refuses_claims_refuses_the_citations_too(world):
    Debate.objects.filter(pk=world.debate.pk).update(phase=Phase.CLOSED)
    response = post(world, supports=[world.approved.pk])
    assert response.status_code in (403, 422)
    assert not Claim.objects.filter(text=TEXT).exists()


def test_the_evidence_search_keeps_the_ticked_boxes_first(world):
    url = reverse("compose-evidence", args=[world.debate.slug])
    response = client_as(world.debater_now).get(
        url, {"q": "critics", "supports": [world.approved.pk]}, **HX
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert page.index(f'value="{world.approved.pk}" checked') < page.index(
        f'value="{world.second.pk}"'
    )
    assert "<mark>Critics</mark>" in page
    for pk in (world.proposed.pk, world.hidden.pk):
        assert f'value="{pk}"' not in page


def test_the_evidence_search_refuses_a_long_query(world):
    url = reverse("compose-evidence", args=[world.debate.slug])
    response = client_as(world.debater_now).get(url, {"q": "x" * 500}, **HX)
    assert response.status_code == 422 and "at most 200 characters" in response.content.decode()


def test_the_evidence_search_finds_nothing_that_is_not_citable(world):
    url = reverse("compose-evidence", args=[world.debate.slug])
    page = client_as(world.moderator).get(url, {"q": "ukraine"}, **HX).content.decode()
    assert f'value="{world.approved.pk}"' in page  # by its source's title
    assert f'value="{world.proposed.pk}"' not in page and f'value="{world.hidden.pk}"' not in page


# --- the source reader's link, and a compose form that asks for the position ----------------


def test_the_reader_offers_a_new_claim_from_each_approved_quote(world):
    url = reverse("source", args=[world.debate.slug, world.source.pk])
    page = client_as(world.debater_now).get(url).content.decode()
    assert f"{compose_url(world)}?supports={world.approved.pk}" in page
    assert f"?supports={world.proposed.pk}" not in page
    assert "New claim from this quote" not in client_as(world.observer).get(url).content.decode()
    assert "New claim from this quote" not in client_as(None).get(url).content.decode()


def test_the_link_opens_the_form_with_the_quote_ticked_and_a_position_to_choose(world):
    page = (
        client_as(world.debater_now)
        .get(compose_url(world, f"?supports={world.approved.pk}"))
        .content.decode()
    )
    assert f'value="{world.approved.pk}" checked' in page
    assert '<select name="position"' in page
    assert world.position_now.title in page and world.position_after.title in page


def test_in_the_opening_phase_only_ones_own_position_is_offered(world):
    Debate.objects.filter(pk=world.debate.pk).update(phase=Phase.OPENING)
    page = client_as(world.debater_now).get(compose_url(world, "?supports=1")).content.decode()
    offered = page.split('<select name="position"')[1].split("</select>")[0]
    assert world.position_now.title in offered and world.position_after.title not in offered


def test_a_bad_preset_ticks_nothing(world):
    response = client_as(world.debater_now).get(compose_url(world, f"?supports={world.hidden.pk}"))
    assert (
        response.status_code == 200
        and " checked>" not in response.content.decode().split("cite-list")[1]
    )


def test_someone_who_may_not_write_is_told_so(world):
    response = client_as(world.observer).get(compose_url(world, "?supports=1"))
    assert response.status_code == 403


# --- similar-claim hints -------------------------------------------------------------------


def similar(world, text: str, client=None):
    url = reverse("compose-similar", args=[world.debate.slug])
    return (client or client_as(world.debater_now)).get(url, {"text": text}, **HX)


def test_a_near_copy_gets_a_hint_with_a_link_to_support_it(world):
    claim = ClaimFactory(debate=world.debate, position=world.position_after, text=(
        "The bilateral security agreements cannot stand in for membership: none of them gives "
        "Ukraine the alliance's collective guarantee."))  # fmt: skip
    response = similar(world, "Bilateral security agreements cannot replace membership.")
    page = response.content.decode()
    assert response.status_code == 200
    assert reverse("claim", args=[world.debate.slug, claim.pk]) in page
    assert f"Support #{claim.pk} instead" in page


def test_unrelated_text_and_short_text_get_no_hint(world):
    ClaimFactory(
        debate=world.debate,
        position=world.position_now,
        text="Bilateral security agreements cannot replace membership.",
    )
    unrelated = similar(world, "Drones are cheap and plentiful now.").content.decode()
    assert "similar-list" not in unrelated
    assert "similar-list" not in similar(world, "bilateral security").content.decode()


def test_hidden_and_withdrawn_claims_are_never_hinted(world):
    text = "Bilateral security agreements cannot replace membership."
    ClaimFactory(debate=world.debate, position=world.position_now, text=text, is_hidden=True)
    ClaimFactory(debate=world.debate, position=world.position_now, text=text, is_withdrawn=True)
    assert "similar-list" not in similar(world, text, client_as(world.moderator)).content.decode()


def test_at_most_three_hints(world):
    for n in range(5):
        ClaimFactory(
            debate=world.debate,
            position=world.position_now,
            text=f"Bilateral security agreements cannot replace membership ({n}).",
        )
    page = similar(world, "Bilateral security agreements cannot replace membership.").content
    assert page.decode().count("instead</a>") == 3


def test_a_huge_text_is_cut_not_refused_and_a_null_is_a_400(world):
    assert similar(world, "word " * 100_000).status_code == 200
    assert similar(world, "a\x00b").status_code == 400


def test_user_html_in_a_hinted_claim_is_escaped(world):
    ClaimFactory(
        debate=world.debate,
        position=world.position_now,
        text="<img src=x onerror=alert(1)> bilateral agreements cannot replace membership",
    )
    page = similar(world, "bilateral agreements cannot replace membership").content.decode()
    assert "<img" not in page and "&lt;img" in page


# --- found by trying to break it (helper E) ---------------------------------------------------


def htmx_swaps(status: int) -> bool:
    """Whether the page's htmx swaps an answer of this status into place: the first rule of
    `responseHandling` in templates/base.html's htmx-config that matches it."""
    import json
    import re
    from pathlib import Path

    from django.conf import settings

    base = Path(settings.BASE_DIR, "templates", "base.html").read_text()
    config = json.loads(re.search(r'name="htmx-config" content=\'([^\']+)\'', base)[1])
    for rule in config["responseHandling"]:
        if re.fullmatch(rule["code"], str(status)):
            return rule["swap"]
    return False


def test_a_refused_evidence_search_is_drawn_in_place_with_the_reason(world):
    """Eleven ticked boxes are one more than may be cited: the search of the quotes must say
    so where the list is, not answer with a status htmx leaves unswapped (the list then
    froze, silently, whatever one typed)."""
    url = reverse("compose-evidence", args=[world.debate.slug])
    ticked = [EvidenceFactory(source=world.source, start=i, end=i + 5).pk for i in range(11)]
    response = client_as(world.debater_now).get(url, {"q": "critics", "supports": ticked}, **HX)
    assert response.status_code >= 400 and htmx_swaps(response.status_code)
    page = response.content.decode()
    assert "Cite at most 10 pieces of evidence at once." in page
    assert f'value="{ticked[0]}" checked' in page  # the boxes stay ticked


def test_a_repeated_id_does_not_push_later_picks_out(world):
    """The same box sent eleven times and then another: both are cited (or the post is
    refused), never the second silently dropped."""
    response = post(world, supports=[world.approved.pk] * 11 + [world.second.pk])
    assert response.status_code == 200, response.content[:500]
    claim = Claim.objects.get(text=TEXT)
    assert sorted(claim.citations.values_list("evidence_id", flat=True)) == sorted(
        [world.approved.pk, world.second.pk]
    )
