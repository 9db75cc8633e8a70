"""The audit trail reads as sentences: one for every action the code records, escaped, cut at
80 characters, with the before/after JSON one click away and a fixed number of queries."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from debate.audit.models import AuditEvent
from debate.audit.sentences import SENTENCES, clip
from tests.factories import UserFactory
from tests.helpers import client_as

pytestmark = pytest.mark.django_db

DEBATE_CODE = Path(__file__).resolve().parents[2] / "debate"

# Actions built with an f-string in the services, and the values the placeholder takes.
FORMATTED_ACTIONS = {
    "flag.": ["flag.dismissed", "flag.hidden", "flag.merged"],
    "evidence.": ["evidence.approved", "evidence.rejected"],
    "poll.": ["poll.before", "poll.after"],
}
# Actions that may show the generic "<action> <object_type> #<id>" sentence. Empty: every
# action found in the code has its own sentence; add one here only with a reason.
FALLBACK_ALLOWED: set[str] = set()
# Actions other parts of issue 14 record (people, tasks, grading, alerts, snapshots in the UI).
ISSUE_14_ACTIONS = {
    "membership.change", "membership.end", "targets.set", "grade.set", "feedback.set",
    "feedback.remove", "grades.release", "digest.subscribe", "digest.unsubscribe",
    "snapshot.take",
}  # fmt: skip


def actions_in_code() -> set[str]:
    """Every action literal passed as `action=` in debate/, f-string actions expanded."""
    found: set[str] = set()
    for path in DEBATE_CODE.rglob("*.py"):
        for line in path.read_text(encoding="utf-8").splitlines():
            if "action=" not in line:
                continue
            tail = line.split("action=", 1)[1]
            if match := re.match(r'f"([a-z_]+\.)\{', tail):
                assert match.group(1) in FORMATTED_ACTIONS, f"{path}: expand {match.group(1)}"
                found.update(FORMATTED_ACTIONS[match.group(1)])
            found.update(re.findall(r'"([a-z_]+\.[a-z_]+)"', tail))
    return found


def test_every_action_in_the_code_has_its_own_sentence():
    missing = sorted(actions_in_code() - set(SENTENCES) - FALLBACK_ALLOWED)
    assert not missing, f"write a sentence in debate/audit/sentences.py for {missing}"


def test_the_code_search_finds_the_known_actions():
    found = actions_in_code()
    assert {"claim.create", "claim.restore", "evidence.rejected", "poll.after"} <= found
    assert "store_true" not in " ".join(found)


def audit_page(user, debate, **query) -> str:
    response = client_as(user).get(reverse("audit", args=[debate.slug]), query)
    assert response.status_code == 200
    return response.content.decode()


def sentences(page: str) -> list[str]:
    """The text of each sentence on the page, tags stripped and entities decoded."""
    found = re.findall(r'<p class="audit-sentence">(.*?)</p>', page, flags=re.S)
    return [html.unescape(re.sub(r"<[^>]+>", "", s)) for s in found]


def event(world, action: str, *, actor=None, object_type="x.y", object_id=1, before=None,
          after=None) -> AuditEvent:  # fmt: skip
    return AuditEvent.objects.create(
        actor=actor or world.moderator, debate=world.debate, action=action,
        object_type=object_type, object_id=object_id, before=before, after=after,
    )  # fmt: skip


def payloads(w) -> dict[str, tuple[dict, str]]:
    """For each action: the event's fields and the sentence the moderator reads."""
    now, team = w.debate.positions.get(key="now"), w.debate.teams.get(name="Team Now")
    claim = {"position_id": now.pk, "parent_id": 31, "stance": "con", "text": "Too risky.",
             "hidden_reason": "Off topic"}  # fmt: skip
    member = {"user_id": w.debater_now.pk, "role": "debater", "team_id": team.pk}
    return {
        "claim.create": ({"object_id": 45, "after": claim}, "moderator attacked #31: “Too risky.”"),
        "claim.edit": ({"object_id": 45, "after": claim}, "moderator edited #45: “Too risky.”"),
        "claim.move": ({"object_id": 45, "after": claim}, "moderator moved #45 under #31"),
        "claim.withdraw": ({"object_id": 45, "after": claim}, "moderator withdrew #45"),
        "claim.hide": ({"object_id": 45, "after": claim}, "moderator hid #45: Off topic"),
        "claim.restore": ({"object_id": 45, "after": claim}, "moderator restored #45"),
        "claim.merge": ({"object_id": 45, "after": {"merged_into_id": 12}},
                        "moderator merged #45 into #12"),
        "citation.add": ({"after": {"claim_id": 7, "evidence_id": 3, "relation": "supports"}},
                         "moderator cited evidence #3 in support of #7"),
        "vote.cast": ({"after": {"claim_id": 7, "value": 3}}, "moderator voted 3 on #7"),
        "vote.withdraw": ({"before": {"claim_id": 7, "value": 3}},
                          "moderator withdrew their vote on #7"),
        "flag.create": ({"after": {"claim_id": 7, "kind": "off_topic", "note": ""}},
                        "moderator flagged #7 as off-topic"),  # the kind's label
        "flag.dismissed": ({"after": {"claim_id": 7, "resolution_reason": "Fine"}},
                           "moderator dismissed the flag on #7: Fine"),
        "flag.hidden": ({"after": {"claim_id": 7, "resolution_reason": "Rude"}},
                        "moderator hid the claim and closed the flag on #7: Rude"),
        "flag.merged": ({"after": {"claim_id": 7, "resolution_reason": ""}},
                        "moderator merged the claim and closed the flag on #7"),
        "evidence.propose": ({"object_id": 12, "after": {"quote": "Talks now."}},
                             "moderator proposed evidence #12: “Talks now.”"),
        "evidence.approved": ({"object_id": 12, "after": {}}, "moderator approved evidence #12"),
        "evidence.rejected": ({"object_id": 12, "after": {"review_reason": "Misquoted"}},
                              "moderator rejected evidence #12: Misquoted"),
        "evidence.hide": ({"object_id": 12, "after": {"hidden_reason": "Spam"}},
                          "moderator hid evidence #12: Spam"),
        "evidence.restore": ({"object_id": 12, "after": {}}, "moderator restored evidence #12"),
        "source.create": ({"after": {"title": "EDM"}}, "moderator added the source “EDM”"),
        "source.update_text": ({"after": {"title": "EDM"}},
                               "moderator replaced the text of the source “EDM”"),
        "source.revise": ({"after": {"title": "EDM"}}, "moderator revised the source “EDM”"),
        "debate.create": ({"after": {"title": "NATO"}}, "moderator created the debate “NATO”"),
        "debate.import": ({}, "moderator imported the debate"),
        "debate.clone": ({"after": {"cloned_from": "old"}},
                         "moderator created this debate as a copy of “old”"),
        "debate.update": ({"before": {"title": "A", "motion": "M"},
                           "after": {"title": "B", "motion": "M"}},
                          "moderator changed the debate's settings (title)"),
        "debate.phase": ({"after": {"phase": "voting"}},
                         "moderator moved the debate to the voting phase"),
        "position.create": ({"after": {"title": "Now"}}, "moderator added the position “Now”"),
        "team.create": ({"after": {"name": "Team Now", "position_id": now.pk}},
                        "moderator added the team Team Now for “Accession talks now, during "
                        "the war”"),
        "team.regenerate_code": ({"object_type": "debates.team", "object_id": team.pk},
                                 "moderator made a new invite code for Team Now"),
        "membership.join": ({"after": member}, "moderator joined Team Now"),
        "membership.set": ({"after": member}, "moderator made debater-now a debater in Team Now"),
        "membership.change": ({"after": member},
                              "moderator made debater-now a debater in Team Now"),
        "membership.end": ({"before": member}, "moderator removed debater-now from the debate"),
        "membership.split_in": (
            {"after": {"count": 5, "debaters": 4, "observers": 1, "moderators": 0}},
            "moderator added 5 members from the split (4 debaters, 1 observer)",
        ),
        "poll.before": ({"after": {"position_id": now.pk}},
                        "moderator answered the opening poll: “Accession talks now, during the "
                        "war”"),
        "poll.after": ({"after": {"position_id": now.pk}},
                       "moderator answered the closing poll: “Accession talks now, during the "
                       "war”"),
        "snapshot.take": ({"after": {"number": 3}}, "moderator froze snapshot 3"),
        "targets.set": ({"after": {"claims": 3, "rebuttals": 2, "votes": 0}},
                        "moderator set the targets: 3 claims, 2 rebuttals"),
        "grade.set": ({"after": {"user_id": w.debater_now.pk, "value": "B+"}},
                      "moderator graded debater-now: B+"),
        "grade_scale.set": ({"after": {"kind": "letters", "letters": ["A", "B", "C"]}},
                            "moderator set the grading scale to letters (A, B, C)"),
        "grades.release": ({}, "moderator released the grades and feedback"),
        "feedback.set": ({"after": {"claim_id": 7}}, "moderator left feedback on #7"),
        "feedback.remove": ({"before": {"claim_id": 7}}, "moderator removed the feedback on #7"),
        "comment.add": ({"after": {"claim_id": 7, "text": "Which source?"}},
                        "moderator commented on #7: “Which source?”"),
        "comment.edit": ({"after": {"claim_id": 7, "text": "Which page?"}},
                         "moderator edited a comment on #7: “Which page?”"),
        "comment.hide": ({"after": {"claim_id": 7, "hidden_reason": "Rude"}},
                         "moderator hid a comment on #7: Rude"),
        "comment.restore": ({"after": {"claim_id": 7}}, "moderator restored a comment on #7"),
        "digest.subscribe": ({}, "moderator subscribed to the email digest"),
        "digest.unsubscribe": ({}, "moderator unsubscribed from the email digest"),
        "user.signup": ({}, "moderator signed up"),
        "user.creator_grant": ({}, "moderator was allowed to create debates"),
        "user.creator_revoke": ({}, "moderator may no longer create debates"),
        "token.create": ({"after": {"name": "laptop"}}, "moderator created the API token “laptop”"),
        "token.revoke": ({}, "moderator revoked an API token"),
        "notices.read": ({}, "moderator read their notices"),
        "debate.anonymous": (
            {"after": {"anonymous": True}},
            "moderator made the debate anonymous: participants see pseudonyms only",
        ),
        "debate.split": (
            {"after": {"count": 3, "assignment": "team", "groups": ["a-g1", "a-g2", "a-g3"]}},
            "moderator split the debate into 3 small groups, members by team",
        ),
    }  # fmt: skip


