"""A 200 MB text file: skipped as too large by default, and chunked in bounded memory when allowed.

Each case runs in a fresh process so its peak RSS is its own. The text model is a tiny fake
(see memory_probe.py): what is measured is reading, extraction, chunking and storing.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.reliability.helpers import python

SIZE_MB = 200
PARAGRAPH = (
    "The committee met on a grey morning to review the budget, the garden project and travel plans. " * 6 + "\n\n"
).encode()


@pytest.fixture(scope="module")
def big_text(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("big") / "big.txt"
    block = PARAGRAPH * 1000
    with open(path, "wb") as out:
        for _ in range(SIZE_MB * 1024 * 1024 // len(block) + 1):
            out.write(block)
    return path


def probe(library: Path, file: Path, max_text_mb: int) -> dict:
    result = python("-m", "tests.reliability.memory_probe", str(library), str(file), str(max_text_mb), timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    print(f"\n{file.stat().st_size / 1e6:.0f} MB text, max_text_mb={max_text_mb}: {report}")
    return report


def test_200mb_text_is_skipped_as_too_large_by_default(big_text: Path, tmp_path: Path) -> None:
    report = probe(tmp_path / "lib", big_text, 20)
    assert report["indexed"] == 0 and report["skipped"] == ["file is too large (200 MB; the limit is 20 MB)"]
    assert report["peak_mb"] - report["baseline_mb"] < 50  # refused from its size, never read


@pytest.mark.slow
def test_200mb_text_is_chunked_in_bounded_memory(big_text: Path, tmp_path: Path) -> None:
    report = probe(tmp_path / "lib", big_text, 250)
    assert report["indexed"] == 1 and report["chunks"] > 50_000
    # The bytes, the decoded text and the passages' copies: a few times the file, not the
    # gigabytes a token list of the whole text took (see the report in the reliability issue).
    growth = report["peak_mb"] - report["baseline_mb"]
    assert growth < 4 * SIZE_MB, report
