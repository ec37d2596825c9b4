"""The text a passage is embedded as: one rule for indexing, search, tuning and re-embedding.

If two places built it differently, vectors made by one would not match queries or training
examples made by the other, and a kept fine-tuned model would quietly rank worse.
"""

from __future__ import annotations


def passage_input(title: str, passage: str) -> str:
    # The title gives a passage its context ("Installing" means little alone).
    return f"{title}\n{passage}"