EVERY_ACTION = sorted(actions_in_code() | ISSUE_14_ACTIONS)


def test_the_examples_cover_every_action(world):
    assert set(EVERY_ACTION) <= set(payloads(world)), "add the new action to payloads()"


@pytest.mark.parametrize("action", EVERY_ACTION)
def test_every_action_reads_as_its_sentence(world, action):
    fields, expected = payloads(world)[action]
    event(world, action, **fields)

    assert sentences(audit_page(world.moderator, world.debate)) == [expected]


def test_an_unknown_action_gets_the_generic_sentence(world):
    event(world, "thing.frobnicate", object_type="things.thing", object_id=9)

    assert sentences(audit_page(world.moderator, world.debate)) == [
        "moderator thing.frobnicate things.thing #9"
    ]


def test_an_event_without_an_actor_is_the_systems(world):
    AuditEvent.objects.create(debate=world.debate, action="debate.phase", object_type="d",
                              after={"phase": "closed"})  # fmt: skip

    assert sentences(audit_page(world.moderator, world.debate)) == [
        "system moved the debate to the closed phase"
    ]


def test_claim_numbers_link_to_the_claims(world):
    event(
        world, "claim.create", object_id=45, after={"parent_id": 31, "stance": "pro", "text": "x"}
    )
    page = audit_page(world.moderator, world.debate)

    assert f'<a href="{reverse("claim", args=[world.debate.slug, 31])}">#31</a>' in page
    assert f'<bdi><a href="{reverse("claim", args=[world.debate.slug, 45])}">“x”</a></bdi>' in page


