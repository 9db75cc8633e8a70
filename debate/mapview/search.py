"""Search in one debate, and the similar-claim hints of the compose form: reads, beside the map.

Search (`debate_search`) looks in claims (their text) and evidence (its quote, and the title
of its source). On PostgreSQL it is full-text search: `to_tsvector('simple', …)` matched
against a prefix query of the words typed (`'accessi':* & 'нато':*`), ranked by `ts_rank`,
with GIN indexes on exactly those expressions (arguments 0003, sources 0003). Why 'simple':
claims are written in English and in Ukrainian, PostgreSQL ships no Ukrainian stemmer, and an
English stemmer would cut Ukrainian words (and names) arbitrarily; 'simple' only lowercases,
for every script, and prefix matching gives back most of what stemming would (`accession`
finds `accessions`, `україн` finds `Україна` and `України`). On any other database it falls
back to `icontains` on every word, unranked.

What a viewer finds is what the visibility policy lets them see (`claim_q`, `evidence_q`):
moderators find hidden and withdrawn claims and unapproved or hidden evidence too, marked.
The matched words are found here, in Python, and handed to the template as pieces that it
escapes like any text, so no user HTML ever reaches the page (PostgreSQL's ts_headline
would return the stored text unescaped).

The hints (`similar_claims`) are claims of the debate, visible to everyone, that the text
being written nearly repeats: `word_similarity(typed, claim)` of pg_trgm (how well the typed
text matches some stretch of the claim, so a short restatement of a long claim still scores
high), at least THRESHOLD (measured by bench/similar_claims.py), through a GIN trigram index
(`text %> typed`). Elsewhere difflib does the same on words.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import NamedTuple

from django.contrib.postgres.lookups import TrigramWordSimilar
from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVector,
    TrigramWordSimilarity,
)
from django.db import connection, transaction
from django.db.models import Count, F, Q, QuerySet, Value, Window

from debate.arguments.models import CLAIM_TEXT_MAX, Claim
from debate.debates.models import Debate
from debate.mapview import visibility
from debate.sources.models import Evidence, Source

CONFIG = "simple"
MAX_TERMS = 8  # words of a query that count
RESULT_LIMIT = 20  # results of each kind on a page; the counts say how many there are
SNIPPET = 240  # characters of a long text shown around its first match

# The expressions the GIN indexes hold (arguments 0003, sources 0003): a query must use the
# very same ones for PostgreSQL to use the index.
CLAIM_VECTOR = SearchVector("text", config=CONFIG)
QUOTE_VECTOR = SearchVector("quote", config=CONFIG)
TITLE_VECTOR = SearchVector("title", config=CONFIG)

# Similar-claim hints: word_similarity at least THRESHOLD (pg_trgm), at most SIMILAR_LIMIT,
# and only once the text has SIMILAR_MIN_WORDS words (two or three words are similar to half
# the map). bench/similar_claims.py measures the threshold; see the README.
THRESHOLD = 0.45
SIMILAR_LIMIT = 3
SIMILAR_MIN_WORDS = 4
# The same idea without PostgreSQL: the share of the typed words found in order in the claim.
FALLBACK_THRESHOLD = 0.5

_WORD = re.compile(r"\w+")
_APOSTROPHES = ("'", "\u2019")


def query_terms(query: str) -> list[str]:
    """The words of a query, lowercased, at most MAX_TERMS: letters and digits of any script,
    nothing else (so that no tsquery operator or quote can come from the user)."""
    terms: list[str] = []
    text = (query or "").lower()
    for match in _WORD.finditer(text):
        word = match.group().strip("_")
        # The letter after an apostrophe ("Ukraine's", "don't") is a clitic, not a word: as
        # a prefix it would match, and mark, every word that begins with it.
        if len(word) == 1 and text[match.start() - 1 : match.start()] in _APOSTROPHES:
            continue
        if word and word not in terms:
            terms.append(word)
    return terms[:MAX_TERMS]


def ts_query(terms: list[str]) -> SearchQuery:
    """Every term as a prefix: `'word':* & ...`. The terms are word characters only."""
    return SearchQuery(" & ".join(f"'{t}':*" for t in terms), search_type="raw", config=CONFIG)


# --- highlighting ----------------------------------------------------------------------------


def _matches(word: str, terms: list[str]) -> bool:
    lowered = word.lower()
    return any(lowered.startswith(term) for term in terms)


class Piece(NamedTuple):
    """A stretch of text and whether it matched: the template escapes it and wraps matches
    in <mark>, so no Python here ever marks text safe."""

    text: str
    mark: bool


def highlight(text: str, terms: list[str], *, snippet: int | None = SNIPPET) -> list[Piece]:
    """`text` as pieces, each word that starts with a term marked; a long text cut to
    `snippet` characters around its first match, with an ellipsis where it was cut."""
    start, end = 0, len(text)
    if snippet is not None and len(text) > snippet:
        first = next((m.start() for m in _WORD.finditer(text) if _matches(m.group(), terms)), 0)
        start = max(0, first - snippet // 3)
        if start:  # begin on a word
            gap = text.rfind(" ", 0, start)
            start = gap + 1 if gap != -1 and start - gap < 30 else start
        end = min(len(text), start + snippet)
    pieces = [Piece("…", False)] if start else []
    at = start
    for match in _WORD.finditer(text, start, end):
        if _matches(match.group(), terms):
            pieces += [Piece(text[at : match.start()], False), Piece(match.group(), True)]
            at = match.end()
    pieces.append(Piece(text[at:end], False))
    if end < len(text):
        pieces.append(Piece("…", False))
    return [piece for piece in pieces if piece.text]


# --- search ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClaimHit:
    id: int
    text: str
    stance: str
    position_id: int
    is_hidden: bool
    is_withdrawn: bool
    rank: float
    marked: list[Piece]  # the text (or a snippet of it) as pieces, matched words marked


@dataclass(frozen=True)
class EvidenceHit:
    id: int
    quote: str
    source_id: int
    source_title: str
    paragraph: int
    status: str
    is_hidden: bool
    rank: float
    marked: list[Piece]  # the quote (or a snippet of it), as ClaimHit.marked
    title_marked: list[Piece]

    @property
    def citable(self) -> bool:
        return visibility.evidence_citable(status=self.status, is_hidden=self.is_hidden)


@dataclass(frozen=True)
class SearchResults:
    query: str
    terms: list[str]
    claims: list[ClaimHit] = field(default_factory=list)
    claim_count: int = 0
    evidence: list[EvidenceHit] = field(default_factory=list)
    evidence_count: int = 0

    @property
    def count(self) -> int:
        return self.claim_count + self.evidence_count


def _full_text() -> bool:
    return connection.vendor == "postgresql"


def _claims(
    debate: Debate, audience: visibility.Audience, terms: list[str], limit: int
) -> tuple[list[ClaimHit], int]:
    qs = Claim.objects.filter(visibility.claim_q(audience), debate=debate)
    if _full_text():
        query = ts_query(terms)
        qs = (
            qs.alias(vector=CLAIM_VECTOR).filter(vector=query)
            .annotate(rank=SearchRank(CLAIM_VECTOR, query)).order_by("-rank", "id")
        )  # fmt: skip
    else:
        for term in terms:
            qs = qs.filter(text__icontains=term)
        qs = qs.annotate(rank=Value(0.0)).order_by("id")
    rows = list(
        qs.annotate(total=Window(Count("id"))).values(
            "id", "text", "stance", "position_id", "is_hidden", "is_withdrawn", "rank", "total"
        )[:limit]
    )  # fmt: skip
    hits = [
        ClaimHit(
            id=r["id"],
            text=r["text"],
            stance=r["stance"],
            position_id=r["position_id"],
            is_hidden=r["is_hidden"],
            is_withdrawn=r["is_withdrawn"],
            rank=r["rank"],
            marked=highlight(r["text"], terms),
        )  # fmt: skip
        for r in rows
    ]
    return hits, (rows[0]["total"] if rows else 0)


def _evidence_rows(debate: Debate, terms: list[str], base: Q) -> QuerySet:
    qs = Evidence.objects.filter(base, debate=debate)
    if _full_text():
        query = ts_query(terms)
        # The quote's own index, or a source whose title matches (read first: a handful of
        # rows): two conditions PostgreSQL answers from two indexes and ORs together, which
        # it cannot do with a subquery.
        titled = list(
            Source.objects.alias(vector=TITLE_VECTOR)
            .filter(debate=debate, vector=query)
            .values_list("id", flat=True)
        )
        return (
            qs.alias(vector=QUOTE_VECTOR)
            .filter(Q(vector=query) | Q(source_id__in=titled))
            .annotate(rank=SearchRank(QUOTE_VECTOR, query)
                      + SearchRank(SearchVector("source__title", config=CONFIG), query) / 2)
            .order_by("-rank", "source_id", "start")
        )  # fmt: skip
    for term in terms:
        qs = qs.filter(Q(quote__icontains=term) | Q(source__title__icontains=term))
    return qs.annotate(rank=Value(0.0)).order_by("source_id", "start")


EVIDENCE_FIELDS = ("id", "quote", "source_id", "source__title", "paragraph", "status",
                   "is_hidden")  # fmt: skip


def _evidence_hit(row: dict, terms: list[str]) -> EvidenceHit:
    """One row of `EVIDENCE_FIELDS` (and `rank`, if ranked) as a hit, `terms` marked."""
    return EvidenceHit(
        id=row["id"],
        quote=row["quote"],
        source_id=row["source_id"],
        source_title=row["source__title"],
        paragraph=row["paragraph"],
        status=row["status"],
        is_hidden=row["is_hidden"],
        rank=row.get("rank", 0.0),
        marked=highlight(row["quote"], terms),
        title_marked=highlight(row["source__title"], terms, snippet=None),
    )


def _evidence(
    debate: Debate, terms: list[str], base: Q, limit: int
) -> tuple[list[EvidenceHit], int]:
    rows = list(
        _evidence_rows(debate, terms, base).annotate(total=Window(Count("id")))
        .values(*EVIDENCE_FIELDS, "rank", "total")[:limit]
    )  # fmt: skip
    return [_evidence_hit(r, terms) for r in rows], (rows[0]["total"] if rows else 0)


def debate_search(
    debate: Debate,
    query: str,
    audience: visibility.Audience,
    *,
    claims: bool = True,
    citable_only: bool = False,
    limit: int = RESULT_LIMIT,
) -> SearchResults:
    """Claims and evidence of `debate` that match every word of `query` (as prefixes), best
    first, at most `limit` of each with the full counts; what `audience` may see, or only
    citable evidence (`citable_only`: the compose form's picker). Three queries on PostgreSQL
    (claims, the sources whose title matches, evidence), two elsewhere, whatever the number
    of results; none for a query without words."""
    terms = query_terms(query)
    if not terms:
        return SearchResults(query=query, terms=[])
    found_claims, claim_count = _claims(debate, audience, terms, limit) if claims else ([], 0)
    base = visibility.citable_evidence_q() if citable_only else visibility.evidence_q(audience)
    found_evidence, evidence_count = _evidence(debate, terms, base, limit)
    return SearchResults(
        query=query, terms=terms, claims=found_claims, claim_count=claim_count,
        evidence=found_evidence, evidence_count=evidence_count,
    )  # fmt: skip


CITE_LIST_MAX = 50  # citable evidence listed in the compose form before anything is searched


def citable_evidence(
    debate: Debate, ids: list[int] | None = None, *, limit: int = CITE_LIST_MAX
) -> list[EvidenceHit]:
    """Citable evidence of `debate` as rows of the compose form's list: those of `ids` (in
    that order), or the first `limit` in the order of the sources' text (1 query)."""
    if ids is not None and not ids:
        return []
    qs = Evidence.objects.filter(visibility.citable_evidence_q(), debate=debate)
    qs = qs.filter(pk__in=ids) if ids is not None else qs.order_by("source_id", "start")[:limit]
    rows = {r["id"]: _evidence_hit(r, []) for r in qs.values(*EVIDENCE_FIELDS)}
    return [rows[pk] for pk in ids if pk in rows] if ids is not None else list(rows.values())


