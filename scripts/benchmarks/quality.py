"""Retrieval quality on leak-free sets (scripts/quality_sets.py), file level, in one run:

- semdesk as shipped (hybrid ranking, default encoder), and at full precision (text_int8 off);
- semdesk's dense list alone and its keyword list alone;
- the bare model: sentence-transformers fp32 over plain 200-word windows of the same files,
  brute force, a file scored by its best window;
- the relevance cut-off: answerable queries that keep their right answer above it, and queries
  with no answer in the library (FAQ questions against the kernel docs) that show nothing above it;
- the FAQ and exact-term sets again over the HTML python3.11-doc ships (pages with their navigation),
  next to the .rst figures; how much navigation the indexed words of the HTML docs hold; how many HTML
  queries show a navigation passage in their top 3 (scripts/page_text.py says how both are counted).
- Chinese and Japanese text (benchmarks/cjk.py): phrase recall on both kinds of library, the Chinese FAQ.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import numpy as np

from scripts import page_text, quality_sets  # the repo root is on sys.path (bench.py puts it there; so does pytest)

WINDOW_WORDS = 200


def file_order(chunk_ids: list[int], file_of: dict[int, str], k: int = 10) -> list[str]:
    out: list[str] = []
    for cid in chunk_ids:
        name = file_of.get(cid)
        if name is not None and name not in out:
            out.append(name)
            if len(out) == k:
                break
    return out


def figures(rankings: list[list[str]], relevant: list[set[str]]) -> dict[str, float]:
    from desktop.core.common.metrics import mrr_at_k, ndcg_at_k, recall_at_k

    hits = [[name in rel for name in ranking[:10]] for ranking, rel in zip(rankings, relevant, strict=True)]
    counts = [len(rel) for rel in relevant]
    return {"ndcg@10": ndcg_at_k(hits, 10, n_relevant=counts), "mrr@10": mrr_at_k(hits, 10),
            "r@1": recall_at_k(hits, 1, n_relevant=counts), "r@10": recall_at_k(hits, 10, n_relevant=counts)}


def chunk_files(lib: Any) -> dict[int, str]:
    from sqlalchemy import select

    from desktop.core.catalog import Chunk, FileRecord

    with lib.workspace.catalog.session() as session:
        rows = session.execute(select(Chunk.id, FileRecord.path).join(FileRecord, FileRecord.id == Chunk.file_id))
        return {cid: Path(path).name for cid, path in rows}


def semdesk_runs(lib: Any, queries: list[str]) -> dict[str, list[list[str]]]:
    from desktop.core.catalog.reader import reading
    from desktop.core.retrieval.keywords import ranked_chunk_ids

    ws = lib.workspace
    file_of = chunk_files(lib)
    index, encoder = ws.indexes.ready("text"), ws.encoders.query()
    runs: dict[str, list[list[str]]] = {"shipped": [], "dense": [], "keyword": []}
    for q in queries:
        runs["shipped"].append([Path(h.path).name for h in lib.search_documents(q, top=10)])
        runs["dense"].append(file_order([c for c, _ in index.query(encoder.encode_query(q), 200)], file_of))
        with reading(ws.catalog) as reader:
            runs["keyword"].append(file_order(ranked_chunk_ids(ws.keywords(reader), q, 200), file_of))
    return runs


def bare_model_run(files: dict[str, str], queries: list[str]) -> list[list[str]]:
    """The model semdesk wraps, used the plain way: fixed windows, every one scored."""
    from sentence_transformers import SentenceTransformer

    from desktop.core.embed import default_text_model_path

    model = SentenceTransformer(default_text_model_path(), device="cpu")
    owners, windows = [], []
    for name, text in files.items():
        words = text.split()
        for start in range(0, max(1, len(words)), WINDOW_WORDS):
            owners.append(name)
            windows.append(" ".join(words[start : start + WINDOW_WORDS]))
    matrix = model.encode(windows, batch_size=32, normalize_embeddings=True, convert_to_numpy=True)
    q = model.encode(queries, batch_size=32, normalize_embeddings=True, convert_to_numpy=True)
    names = sorted(set(owners))
    column = {n: i for i, n in enumerate(names)}
    owner_col = np.array([column[o] for o in owners])
    out = []
    for row in q @ matrix.T:
        best = np.full(len(names), -2.0, dtype=np.float32)
        np.maximum.at(best, owner_col, row)
        out.append([names[i] for i in np.argsort(-best)[:10]])
    return out


def cutoff_figures(lib: Any, answerable: list[tuple[str, set[str]]], unanswerable: list[str]) -> dict[str, float]:
    from desktop.core.library import GOOD_MATCH

    kept = total = 0
    for q, rel in answerable:
        hits = lib.search_documents(q, top=10)
        found = [h for h in hits if Path(h.path).name in rel]
        if found:
            total += 1
            kept += found[0].score >= GOOD_MATCH
    empty = sum(not any(h.score >= GOOD_MATCH for h in lib.search_documents(q, top=10)) for q in unanswerable)
    return {"answer_kept": kept / max(1, total), "unanswerable_empty": empty / max(1, len(unanswerable)),
            "threshold": GOOD_MATCH}


def bare_document_run(files: dict[str, str], queries: list[str]) -> dict[str, list[list[str]]]:
    """'More like this' the plain way: the bare model's cosine of whole documents (as far as it
    reads, 256 word pieces) and of the mean of its 200-word windows; the query file left out."""
    from sentence_transformers import SentenceTransformer

    from desktop.core.common.vector_codec import normalise
    from desktop.core.embed import default_text_model_path

    model = SentenceTransformer(default_text_model_path(), device="cpu")
    names = sorted(files)
    whole = model.encode([files[n] for n in names], batch_size=16, normalize_embeddings=True)
    windows, owners = [], []
    for i, name in enumerate(names):
        words = files[name].split()
        for start in range(0, max(1, len(words)), WINDOW_WORDS):
            windows.append(" ".join(words[start : start + WINDOW_WORDS]))
            owners.append(i)
    encoded = model.encode(windows, batch_size=32, normalize_embeddings=True)
    owner = np.array(owners)
    means = normalise(np.vstack([encoded[owner == i].mean(axis=0) for i in range(len(names))]))
    out: dict[str, list[list[str]]] = {"bare-whole-doc": [], "bare-mean-windows": []}
    for q in queries:
        i = names.index(q)
        for label, matrix in (("bare-whole-doc", whole), ("bare-mean-windows", means)):
            sims = matrix @ matrix[i]
            sims[i] = -2.0
            out[label].append([names[j] for j in np.argsort(-sims)[:10]])
    return out


def bench_related(report: Any, work: Path, index_folder: Any, smoke: bool = False) -> None:
    """'More like this' on the library reference's see-also links (scripts/quality_sets.related_pages_set)."""
    from desktop.core.library import Library

    s = quality_sets.related_pages_set()
    if smoke:  # a few query pages (their files too: a query is a file), their answers, a few others
        small = s.small(queries=2, extra_files=3)
        keep = set(small.files) | {q for q, _ in small.queries}
        s = quality_sets.QualitySet(s.name, s.why, {f: s.files[f] for f in sorted(keep)}, small.queries)
    folder = s.write(work / "quality" / s.name)
    report.note("quality", f"{s.name}: {len(s.files)} files, {len(s.queries)} query pages; {s.why}")
    lib = Library.open(work / "quality" / f"{s.name}-lib")
    try:
        index_folder(lib, folder)
        queries = [q for q, _ in s.queries]
        relevant = [rel for _, rel in s.queries]
        runs = {"shipped-similar": [[Path(h.path).name for h in lib.similar(str(folder / q), top=10, kind="text")]
                                    for q in queries]}
        runs.update(bare_document_run(s.files, queries))
        for label, rankings in runs.items():
            result = figures(rankings, relevant)
            report.data.setdefault("quality", {}).setdefault(s.name, {})[label] = result
            line = "  ".join(f"{k} {v:.3f}" for k, v in result.items())
            report.rows.append(("quality", f"{s.name:<7} {label:<17}", line))
            print(f"  quality   {s.name:<7} {label:<17} {line}", flush=True)
    finally:
        lib.close()


