"""The words a model wants before a query and before a passage (e5's "query: " / "passage: ").

sentence-transformers keeps them in the model folder's config_sentence_transformers.json, under
"prompts" (its encode_query reads "query", its encode_document "document", then "passage"); a model
trained with them ranks worse without them. A model that names none gets its texts as they are.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

CONFIG = "config_sentence_transformers.json"
_PASSAGE_NAMES = ("document", "passage", "corpus")  # sentence-transformers' encode_document order


@dataclass(frozen=True)
class Prompts:
    query: str = ""
    passage: str = ""

    def apply(self, texts: list[str], *, queries: bool) -> list[str]:
        prompt = self.query if queries else self.passage
        return [prompt + text for text in texts] if prompt else list(texts)


NONE = Prompts()


def read_prompts(folder: str | Path) -> Prompts:
    """The folder's prompts; none when it names none (or its file cannot be read: the model then runs
    as every model without prompts does)."""
    try:
        config = json.loads((Path(folder) / CONFIG).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return NONE
    return from_table(config.get("prompts") if isinstance(config, dict) else None)


def from_table(prompts: object) -> Prompts:
    """Prompts from sentence-transformers' table of them (a loaded model's `.prompts`, or the file's)."""
    if not isinstance(prompts, dict):
        return NONE
    # A loaded SentenceTransformer lists "query" and "document" even when empty: the first one set counts.
    passage = next((prompts[name] for name in _PASSAGE_NAMES if isinstance(prompts.get(name), str) and prompts[name]),
                   "")
    query = prompts.get("query")
    return Prompts(query if isinstance(query, str) else "", passage)


__all__ = ["CONFIG", "NONE", "Prompts", "from_table", "read_prompts"]
