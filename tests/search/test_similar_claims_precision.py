"""The similar-claim hints on the seeded debate, with the paraphrases and the non-duplicates of
bench/similar_claims.py: a floor on precision and on recall, for pg_trgm and for the difflib
fallback.

The floors: at the thresholds used, the bench measures precision 0.93 and recall 0.97 with
pg_trgm (0.93 and 0.86 with difflib) and no hint at all for any of the 12 non-duplicates. A
hint that is wrong costs the writer a glance; one that is missing costs a duplicate claim a
moderator merges later. The floors (0.85 precision, 0.9 and 0.8 recall) leave room for a seed
claim reworded, and fail if a change of threshold or method makes every third hint wrong."""

from __future__ import annotations

import importlib.util
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from debate.debates.models import Debate

BENCH = Path(__file__).resolve().parents[2] / "bench" / "similar_claims.py"
pytestmark = pytest.mark.django_db


def bench():
    spec = importlib.util.spec_from_file_location("similar_claims_bench", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def seeded_debate(db):
    call_command("seed", stdout=StringIO())
    return Debate.objects.get(slug="ukraine-nato-accession")


def test_the_bench_has_enough_cases():
    cases = bench()
    assert len(cases.PARAPHRASES) >= 20 and len(cases.NON_DUPLICATES) >= 10


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_trgm: PostgreSQL only")
def test_trigram_hints_are_precise_on_the_seeded_debate(seeded_debate):
    from debate.mapview.search import THRESHOLD

    figures = bench().measure(seeded_debate, THRESHOLD, "trigram")
    assert figures["precision"] >= 0.85, figures
    assert figures["recall"] >= 0.9, figures
    assert figures["false_on_unrelated"] == 0, figures


def test_the_fallback_hints_are_precise_on_the_seeded_debate(seeded_debate):
    from debate.mapview.search import FALLBACK_THRESHOLD

    figures = bench().measure(seeded_debate, FALLBACK_THRESHOLD, "difflib")
    assert figures["precision"] >= 0.85, figures
    assert figures["recall"] >= 0.8, figures