def bench_quality(report: Any, work: Path, index_folder: Any, full: bool, smoke: bool = False) -> None:
    from desktop.core.library import Library

    have = quality_sets.available()
    builders = {"faq": quality_sets.faq_set, "kernel": quality_sets.kernel_set, "exact": quality_sets.exact_term_set}
    sets = [builders[name]() for name, ok in have.items() if ok and name in builders]
    if smoke:  # a few queries of each set, their answers and a few other files
        sets = [s.small(queries=3, extra_files=3) for s in sets]
    for name, ok in have.items():
        if not ok:
            report.note("quality", f"set {name} skipped: its Debian package is not installed")
    libs: dict[str, dict[str, Any]] = {}
    for s in sets:
        folder = s.write(work / "quality" / s.name)
        report.note("quality", f"{s.name}: {len(s.files)} files, {len(s.queries)} queries; {s.why}")
        queries = [q for q, _ in s.queries]
        relevant = [rel for _, rel in s.queries]
        libs[s.name] = {}
        for precision, int8 in (("int8", True), ("fp32", False)):
            lib = Library.open(work / "quality" / f"{s.name}-{precision}-lib")
            lib.set_setting("text_int8", int8)
            t0 = time.perf_counter()
            index_folder(lib, folder)
            report.add("quality", f"{s.name}.{precision}_index_s", round(time.perf_counter() - t0, 1), "s",
                       f"{s.name}: index ({'default encoder' if int8 else 'text_int8 off'})")
            libs[s.name][precision] = lib
            runs = semdesk_runs(lib, queries)
            methods = {"shipped": runs["shipped"]} if not int8 else runs
            for method, rankings in methods.items():
                label = f"{method}" if int8 else f"{method}-fp32"
                result = figures(rankings, relevant)
                report.data.setdefault("quality", {}).setdefault(s.name, {})[label] = result
                text = "  ".join(f"{k} {v:.3f}" for k, v in result.items())
                report.rows.append(("quality", f"{s.name:<7} {label:<13}", text))
                print(f"  quality   {s.name:<7} {label:<13} {text}", flush=True)
        bare = figures(bare_model_run(s.files, queries), relevant)
        report.data["quality"][s.name]["bare-fp32"] = bare
        text = "  ".join(f"{k} {v:.3f}" for k, v in bare.items())
        report.rows.append(("quality", f"{s.name:<7} {'bare-fp32':<13}", text))
        print(f"  quality   {s.name:<7} {'bare-fp32':<13} {text}", flush=True)
    by_name = {s.name: s for s in sets}
    if "faq" in libs and "kernel" in libs:
        faq, kernel = by_name["faq"], by_name["kernel"]
        for name, answerable in (("faq", faq.queries), ("kernel", kernel.queries)):
            unanswerable = [q for q, _ in faq.queries] if name == "kernel" else []
            cut = cutoff_figures(libs[name]["int8"], answerable, unanswerable)
            report.add("quality", f"cutoff.{name}.answer_kept", round(cut["answer_kept"], 3), "",
                       f"cut-off {cut['threshold']:.2f}: {name} right answers kept (target >= 0.95)")
            if name == "kernel":
                report.add("quality", "cutoff.unanswerable_empty", round(cut["unanswerable_empty"], 3), "",
                           "FAQ questions on the kernel docs with nothing above it (target >= 0.80)")
    for per_set in libs.values():
        for lib in per_set.values():
            lib.close()
    if have.get("related"):
        bench_related(report, work, index_folder, smoke)
    if not smoke:
        pdf_prose(report, work)
    if have.get("faq"):
        bench_html(report, work, index_folder, smoke=smoke)
    from scripts.benchmarks.cjk import bench_cjk

    bench_cjk(report, work, index_folder, smoke)  # Chinese and Japanese: phrase recall on both kinds, the Chinese FAQ


