"""The one SHA-256 of a file's bytes: index files against their stamps, model caches against their records."""

from __future__ import annotations

import hashlib
from pathlib import Path


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):  # 1 MiB at a time: model files are large
            digest.update(block)
    return digest.hexdigest()
