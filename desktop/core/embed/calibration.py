"""Texts the int8 quantiser runs through the model to learn the range of each activation.

They come from the docstrings of a fixed list of standard-library modules: real English prose
present on every installation, so a remade int8 model is the same model, with no data file to
ship and nothing of the user's involved. Long passages like indexed chunks, and short lines like
typed queries, because both kinds go through the same int8 model.
"""

from __future__ import annotations

import importlib
import inspect

_MODULES = (
    "argparse", "base64", "bisect", "calendar", "collections", "contextlib", "csv", "dataclasses",
    "datetime", "decimal", "difflib", "email", "enum", "fractions", "functools", "gettext", "gzip",
    "hashlib", "heapq", "html", "http", "inspect", "itertools", "json", "locale", "logging", "mailbox",
    "pathlib", "pickle", "queue", "random", "sched", "secrets", "shutil", "smtplib", "sqlite3",
    "statistics", "string", "subprocess", "tarfile", "tempfile", "textwrap", "threading", "typing",
    "unittest", "urllib.parse", "uuid", "zipfile",
)  # fmt: skip
PASSAGE_WORDS = 180  # about the length of an indexed chunk of this model
PASSAGES = 48
SHORT_TEXTS = 16
BATCH = 8


def _docstrings() -> list[str]:
    docs: list[str] = []
    for name in _MODULES:
        try:
            module = importlib.import_module(name)
        except ImportError:  # a trimmed Python without one of them: the others suffice
            continue
        docs.append(inspect.getdoc(module) or "")
        for attribute in sorted(vars(module)):
            value = getattr(module, attribute)
            if not attribute.startswith("_") and getattr(value, "__module__", None) == module.__name__:
                docs.append(inspect.getdoc(value) or "")
    return [" ".join(doc.split()) for doc in docs if len(doc.split()) >= 8]


def calibration_texts() -> list[list[str]]:
    """Batches of texts: passages of about a chunk's length, then short query-like lines."""
    docs = _docstrings()
    words = " ".join(docs).split()
    step = max(PASSAGE_WORDS, len(words) // PASSAGES)  # spread over all modules, not the first few
    passages = [" ".join(words[i : i + PASSAGE_WORDS]) for i in range(0, step * PASSAGES, step)]
    short = [doc.split(". ")[0][:120] for doc in docs[:: max(1, len(docs) // SHORT_TEXTS)]][:SHORT_TEXTS]
    texts = [text for text in passages + short if text]
    return [texts[i : i + BATCH] for i in range(0, len(texts), BATCH)]
