"""Fusing the meaning and keyword lists into one score per passage and per document.

Reciprocal rank fusion with equal weights let a keyword list built from "how", "do" and "is"
pull wrong passages above the right one (file-level nDCG@10 fell from 0.855 dense-only to 0.802
on the leak-free FAQ set). Scores are fused instead, each list normalised on its own scale:

- meaning: the cosine of the passage to the query, exact for every candidate from either list
  (a keyword-only candidate's vector is read from the catalog, not guessed from its rank);
- keywords: the evidence of retrieval/keywords.keyword_evidence, in [0, 1]: bm25 divided by the
  best bm25 of this query, times the idf-weighted share of the query's words the passage holds;
- the keyword weight depends on the query: small for plain words, where meaning knows better,
  large for identifiers, quoted phrases and code-like words, where the exact term must win.

The cosine is on a fixed scale from query to query, so the fused score doubles as a calibrated
relevance for the "good matches only" cut-off (each model's: cut_off.py; GOOD_MATCH is the Fast model's,
chosen by scripts/bench --only quality).
Those weights and GOOD_MATCH were chosen on MiniLM's cosines. Models differ in where unrelated text
lands: the median cosine between the encoder choice's fixed passages is 0.21 for MiniLM and 0.84 for
multilingual-e5-small (any two texts score 0.74-0.92 with e5). So a model whose floor is known has its
cosines moved onto MiniLM's scale first (`on_reference_scale`: its floor onto MiniLM's, 1 stays 1);
without that, e5's keywords weighed five times as much and the cut-off hid nothing.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable

from desktop.core.embed.known_models import FAST

PLAIN_KEYWORD_WEIGHT = 0.2
EXACT_KEYWORD_WEIGHT = 0.3
SECOND_PASSAGE_WEIGHT = 0.0  # a document-level signal: several good passages over one
GOOD_MATCH = FAST.good_match  # below it, "show weaker matches"; other models': cut_off.good_match

# Identifiers: dotted names, snake_case, CamelCase inside a word, calls, options, quoted text.
_EXACT = re.compile(r"\w\.\w|\w_\w|[a-z][A-Z]|\w\(|(?:^|\s)--?\w|::|\"[^\"]+\"|`[^`]+`|\b[A-Z]{2,}\w*\b")


# Median cosine between unrelated passages (embed/encoder_choice.passages(), OpenVINO int8), per model.
REFERENCE_FLOOR = 0.2115  # all-MiniLM-L6-v2: the scale the weights and GOOD_MATCH were chosen on
COSINE_FLOORS = {"multilingual-e5-small": 0.8357, "intfloat/multilingual-e5-small": 0.8357}


def on_reference_scale(cosines: dict[int, float], model: str | None) -> dict[int, float]:
    """`model`'s cosines on MiniLM's scale (its floor onto MiniLM's, 1 onto 1); unchanged for a model
    whose floor is not known (MiniLM itself, Accurate, a folder)."""
    floor = COSINE_FLOORS.get(model or "")
    if floor is None:
        return cosines
    stretch = (1.0 - REFERENCE_FLOOR) / (1.0 - floor)
    return {cid: REFERENCE_FLOOR + (cos - floor) * stretch for cid, cos in cosines.items()}


def keyword_weight(query: str) -> float:
    return EXACT_KEYWORD_WEIGHT if _EXACT.search(query) else PLAIN_KEYWORD_WEIGHT


def passage_scores(
    cosines: dict[int, float], keyword: Iterable[tuple[int, float]], weight: float
) -> dict[int, float]:
    """chunk id -> cosine + weight * keyword evidence, for every chunk with a cosine."""
    evidence = dict(keyword)
    return {cid: cos + weight * evidence.get(cid, 0.0) for cid, cos in cosines.items()}


def document_scores(passages: dict[int, float], file_of: dict[int, int]) -> dict[int, tuple[float, list[int]]]:
    """file id -> (score, its chunk ids best first): the best passage plus a little for a second."""
    per_file: dict[int, list[int]] = defaultdict(list)
    for cid in sorted(passages, key=lambda c: -passages[c]):
        if cid in file_of:
            per_file[file_of[cid]].append(cid)
    out = {}
    for file_id, chunks in per_file.items():
        score = passages[chunks[0]]
        if SECOND_PASSAGE_WEIGHT and len(chunks) > 1:
            score += SECOND_PASSAGE_WEIGHT * passages[chunks[1]]
        out[file_id] = (score, chunks)
    return out


def shown_score(fused: float) -> float:
    """The 0..1 figure a user sees; the same scale as GOOD_MATCH."""
    return max(0.0, min(1.0, fused))