# --- similar-claim hints ---------------------------------------------------------------------


@dataclass(frozen=True)
class SimilarClaim:
    id: int
    text: str
    stance: str
    score: float


def similar_claims(
    debate: Debate,
    text: str,
    *,
    threshold: float | None = None,
    limit: int = SIMILAR_LIMIT,
    method: str | None = None,
) -> list[SimilarClaim]:
    """Up to `limit` visible claims of `debate` that `text` nearly repeats, most similar
    first. `method`: "trigram" (PostgreSQL's pg_trgm, the default there) or "difflib" (the
    default elsewhere)."""
    text = (text or "").strip()[:CLAIM_TEXT_MAX]  # the claim box's own limit
    if len(_WORD.findall(text)) < SIMILAR_MIN_WORDS:
        return []
    method = method or ("trigram" if _full_text() else "difflib")
    if method == "difflib":
        return _similar_by_words(debate, text, FALLBACK_THRESHOLD if threshold is None
                                 else threshold, limit)  # fmt: skip
    threshold = THRESHOLD if threshold is None else threshold
    with transaction.atomic():
        # `text %> typed` is true when word_similarity(typed, text) reaches this threshold;
        # it is what the GIN trigram index answers. Local to this transaction.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('pg_trgm.word_similarity_threshold', %s, true)",
                [str(threshold)],
            )
        rows = (
            Claim.objects.visible()
            .filter(TrigramWordSimilar(F("text"), Value(text)), debate=debate)
            .annotate(score=TrigramWordSimilarity(Value(text), "text"))
            .order_by("-score", "id")
            .values("id", "text", "stance", "score")[:limit]
        )
        return [SimilarClaim(**row) for row in rows]


def _word_share(typed: list[str], claim: list[str]) -> float:
    """The share of the typed words that the claim has, in the same order (difflib)."""
    matcher = difflib.SequenceMatcher(None, typed, claim, autojunk=False)
    return sum(block.size for block in matcher.get_matching_blocks()) / len(typed)


def _similar_by_words(
    debate: Debate, text: str, threshold: float, limit: int
) -> list[SimilarClaim]:
    typed = _WORD.findall(text.lower())
    scored = []
    for row in Claim.objects.visible().filter(debate=debate).values("id", "text", "stance"):
        score = _word_share(typed, _WORD.findall(row["text"].lower()))
        if score >= threshold:
            scored.append(SimilarClaim(score=score, **row))
    scored.sort(key=lambda hint: (-hint.score, hint.id))
    return scored[:limit]
