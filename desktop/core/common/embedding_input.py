"""The text a passage is embedded as: one rule for indexing, search, tuning and re-embedding.

If two places built it differently, vectors made by one would not match queries or training
examples made by the other, and a kept fine-tuned model would quietly rank worse.
"""

from __future__ import annotations

import re

# A document without a title of its own is titled by its file name ("notes-03.txt", "IMG_2041.md").
# Such a name tells the model nothing about the passage and, measured on the quality sets, prefixing
# it costs ranking quality: only a real title is given as context.
_FILE_NAME = re.compile(r"^[^\s/\\]+\.[A-Za-z0-9]{1,5}$")


def passage_input(title: str | None, passage: str) -> str:
    if not title or _FILE_NAME.match(title):
        return passage
    # A real title gives a passage its context ("Installing" means little alone).
    return f"{title}\n{passage}"