def test_a_claim_under_a_position_names_the_position(world):
    after = {"parent_id": None, "position_id": world.debate.positions.get(key="after").pk,
             "stance": "pro", "text": "Peace first."}  # fmt: skip
    event(world, "claim.create", object_id=5, after=after)

    assert sentences(audit_page(world.moderator, world.debate)) == [
        "moderator argued for “Accession only after a settlement”: “Peace first.”"
    ]


def test_long_text_is_cut_at_80_characters_with_an_ellipsis(world):
    text = "word " * 40
    event(world, "claim.create", object_id=5, after={"parent_id": 1, "stance": "con", "text": text})
    [sentence] = sentences(audit_page(world.moderator, world.debate))

    quoted = sentence.split("“")[1].rstrip("”")
    assert len(quoted) <= 80 and quoted.endswith("…")
    assert clip("short") == "short" and len(clip("x" * 200)) == 80


def test_before_and_after_stay_one_click_away(world):
    event(world, "claim.edit", object_id=5, before={"text": "Old"}, after={"text": "New"})
    page = audit_page(world.moderator, world.debate)

    assert '<details class="audit-state"><summary>Before and after' in page
    assert (
        "&quot;text&quot;: &quot;Old&quot;" in page and "&quot;text&quot;: &quot;New&quot;" in page
    )


