"""The command line: the same core as the window, headless.

`semdesk` with no arguments opens the window; a subcommand runs here. Errors are one plain
line on stderr and a non-zero exit; the traceback goes to the library's log file.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from pathlib import Path
from typing import Any

from desktop.cli_tune import add_tune_commands, cmd_models, cmd_tune
from desktop.core.common.errors import Cancelled, SemdeskError
from desktop.core.common.jobs import CancelToken, Progress, run_job

log = logging.getLogger("semdesk")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="semdesk", description="Search your documents and photos by meaning.")
    parser.add_argument("--library", metavar="DIR", help="library folder (default: $SEMDESK_LIBRARY or your data dir)")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text, description=help_text)
        sub.add_argument("--json", action="store_true", help="print machine-readable JSON")
        return sub

    index = command("index", "add folders or files to the library and bring them up to date")
    index.add_argument("paths", nargs="*", metavar="PATH", help="folders or files (none: re-scan every folder)")
    index.add_argument("--exclude", action="append", default=[], metavar="GLOB", help="skip matching files/folders")
    for name, help_text in (("search", "find documents and photos that match a query"),):
        sub = command(name, help_text)
        sub.add_argument("query")
        sub.add_argument("--kind", choices=["text", "image", "all"], default="all")
        sub.add_argument("--top", type=_positive, default=10, metavar="K")
        sub.add_argument("--folder", help="only results under this folder")
        sub.add_argument("--since", type=_date, help="only files dated on or after YYYY-MM-DD")
        sub.add_argument("--until", type=_date, help="only files dated on or before YYYY-MM-DD")
    similar = command("similar", "find items like a file (in the library or not)")
    similar.add_argument("path")
    similar.add_argument("--top", type=_positive, default=10, metavar="K")
    similar.add_argument("--kind", choices=["text", "image", "all"], default="all")
    command("status", "counts per state and the files that were skipped, with reasons")
    remove = command("remove", "forget a folder or file (nothing on disk is deleted)")
    remove.add_argument("path")
    mark = command("mark", "mark a file relevant or not relevant for a query")
    mark.add_argument("query")
    mark.add_argument("path")
    verdict = mark.add_mutually_exclusive_group(required=True)
    verdict.add_argument("--relevant", dest="relevant", action="store_true")
    verdict.add_argument("--irrelevant", dest="relevant", action="store_false")
    command("marks", "list your relevance marks")
    config = command("config", "show or change library settings")
    config.add_argument("key", nargs="?")
    config.add_argument("value", nargs="?")
    command("rebuild", "replace a damaged catalog: keep it aside, re-index your folders, restore your marks")
    map_ = command("map", "lay the library out as a 2-D map (cached); draw it to a picture or print it as JSON")
    map_.add_argument("--space", choices=["text", "image"], default="text", help="documents (text) or photos")
    map_.add_argument("--out", metavar="FILE", help="draw the map to a .png/.jpg file")
    map_.add_argument("--colour", choices=["cluster", "folder", "kind", "date"], default="cluster")
    map_.add_argument("--size", default="1600x1000", metavar="WxH", help="picture size in pixels")
    map_.add_argument("--query", help="light up this query's results on the picture")
    map_.add_argument("--rearrange", action="store_true", help="lay out again from scratch (aligned to the old map)")
    map_.add_argument("--per-passage", action="store_true", help="one point per passage instead of per document")
    download = command("download-clip", "download the CLIP weights for photo search (needs the internet)")
    download.add_argument("--model", help="open_clip architecture (default: the clip_model setting)")
    add_tune_commands(command, _positive)
    return parser


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _date(text: str) -> float:
    try:
        return time.mktime(time.strptime(text, "%Y-%m-%d"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2024-03-31") from None


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command is None:
        from desktop.app import main as gui_main

        return gui_main()
    for stream in (sys.stdout, sys.stderr):
        stream.reconfigure(errors="backslashreplace")  # file names need not be valid UTF-8
    library = None
    try:
        from desktop.core.library import Library

        if args.command == "rebuild":  # the one command for a catalog that cannot be opened
            library, report = Library.rebuild(args.library)
            job = library.finish_rebuild()
            _log_to(library.path / "semdesk.log")
            return cmd_rebuild(library, report, job, args)
        library = Library.open(args.library)
        _log_to(library.path / "semdesk.log")
        return COMMANDS[args.command](library, args)
    except KeyboardInterrupt:
        print("semdesk: stopped.", file=sys.stderr)
        return 130
    except Cancelled:
        print("semdesk: cancelled.", file=sys.stderr)
        return 130
    except SemdeskError as error:
        print(f"semdesk: {error}", file=sys.stderr)
        return 1
    except OSError as error:  # disk full, permissions: the system's own words are plain enough
        log.exception("system error in %s", args.command)
        where = f" ({error.filename})" if error.filename else ""
        print(f"semdesk: {error.strerror or error}{where}.", file=sys.stderr)
        return 1
    except Exception as error:  # anything unforeseen: one line for the user, the traceback in the log
        log.exception("unexpected error in %s", args.command)
        where = f" (details in {library.path / 'semdesk.log'})" if library else ""
        print(f"semdesk: unexpected error: {type(error).__name__}: {error}{where}", file=sys.stderr)
        return 2
    finally:
        if library is not None:
            library.close()


def _log_to(path: Path) -> None:
    if not log.handlers:
        try:
            handler = logging.FileHandler(path, encoding="utf-8")
        except OSError:
            return
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)


def _print_json(data: Any) -> None:
    print(json.dumps(data, indent=2, ensure_ascii=True))


class _ProgressLine:
    """One self-overwriting line on a terminal; plain lines every few seconds otherwise."""

    def __init__(self) -> None:
        self.tty = sys.stderr.isatty()
        self.last = 0.0

    def __call__(self, progress: Progress) -> None:
        now = time.monotonic()
        if self.tty:
            sys.stderr.write("\r\x1b[K" + progress.describe()[:160])
            sys.stderr.flush()
        elif now - self.last > 5:
            print(progress.describe(), file=sys.stderr)
            self.last = now

    def finish(self) -> None:
        if self.tty:
            sys.stderr.write("\r\x1b[K")


def cmd_index(library: Any, args: argparse.Namespace) -> int:
    cancel = CancelToken()
    paths = [Path(p) for p in args.paths] or None
    show = _ProgressLine()
    try:
        summary = run_job(library.index(paths, exclude=args.exclude, cancel=cancel), show)
    except KeyboardInterrupt:
        cancel.cancel()
        raise
    finally:
        show.finish()
    if args.json:
        _print_json(
            {k: v for k, v in summary.__dict__.items() if k != "problems"}
            | {"problems": [p.__dict__ for p in summary.problems]}
        )
    else:
        print(
            f"Indexed {summary.indexed} files, {summary.unchanged} unchanged, {summary.skipped} skipped, "
            f"{summary.waiting_model} waiting for the photo model, {summary.removed} removed, "
            f"{summary.moved} moved ({summary.seconds:.1f} s)."
        )
        skipped = [p for p in summary.problems if p.status != "waiting_model"]
        for problem in skipped[:20]:
            print(f"  skipped {problem.path}: {problem.reason}")
        if len(skipped) > 20:
            print(f"  ... and {len(skipped) - 20} more (see `semdesk status`)")
        if summary.waiting_model:
            print(f"  {library.clip_problem() or 'Photos are waiting for the photo model.'}")
    nothing_done = summary.scanned == 0 and summary.problems and not summary.unchanged
    return 1 if nothing_done else 0


def _print_hits(hits: list[Any], as_json: bool) -> None:
    if as_json:
        _print_json([h.to_json() for h in hits])
        return
    if not hits:
        print("No results.")
    for rank, hit in enumerate(hits, 1):
        print(f"{rank:2d}. {hit.score:5.0%}  [{hit.kind}]  {hit.path}")
        if hit.snippet:
            snippet = " ".join(hit.snippet.split())
            print(f"      {snippet[:200]}{'…' if len(snippet) > 200 else ''}")


def cmd_search(library: Any, args: argparse.Namespace) -> int:
    from desktop.core.common.records import Filters

    folder = str(Path(args.folder).expanduser().absolute()) if args.folder else None
    filters = Filters(folder=folder, date_from=args.since, date_to=args.until + 86399 if args.until else None)
    _print_hits(library.search(args.query, kind=args.kind, top=args.top, filters=filters), args.json)
    problem = library.clip_problem() if args.kind in ("image", "all") else None
    if problem and not args.json:
        print(f"note: {problem}", file=sys.stderr)
    return 0


def cmd_similar(library: Any, args: argparse.Namespace) -> int:
    _print_hits(library.similar(args.path, top=args.top, kind=args.kind), args.json)
    return 0


def cmd_status(library: Any, args: argparse.Namespace) -> int:
    status = library.status()
    if args.json:
        _print_json(status.to_json())
        return 0
    print(f"Library: {status.path}")
    library.active_version_id("text")  # checks that a fine-tuned model is still whole
    if library.model_notice:
        print(f"Note: {library.model_notice}")
    print("Files: " + (", ".join(f"{n} {_label(state)}" for state, n in sorted(status.counts.items())) or "none"))
    print(f"Passages: {status.chunks}")
    for folder in status.folders:
        print(f"  {folder.path}: " + ", ".join(f"{n} {_label(s)}" for s, n in sorted(folder.counts.items())))
    print(f"Text model: {status.text_model}")
    print(f"Photo model: {status.clip_model} ({'ready' if status.clip_ready else 'not available'})")
    if status.clip_problem:
        print(f"  {status.clip_problem}")
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


def cmd_remove(library: Any, args: argparse.Namespace) -> int:
    count = library.remove(args.path)
    if args.json:
        _print_json({"removed": count})
    else:
        print(f"Removed {count} files from the library (nothing was deleted from disk).")
    return 0


def cmd_mark(library: Any, args: argparse.Namespace) -> int:
    record = library.mark(args.query, args.path, args.relevant)
    if args.json:
        _print_json(record.__dict__)
    else:
        print(f"Marked {record.path} as {'relevant' if record.relevant else 'not relevant'} for {record.query!r}.")
    return 0


def cmd_marks(library: Any, args: argparse.Namespace) -> int:
    records = library.marks()
    if args.json:
        _print_json([r.__dict__ for r in records])
    for record in [] if args.json else records:
        print(f"{'+' if record.relevant else '-'} {record.query!r}: {record.path}")
    return 0


def cmd_config(library: Any, args: argparse.Namespace) -> int:
    from desktop.core.common.settings import SETTINGS

    if args.key is not None and args.value is not None:
        library.set_setting(args.key, args.value)
    settings = library.settings()
    if args.key is not None:
        if args.key not in SETTINGS:
            raise SemdeskError(f"There is no setting called {args.key!r}. Known settings: {', '.join(SETTINGS)}.")
        settings = {args.key: settings[args.key]}
    if args.json:
        _print_json(settings)
        return 0
    for key, value in settings.items():
        shown = ",".join(value) if isinstance(value, list) else value
        print(f"{key} = {shown}")
        if args.key is not None:
            print(f"  {SETTINGS[key].help}")
    return 0


def cmd_rebuild(library: Any, report: Any, job: Any, args: argparse.Namespace) -> int:
    show = _ProgressLine()
    try:
        summary = run_job(job, show)
    finally:
        show.finish()
    kept = str(report.damaged_copy) if report.damaged_copy else None
    if args.json:
        _print_json({"damaged_copy": kept, "folders": list(report.folders), "marks": report.marks,
                     "indexed": summary.indexed, "skipped": summary.skipped})
    else:
        print(f"Rebuilt the catalog: {len(report.folders)} folders, {summary.indexed} files indexed, "
              f"{summary.skipped} skipped, {report.marks} marks restored.")
        if kept:
            print(f"  The damaged catalog was kept as {kept}.")
    return 0


def cmd_download_clip(library: Any, args: argparse.Namespace) -> int:
    if args.model:
        library.set_setting("clip_model", args.model)
    path = library.download_clip()
    if args.json:
        _print_json({"weights": str(path)})
    else:
        print(f"CLIP weights are ready ({path}). Run `semdesk index` to index waiting photos.")
    return 0


def cmd_map(library: Any, args: argparse.Namespace) -> int:
    try:
        width, height = (int(v) for v in args.size.lower().split("x"))
    except ValueError:
        raise SemdeskError(f"{args.size!r} is not a size like 1600x1000.") from None
    cancel, show = CancelToken(), _ProgressLine()
    try:
        data = run_job(library.map(args.space, rearrange=args.rearrange, per_chunk=args.per_passage,
                                   cancel=cancel), show)
    except KeyboardInterrupt:
        cancel.cancel()
        raise
    finally:
        show.finish()
    if args.out:
        from desktop.gui.map_render import render_map  # Qt only when a picture is asked for

        highlight = None
        if args.query:
            hits = library.search(args.query, kind=args.space, top=50)
            highlight = data.indices_of_files([h.file_id for h in hits])
        render_map(data, Path(args.out), colour_by=args.colour, size=(width, height), highlight=highlight)
    if args.json:
        _print_json(data.to_json())
    else:
        noun = "photos" if args.space == "image" else "passages" if args.per_passage else "documents"
        print(f"Map of {len(data)} {noun}: {len(data.labels)} named clusters"
              + (f", {data.placed} added in place since the last arrangement" if data.placed else "") + ".")
        for label in sorted(data.cluster_labels(), key=lambda c: -c.size)[:15]:
            print(f"  {label.size:6d}  {label.label}")
        if args.out:
            print(f"Picture written to {args.out}.")
    return 0


COMMANDS = {
    "index": cmd_index,
    "search": cmd_search,
    "similar": cmd_similar,
    "status": cmd_status,
    "remove": cmd_remove,
    "mark": cmd_mark,
    "marks": cmd_marks,
    "config": cmd_config,
    "download-clip": cmd_download_clip,
    "tune": cmd_tune,
    "models": cmd_models,
    "map": cmd_map,
}
