"""Which files a query may answer with: the filter row (folder, dates) and the query's own
operators (kind, type, folder name, dates, people shown, phrases that must be there, words that must not).

Returns None when nothing narrows the search (the indexes then run unfiltered), else the set
of file ids allowed. A phrase or a left-out word is looked up in the keyword tables, so it
means "the words, in this order" exactly as FTS5 reads them (stemmed, case-folded).
"""

from __future__ import annotations

import re

from desktop.core.catalog import FileStatus, reads
from desktop.core.catalog.reader import reading
from desktop.core.common.records import Filters
from desktop.core.retrieval.query_syntax import ParsedQuery
from desktop.core.workspace import Workspace


def narrows(filters: Filters, parsed: ParsedQuery | None) -> bool:
    return filters.active or (parsed is not None and parsed.has_filters)


def lists(filters: Filters, parsed: ParsedQuery) -> bool:
    """A query without words lists what its operators allow: `kind:photo` alone too (it found nothing)."""
    return narrows(filters, parsed) or parsed.kind is not None


def allowed_files(ws: Workspace, filters: Filters, kind: str, parsed: ParsedQuery | None = None, *,
                  every: bool = False) -> set[int] | None:
    """The ids allowed; None when nothing narrows, unless `every` asks for them spelled out (a listing)."""
    if not narrows(filters, parsed) and not every:
        return None
    # A photo waiting for the photo model is found by its name and caption (keywords) with no filter
    # on, so a filter must let it through too: "apple" found 7 photos under All folders and none in
    # Pictures, the folder that held them (issue 13).
    statuses = [FileStatus.INDEXED] + ([FileStatus.WAITING_MODEL] if kind == "image" else [])
    patterns: list[tuple[str, ...]] = []
    if parsed is not None:
        if parsed.types:
            patterns.append(tuple(f"%.{_escape(t)}" for t in parsed.types))
        # a folder name anywhere above the file, any letter case
        patterns += [(f"%/{_escape(name)}/%",) for name in parsed.folders]
    wanted = reads.FileFilter(
        kind=kind, statuses=tuple(str(s) for s in statuses), folder=filters.folder or None,
        since=filters.date_from, until=filters.date_to,
        # the query's dates: from its first day to before the day after its last
        after=None if parsed is None else parsed.date_from, before=None if parsed is None else parsed.date_to,
        path_patterns=tuple(patterns),
    )
    with reading(ws.catalog) as reader:
        ids = reads.filtered_files(reader, wanted)
        if parsed is not None and ids and parsed.people:
            # person:NAME: photos showing the person (every one named); a document shows nobody.
            for name in parsed.people:
                ids &= reads.files_with_person(reader, name) if kind == "image" else set()
        if parsed is not None and ids:
            keywords = ws.keywords(reader)
            loose = _has_free_words(parsed)
            for phrase in parsed.phrases if kind == "text" else ():
                held = keywords.files_with_phrase(phrase)
                # Quotes among other words that no document holds at all are emphasis, not a demand
                # (the FAQ's 'What are the "best practices" for using import in a module?' found
                # nothing): the phrase's words still count, the requirement goes. A query of phrases
                # alone stays exact.
                if held or not loose:
                    ids &= held
            for excluded in parsed.excluded:
                ids -= keywords.files_with_phrase(excluded) if kind == "text" else set()
                ids -= keywords.files_named(excluded)
    return ids


def _has_free_words(parsed: ParsedQuery) -> bool:
    return any(ch.isalnum() for ch in re.sub(r'"[^"]*"', " ", parsed.text))


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
