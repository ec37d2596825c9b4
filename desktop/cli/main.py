"""`semdesk`: the parser, the dispatch to a command, and the exit codes.

`semdesk` with no arguments opens the window; a subcommand runs here. An error is one plain
line on stderr (the core's one wording, desktop.core.common.errors.describe) and a non-zero
exit (desktop/cli/conventions.py, README "Command line"): 1 for an error (a bug's traceback goes
to the library's log file), 2 for a command line that was not understood, 3 when another
process is writing to the library, 130 when stopped.
"""

from __future__ import annotations

import argparse
import io
import logging
import sys
import time
from collections.abc import Callable
from pathlib import Path

from desktop.cli.commands import (
    cmd_config,
    cmd_download_clip,
    cmd_duplicates,
    cmd_index,
    cmd_map,
    cmd_mark,
    cmd_marks,
    cmd_rebuild,
    cmd_remove,
    cmd_search,
    cmd_similar,
    cmd_status,
)
from desktop.cli.conventions import (
    EXIT_BUSY,
    EXIT_ERROR,
    EXIT_STOPPED,
    EXIT_USAGE,
    global_options_parent,
    top_parser,
)
from desktop.cli.library_cmd import add_library_commands, cmd_library, copy_library, copy_without_opening
from desktop.cli.people import add_people_commands, cmd_people
from desktop.cli.tune import add_tune_commands, cmd_models, cmd_tune
from desktop.cli.watch import cmd_watch
from desktop.core.common.errors import Cancelled, LibraryBusy, SemdeskError, describe
from desktop.core.library import GOOD_MATCH, Library

log = logging.getLogger("semdesk")
LOG_NAME = "semdesk.log"

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
    "library": cmd_library,
    "watch": cmd_watch,
    "duplicates": cmd_duplicates,
    "people": cmd_people,
}


def build_parser() -> argparse.ArgumentParser:
    parser = top_parser()  # --version, --library, --json and the examples
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    global_options = global_options_parent()

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        # The global options again, so that they may come after the subcommand too.
        return commands.add_parser(name, help=help_text, description=help_text, parents=[global_options])

    _add_finding_commands(command)
    _add_keeping_commands(command)
    add_tune_commands(command, _positive)
    add_library_commands(command)
    add_people_commands(command)
    return parser


def _add_finding_commands(command: Callable[[str, str], argparse.ArgumentParser]) -> None:
    """index, search and similar."""
    index = command("index", "add folders or files to the library and bring them up to date")
    index.add_argument("paths", nargs="*", metavar="PATH", help="folders or files (none: re-scan every folder)")
    index.add_argument("--exclude", action="append", default=[], metavar="GLOB", help="skip matching files/folders")
    for name, help_text in (("search", "find documents and photos that match a query"),):
        sub = command(name, help_text)
        sub.add_argument("query", nargs="?", default="",
                         help='words and operators: "exact phrase", -word, kind:photo, type:pdf, folder:NAME, '
                              "after:/before:/year: DATE, person:NAME (see README)")
        sub.add_argument("--like", metavar="FILE", help="results like this photo or document, steered by the words")
        sub.add_argument("--kind", choices=["text", "image", "all"], default="all")
        sub.add_argument("--top", type=_positive, default=10, metavar="K")
        sub.add_argument("--folder", help="only results under this folder")
        sub.add_argument("--since", type=_date, help="only files dated on or after YYYY-MM-DD")
        sub.add_argument("--until", type=_date, help="only files dated on or before YYYY-MM-DD")
        sub.add_argument("--min-score", type=_score, metavar="S",
                         help=f"hide documents scoring below S (0-1); {GOOD_MATCH:.2f} is the GUI's 'good matches' "
                              "cut-off with the Fast model, each text model has its own (photos are ranked, not "
                              "scored on that scale, and are kept)")
    similar = command("similar", "find items like a file (in the library or not)")
    similar.add_argument("path")
    similar.add_argument("--top", type=_positive, default=10, metavar="K")
    similar.add_argument("--kind", choices=["text", "image", "all"], default="all")