# Phrases of Sphinx's navigation (sidebar, bars, footer): a passage with two of them is navigation.
NAVIGATION_MARKERS = ("Previous topic", "Next topic", "This Page", "Report a Bug", "Show Source",
                      "Table of Contents", "Navigation", "modules |", "Theme Auto Light Dark")


def is_navigation(passage: str) -> bool:
    return sum(marker in passage for marker in NAVIGATION_MARKERS) >= 2


def html_boilerplate(report: Any) -> None:
    """Navigation words left among the indexed words of every python3.11-doc HTML page."""
    from desktop.core.ingest.extract import extract_text

    pages = sorted(page_text.PYTHON_HTML.rglob("*.html"))
    figures = page_text.html_figures(pages, lambda data, name: extract_text(data, name).text)
    report.add("quality", "html.boilerplate_share", round(100 * figures.boilerplate_share, 3), "%",
               f"HTML docs: navigation words in indexed words, {figures.pages} pages (target <= 0.5)")
    report.add("quality", "html.own_text_recall", round(100 * figures.recall, 2), "%",
               "HTML docs: words of each page's div.body that were indexed")


def pdf_prose(report: Any, work: Path) -> None:
    """Words of Debian's PDFs in order against their .txt twins (scripts/page_text.py says how)."""
    import gzip

    from desktop.core.ingest.extract import extract_text

    if page_text.DEBIAN_FAQ_PDF.exists() and page_text.DEBIAN_FAQ_TXT.exists():
        pdf = gzip.decompress(page_text.DEBIAN_FAQ_PDF.read_bytes())
        twin = gzip.decompress(page_text.DEBIAN_FAQ_TXT.read_bytes()).decode("utf-8", "replace")
        faq = page_text.faq_pdf_figures(extract_text(pdf, "debian-faq.en.pdf").text, twin)
        report.add("quality", "pdf.faq_shared", round(100 * faq["shared"], 2), "%",
                   "Debian FAQ PDF: words in order vs its .txt twin, what both hold (target >= 98)")
        report.add("quality", "pdf.faq_strict", round(100 * faq["strict"], 2), "%",
                   "Debian FAQ PDF: words in order vs its .txt twin, every word of both")
    else:
        report.note("quality", "PDF prose: the Debian FAQ needs the package debian-faq")
    (work / "groff").mkdir(parents=True, exist_ok=True)
    for page in ("grep", "tar"):
        made = page_text.groff_pdf_and_text(page, work / "groff")
        if made is None:
            report.note("quality", f"PDF prose: {page}'s man page needs groff and ghostscript")
            continue
        text = extract_text(made[0], f"{page}.pdf").text.replace("\u2212", "-")  # groff's minus, a hyphen in text
        report.add("quality", f"pdf.groff_{page}", round(100 * page_text.words_in_order(text, made[1]), 2), "%",
                   f"{page}(1) typeset by groff as PDF: words in order vs groff's text (target >= 98)")


