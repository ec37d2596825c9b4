"""Which files the app indexes, decided by suffix alone (cheap enough for a walk of
millions of files). Content sniffing happens later, when the bytes are read."""

from __future__ import annotations

import os
from pathlib import Path

# Documents with a dedicated extractor or worth reading as prose.
_DOCUMENT_SUFFIXES = {".txt", ".text", ".md", ".markdown", ".rst", ".org", ".tex",
                      ".html", ".htm", ".xhtml", ".pdf", ".docx"}
# Source code and config: plain text that people do search for by meaning.
# (.svg is left out on purpose: its bulk is path data, not words.)
_SOURCE_SUFFIXES = {
    ".py", ".pyi", ".js", ".mjs", ".ts", ".tsx", ".jsx", ".c", ".h", ".cc", ".cpp", ".cxx",
    ".hpp", ".hh", ".java", ".kt", ".go", ".rs", ".rb", ".php", ".pl", ".lua", ".swift",
    ".cs", ".scala", ".r", ".jl", ".sh", ".bash", ".zsh", ".ps1", ".css", ".scss", ".sql",
    ".json", ".yaml", ".yml", ".toml", ".ini", ".cfg", ".conf", ".csv", ".tsv", ".xml",
}

TEXT_SUFFIXES: frozenset[str] = frozenset(_DOCUMENT_SUFFIXES | _SOURCE_SUFFIXES)
IMAGE_SUFFIXES: frozenset[str] = frozenset(
    {".jpg", ".jpeg", ".png", ".webp", ".gif", ".bmp", ".tif", ".tiff", ".heic", ".heif"}
)


def kind_of(path: str | Path) -> str | None:
    """"text", "image", or None when the app does not index this kind of file."""
    suffix = os.path.splitext(os.fspath(path))[1].lower()
    if suffix in TEXT_SUFFIXES:
        return "text"
    if suffix in IMAGE_SUFFIXES:
        return "image"
    return None
