"""`semdesk library ...`: copying a library between a folder and a server, and this desktop's view of a
server library (its shared folder, and where folder roots indexed elsewhere are mounted here)."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from desktop.cli.output import ShownJobs, print_json
from desktop.core.library import Library

if TYPE_CHECKING:
    from desktop.core.library.protocols import LibraryApi


def add_library_commands(command: Callable[[str, str], argparse.ArgumentParser]) -> None:
    library = command("library", "copy a library (folder <-> server), and this desktop's settings for a server one")
    actions = library.add_subparsers(dest="action", metavar="ACTION", required=True)
    copy = actions.add_parser("copy", help="copy SRC into the new, empty library DST (folders or postgresql:// "
                                           "addresses), marks and model versions included, then check the copy")
    copy.add_argument("source", metavar="SRC")
    copy.add_argument("destination", metavar="DST")
    mapping = actions.add_parser("map-path", help="on this desktop, the folder root STORED (as another desktop "
                                                  "indexed it or saved a fine-tuned model under it) is at LOCAL "
                                                  "(a server library)")
    mapping.add_argument("stored", metavar="STORED")
    mapping.add_argument("local", metavar="LOCAL", nargs="?")
    mapping.add_argument("--forget", action="store_true", help="remove the rule for STORED")
    shared = actions.add_parser("shared-folder", help="the folder every desktop keeps fine-tuned models and "
                                                      "thumbnails in, as mounted on this one (a server library)")
    shared.add_argument("folder", nargs="?")
    show = actions.add_parser("show", help="this desktop's settings for the server library")
    for action in (copy, mapping, shared, show):
        action.add_argument("--json", action="store_true", help="print machine-readable JSON")


def copy_without_opening(args: argparse.Namespace) -> bool:
    """`library copy` opens its two libraries itself, not --library's."""
    return getattr(args, "action", None) == "copy"


def cmd_library(library: LibraryApi, args: argparse.Namespace) -> int:
    if args.action == "copy":
        return copy_library(args)
    if args.action == "map-path":
        if not args.forget and not args.local:
            raise SystemExit("semdesk library map-path: give LOCAL, or --forget")
        rules = library.map_folder_root(args.stored, None if args.forget else args.local)
        _show({"path_map": rules}, args)
    elif args.action == "shared-folder":
        if args.folder:
            library.set_shared_folder(args.folder)
        _show(library.desktop_config(), args)
    else:
        _show(library.desktop_config(), args)
    return 0


def copy_library(args: argparse.Namespace) -> int:
    """`semdesk library copy`: needs no open library (the source and destination are named)."""
    with ShownJobs() as jobs:
        report = jobs(Library.copy_library(args.source, args.destination, cancel=jobs.cancel))
    if args.json:
        print_json(report.__dict__)
    else:
        rows = ", ".join(f"{n} {name}" for name, n in report.counts.items() if n)
        print(f"Copied {rows}; {report.models} fine-tuned models. Checked: the same rows in every table, and "
              f"{report.same_first} of {report.searches} sample searches find the same document first.")
    return 0


def _show(data: Mapping[str, object], args: argparse.Namespace) -> None:
    if args.json:
        print_json(data)
        return
    for key, value in data.items():
        if isinstance(value, dict):
            print(f"{key}:" + ("" if value else " (none)"))
            for stored, local in value.items():
                print(f"  {stored} -> {local}")
        else:
            print(f"{key}: {value or '(none)'}")
