"""The commands that look after the library: index, search, similar, status, remove, mark, marks,
config, rebuild, download-clip and map. Each takes the open Library and the parsed arguments and
returns the exit code; an error is raised for main() to say in one line."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from desktop.cli.output import ShownJobs, print_json
from desktop.core.common.errors import SemdeskError
from desktop.core.common.jobs import Job
from desktop.core.common.records import Filters, Hit, IndexSummary, RebuildReport
from desktop.core.common.settings import SETTINGS
from desktop.core.common.text import clip

if TYPE_CHECKING:
    from desktop.core.library.protocols import LibraryApi


def cmd_index(library: LibraryApi, args: argparse.Namespace) -> int:
    paths = [Path(p) for p in args.paths] or None
    with ShownJobs() as jobs:
        summary = jobs(library.index(paths, exclude=args.exclude, cancel=jobs.cancel))
    if args.json:
        print_json(
            {k: v for k, v in summary.__dict__.items() if k != "problems"}
            | {"problems": [p.__dict__ for p in summary.problems]}
        )
    else:
        print(
            f"Indexed {summary.indexed} files, {summary.unchanged} unchanged, {summary.skipped} skipped, "
            f"{summary.waiting_model} waiting for the photo model, {summary.removed} removed, "
            f"{summary.moved} moved ({summary.seconds:.1f} s)."
            + (f" Text read in {summary.text_in_pictures} photos and scans." if summary.text_in_pictures else "")
            + (f" {summary.faces_found} faces found." if summary.faces_found else "")
        )
        skipped = [p for p in summary.problems if p.status != "waiting_model"]
        for problem in skipped[:20]:
            # An OCR problem leaves the file indexed (a photo stays searchable by CLIP): only its words are missing.
            verb = "could not read the text in" if problem.status == "ocr_skipped" else "skipped"
            print(f"  {verb} {problem.path}: {problem.reason}")
        if len(skipped) > 20:
            print(f"  ... and {len(skipped) - 20} more (see `semdesk status`)")
        if summary.waiting_model:
            print(f"  {library.clip_problem() or 'Photos are waiting for the photo model.'}")
    nothing_done = summary.scanned == 0 and summary.problems and not summary.unchanged
    return 1 if nothing_done else 0


def _print_hits(hits: list[Hit], as_json: bool) -> None:
    if as_json:
        print_json([h.to_json() for h in hits])
        return
    if not hits:
        print("No results.")
    for rank, hit in enumerate(hits, 1):
        print(f"{rank:2d}. {hit.score:5.0%}  [{hit.found_in or hit.kind}]  {hit.path}")
        if hit.heading:  # where in the document the passage is
            print(f"      › {clip(hit.heading, 200)}")
        if hit.snippet:
            print(f"      {clip(hit.snippet, 200)}")


def cmd_search(library: LibraryApi, args: argparse.Namespace) -> int:
    folder = str(Path(args.folder).expanduser().absolute()) if args.folder else None
    filters = Filters(folder=folder, date_from=args.since, date_to=args.until + 86399 if args.until else None)
    if not args.query.strip() and not args.like:
        raise SemdeskError("Say what to search for: some words, operators, or --like FILE.")
    like = str(Path(args.like).expanduser().absolute()) if args.like else None
    hits = library.search(args.query, kind=args.kind, top=args.top, filters=filters, like=like)
    if args.min_score is not None:
        weaker = [h for h in hits if h.kind == "text" and h.score < args.min_score]
        hits = [h for h in hits if h not in weaker]
        if weaker and not args.json:
            print(f"{len(weaker)} weaker document match{'es' if len(weaker) != 1 else ''} hidden "
                  f"(below {args.min_score:.2f})", file=sys.stderr)
    _print_hits(hits, args.json)
    problem = library.clip_problem() if args.kind in ("image", "all") else None
    if problem and not args.json:
        print(f"note: {problem}", file=sys.stderr)
    return 0


def cmd_similar(library: LibraryApi, args: argparse.Namespace) -> int:
    _print_hits(library.similar(args.path, top=args.top, kind=args.kind), args.json)
    return 0


def cmd_status(library: LibraryApi, args: argparse.Namespace) -> int:
    status = library.status()
    if args.json:
        print_json(status.to_json())
        return 0
    print(f"Library: {status.path}")
    if library.model_notice:  # status() checked that a fine-tuned model is still whole
        print(f"Note: {library.model_notice}")
    print("Files: " + (", ".join(f"{n} {_label(state)}" for state, n in sorted(status.counts.items())) or "none"))
    print(f"Passages: {status.chunks}")
    for folder in status.folders:
        print(f"  {folder.path}: " + ", ".join(f"{n} {_label(s)}" for s, n in sorted(folder.counts.items())))
    print(f"Text model: {status.text_model}")
    if status.text_encoder:
        print(f"Text encoder: {status.text_encoder}")
    for line in status.set_aside:  # why an encoder does not run here (it crashed, hung, was wrong)
        print(f"  set aside: {line}")
    if status.suggested_model:
        print(f"  Tip: {status.cjk_share:.0%} of the passages here are Chinese, Japanese or Korean text, which "
              "this model reads as English (they are found by their keywords alone). The Multilingual model finds "
              f"them by meaning too: semdesk models use {status.suggested_model}")
    print(f"Photo model: {status.clip_model} ({'ready' if status.clip_ready else 'not available'})")
    if status.clip_problem:
        print(f"  {status.clip_problem}")
    if status.photo_encoder:
        print(f"Photo encoder: {status.photo_encoder}")
    waiting = [s for s in status.skipped if s.status == "waiting_model"]
    skipped = [s for s in status.skipped if s.status != "waiting_model"]
    if waiting:
        print(f"{len(waiting)} photos are waiting for the photo model.")
    if skipped:
        print(f"Skipped ({len(skipped)}):")
        for item in skipped:
            print(f"  {item.path}: {item.reason}")
    return 0


def _label(status: str) -> str:
    return "waiting for the photo model" if status == "waiting_model" else status


def cmd_remove(library: LibraryApi, args: argparse.Namespace) -> int:
    count = library.remove(args.path)
    if args.json:
        print_json({"removed": count})
    else:
        print(f"Removed {count} files from the library (nothing was deleted from disk).")
    return 0


def cmd_mark(library: LibraryApi, args: argparse.Namespace) -> int:
    record = library.mark(args.query, args.path, args.relevant)
    if args.json:
        print_json(record.__dict__)
    else:
        print(f"Marked {record.path} as {'relevant' if record.relevant else 'not relevant'} for {record.query!r}.")
    return 0


def cmd_marks(library: LibraryApi, args: argparse.Namespace) -> int:
    records = library.marks()
    if args.json:
        print_json([r.__dict__ for r in records])
    for record in [] if args.json else records:
        print(f"{'+' if record.relevant else '-'} {record.query!r}: {record.path}")
    return 0


def cmd_config(library: LibraryApi, args: argparse.Namespace) -> int:
    """Settings as declared in desktop.core.common.settings: a value is checked by its declaration."""
    if args.key is not None and args.key not in SETTINGS:
        raise SemdeskError(f"There is no setting called {args.key!r}. Known settings: {', '.join(SETTINGS)}.")
    if args.key is not None and args.value is not None:
        try:
            value = SETTINGS[args.key].check(args.value)
        except ValueError as error:
            raise SemdeskError(str(error)) from None
        library.set_setting(args.key, value)
    settings = library.settings()
    if args.key is not None:
        settings = {args.key: settings[args.key]}
    if args.json:
        print_json(settings)
        return 0
    for key, value in settings.items():
        shown = ",".join(value) if isinstance(value, list) else value
        print(f"{key} = {shown}")
        if args.key is not None:
            print("\n".join(f"  {line}" for line in setting_notes(key)))
    return 0


def setting_notes(key: str) -> list[str]:
    """What the declaration says about a setting, for `semdesk config KEY`."""
    setting = SETTINGS[key]
    notes = [f"{setting.label or key}: {setting.help}"]
    if setting.minimum is not None and setting.maximum is not None:
        notes.append(f"A number from {setting.minimum} to {setting.maximum}; {setting.default} by default.")
    if setting.reembeds:
        notes.append("Changing it changes how items are read: run `semdesk index` afterwards.")
    return notes


def cmd_rebuild(library: LibraryApi, report: RebuildReport, job: Job[IndexSummary], args: argparse.Namespace) -> int:
    with ShownJobs() as jobs:
        summary = jobs(job)
    kept = str(report.damaged_copy) if report.damaged_copy else None
    if args.json:
        print_json({"damaged_copy": kept, "folders": list(report.folders), "marks": report.marks,
                     "indexed": summary.indexed, "skipped": summary.skipped})
    else:
        print(f"Rebuilt the catalog: {len(report.folders)} folders, {summary.indexed} files indexed, "
              f"{summary.skipped} skipped, {report.marks} marks restored.")
        if kept:
            print(f"  The damaged catalog was kept as {kept}.")
    return 0


def cmd_download_clip(library: LibraryApi, args: argparse.Namespace) -> int:
    if args.model:
        library.set_setting("clip_model", args.model)
    path = library.download_clip()
    if args.json:
        print_json({"weights": str(path)})
    else:
        print(f"CLIP weights are ready ({path}). Run `semdesk index` to index waiting photos.")
    return 0


def cmd_map(library: LibraryApi, args: argparse.Namespace) -> int:
    try:
        width, height = (int(v) for v in args.size.lower().split("x"))
    except ValueError:
        raise SemdeskError(f"{args.size!r} is not a size like 1600x1000.") from None
    with ShownJobs() as jobs:
        data = jobs(library.map(args.space, rearrange=args.rearrange, per_chunk=args.per_passage,
                                cancel=jobs.cancel))
    if args.out:
        from desktop.gui.map.render import render_map  # Qt only when a picture is asked for

        highlight = None
        if args.query:
            hits = library.search(args.query, kind=args.space, top=50)
            highlight = data.indices_of_files([h.file_id for h in hits])
        render_map(data, Path(args.out), colour_by=args.colour, size=(width, height), highlight=highlight)
    if args.json:
        print_json(data.to_json())
    else:
        noun = "photos" if args.space == "image" else "passages" if args.per_passage else "documents"
        print(f"Map of {len(data)} {noun}: {len(data.labels)} named clusters"
              + (f", {data.placed} added in place since the last arrangement" if data.placed else "") + ".")
        for label in sorted(data.cluster_labels(), key=lambda c: -c.size)[:15]:
            print(f"  {label.size:6d}  {label.label}")
        if args.out:
            print(f"Picture written to {args.out}.")
    return 0


def cmd_duplicates(library: LibraryApi, args: argparse.Namespace) -> int:
    """Print groups of duplicates; nothing is moved or deleted (the window's Find Duplicates does that)."""
    similar = 1.0 if args.no_similar else (args.similar / 100 if args.similar is not None else None)
    with ShownJobs() as jobs:
        groups = jobs(library.find_duplicates(similar=similar))
    if args.json:
        print_json([g.to_json() for g in groups])
        return 0
    if not groups:
        print("No duplicates found.")
    for group in groups:
        print(f"{group.kind} ({len(group.files)} files, {group.similarity:.0%} alike):")
        for file in group.files:
            size = f"{file.width}x{file.height}, " if file.width and file.height else ""
            print(f"  {'keep ' if file.path == group.keep else '     '} {file.path}  ({size}{file.size:,} bytes)")
    return 0

