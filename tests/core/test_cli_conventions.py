"""The command line's conventions: --version, global options on either side, documented exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

from desktop.cli import main
from desktop.cli.conventions import EXIT_BUSY, EXIT_ERROR, EXIT_OK, EXIT_USAGE
from desktop.core.library import Library

ROOT = Path(__file__).resolve().parents[2]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_version_comes_from_the_package_metadata(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--version")
    assert code == EXIT_OK and out.strip() == f"semdesk {metadata.version('semdesk')}"
    # And as a real process, the way a user types it.
    result = subprocess.run([sys.executable, "-m", "desktop", "--version"], capture_output=True, text=True,
                            cwd=ROOT, timeout=60)
    assert result.returncode == 0 and result.stdout.strip() == out.strip()


@pytest.mark.parametrize("order", ["before", "after", "mixed"])
def test_global_options_before_or_after_the_subcommand(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                       order: str) -> None:
    lib = str(tmp_path / "lib")
    args = {
        "before": ["--library", lib, "--json", "status"],
        "after": ["status", "--library", lib, "--json"],
        "mixed": ["--json", "status", "--library", lib],
    }[order]
    code, out, err = run(capsys, *args)
    assert code == EXIT_OK, err
    assert json.loads(out)["path"] == str(Path(lib))


def test_an_option_after_the_subcommand_does_not_reset_one_before(tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    lib = str(tmp_path / "lib")
    code, out, _ = run(capsys, "--library", lib, "--json", "config")
    assert code == EXIT_OK and isinstance(json.loads(out), dict)
    assert (tmp_path / "lib").is_dir()


def test_usage_errors_exit_2_with_the_usage_line(capsys: pytest.CaptureFixture[str]) -> None:
    for args in (["no-such-command"], ["search", "x", "--top", "zero"], ["status", "--no-such-option"]):
        code, out, err = run(capsys, *args)
        assert code == EXIT_USAGE and out == "" and err.startswith("usage: semdesk"), args


def test_help_lists_examples_and_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--help")
    assert code == EXIT_OK
    assert "examples:" in out and 'semdesk search "receipts from the plumber"' in out
    assert "exit codes:" in out and "3  busy" in out and "2  usage" in out


def test_busy_library_exits_3(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text("a note\n")
    with Library.open(tmp_path / "lib") as other:
        other.workspace.write_lock.acquire("indexing")  # another writer, as the window's indexer would be
        try:
            code, out, err = run(capsys, "--library", str(tmp_path / "lib"), "index", str(docs))
        finally:
            other.workspace.write_lock.release()
    assert code == EXIT_BUSY and out == "" and "The library is busy" in err and err.count("\n") == 1


def test_errors_exit_1_and_bugs_too_with_the_log(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    lib = tmp_path / "lib"
    code, _, err = run(capsys, "--library", str(lib), "similar", str(tmp_path / "missing.txt"))
    assert code == EXIT_ERROR and err.count("\n") == 1
    cli = sys.modules["desktop.cli.main"]  # (desktop.cli.main is also the name of the function)

    def broken(library: object, args: object) -> int:
        raise RuntimeError("a bug")

    monkeypatch.setitem(cli.COMMANDS, "status", broken)  # an unexpected error inside a command
    code, _, err = run(capsys, "--library", str(lib), "status")
    assert code == EXIT_ERROR and "It is not your fault" in err and "semdesk.log" in err
    assert "RuntimeError: a bug" in (lib / "semdesk.log").read_text()


def test_ctrl_c_in_a_job_cancels_it_clears_the_line_and_exits_130(tmp_path: Path, capsys, monkeypatch) -> None:
    import importlib

    cli_main = importlib.import_module("desktop.cli.main")  # the module (desktop.cli.main is also the function)
    from desktop.cli.output import ShownJobs
    from desktop.core.common.jobs import Progress

    tokens = []

    def interrupted_job(cancel):  # Ctrl-C arrives while the job runs, after its first progress
        yield Progress("indexing", 1, 3)
        assert not cancel.cancelled
        raise KeyboardInterrupt

    def command(library, args) -> int:
        with ShownJobs() as jobs:
            tokens.append(jobs.cancel)
            jobs(interrupted_job(jobs.cancel))
        return EXIT_OK

    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)  # the self-overwriting line of a terminal
    monkeypatch.setitem(cli_main.COMMANDS, "status", command)
    code, _, err = run(capsys, "--library", str(tmp_path / "lib"), "status")
    assert code == 130 and err.rstrip().endswith("semdesk: stopped.")
    assert tokens[0].cancelled  # the job's own threads (the indexer's loaders) see the stop
    assert "\r\x1b[K" + "indexing" in err and err.count("\r\x1b[K") == 2  # drawn once, then cleared
