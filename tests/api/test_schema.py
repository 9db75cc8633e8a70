"""The OpenAPI schema and its docs: valid, versioned, served without the internet."""

from __future__ import annotations

import copy
import re

import jsonschema
import pytest
import yaml
from django.contrib.staticfiles import finders
from django.core.management import call_command
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from tests.api.helpers import API

pytestmark = pytest.mark.django_db


def test_spectacular_validates_the_schema_without_warnings(tmp_path):
    out = tmp_path / "schema.yaml"

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))

    schema = yaml.safe_load(out.read_text())
    assert schema["openapi"].startswith("3.")
    assert schema["paths"], "the schema lists no operations"


def test_every_documented_path_is_under_api_v1(anon):
    response = anon.get(f"{API}/schema/", HTTP_ACCEPT="application/json")

    assert response.status_code == 200
    paths = response.json()["paths"]
    assert paths
    assert all(path.startswith("/api/v1/") for path in paths), sorted(paths)


def test_schema_documents_the_debate_reads_and_writes(anon):
    paths = anon.get(f"{API}/schema/", HTTP_ACCEPT="application/json").json()["paths"]

    assert {"get", "post"} <= set(paths["/api/v1/debates/{slug}/claims/"])
    assert "patch" in paths["/api/v1/debates/{slug}/claims/{claim_id}/"]
    assert {"put", "delete"} <= set(paths["/api/v1/debates/{slug}/claims/{claim_id}/vote/"])
    assert "get" in paths["/api/v1/debates/{slug}/snapshot/"]


def test_docs_page_loads_only_local_assets(anon):
    response = anon.get(f"{API}/docs/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    assert not re.search(r"https?://", html), "the docs page names an external URL"
    assert not re.search(r"""(?:src|href)\s*=\s*["']?//""", html), "protocol-relative URL"
    assets = re.findall(r"""(?:src|href)=["']([^"']+)["']""", html)
    static = [a for a in assets if a.startswith("/static/")]
    assert static, "no shipped scripts or stylesheets found"
    for asset in assets:
        assert asset.startswith("/"), asset  # same origin: a file we ship or a page of ours
    for asset in static:
        assert finders.find(asset.removeprefix("/static/")), f"{asset} is not a shipped file"


def test_docs_scripts_are_served_by_us(anon):
    html = anon.get(f"{API}/docs/").content.decode()

    for src in re.findall(r"""<script[^>]*\ssrc=["']([^"']+)["']""", html):
        if src.startswith("/static/"):
            continue
        response = anon.get(src.replace("&amp;", "&"))
        assert response.status_code == 200, src
        assert "javascript" in response["Content-Type"]
        assert not re.search(r"https?://(?!localhost|testserver)", response.content.decode())


def test_docs_page_has_nothing_inline_that_its_csp_blocks(anon):
    response = anon.get(f"{API}/docs/")
    html = response.content.decode()
    csp = response.get("Content-Security-Policy", "")

    assert "style-src 'self'" in csp
    assert "<style" not in html
    assert not re.search(r"<script(?![^>]*\ssrc=)[^>]*>", html)


def _schema(anon) -> dict:
    return anon.get(f"{API}/schema/", HTTP_ACCEPT="application/json").json()


def _nullable_to_json_schema(node):
    """OpenAPI 3.0 says `nullable: true`; JSON Schema says `type: [..., "null"]`."""
    if isinstance(node, list):
        return [_nullable_to_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _nullable_to_json_schema(value) for key, value in node.items()}
    if node.pop("nullable", False) and "type" in node:
        node["type"] = [node["type"], "null"]
    return node


def validate_against_documented_200(anon, path: str, body) -> None:
    """Validate `body` against the documented 200 JSON body of GET `path`."""
    openapi = _nullable_to_json_schema(_schema(anon))
    pointer = "/".join(
        part.replace("~", "~0").replace("/", "~1")
        for part in ("paths", path, "get", "responses", "200", "content", "application/json",
                     "schema")
    )  # fmt: skip
    registry = Registry().with_resource(
        "urn:openapi", Resource.from_contents(openapi, default_specification=DRAFT202012)
    )
    validator = jsonschema.Draft202012Validator(
        {"$ref": f"urn:openapi#/{pointer}"}, registry=registry
    )
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(body)]
    assert not errors, errors


def test_a_documented_body_is_checked_against_a_real_answer(api_world, anon):
    body = anon.get(f"{API}/debates/ukraine-nato/claims/").json()

    validate_against_documented_200(anon, "/api/v1/debates/{slug}/claims/", body)
    with pytest.raises(AssertionError):
        validate_against_documented_200(anon, "/api/v1/debates/{slug}/claims/", {"count": "x"})


def test_events_are_documented_as_they_answer(api_world, anon):
    body = anon.get(f"{API}/debates/ukraine-nato/events/").json()
    operation = _schema(anon)["paths"]["/api/v1/debates/{slug}/events/"]["get"]

    assert "page" not in {p["name"] for p in operation["parameters"]}
    validate_against_documented_200(anon, "/api/v1/debates/{slug}/events/", body)


