"""Development tool: a text model's "good match" cut-off, carried over from the Fast model's by its own scores.

The Fast model's cut-off (0.42) was chosen on the bench's quality sets for MiniLM's cosines; another model's
cosines sit on a scale of their own (a bigger model spreads them differently), so the same number would
blank a different share of answers. This tool measures both models on one calibration set, the Python
standard library reference (200-word windows of /usr/share/doc/python3.11/html/_sources/library, none of
the leak-free sets' documents: those are the FAQ, the kernel docs and the exact-term set) against the
bench's typed-style latency queries, and maps the cut-off through the two score distributions: the new
cut-off lets through the same share of (query, passage) cosines as Fast's does for Fast (quantile matching).
It is never tuned on the quality sets, so the bench's cut-off figures for a model stay an honest test.

Usage: python scripts/calibrate_cut_off.py MODEL [--passages N]   (MODEL: accurate, or a model folder)
It prints the cut-off to pin beside the model in desktop/core/embed/known_models.py.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

LIBRARY_DOCS = Path("/usr/share/doc/python3.11/html/_sources/library")
WINDOW_WORDS = 200


def carried_cut_off(reference: Any, cut_off: float, other: Any) -> float:
    """The score in `other` that as large a share of its scores reaches as `cut_off` does in `reference`."""
    import numpy as np

    reference, other = np.asarray(reference, dtype=float), np.asarray(other, dtype=float)
    share = float(np.mean(reference >= cut_off))  # what passes the cut-off on the reference scale
    return float(np.quantile(other, 1.0 - share))


def calibration_passages(limit: int) -> list[str]:
    windows: list[str] = []
    for path in sorted(LIBRARY_DOCS.glob("*.txt")):
        words = path.read_text(errors="replace").split()
        windows += [" ".join(words[i : i + WINDOW_WORDS]) for i in range(0, len(words), WINDOW_WORDS)]
        if len(windows) >= limit:
            break
    if not windows:
        raise SystemExit(f"{LIBRARY_DOCS} is missing: install the python3.11-doc Debian package.")
    return windows[:limit]


def cosines(model: str, passages: list[str], queries: list[str]) -> Any:
    """Every query's cosine to every passage (the dense part of the fused score), flattened."""
    from desktop.core.embed.text import TextEncoder

    encoder = TextEncoder(model)
    matrix = encoder.encode(passages)
    asked = encoder.encode(queries)
    return (asked @ matrix.T).ravel()


def main() -> None:
    from desktop.core.embed.known_models import FAST, by_key
    from scripts.benchmarks.common import QUERIES

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", help="accurate, or a sentence-transformers model folder")
    parser.add_argument("--passages", type=int, default=400)
    args = parser.parse_args()
    known = by_key(args.model)
    model = known.name if known else args.model
    passages = calibration_passages(args.passages)
    reference = cosines(FAST.name, passages, QUERIES)
    other = cosines(model, passages, QUERIES)
    cut_off = carried_cut_off(reference, FAST.good_match, other)
    share = float((reference >= FAST.good_match).mean())
    print(f"{len(passages)} passages x {len(QUERIES)} queries; Fast's {FAST.good_match:.2f} lets {share:.2%} of the "
          f"pairs through; the same share for {model}: cut-off {cut_off:.3f}")


if __name__ == "__main__":
    main()
