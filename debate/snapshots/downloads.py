"""File names and headers of the snapshot downloads, shared by the pages and the API, so a
file saved from either has the same name and type."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import get_language

from debate.snapshots.services import CONTENT_TYPES

# What each format's file name ends with: AIF is JSON, and says so, so that the OS opens it
# with a JSON viewer while the name still tells it apart from our own JSON.
EXTENSIONS = {"json": "json", "aif": "aif.json", "argdown": "argdown", "graphml": "graphml"}
# The JSON with each source's text (importable) gets its own name: it is a different file.
WITH_TEXT_SUFFIX = "-with-texts"


def live_file_name(slug: str, version: int, fmt: str, *, with_text: bool = False) -> str:
    """`<slug>-v<version>.<ext>`: the version the bytes are of, so two downloads of one
    debate at two moments never share a name."""
    suffix = WITH_TEXT_SUFFIX if with_text else ""
    return f"{slug}-v{version}{suffix}.{EXTENSIONS[fmt]}"


def frozen_file_name(slug: str, number: int, fmt: str) -> str:
    """`<slug>-snapshot-<n>.<ext>`: a frozen snapshot is named by its number, which never
    changes what it holds."""
    return f"{slug}-snapshot-{number}.{EXTENSIONS[fmt]}"


def not_modified(request: HttpRequest, etag: str) -> bool:
    """Whether the client already holds `etag` (one of the ETags in its If-None-Match)."""
    return etag in [t.strip() for t in request.headers.get("If-None-Match", "").split(",")]


def file_response(body: bytes, fmt: str, name: str, *, attachment: bool) -> HttpResponse:
    """The bytes with their content type and a Content-Disposition naming the file.
    Django's header helper quotes the name (and would add `filename*` for a non-ASCII one;
    slugs are ASCII, so today it never has to)."""
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = content_disposition_header(attachment, name)
    return response


def live_etag(debate_pk: int, version: int, audience_key: str, shape: str) -> str:
    """The ETag of a live document: its debate, version, audience, shape and interface
    language (an anonymous debate's document names «Учасник 7" or "Participant 7"). The page
    download and the API share it, so either answers the other's If-None-Match."""
    return f'"{debate_pk}-{version}-{audience_key}-{shape}-{get_language()}"'