def bench_html(report: Any, work: Path, index_folder: Any, sets: tuple[str, ...] = ("faq", "exact"),
               smoke: bool = False) -> None:
    """The FAQ and exact-term sets over python3.11-doc's HTML pages, next to the same sets from .rst."""
    from desktop.core.library import Library

    if not smoke:  # every page of python3.11-doc: minutes
        html_boilerplate(report)
    builders = {"faq": (quality_sets.faq_set, quality_sets.faq_html_set),
                "exact": (quality_sets.exact_term_set, quality_sets.exact_html_set)}
    for name in sets:
        rst_set, html_set = (build() for build in builders[name])
        if smoke:  # a few queries, their answers and a few other pages, in both versions
            html_set = html_set.small(queries=3, extra_files=3)
            wanted = [(q, rel) for q, rel in rst_set.queries if q in {hq for hq, _ in html_set.queries}]
            keep = sorted({f for _, rel in wanted for f in rel} | set(sorted(rst_set.files)[:3]))
            rst_set = quality_sets.QualitySet(rst_set.name, rst_set.why, {f: rst_set.files[f] for f in keep}, wanted)
        queries = [q for q, _ in html_set.queries]  # the queries both versions have
        report.note("quality", f"{html_set.name}: {len(html_set.files)} files, {len(queries)} queries "
                               f"(of {len(rst_set.queries)}); {html_set.why}")
        for version in (rst_set, html_set):
            relevant = {q: {f.rsplit(".", 1)[0] for f in rel} for q, rel in version.queries}
            folder = version.write(work / "quality" / version.name)
            lib = Library.open(work / "quality" / f"{version.name}-html-bench-lib")
            try:
                index_folder(lib, folder)
                runs = semdesk_runs(lib, queries)
                for method, rankings in runs.items():
                    stems = [[f.rsplit(".", 1)[0] for f in ranking] for ranking in rankings]
                    result = figures(stems, [relevant[q] for q in queries])
                    label = f"{method} ({'html' if version is html_set else 'rst'})"
                    report.data.setdefault("quality", {}).setdefault(html_set.name, {})[label] = result
                    text = "  ".join(f"{k} {v:.3f}" for k, v in result.items())
                    report.rows.append(("quality", f"{name:<7} {label:<16}", text))
                    print(f"  quality   {name:<7} {label:<16} {text}", flush=True)
                if version is html_set:
                    shown = [lib.search_documents(q, top=3) for q in queries]
                    navigation = sum(any(is_navigation(hit.snippet) for hit in hits) for hits in shown)
                    report.add("quality", f"{html_set.name}.navigation_in_top3", navigation, "",
                               f"{html_set.name}: queries with a navigation passage in the top 3 (target 0)")
            finally:
                lib.close()