def _add_keeping_commands(command: Callable[[str, str], argparse.ArgumentParser]) -> None:
    """status, remove, marks, config, rebuild, map, watch, duplicates and download-clip."""
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
    map_.add_argument("--colour", choices=["cluster", "folder", "kind", "date", "person"], default="cluster")
    map_.add_argument("--size", default="1600x1000", metavar="WxH", help="picture size in pixels")
    map_.add_argument("--query", help="light up this query's results on the picture")
    map_.add_argument("--rearrange", action="store_true", help="lay out again from scratch (aligned to the old map)")
    map_.add_argument("--per-passage", action="store_true", help="one point per passage instead of per document")
    command("watch", "keep the library up to date as files change, until Ctrl-C (no display needed)")
    duplicates = command("duplicates", "list exact copies, near copies and similar shots (nothing is moved)")
    duplicates.add_argument("--similar", type=_percent, metavar="PERCENT",
                            help="photos this alike (CLIP cosine, 50-99) are similar shots (default: the setting)")
    duplicates.add_argument("--no-similar", action="store_true", help="only exact and near copies")
    download = command("download-clip", "download the CLIP weights for photo search (needs the internet)")
    download.add_argument("--model", help="open_clip architecture (default: the clip_model setting)")


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _percent(text: str) -> int:
    value = _positive(text)
    if not 50 <= value <= 99:
        raise argparse.ArgumentTypeError("takes a percentage from 50 to 99")
    return value


def _score(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError("must be between 0 and 1")
    return value


def _date(text: str) -> float:
    try:
        return time.mktime(time.strptime(text, "%Y-%m-%d"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2024-03-31") from None


def main(argv: list[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as stop:  # --help and --version (0), or a command line not understood (2)
        return stop.code if isinstance(stop.code, int) else EXIT_USAGE
    if args.command is None:
        from desktop.app import main as gui_main

        return gui_main()
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):  # a test's captured stream cannot, and need not
            stream.reconfigure(errors="backslashreplace")  # file names need not be valid UTF-8
    library = None
    try:
        if args.command == "rebuild":  # the one command for a catalog that cannot be opened
            library, report = Library.rebuild(args.library)
            job = library.finish_rebuild()
            _log_to(library.path / LOG_NAME)
            return cmd_rebuild(library, report, job, args)
        if args.command == "library" and copy_without_opening(args):
            return copy_library(args)
        library = Library.open(args.library)
        _log_to(library.path / LOG_NAME)
        return COMMANDS[args.command](library, args)
    except KeyboardInterrupt:
        print("semdesk: stopped.", file=sys.stderr)
        return EXIT_STOPPED
    except Cancelled:
        print("semdesk: cancelled.", file=sys.stderr)
        return EXIT_STOPPED
    except LibraryBusy as error:  # scripts may wait and retry on this one
        print(f"semdesk: {describe(error)}", file=sys.stderr)
        return EXIT_BUSY
    except (SemdeskError, OSError, MemoryError) as error:  # the user can act on these
        if isinstance(error, OSError):
            log.warning("system error in %s: %s", args.command, error)
        print(f"semdesk: {describe(error)}", file=sys.stderr)
        return EXIT_ERROR
    except Exception as error:  # a bug: one line for the user, the traceback in the log
        print(f"semdesk: {describe(error, log_path=library.path / LOG_NAME if library else None)}", file=sys.stderr)
        return EXIT_ERROR
    finally:
        if library is not None:
            library.close()


def _log_to(path: Path) -> None:
    """The log file of the library in use (a process that runs several commands moves it along)."""
    for old in list(log.handlers):
        if isinstance(old, logging.FileHandler):
            if Path(old.baseFilename) == path.absolute():
                return
            log.removeHandler(old)
            old.close()
    try:
        handler = logging.FileHandler(path, encoding="utf-8")
    except OSError:
        return
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)
