"""The exports page, its downloads (the API's bytes, under proper file names) and the API's
own Content-Disposition."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from debate.audit.services import debate_version_bump
from debate.debates.models import Phase
from debate.snapshots.downloads import EXTENSIONS, file_response
from debate.snapshots.services import FORMATS, snapshot_take
from tests.api.helpers import session_client, url
from tests.factories import ClaimFactory, VoteFactory
from tests.helpers import client_as
from tests.snapshots.outside_tools import argdown_json, require_arguebuf

pytestmark = pytest.mark.django_db

SLUG = "ukraine-nato"
CONTENT_TYPES = {
    "json": "application/json",
    "aif": "application/json",
    "argdown": "text/plain; charset=utf-8",
    "graphml": "application/graphml+xml",
}
ROLES = ["moderator", "debater_now", "debater_after", "observer", "outsider", "anonymous"]


def client_for(snap_world, role: str):
    return client_as(None if role == "anonymous" else getattr(snap_world, role))


def export_url(fmt: str, **query) -> str:
    path = reverse("debate-export", args=[SLUG, fmt])
    return f"{path}?{'&'.join(f'{k}={v}' for k, v in query.items())}" if query else path


def frozen_url(number: int, fmt: str) -> str:
    return reverse("snapshot-export", args=[SLUG, number, fmt])


def version_of(debate) -> int:
    debate.refresh_from_db()
    return debate.version


# --- the exports page ------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_everyone_who_may_read_the_debate_sees_a_download_for_every_format(snap_world, role):
    response = client_for(snap_world, role).get(reverse("debate-exports", args=[SLUG]))

    assert response.status_code == 200
    html = response.content.decode()
    for fmt in FORMATS:
        assert f'href="{export_url(fmt)}"' in html
        assert f"{SLUG}-v{version_of(snap_world.debate)}.{EXTENSIONS[fmt]}" in html
    assert "JSON with source texts (importable)" in html
    assert (role == "moderator") == ("Freeze a snapshot" in html)


@pytest.mark.parametrize("name", ["debate-exports", "debate-summary"])
def test_outsiders_of_a_private_debate_get_404(snap_world, name):
    snap_world.debate.is_public = False
    snap_world.debate.save(update_fields=["is_public"])

    for who in (None, snap_world.outsider):
        assert client_as(who).get(reverse(name, args=[SLUG])).status_code == 404
    assert client_as(snap_world.observer).get(reverse(name, args=[SLUG])).status_code == 200


def test_private_downloads_and_diffs_are_404_for_outsiders(snap_world):
    snapshot_take(actor=snap_world.moderator, debate=snap_world.debate)
    snap_world.debate.is_public = False
    snap_world.debate.save(update_fields=["is_public"])
    paths = [export_url("json"), frozen_url(1, "argdown"),
             reverse("snapshot-diff-live", args=[SLUG, 1]),
             reverse("snapshot-diff", args=[SLUG, 1, 1])]  # fmt: skip

    for path in paths:
        assert client_as(snap_world.outsider).get(path).status_code == 404, path
        assert client_as(None).get(path).status_code == 404, path


def test_frozen_versions_list_number_date_author_version_and_hash(snap_world):
    first = snapshot_take(actor=snap_world.moderator, debate=snap_world.debate)

    moderator_page = client_as(snap_world.moderator).get(reverse("debate-exports", args=[SLUG]))
    public_page = client_as(None).get(reverse("debate-exports", args=[SLUG]))

    html = moderator_page.content.decode()
    assert 'id="snapshot-1"' in html
    assert first.content_hash[:10] in html
    assert f"<td>{first.document['version']}</td>" in html
    assert ">moderator<" in html  # who froze it, to moderators
    for fmt in FORMATS:
        assert f'href="{frozen_url(1, fmt)}"' in html
        assert f"{SLUG}-snapshot-1.{EXTENSIONS[fmt]}" in html
    assert reverse("snapshot-diff-live", args=[SLUG, 1]) in html
    assert "a moderator" in public_page.content.decode()
    assert ">moderator<" not in public_page.content.decode()


# --- downloads -------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_live_download_is_an_attachment_named_by_slug_and_version(snap_world, fmt):
    response = client_as(snap_world.observer).get(export_url(fmt))

    assert response.status_code == 200
    assert response["Content-Type"] == CONTENT_TYPES[fmt]
    name = f"{SLUG}-v{version_of(snap_world.debate)}.{EXTENSIONS[fmt]}"
    assert response["Content-Disposition"] == f'attachment; filename="{name}"'


@pytest.mark.parametrize("role", ["moderator", "observer", "anonymous"])
@pytest.mark.parametrize("fmt", FORMATS)
def test_live_download_has_the_api_bytes_for_the_same_viewer(snap_world, role, fmt):
    user = None if role == "anonymous" else getattr(snap_world, role)
    api = session_client(user) if user else APIClient()

    page = client_as(user).get(export_url(fmt))
    from_api = api.get(url("snapshot/"), {"format": fmt})

    assert page.status_code == from_api.status_code == 200
    assert page.content == from_api.content
    assert page["ETag"] == from_api["ETag"]


def test_moderators_download_holds_hidden_claims_and_the_publics_does_not(snap_world):
    public = client_as(None).get(export_url("json")).content.decode()
    moderators = client_as(snap_world.moderator).get(export_url("json")).content.decode()

    assert "insult" not in public
    assert "An insult nobody should read." in moderators


def test_json_with_source_texts_is_importable_and_named_apart(snap_world):
    response = client_as(snap_world.moderator).get(export_url("json", texts="1"))

    assert response.status_code == 200
    document = json.loads(response.content)
    assert document["sources"][0]["text"] == snap_world.source.text
    name = f"{SLUG}-v{version_of(snap_world.debate)}-with-texts.json"
    assert response["Content-Disposition"] == f'attachment; filename="{name}"'


def test_imported_download_makes_a_new_debate(snap_world, settings):
    body = client_as(snap_world.moderator).get(export_url("json", texts="1")).content
    creator = snap_world.moderator
    creator.is_staff = True
    creator.save(update_fields=["is_staff"])
    document = json.loads(body)
    document["debate"]["slug"] = "a-fresh-import"

    response = session_client(creator).post("/api/v1/debates/import/", document, format="json")

    assert response.status_code == 201, response.content


@pytest.mark.parametrize("query", ["texts=2", "texts=%C2%B2"])
def test_a_bad_download_query_is_a_400_naming_it(snap_world, query):
    response = client_as(None).get(f"{export_url('json')}?{query}")

    assert response.status_code == 400
    assert b"texts" in response.content


def test_source_texts_come_with_json_only(snap_world):
    assert client_as(None).get(export_url("argdown", texts="1")).status_code == 404


@pytest.mark.parametrize("fmt", ["xml", "aif.json", "JSON", ""])
def test_an_unknown_format_is_404(snap_world, fmt):
    assert client_as(None).get(f"/d/{SLUG}/export.{fmt}").status_code == 404


def test_live_download_answers_304_to_its_etag_until_the_debate_changes(snap_world):
    client = client_as(snap_world.observer)
    etag = client.get(export_url("argdown"))["ETag"]

    again = client.get(export_url("argdown"), HTTP_IF_NONE_MATCH=etag)
    VoteFactory(user=snap_world.debater_now, claim=snap_world.rebuttal, value=2)
    debate_version_bump(snap_world.debate.pk)  # as the vote service does
    changed = client.get(export_url("argdown"), HTTP_IF_NONE_MATCH=etag)

    assert again.status_code == 304 and again["ETag"] == etag
    assert changed.status_code == 200 and changed["ETag"] != etag


@pytest.mark.parametrize("fmt", FORMATS)
def test_frozen_download_is_the_apis_frozen_bytes_under_its_number(snap_world, fmt):
    snapshot_take(actor=snap_world.moderator, debate=snap_world.debate)
    user = snap_world.observer

    page = client_as(user).get(frozen_url(1, fmt))
    from_api = session_client(user).get(url("snapshots/1/"), {"format": fmt})

    assert page.status_code == 200
    assert page.content == from_api.content
    assert page["Content-Type"] == CONTENT_TYPES[fmt]
    assert page["Content-Disposition"] == (
        f'attachment; filename="{SLUG}-snapshot-1.{EXTENSIONS[fmt]}"'
    )
    again = client_as(user).get(frozen_url(1, fmt), HTTP_IF_NONE_MATCH=page["ETag"])
    assert again.status_code == 304


@pytest.mark.parametrize("number", [2, 99, 9_999_999_999_999])
def test_downloading_a_snapshot_that_does_not_exist_is_404(snap_world, number):
    snapshot_take(actor=snap_world.moderator, debate=snap_world.debate)

    assert client_as(None).get(frozen_url(number, "json")).status_code == 404


def test_downloaded_argdown_is_read_by_argdowns_cli(snap_world, tmp_path):
    body = client_as(None).get(export_url("argdown")).content.decode()

    parsed = argdown_json(body, tmp_path)  # fails on any parser error or warning

    assert parsed["statements"]
    assert "Talks during a war invite escalation." in json.dumps(parsed, ensure_ascii=False)
    assert "An insult nobody should read." not in json.dumps(parsed, ensure_ascii=False)


def test_downloaded_aif_is_read_by_arguebuf(snap_world):
    arguebuf = require_arguebuf()
    body = client_as(None).get(export_url("aif")).content

    graph = arguebuf.load.aif(json.loads(body))

    texts = {atom.plain_text for atom in graph.atom_nodes.values()}
    assert "Talks during a war invite escalation." in texts
    assert "An insult nobody should read." not in texts


# --- the API's Content-Disposition -----------------------------------------------------------


def test_api_snapshot_is_inline_with_its_file_name_and_an_attachment_on_download(snap_world):
    client = session_client(snap_world.observer)
    version = version_of(snap_world.debate)

    inline = client.get(url("snapshot/"), {"format": "aif"})
    saved = client.get(url("snapshot/"), {"format": "aif", "download": "1"})

    assert inline["Content-Disposition"] == f'inline; filename="{SLUG}-v{version}.aif.json"'
    assert saved["Content-Disposition"] == f'attachment; filename="{SLUG}-v{version}.aif.json"'
    assert inline.content == saved.content


def test_api_frozen_snapshot_names_its_file_by_number(snap_world):
    snapshot_take(actor=snap_world.moderator, debate=snap_world.debate)
    client = session_client(snap_world.observer)

    inline = client.get(url("snapshots/1/"), {"format": "argdown"})
    saved = client.get(url("snapshots/1/"), {"format": "graphml", "download": "true"})

    assert inline["Content-Disposition"] == f'inline; filename="{SLUG}-snapshot-1.argdown"'
    assert saved["Content-Disposition"] == f'attachment; filename="{SLUG}-snapshot-1.graphml"'


def test_api_refuses_a_download_flag_that_is_not_a_boolean(snap_world):
    response = session_client(snap_world.observer).get(url("snapshot/"), {"download": "maybe"})

    assert response.status_code == 400
    assert "download" in response.json()["error"]["fields"]


def test_closed_debate_still_downloads(snap_world):
    snap_world.debate.phase = Phase.CLOSED
    snap_world.debate.save(update_fields=["phase"])

    assert client_as(None).get(export_url("graphml")).status_code == 200


@pytest.mark.parametrize(("name", "header"), [
    ('a"b\\c.json', 'attachment; filename="a\\"b\\\\c.json"'),
    ("дебати.json", "attachment; filename*=utf-8''%D0%B4%D0%B5%D0%B1%D0%B0%D1%82%D0%B8.json"),
])  # fmt: skip
def test_a_file_name_is_quoted_in_its_header(name, header):
    """Slugs are ASCII letters, digits and dashes, so no shipped name needs this; the header
    stays well-formed whatever the name."""
    assert file_response(b"{}", "json", name, attachment=True)["Content-Disposition"] == header


def count_queries(client, path: str) -> int:
    client.get(path)  # the session and the map's cache, once
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


@pytest.mark.parametrize("role", ["moderator", "anonymous"])
def test_exports_page_queries_do_not_grow_with_the_snapshots(snap_world, role):
    client = client_for(snap_world, role)
    page = reverse("debate-exports", args=[SLUG])
    snapshot_take(actor=snap_world.moderator, debate=snap_world.debate)
    one = count_queries(client, page)
    for _ in range(9):
        snapshot_take(actor=snap_world.moderator, debate=snap_world.debate)

    assert count_queries(client, page) == one
    assert one <= 8, one


@pytest.mark.parametrize("path", ["snapshots/1/diff/2/", "snapshots/1/diff/live/"])
def test_diff_page_queries_do_not_grow_with_the_debate(snap_world, path):
    client = client_as(snap_world.observer)
    snapshot_take(actor=snap_world.moderator, debate=snap_world.debate)
    snapshot_take(actor=snap_world.moderator, debate=snap_world.debate)
    small = count_queries(client, f"/d/{SLUG}/{path}")
    for index in range(30):
        ClaimFactory(parent=snap_world.claim, stance="pro", author=snap_world.own,
                     team=snap_world.team_now, text=f"More {index}")  # fmt: skip
    debate_version_bump(snap_world.debate.pk)
    snapshot_take(actor=snap_world.moderator, debate=snap_world.debate)

    big_path = f"/d/{SLUG}/{path.replace('1/diff/2', '1/diff/3')}"
    assert count_queries(client, big_path) == small
