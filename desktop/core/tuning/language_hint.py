"""When the library's text is mostly Chinese, Japanese or Korean and the text model reads English only,
say so in the status (the window's status bar, `semdesk status`) with the model that reads it.

An English-only model turns CJK text into noise: on the Chinese FAQ its meaning list scored nDCG@10 0.23,
and searches of such text fall back to keywords alone (retrieval/search.py). The Multilingual model scored
0.69 there (README, Languages). Counted on a sample of passages, so a status costs one small query.
"""

from __future__ import annotations

from desktop.core.catalog.summaries import passage_sample
from desktop.core.common.cjk import mostly_cjk
from desktop.core.common.settings import ENGLISH_ONLY_TEXT_MODELS
from desktop.core.embed.known_models import MULTILINGUAL
from desktop.core.workspace import Workspace

MIN_PASSAGES = 20  # fewer: too little to judge a library by
SHARE = 0.5  # of the sampled passages mostly CJK


def cjk_share(ws: Workspace) -> tuple[float, int]:
    """(share of sampled passages that are mostly CJK text, passages sampled)."""
    sample = passage_sample(ws.catalog)
    if not sample:
        return 0.0, 0
    return sum(1 for text in sample if mostly_cjk(text)) / len(sample), len(sample)


def suggestion(ws: Workspace, text_model: str) -> tuple[str, float]:
    """("multilingual", the CJK share) when the model in use reads English only and most passages are CJK
    text; ("", share) otherwise. The GUI and the CLI word it."""
    if text_model not in ENGLISH_ONLY_TEXT_MODELS:
        return "", 0.0
    share, sampled = cjk_share(ws)
    if sampled < MIN_PASSAGES or share < SHARE:
        return "", share
    return MULTILINGUAL.key, share