HOSTILE = "<script>alert(1)</script> \u202eevil\u202c 🙂"


def test_hostile_text_in_claims_reasons_and_names_is_escaped(world):
    villain = UserFactory(username="<script>x</script>")
    event(world, "claim.create", actor=villain, object_id=5,
          after={"parent_id": 1, "stance": "con", "text": HOSTILE})  # fmt: skip
    event(world, "evidence.rejected", object_id=6, after={"review_reason": HOSTILE})
    event(world, "claim.hide", object_id=5, after={"hidden_reason": HOSTILE})
    page = audit_page(world.moderator, world.debate)

    assert "<script>" not in page.split("<body", 1)[1].replace("<script src", "")
    assert page.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 6  # 3 sentences, 3 JSONs
    assert "<bdi>&lt;script&gt;x&lt;/script&gt;</bdi> attacked" in page  # isolated: RTL-safe
    assert "\u202eevil\u202c 🙂" in page


def test_only_moderators_read_the_trail(world):
    event(world, "claim.hide", object_id=5, after={"hidden_reason": "secret"})
    url = reverse("audit", args=[world.debate.slug])
    for user in (world.debater_now, world.observer, world.outsider, None):
        response = client_as(user).get(url)
        assert response.status_code in (302, 403, 404)
        assert b"secret" not in response.content


# Ten events that between them name people, positions, teams and claims.
MIXED = ["claim.create", "vote.cast", "membership.set", "poll.before", "team.regenerate_code",
         "grade.set", "evidence.rejected", "claim.hide", "flag.create", "debate.phase"]  # fmt: skip


def many_events(world, count: int) -> None:
    """`count` events by many different people, cycling through MIXED."""
    kinds = payloads(world)
    for number in range(count):
        action = MIXED[number % len(MIXED)]
        actor = UserFactory() if number % 3 else world.moderator
        event(world, action, actor=actor, **kinds[action][0])


def test_the_trail_costs_the_same_queries_for_10_and_100_events(
    world, django_assert_max_num_queries
):
    client = client_as(world.moderator)
    url = reverse("audit", args=[world.debate.slug])
    many_events(world, 10)
    client.get(url)  # the session and caches warm up
    with CaptureQueriesContext(connection) as ten:
        assert client.get(url).status_code == 200
    many_events(world, 90)

    # Every name on the page is loaded in bulk: 100 events by 67 people cost what 10 did.
    with django_assert_max_num_queries(len(ten)):
        assert client.get(url).status_code == 200
    assert len(ten) <= 15
