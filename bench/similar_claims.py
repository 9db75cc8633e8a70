"""How well the similar-claim hint finds near-duplicates: precision and recall on the seeded
debate, for paraphrases of its claims and for other claims on the same topic.

    DATABASE_URL=postgres://... .venv/bin/python bench/similar_claims.py

Each paraphrase is what a student might type instead of supporting a seeded claim; it names
the claim it restates by the first words of its text. Each non-duplicate is on the same topic
(NATO, Ukraine, the war) but restates no claim of the map. The hint shows up to three claims;
a hint counts as right when the restated claim is among them, wrong for every other claim it
shows. Printed for a range of thresholds, and for the one the hint uses (THRESHOLD in
debate/mapview/search.py): precision = right hints / hints shown, recall = paraphrases whose
claim was shown / paraphrases. The tests (tests/search/test_similar_claims_precision.py) use
the same cases and assert floors on precision and recall.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# (the first words of the seeded claim it restates, the paraphrase)
PARAPHRASES: list[tuple[str, str]] = [
    ("Making an end to the war a precondition",
     "Requiring the war to end before Ukraine joins gives Russia a veto over NATO enlargement."),
    ("Opening talks now does not take away",
     "Starting accession talks now won't stop Russia fighting and may harden Moscow's war aims."),
    ("The stakes cut the other way",
     "A clear invitation shows Moscow that prolonging the war cannot keep Ukraine out of NATO."),
    ("A settlement precondition cannot be met",
     "A settlement precondition can never be met because Russia's hybrid campaign against the "
     "West has no clear end."),
    ("The precondition does not require perfect peace",
     "A ceasefire that ends the open kinetic war is enough; the precondition does not need a "
     "perfect peace."),
    ("The bilateral security agreements cannot stand in",
     "The bilateral security agreements cannot replace membership and none gives the "
     "collective guarantee."),
    ("Left without a fixed accession date",
     "Without a fixed accession date the bilateral deals risk becoming a permanent substitute "
     "for membership."),
    ("The weakness of the bilateral deals",
     "The weak bilateral deals should be strengthened instead of rushing accession."),
    ("An invitation to begin talks with a firm target date",
     "An invitation with a target date of membership by 2028 gives Ukraine a credible horizon."),
    ("Joint defence planning by the alliance",
     "Joint defence planning with a country at war ties NATO's collective credibility to the "
     "fighting."),
    ("Membership should be a tool for ending the war",
     "Membership should be a tool to end the war, not a reward after it is over."),
    ("It is true that only membership gives",
     "A guarantee offered in the middle of a war that allies are reluctant to enforce looks "
     "hollow and weakens Article 5."),
    ("Lasting peace is more likely to come",
     "Lasting peace will come from anchoring Ukraine in NATO and defeating Russia's invasion."),
    ("Even granting that peace could run through membership",
     "The allies' record does not show the resolve to outlast the Kremlin, so Ukraine could "
     "end up half-admitted and at war."),
    ("Opening accession while Russia is fighting",
     "Opening accession while Russia is fighting risks a direct clash between NATO and Russia, "
     "both nuclear powers."),
    ("The escalation risk can be managed",
     "The escalation risk is manageable: the North Atlantic Council can keep guarantees off "
     "the occupied areas."),
    ("A carve-out creates a new seam",
     "A carve-out would create a seam along a moving front line that Russia could probe."),
    ("The sensible sequence is to end the fighting first",
     "The sensible sequence: end the fighting first, then take up membership."),
    ("The 'ending' this sequence waits for",
     "Freezes and territorial trades would not produce a real peace, and the condition gives "
     "Russia a reason never to let the war end."),
    ("Ukraine's borders are unresolved",
     "Ukraine's borders are unresolved while parts are occupied, so the territorial question "
     "must be settled before guarantees."),
    ("Defining coverage is a decision",
     "The Council can decide now which areas the guarantee covers, keeping the legal claim to "
     "occupied regions for later."),
    ("Accession needs every ally's consent",
     "Accession needs the consent of every ally, and that consent is not there."),
    ("US support was withdrawn during the Minsk period",
     "US support was withdrawn in the Minsk period, when there was no open war."),
    ("Ukraine is not yet ready for membership",
     "Ukraine is not ready for membership: states that joined after 1999 needed two decades "
     "of peacetime reform."),
    ("The same precedent shows",
     "Unfinished reform has never been a bar to membership; earlier entrants completed it "
     "inside the alliance."),
    ("Until there is a settlement",
     "Until a settlement, strengthened bilateral security agreements under a common compact "
     "can protect Ukraine."),
    ("A bridge with no far bank",
     "A bridge with no far bank becomes the destination: without a dated commitment the deals "
     "become permanent."),
    ("Membership is a major lever",
     "Membership is a lever best used at the negotiating table, as the guarantee that secures "
     "a settlement."),
    ("Holding membership back for the end",
     "Holding membership back until the end weakens leverage; integrating Ukraine now "
     "strengthens Kyiv's hand."),
]  # fmt: skip

# Same topic, no claim of the map restated: any hint for these is a wrong one.
NON_DUPLICATES: list[str] = [
    "Ukraine's air defence needs more Patriot batteries before the winter.",
    "Sanctions on Russian oil exports have cut Moscow's revenues.",
    "Ukraine's path into the European Union should be kept separate from NATO.",
    "Public opinion in Ukraine strongly favours joining the alliance.",
    "Every NATO member should spend at least two percent of GDP on defence.",
    "Finland and Sweden joined quickly, which shows how fast the alliance can enlarge.",
    "Western tanks delivered in 2023 changed the battlefield less than expected.",
    "Corruption in military procurement must be tackled to keep Western aid flowing.",
    "The Black Sea grain corridor matters for global food security.",
    "Hungary's government keeps blocking EU funds for Kyiv.",
    "Drone production in Ukraine has grown tenfold since the invasion.",
    "The Washington summit marked the alliance's 75th anniversary.",
]


def measure(debate, threshold: float, method: str | None = None) -> dict[str, float]:
    """Precision and recall of `similar_claims` at `threshold` over the cases above, with
    `method` ("trigram", "difflib"; None: the database's default)."""
    from debate.mapview.search import similar_claims as hints

    def similar_claims(debate, text, threshold):
        return hints(debate, text, threshold=threshold, method=method)

    texts = {c.pk: c.text for c in debate.claims.all()}
    right = wrong = found = 0
    for start, paraphrase in PARAPHRASES:
        (target,) = [pk for pk, text in texts.items() if text.startswith(start)]
        shown = [hint.id for hint in similar_claims(debate, paraphrase, threshold=threshold)]
        right += target in shown
        wrong += sum(1 for pk in shown if pk != target)
        found += target in shown
    for text in NON_DUPLICATES:
        wrong += len(similar_claims(debate, text, threshold=threshold))
    shown_total = right + wrong
    return {
        "threshold": threshold,
        "shown": shown_total,
        "precision": right / shown_total if shown_total else 1.0,
        "recall": found / len(PARAPHRASES),
        "false_on_unrelated": sum(
            1 for text in NON_DUPLICATES if similar_claims(debate, text, threshold=threshold)
        ),
    }


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "debate.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection

    from debate.debates.models import Debate
    from debate.mapview.search import FALLBACK_THRESHOLD, THRESHOLD

    debate = Debate.objects.filter(slug="ukraine-nato-accession").first()
    if debate is None:
        sys.exit("Seed the database first: manage.py seed")
    print(f"database: {connection.vendor}; {debate.claims.count()} seeded claims, "
          f"{len(PARAPHRASES)} paraphrases, {len(NON_DUPLICATES)} non-duplicates")  # fmt: skip
    methods = [("trigram", THRESHOLD)] if connection.vendor == "postgresql" else []
    for method, used in [*methods, ("difflib", FALLBACK_THRESHOLD)]:
        print(f"\n{method}: threshold  hints  precision  recall  unrelated-with-a-hint")
        sweep = sorted({round(0.2 + 0.05 * i, 2) for i in range(11)} | {used})
        for threshold in sweep:
            m = measure(debate, threshold, method)
            mark = "  <- used" if threshold == used else ""
            print(f"{' ' * len(method)}  {threshold:9.2f}  {m['shown']:5d}  "
                  f"{m['precision']:9.2f}  {m['recall']:6.2f}  "
                  f"{m['false_on_unrelated']:2d}/{len(NON_DUPLICATES)}{mark}")  # fmt: skip


if __name__ == "__main__":
    main()