@pytest.mark.parametrize(
    "path", ["/api/v1/debates/{slug}/snapshot/", "/api/v1/debates/{slug}/snapshots/{number}/"]
)
def test_argdown_is_documented_as_text(anon, db, path):
    content = _schema(anon)["paths"][path]["get"]["responses"]["200"]["content"]

    assert "text/plain" in content


def test_vote_withdrawal_is_documented_as_it_answers(anon, db):
    path = "/api/v1/debates/{slug}/claims/{claim_id}/vote/"
    responses = _schema(anon)["paths"][path]["delete"]["responses"]

    assert set(responses) == {"200"}
    assert "VoteOutput" in str(responses["200"])


def test_public_reads_are_documented_as_needing_no_credentials(anon, db):
    operation = _schema(anon)["paths"]["/api/v1/debates/{slug}/claims/"]["get"]

    assert {} in operation["security"]


# --- the snapshot document: typed from the shipped JSON Schema -------------------------------


def _inline_enums(schema: dict, components: dict) -> dict:
    """`schema` with each reference to an enum component (drf-spectacular moves every enum
    into one, e.g. PhaseEnum) replaced by the enum's values and type."""
    schema = copy.deepcopy(schema)
    stack = [schema]
    while stack:
        node = stack.pop()
        for key, value in list(node.items()):
            if isinstance(value, dict) and "$ref" in value:
                target = components[value["$ref"].rsplit("/", 1)[1]]
                node[key] = {"enum": target["enum"], "type": target["type"]}
            elif isinstance(value, dict):
                stack.append(value)
    return schema


def test_snapshot_component_is_the_shipped_json_schema_converted(anon, db):
    from debate.api.schema import openapi_from_json_schema
    from debate.snapshots.importer import snapshot_schema

    components = _schema(anon)["components"]["schemas"]

    served = _inline_enums(components["SnapshotDocument"], components)
    assert served == openapi_from_json_schema(snapshot_schema())
    # The conversion only changes dialect: back in JSON Schema's, it is the shipped file.
    back = _nullable_to_json_schema(served)
    shipped = snapshot_schema()
    assert set(back["properties"]) == set(shipped["properties"])
    assert back["required"] == shipped["required"]
    assert (back["properties"]["claims"]["items"]["properties"]["parent_id"]["type"]
            == ["integer", "null"])  # fmt: skip


def test_import_request_is_the_snapshot_document(anon, db):
    operation = _schema(anon)["paths"]["/api/v1/debates/import/"]["post"]

    schema = operation["requestBody"]["content"]["application/json"]["schema"]
    assert schema["$ref"].startswith("#/components/schemas/SnapshotDocument")


def test_live_snapshot_answers_as_documented(api_world, anon):
    body = anon.get(f"{API}/debates/ukraine-nato/snapshot/", {"include_text": "1"}).json()

    validate_against_documented_200(anon, "/api/v1/debates/{slug}/snapshot/", body)
    with pytest.raises(AssertionError):
        validate_against_documented_200(
            anon, "/api/v1/debates/{slug}/snapshot/", {**body, "claims": [{"id": "x"}]}
        )


def test_frozen_snapshot_and_diffs_answer_as_documented(api_world, anon):
    from tests.api.helpers import token_client, url

    token_client(api_world.moderator).post(url("snapshots/"))
    frozen = anon.get(url("snapshots/1/")).json()
    diff = anon.get(url("snapshots/1/diff/1/")).json()
    live = anon.get(url("snapshots/1/diff/live/")).json()

    validate_against_documented_200(anon, "/api/v1/debates/{slug}/snapshots/{number}/", frozen)
    validate_against_documented_200(
        anon, "/api/v1/debates/{slug}/snapshots/{number}/diff/{other}/", diff
    )
    validate_against_documented_200(
        anon, "/api/v1/debates/{slug}/snapshots/{number}/diff/live/", live
    )


def test_graphml_is_documented_as_its_own_media_type(anon, db):
    path = "/api/v1/debates/{slug}/snapshot/"
    content = _schema(anon)["paths"][path]["get"]["responses"]["200"]["content"]

    assert "application/graphml+xml" in content


def test_event_payloads_are_typed_by_object_type(api_world, anon):
    from tests.api.helpers import token_client, url

    moderator = token_client(api_world.moderator)
    moderator.post(url(f"evidence/{api_world.proposed.pk}/approve/"), {}, format="json")
    token_client(api_world.observer).put(url(f"claims/{api_world.claim.pk}/vote/"),
                                         {"value": 3}, format="json")  # fmt: skip
    moderator.post(url("snapshots/"))
    body = moderator.get(url("events/")).json()
    types = {event["object_type"] for event in body["results"]}
    path = "/api/v1/debates/{slug}/events/"

    assert {"sources.evidence", "arguments.vote", "snapshots.snapshot"} <= types
    validate_against_documented_200(anon, path, body)
    vote = next(e for e in body["results"] if e["object_type"] == "arguments.vote")
    wrong = {**body, "results": [{**vote, "after": {"claim_id": "one", "value": 3}}]}
    with pytest.raises(AssertionError):
        validate_against_documented_200(anon, path, wrong)
