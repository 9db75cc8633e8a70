"""Notices stored as a kind plus params (worded when read, in the reader's language): this
turns each existing row's English message into the params of its kind, by the pattern the
kind was written with. A row that no pattern matches (or whose commenter cannot be found)
keeps its words as {"text": ...}, which debate/activity/notices.py shows verbatim."""

import re

from django.db import migrations, models

# The English labels the old messages carried (lower case), by stored value.
FLAG_KINDS = {"off-topic": "off_topic", "duplicate of another claim": "duplicate",
              "unsupported": "unsupported", "fallacy": "fallacy", "abusive": "abusive"}
FALLACIES = {"straw man": "straw_man", "ad hominem": "ad_hominem",
             "false dilemma": "false_dilemma", "slippery slope": "slippery_slope",
             "appeal to authority": "appeal_to_authority", "whataboutism": "whataboutism",
             "hasty generalisation": "hasty_generalisation",
             "circular reasoning": "circular_reasoning"}
PHASES = {"setup", "opening", "rebuttal", "voting", "closed"}

PATTERNS = {
    "claim.rebutted": r"Your claim #(?P<claim>\d+) was attacked: “(?P<quote>.*)”",
    "claim.hidden": r"A moderator hid your claim #(?P<claim>\d+): (?P<reason>.*)",
    "claim.restored": r"A moderator restored your claim #(?P<claim>\d+): (?P<reason>.*)",
    "claim.flagged": r"Your claim #(?P<claim>\d+) was flagged: (?P<flag_kind>.+?)"
                     r"(?: \((?P<fallacy>[^()]+)\))?\. A moderator will look at it\.",
    "claim.merged": r"Your claim #(?P<claim>\d+) was merged into #(?P<into>\d+): (?P<reason>.*)",
    "evidence.approved": r"Your evidence “(?P<quote>.*)” was approved(?:: (?P<reason>.*)|\.)",
    "evidence.rejected": r"Your evidence “(?P<quote>.*)” was rejected(?:: (?P<reason>.*)|\.)",
    "debate.phase": r"“.*” moved to the (?P<phase>\w+) phase\.",
    "comment.new": r"(?P<actor>.+) commented on your claim #(?P<claim>\d+): “(?P<quote>.*)”\.",
    "comment.mention": r"(?P<actor>.+) mentioned you in a comment on #(?P<claim>\d+): "
                       r"“(?P<quote>.*)”\.",
    "grade.released": r"Your grade or feedback in “.*” was released\.",
    "group.placed": r"You argue in small group (?P<group>\d+) now: “.*”\.",
    "review.evidence": r"(?P<count>\d+) evidence proposals? waits? for review in “.*”",
    "review.flags": r"(?P<count>\d+) flags? waits? for review in “.*”",
}
NUMBERS = {"claim", "into", "group", "count"}
PSEUDONYM = re.compile(r"(?:(?P<username>.+) \()?Participant (?P<number>\d+)\)?")


def params_from_message(kind, message, *, find_actor=None):
    """The params of an old notice, from its kind and English message; {"text": message}
    when the message does not follow its kind's pattern. `find_actor(name)` returns the
    user id a comment notice's name stands for (None when nobody)."""
    pattern = PATTERNS.get(kind)
    match = re.fullmatch(pattern, message or "", re.DOTALL) if pattern else None
    if match is None:
        return {"text": message or ""}
    params = {k: (int(v) if k in NUMBERS else v) for k, v in match.groupdict().items()
              if v is not None}
    if kind == "claim.flagged":
        flag_kind = FLAG_KINDS.get(params["flag_kind"])
        fallacy = FALLACIES.get(params.get("fallacy", ""), "")
        if flag_kind is None or ("fallacy" in params and not fallacy):
            return {"text": message}
        params.update(flag_kind=flag_kind, fallacy=fallacy)
    if kind == "debate.phase" and params["phase"] not in PHASES:
        return {"text": message}
    if kind.startswith("evidence."):
        params.setdefault("reason", "")
    if "actor" in params:
        actor_id = find_actor(params.pop("actor")) if find_actor else None
        if actor_id is None:
            return {"text": message}
        params["actor_id"] = actor_id
    return params


def convert(Notice, User, Pseudonym):
    """Give every row its params (one pass; the actors of comment notices come from the
    audit event that wrote them, else from the name in the words)."""
    changed = []
    for notice in Notice.objects.select_related("event").order_by("pk").iterator():

        def find_actor(name, notice=notice):
            if notice.event_id is not None and notice.event.actor_id is not None:
                return notice.event.actor_id
            match = PSEUDONYM.fullmatch(name)
            if match and match["username"]:
                name = match["username"]
            elif match:
                row = Pseudonym.objects.filter(debate_id=notice.debate_id,
                                               number=int(match["number"])).first()
                return row.user_id if row else None
            return User.objects.filter(username=name).values_list("pk", flat=True).first()

        notice.params = params_from_message(notice.kind, notice.message, find_actor=find_actor)
        changed.append(notice)
    Notice.objects.bulk_update(changed, ["params"], batch_size=500)


def forwards(apps, schema_editor):
    convert(apps.get_model("activity", "Notice"), apps.get_model("auth", "User"),
            apps.get_model("people", "Pseudonym"))


class Migration(migrations.Migration):

    dependencies = [
        ("activity", "0003_digest_subscription"),
        ("people", "0002_pseudonym"),
        ("audit", "0002_event_version"),
    ]

    operations = [
        migrations.AddField(
            model_name="notice", name="params", field=models.JSONField(blank=True, default=dict),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
