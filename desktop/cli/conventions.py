"""What every `semdesk` command shares: global options, `--version`, the examples, the exit codes.

Global options are accepted before or after the subcommand (`semdesk --json status` and
`semdesk status --json` are the same): they are declared on the top parser with real defaults
and again on each subcommand with SUPPRESS defaults, so a subcommand only overrides what was
actually typed after it.
"""

from __future__ import annotations

import argparse
import sys

from desktop.core.common.version import app_version

# Exit codes (README, "Command line"): scripts can tell these apart.
EXIT_OK = 0
EXIT_ERROR = 1  # something went wrong: a missing file, a damaged catalog, a bug (its traceback is in the log)
EXIT_USAGE = 2  # the command line itself was wrong (argparse's code, kept)
EXIT_BUSY = 3  # another semdesk process is writing to this library; try again when it has finished
EXIT_STOPPED = 130  # Ctrl+C (128 + SIGINT), as shells report it

EXAMPLES = """\
examples:
  semdesk index ~/Documents ~/Pictures       add folders and index them (again: only what changed)
  semdesk search "receipts from the plumber"
  semdesk search "beach at sunset" --kind image --top 20
  semdesk --json search "tax return 2023"    machine-readable results
  semdesk similar ~/Downloads/draft.pdf      items like a file, in the library or not
  semdesk status                             counts, folders, skipped files and why
  semdesk --library ~/work-library status    another library (default: $SEMDESK_LIBRARY or your data dir)
  semdesk                                    open the window

exit codes:
  0  done
  1  error (the message says what to do; unexpected errors are written to the library's semdesk.log)
  2  usage: the command line was not understood
  3  busy: another semdesk process is writing to this library
  130  stopped with Ctrl+C
"""


def add_global_options(parser: argparse.ArgumentParser, *, top: bool) -> None:
    """The options every command takes; `top` gives the defaults, subcommands only override."""
    default = (lambda value: value) if top else (lambda _value: argparse.SUPPRESS)
    parser.add_argument("--library", metavar="DIR", default=default(None),
                        help="library folder (default: $SEMDESK_LIBRARY or your data dir)")
    parser.add_argument("--json", action="store_true", default=default(False), help="print machine-readable JSON")


def top_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="semdesk", description="Search your documents and photos by meaning, offline.",
        epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action=_Version)
    add_global_options(parser, top=True)
    return parser


class _Version(argparse.Action):
    """argparse's "version" action, with the number read only when asked (reading the installed
    package's metadata costs every other command ~15 ms of imports)."""

    def __init__(self, option_strings: list[str], dest: str = argparse.SUPPRESS, **_: object) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS,
                         help="show program's version number and exit")

    def __call__(self, parser: argparse.ArgumentParser, *_: object) -> None:
        sys.stdout.write(f"semdesk {app_version()}\n")  # stdout, as argparse's own version action
        parser.exit()


def global_options_parent() -> argparse.ArgumentParser:
    """A parent parser for each subcommand (argparse `parents=`), carrying the global options."""
    parent = argparse.ArgumentParser(add_help=False)
    add_global_options(parent, top=False)
    return parent
