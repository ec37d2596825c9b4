"""The "good matches" cut-off of the text model in use.

A fused score is a cosine plus a little keyword evidence (fusion.py), and each model's cosines have a scale
of their own: the cut-off chosen for MiniLM (0.42) would hide a different share of answers under another
model. So the cut-off belongs to the model, pinned beside it in embed/known_models.py (carried over from
Fast's by the two models' own score distributions, scripts/calibrate_cut_off.py). A copy of a known model
is known by its files; a model fine-tuned from one keeps its base's cut-off; a model semdesk does not know
gets the Fast model's.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from desktop.core.embed.known_models import FAST, KnownModel, by_name
from desktop.core.workspace import Workspace
from desktop.core.workspace.versions import INT8_SUFFIX, text_model_of


def good_match(ws: Workspace) -> float:
    """The cut-off for the active text version's scores."""
    version = ws.versions.active("text")
    base = version.base_model or text_model_of(version)[0]
    return model_good_match(base.removesuffix(INT8_SUFFIX))


@lru_cache(maxsize=32)  # a search asks each time; identifying a folder reads its config.json
def model_good_match(name: str) -> float:
    """The cut-off of a model named by a text_model setting (a known name or a model folder)."""
    model = _known(name)
    return (model or FAST).good_match


def _known(name: str) -> KnownModel | None:
    from desktop.core.embed.verify import identify

    model = by_name(name)
    if model is None and Path(name).expanduser().is_dir():
        model = identify(Path(name).expanduser())
    return model


__all__ = ["good_match", "model_good_match"]
