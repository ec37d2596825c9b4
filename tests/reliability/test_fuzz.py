"""Property tests: extraction and chunking take any input; the CLI takes any query and argument list."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop.cli import main as cli_main
from desktop.core.common.errors import SkipFile
from desktop.core.common.jobs import run_job
from desktop.core.ingest.chunk import chunk_spans, chunk_spans_in_pieces, simple_token_offsets
from desktop.core.ingest.extract import extract_text
from desktop.core.library import Library
from tests.corpus import write_documents

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SUFFIXES = [".txt", ".md", ".rst", ".html", ".xml", ".pdf", ".docx", ".py", ""]
MARKUP = st.sampled_from(
    [b"<html>", b"</p>", b"<title>", b"<!--", b"\xef\xbb\xbf", b"\xff\xfe", b"%PDF-1.4", b"PK\x03\x04", b"\x00",
     b"\r\n", b"\n\n", b"# ", b"=====", b"<meta charset='koi8-r'>", b"&amp;", b"\xc3", b"\xe9"]
)


@FAST
@given(data=st.lists(st.one_of(st.binary(max_size=64), MARKUP), max_size=24).map(b"".join),
       suffix=st.sampled_from(SUFFIXES))
def test_extract_text_returns_text_or_a_reason(data: bytes, suffix: str) -> None:
    try:
        extracted = extract_text(data, f"doc{suffix}")
    except SkipFile as skip:
        assert skip.reason.strip()
        return
    assert extracted.text.strip() and "\r" not in extracted.text
    assert isinstance(extracted.title, str) and len(extracted.title) <= 200


TEXT = st.text(
    alphabet=st.one_of(st.sampled_from(" \n\n\t.!?,"), st.characters(codec="utf-8", exclude_categories=["Cs"])),
    max_size=2000,
)


def _check_spans(text: str, spans: list, max_tokens: int) -> None:
    previous_start = -1
    for span in spans:
        assert 0 <= span.start < span.end <= len(text)
        assert span.start > previous_start
        previous_start = span.start
        body = text[span.start : span.end]
        assert body == body.strip()
    covered = set()
    for span in spans:
        covered.update(range(span.start, span.end))
    for start, end in simple_token_offsets(text):  # every token of the text is in some passage
        assert start in covered and end - 1 in covered, (start, end)


@FAST
@given(text=TEXT, max_tokens=st.integers(1, 40), overlap=st.integers(0, 30))
def test_chunk_spans_cover_every_token_in_order(text: str, max_tokens: int, overlap: int) -> None:
    spans = chunk_spans(text, simple_token_offsets, max_tokens=max_tokens, overlap_tokens=overlap)
    _check_spans(text, spans, max_tokens)
    for span in spans:
        assert len(simple_token_offsets(text[span.start : span.end])) <= max_tokens


@FAST
@given(text=TEXT, max_tokens=st.integers(1, 40), piece=st.integers(1, 300))
def test_chunking_in_pieces_keeps_the_same_guarantees(text: str, max_tokens: int, piece: int) -> None:
    spans = chunk_spans_in_pieces(text, simple_token_offsets, max_tokens=max_tokens, overlap_tokens=4,
                                  piece_chars=piece)
    _check_spans(text, spans, max_tokens)
    if len(text) <= piece:
        assert spans == chunk_spans(text, simple_token_offsets, max_tokens=max_tokens, overlap_tokens=4)


# ---- the command line --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def indexed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    root = tmp_path_factory.mktemp("cli-fuzz")
    docs = root / "docs"
    write_documents(docs)
    with Library.open(root / "lib") as lib:
        run_job(lib.index([docs]))
    yield str(root / "lib"), docs


def run_cli(*argv: str) -> tuple[int, str, str]:
    # Like the real streams: strict stdout (main reconfigures it), backslashreplace stderr.
    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    err = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="backslashreplace")
    with redirect_stdout(out), redirect_stderr(err):
        try:
            code = cli_main(list(argv))
        except SystemExit as exit_:  # argparse: usage and exit status 2
            code = int(exit_.code or 0)
        out.flush()
        err.flush()
    return code, out.buffer.getvalue().decode(), err.buffer.getvalue().decode()  # type: ignore[attr-defined]


FTS_SYNTAX = st.sampled_from(['"', "'", "NEAR", "NEAR(", "*", "^", "(", ")", "AND", "OR", "NOT", ":", "-", "+",
                              "{", "}", "title:", "\\", "%", "\x00", "bread", "sourdough", " ", "NEAR/3", "é"])
QUERIES = st.one_of(st.text(max_size=40), st.lists(FTS_SYNTAX, max_size=12).map("".join))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=QUERIES, kind=st.sampled_from(["text", "image", "all"]))
def test_any_query_gives_valid_json(indexed: tuple[str, Path], query: str, kind: str) -> None:
    library, _ = indexed
    code, out, err = run_cli("--library", library, "search", "--kind", kind, "--json", "--", query)
    if not query.strip():  # nothing to search for: one plain sentence, exit 1 (README, Command line)
        assert code == 1 and "Say what to search for" in err and "Traceback" not in err, err
        return
    assert code == 0, err
    hits = json.loads(out)
    assert isinstance(hits, list) and all({"path", "kind", "score"} <= set(h) for h in hits)


COMMANDS = st.sampled_from(["search", "similar", "status", "marks", "config"])  # none that writes or downloads
WORDS = st.sampled_from(["--json", "--top", "--kind", "text", "image", "0", "-1", "3", "x", "--since", "2024-13-45",
                         "2024-01-01", "--until", "--folder", "/nonexistent", "exclude", "max_text_mb", "--",
                         "\udcff", "", "bread", "status", "--relevant"])


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(command=COMMANDS, words=st.lists(WORDS, max_size=6))
def test_any_argument_list_ends_in_a_plain_answer(indexed: tuple[str, Path], command: str, words: list[str]) -> None:
    """Never a traceback: exit 0 (with valid JSON when asked), 1 with one plain line, or 2 with usage."""
    library, _ = indexed
    code, out, err = run_cli("--library", library, command, *words)
    assert code in (0, 1, 2), (words, code, err)
    assert "Traceback" not in err and "unexpected error" not in err, (words, err)
    if code == 0 and "--json" in words:
        json.loads(out)
    if code == 1:
        assert err.startswith("semdesk: ") and err.count("\n") == 1, (words, err)
