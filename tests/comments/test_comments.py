"""Comments on claims: creating, @mentions and their notices, editing within and after the
window, stale edits, hiding and restoring, phase × role rules, limits, names in anonymous
debates, and that no strength ever moves."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from debate.activity.models import Notice
from debate.comments import services
from debate.comments.mentions import segments, tokens
from debate.comments.models import Comment, Mention
from debate.debates.models import Phase, Role
from debate.errors import Conflict, InvalidInput, NotAllowed
from debate.mapview.build import build_map
from tests.factories import ClaimFactory, MembershipFactory, UserFactory, VoteFactory
from tests.helpers import client_as

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(world):
    world.claim = ClaimFactory(debate=world.debate, position=world.position_now,
                               author=world.debater_now, team=world.team_now,
                               text="Talks now deter Russia.")  # fmt: skip
    return world


def add(world, who="debater_after", text="Which source says so?", kind="question", claim=None):
    actor = getattr(world, who)
    return services.comment_add(actor=actor, claim=claim or world.claim, kind=kind, text=text)


def set_phase(world, phase):
    world.debate.phase = phase
    world.debate.save(update_fields=["phase"])


def anonymous(world):
    world.debate.anonymous = True
    world.debate.save(update_fields=["anonymous"])


def pseudonym(world, user):
    from debate.people.models import Pseudonym, pseudonym_label

    return pseudonym_label(Pseudonym.objects.get(debate=world.debate, user=user).number)


def page(user, world, claim=None) -> str:
    claim = claim or world.claim
    response = client_as(user).get(reverse("claim", args=[world.debate.slug, claim.pk]))
    assert response.status_code == 200
    return response.content.decode()


# --- creating ------------------------------------------------------------------------------


def test_a_debater_comments_and_the_claims_author_is_told(world):
    comment = add(world)

    assert comment.text == "Which source says so?" and comment.version == 1
    notice = Notice.objects.get(user=world.debater_now)
    assert notice.kind == "comment.new"
    assert "debater-after commented on your claim" in notice.message
    assert notice.url.endswith(f"#comment-{comment.pk}")


def test_text_is_trimmed_and_checked(world):
    for bad in ("", "   \n ", "x" * 2001, 42, None, "a\x00b"):
        with pytest.raises(InvalidInput):
            add(world, text=bad)
    assert not Comment.objects.exists()
    assert len(add(world, text="  " + "y" * 2000 + " \n").text) == 2000


def test_an_unknown_kind_is_refused_and_nothing_is_written(world):
    with pytest.raises(InvalidInput, match="question"):
        add(world, kind="rant")
    assert not Comment.objects.exists()


def test_unicode_and_right_to_left_text_is_kept_as_written(world):
    text = "Чи є джерело? هل يوجد مصدر؟ 🙂 \u202eevil"
    comment = add(world, text=text)

    assert Comment.objects.get(pk=comment.pk).text == text
    assert "هل يوجد مصدر" in page(world.moderator, world)


def test_a_double_submit_saves_once(world):
    first, second = add(world), add(world)

    assert first.pk == second.pk and Comment.objects.count() == 1


def test_the_same_words_later_are_a_new_comment(world):
    first = add(world)
    Comment.objects.filter(pk=first.pk).update(created_at=timezone.now() - timedelta(minutes=1))

    assert add(world).pk != first.pk


def test_html_in_a_comment_is_escaped(world):
    add(world, text='<script>alert(1)</script> <b hx-get="/x">@debater-now</b>')
    html = page(world.observer, world)

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert 'hx-get="/x"' not in html


# --- mentions ------------------------------------------------------------------------------


def test_a_mention_notifies_the_member_once(world):
    comment = add(world, who="debater_now", text="Ask @observer and @observer.")

    notices = Notice.objects.filter(user=world.observer, kind="comment.mention")
    assert notices.count() == 1
    assert "debater-now mentioned you in a comment on #" in notices.get().message
    assert list(Mention.objects.filter(comment=comment).values_list("user_id", flat=True)) == [
        world.observer.pk
    ]


def test_a_mention_of_a_non_member_of_oneself_or_nobody_does_nothing(world):
    UserFactory(username="stranger")
    add(world, who="debater_now", text="@stranger @debater-now @nobody_at_all @ and a@b.c")

    assert not Notice.objects.filter(kind="comment.mention").exists()
    assert not Mention.objects.exists()


def test_the_claims_author_mentioned_gets_one_notice(world):
    add(world, text="@debater-now which page?")

    assert list(Notice.objects.filter(user=world.debater_now).values_list("kind", flat=True)) == [
        "comment.mention"
    ]


def test_an_edit_that_adds_a_mention_tells_the_new_person_only(world):
    comment = add(world, who="debater_now", text="Ask @observer")
    services.comment_edit(actor=world.debater_now, comment=comment,
                          text="Ask @observer and @moderator", version=1)  # fmt: skip

    assert Notice.objects.filter(user=world.observer, kind="comment.mention").count() == 1
    assert Notice.objects.filter(user=world.moderator, kind="comment.mention").count() == 1


def test_mentions_are_parsed_without_trailing_punctuation():
    assert tokens("Hi @ana_k. And @b.o+b-1, mail x@y.z @Participant 7!") == (
        {"ana_k", "b.o+b-1"}, {"Participant 7"},
    )  # fmt: skip
    assert [s.text for s in segments("see @ana, ok") if s.mention] == ["@ana"]


def test_in_an_anonymous_debate_pseudonyms_resolve_and_usernames_do_not(world):
    anonymous(world)
    observer_name = pseudonym(world, world.observer)
    add(world, who="debater_now", text="@observer knows")  # a username: names nobody here
    assert not Notice.objects.filter(user=world.observer).exists()

    add(world, who="debater_now", text=f"@{observer_name.replace(' ', '')} knows")
    notice = Notice.objects.get(user=world.observer, kind="comment.mention")
    assert notice.message.startswith(pseudonym(world, world.debater_now))
    assert "debater-now" not in notice.message


def test_in_an_anonymous_debate_moderators_are_told_the_real_name(world):
    anonymous(world)
    add(world, who="debater_now", text=f"@{pseudonym(world, world.moderator)} please check")

    message = Notice.objects.get(user=world.moderator).message
    assert message.startswith(f"debater-now ({pseudonym(world, world.debater_now)})")


def test_a_moderator_may_mention_by_username_in_an_anonymous_debate(world):
    anonymous(world)
    add(world, who="moderator", text="@observer please look")

    assert Notice.objects.filter(user=world.observer, kind="comment.mention").exists()


def test_anonymous_pages_show_pseudonyms_to_participants_and_names_to_moderators(world):
    anonymous(world)
    add(world, who="debater_now")
    alias = pseudonym(world, world.debater_now)

    assert alias in page(world.observer, world) and "debater-now" not in page(world.observer, world)
    assert f"debater-now ({alias})" in page(world.moderator, world)


# --- editing -------------------------------------------------------------------------------


def test_the_author_edits_within_the_window(world):
    comment = add(world)
    edited = services.comment_edit(actor=world.debater_after, comment=comment, text="Page?",
                                   version=1)  # fmt: skip

    assert edited.text == "Page?" and edited.version == 2 and edited.edited_at is not None


def test_an_edit_after_the_window_is_refused_with_a_clear_message(world, settings):
    settings.COMMENT_EDIT_MINUTES = 10
    comment = add(world)
    Comment.objects.filter(pk=comment.pk).update(created_at=timezone.now() - timedelta(minutes=11))

    with pytest.raises(NotAllowed, match="10 minutes"):
        services.comment_edit(actor=world.debater_after, comment=comment, text="Late", version=1)
    assert Comment.objects.get(pk=comment.pk).text == "Which source says so?"


def test_edit_with_stale_version_is_refused(world):
    comment = add(world)
    services.comment_edit(actor=world.debater_after, comment=comment, text="Second", version=1)

    with pytest.raises(Conflict):
        services.comment_edit(actor=world.debater_after, comment=comment, text="Third", version=1)
    assert Comment.objects.get(pk=comment.pk).text == "Second"


def test_nobody_edits_someone_elses_comment_not_even_a_moderator(world):
    comment = add(world)
    for who in ("debater_now", "observer", "moderator"):
        with pytest.raises(NotAllowed):
            services.comment_edit(actor=getattr(world, who), comment=comment, text="Mine",
                                  version=1)  # fmt: skip


def test_a_stale_edit_through_the_page_is_a_visible_409_with_the_draft_kept(world):
    comment = add(world)
    services.comment_edit(actor=world.debater_after, comment=comment, text="Second", version=1)
    url = reverse("comment-edit", args=[world.debate.slug, world.claim.pk, comment.pk])
    response = client_as(world.debater_after).post(url, {"text": "My draft", "version": "1"},
                                                   HTTP_HX_REQUEST="true")  # fmt: skip

    assert response.status_code == 409
    html = response.content.decode()
    assert "My draft" in html and "Second" in html and "changed this comment" in html
    assert 'name="version" value="2"' in html


# --- hiding --------------------------------------------------------------------------------


def test_a_moderator_hides_with_a_reason_and_restores(world):
    comment = add(world)
    with pytest.raises(InvalidInput):
        services.comment_hide(actor=world.moderator, comment=comment, reason=" ")
    services.comment_hide(actor=world.moderator, comment=comment, reason="Off topic")
    comment.refresh_from_db()
    assert comment.is_hidden and comment.hidden_reason == "Off topic"

    services.comment_restore(actor=world.moderator, comment=comment)
    comment.refresh_from_db()
    assert not comment.is_hidden and Comment.objects.count() == 1


def test_only_moderators_hide(world):
    comment = add(world)
    for who in ("debater_now", "debater_after", "observer", "outsider"):
        with pytest.raises(NotAllowed):
            services.comment_hide(actor=getattr(world, who), comment=comment, reason="No")


SECRET = "Secret words of a hidden comment"


def test_a_hidden_comments_text_is_absent_from_every_non_moderator_output(world):
    comment = add(world, text=SECRET)
    services.comment_hide(actor=world.moderator, comment=comment, reason="Rude reason")
    slug = world.debate.slug
    outputs = []
    api = f"/api/v1/debates/{slug}"
    api_paths = [f"{api}/claims/{world.claim.pk}/comments/", f"{api}/events/",
                 f"{api}/comments/{comment.pk}/"]  # fmt: skip
    for user in (world.debater_now, world.observer, world.outsider, None):
        client = client_as(user)
        for name in ("claim", "comments"):
            url = reverse(name, args=[slug, world.claim.pk])
            outputs.append(client.get(url).content.decode())
        api = APIClient()
        if user:
            api.force_authenticate(user)
        outputs += [json.dumps(api.get(path).json()) for path in api_paths]
    for output in outputs:
        assert SECRET not in output and "Rude reason" not in output
    assert "A comment was hidden by a moderator" in outputs[0]
    moderator_page = page(world.moderator, world)
    assert SECRET in moderator_page and "Rude reason" in moderator_page


def test_a_notice_of_a_comment_hidden_since_is_withheld(world):
    from debate.mapview.visibility import notices_withheld

    comment = add(world, text=f"@observer {SECRET}")
    services.comment_hide(actor=world.moderator, comment=comment, reason="x")
    notices = list(Notice.objects.filter(user=world.observer).select_related("debate", "event"))

    assert notices and notices_withheld(world.observer, notices) == {n.pk for n in notices}


def test_a_comment_on_a_hidden_claim_is_refused_for_non_moderators(world):
    world.claim.is_hidden = True
    world.claim.save(update_fields=["is_hidden"])
    with pytest.raises(NotAllowed):
        add(world)
    assert add(world, who="moderator").pk


# --- phases and roles ----------------------------------------------------------------------

# Who may comment in each phase (the rules of permissions.can_comment).
ALLOWED = {
    Phase.SETUP: {"moderator"},
    Phase.OPENING: {"moderator", "debater_now", "debater_after", "observer"},
    Phase.REBUTTAL: {"moderator", "debater_now", "debater_after", "observer"},
    Phase.VOTING: {"moderator", "debater_now", "debater_after", "observer"},
    Phase.CLOSED: set(),
}
ROLES = ("moderator", "debater_now", "debater_after", "observer", "outsider")


@pytest.mark.parametrize("phase", list(ALLOWED))
@pytest.mark.parametrize("who", ROLES)
def test_every_role_in_every_phase(world, phase, who):
    set_phase(world, phase)
    if who in ALLOWED[phase]:
        assert add(world, who=who, text=f"{who} in {phase}").pk
    else:
        with pytest.raises(NotAllowed):
            add(world, who=who, text=f"{who} in {phase}")
        assert not Comment.objects.exists()


def test_the_system_never_comments(world):
    from debate.permissions import SYSTEM

    with pytest.raises(NotAllowed):
        services.comment_add(actor=SYSTEM, claim=world.claim, kind="question", text="Hi")


def test_closed_is_read_only_for_edits_and_hides_too(world):
    comment = add(world)
    set_phase(world, Phase.CLOSED)
    with pytest.raises(NotAllowed):
        services.comment_edit(actor=world.debater_after, comment=comment, text="x", version=1)
    with pytest.raises(NotAllowed):
        services.comment_hide(actor=world.moderator, comment=comment, reason="x")
    assert "comments are read-only" in page(world.debater_after, world)


# --- strengths -----------------------------------------------------------------------------


def test_comments_never_move_a_strength(world):
    set_phase(world, Phase.VOTING)
    voters = [MembershipFactory(debate=world.debate, role=Role.OBSERVER).user for _ in range(3)]
    for user, value in zip(voters, (4, 2, 3), strict=True):
        VoteFactory(claim=world.claim, user=user, value=value)

    def strengths():
        dmap = build_map(world.debate)
        return ({c.id: (c.strength, c.base_score) for c in dmap.claims.values()},
                {p.id: p.strength for p in dmap.positions})  # fmt: skip

    before = strengths()
    for i in range(30):
        comment = add(world, who=("debater_after", "observer", "moderator")[i % 3],
                      text=f"Comment {i} @debater-now")  # fmt: skip
        if i % 5 == 0:
            services.comment_hide(actor=world.moderator, comment=comment, reason="x")

    assert strengths() == before
