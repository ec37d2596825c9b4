"""Chinese and Japanese text (issue 28), part of the quality section:

- phrase recall: phrases of 2-6 CJK characters and Latin words inside CJK sentences, sampled from the
  Debian FAQ in Chinese and Japanese manual pages (scripts/quality_sets_cjk.py); each must find every
  file that holds it, with the keyword list alone and with the "phrase" operator, on a folder library
  and on a server library (the same library copied to PostgreSQL). Target 1.00;
- the Chinese FAQ (questions as queries): nDCG@10 of the shipped hybrid, the dense and the keyword
  lists, and whether bm25 over bigrams rewards long answers: the mean length of the keyword list's
  top 10 against the mean length of the right answers.
"""

from __future__ import annotations

import statistics
from pathlib import Path
from typing import Any

from scripts import quality_sets_cjk
from scripts.quality_sets import QualitySet


def recall(lib: Any, s: QualitySet, file_of: dict[int, str]) -> dict[str, dict[str, float]]:
    """Per kind of query (CJK phrase, Latin word) and way of asking (keyword list, phrase operator):
    the share of queries that found every file holding them, and the mean share of those files found."""
    from desktop.core.catalog.reader import reading
    from desktop.core.common.records import Filters
    from desktop.core.retrieval.constraints import allowed_files
    from desktop.core.retrieval.keywords import ranked_chunk_ids
    from desktop.core.retrieval.query_syntax import parse

    ws = lib.workspace
    names = {f: Path(p).name for f, p in _file_paths(lib).items()}
    out: dict[str, dict[str, list[float]]] = {}
    for query, holders in s.queries:
        if not holders:
            continue
        kind = "latin" if query.isascii() else "cjk"
        with reading(ws.catalog) as reader:
            by_keywords = {file_of[c] for c in ranked_chunk_ids(ws.keywords(reader), query, 100_000) if c in file_of}
        by_phrase = {names[f] for f in allowed_files(ws, Filters(), "text", parse(f'"{query}"')) or set()}
        for way, found in (("keywords", by_keywords), ("phrase", by_phrase)):
            shares = out.setdefault(f"{kind}.{way}", {}).setdefault("share", [])
            complete = out[f"{kind}.{way}"].setdefault("complete", [])
            shares.append(len(holders & found) / len(holders))
            complete.append(float(holders <= found))
    return {key: {"all_found": statistics.fmean(v["complete"]), "file_recall": statistics.fmean(v["share"]),
                  "queries": len(v["complete"])} for key, v in out.items()}


def _file_paths(lib: Any) -> dict[int, str]:
    from sqlalchemy import select

    from desktop.core.catalog import FileRecord

    with lib.workspace.catalog.session() as session:
        return dict(session.execute(select(FileRecord.id, FileRecord.path)).all())


def length_bias(files: dict[str, str], rankings: list[list[str]], relevant: list[set[str]]) -> tuple[float, float]:
    """(mean characters of the files ranked in the top 10, of the right answers) over all queries."""
    ranked = [len(files[n]) for ranking in rankings for n in ranking[:10]]
    right = [len(files[n]) for rel in relevant for n in rel]
    return statistics.fmean(ranked) if ranked else 0.0, statistics.fmean(right) if right else 0.0


def bench_cjk(report: Any, work: Path, index_folder: Any, smoke: bool = False) -> None:
    from desktop.core.common.jobs import run_job
    from desktop.core.library import Library
    from scripts.benchmarks.quality import chunk_files, figures, semdesk_runs

    have = quality_sets_cjk.available()
    if not all(have.values()):
        report.note("quality", "CJK sets skipped: they need debian-faq-zh-cn and manpages-ja installed")
        return
    faq, man = quality_sets_cjk.zh_faq_set(), quality_sets_cjk.ja_man_set(limit_files=10 if smoke else 150)
    if smoke:  # a few questions with their answers, a few manual pages, a few phrases
        faq = faq.small(queries=3, extra_files=3)
    phrases = quality_sets_cjk.phrase_set([faq, man], **({"phrases": 20, "latin": 5} if smoke else {}))
    folder = phrases.write(work / "quality" / "cjk-phrases")
    report.note("quality", f"phrases: {len(phrases.files)} files ({len(faq.files)} Chinese FAQ answers, "
                           f"{len(man.files)} Japanese manual pages), {len(phrases.queries)} queries; {phrases.why}")
    embedded = work / "quality" / "cjk-phrases-lib"
    libraries: list[tuple[str, Any]] = [("sqlite", embedded)]
    with Library.open(embedded) as lib:
        index_folder(lib, folder)
        # The Chinese FAQ's questions against the whole collection (its answers and the manual pages).
        queries, relevant = [q for q, _ in faq.queries], [rel for _, rel in faq.queries]
        runs = semdesk_runs(lib, queries)
        for method, rankings in runs.items():
            result = figures(rankings, relevant)
            report.data.setdefault("quality", {}).setdefault("zh_faq", {})[method] = result
            line = "  ".join(f"{k} {v:.3f}" for k, v in result.items())
            report.rows.append(("quality", f"zh_faq  {method:<13}", line))
            print(f"  quality   zh_faq  {method:<13} {line}", flush=True)
        top, right = length_bias(phrases.files, runs["keyword"], relevant)
        report.add("quality", "zh_faq.keyword_top10_chars", round(top), "chars",
                   f"zh_faq: mean length of the keyword list's top 10 (right answers: {right:.0f}; "
                   f"all files: {statistics.fmean(len(t) for t in phrases.files.values()):.0f})")
    try:
        from scripts.benchmarks.server import new_database, start_postgres

        server = start_postgres(work)
    except Exception as error:  # no pgserver here: the folder library's figures stand alone
        report.note("quality", f"phrase recall on a server library skipped: {error}")
        server = None
    if server is not None:
        url = new_database(server, "q_cjk_phrases")
        run_job(Library.copy_library(embedded, url))
        libraries.append(("postgresql", url))
    try:
        for kind, where in libraries:
            with Library.open(where) as lib:
                found = recall(lib, phrases, chunk_files(lib))
            for key, values in sorted(found.items()):
                report.add("quality", f"phrases.{kind}.{key}", round(values["all_found"], 3), "",
                           f"{kind}: {key} queries that found every file holding them ({values['queries']} "
                           f"queries; mean file recall {values['file_recall']:.3f}; target 1.00)")
    finally:
        if server is not None:
            server.cleanup()
