"""Issue 24, item 8: scripts/run, scripts/test and scripts/bench share one .venv and install it once.

Each script sources scripts/_venv.sh. The venv here is a fake one (SEMDESK_VENV) whose python, ruff,
lint-imports and semdesk only write down how they were called, so the test sees every install the
scripts would make without making one.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def fake_venv(tmp_path: Path) -> tuple[Path, Path]:
    venv, log = tmp_path / "venv", tmp_path / "calls.log"
    (venv / "bin").mkdir(parents=True)
    for name in ("python", "ruff", "lint-imports", "semdesk"):
        tool = venv / "bin" / name
        tool.write_text(f'#!/bin/sh\necho "{name} $*" >> "{log}"\n')
        tool.chmod(0o755)
    return venv, log


def run(script: str, venv: Path, *args: str) -> None:
    env = {**os.environ, "SEMDESK_VENV": str(venv)}
    subprocess.run(["bash", str(ROOT / "scripts" / script), *args], env=env, check=True, capture_output=True,
                   timeout=60)


def installs(log: Path) -> list[str]:
    return [line for line in log.read_text().splitlines() if "pip install" in line]


def test_the_scripts_install_once_whichever_runs_first(tmp_path: Path) -> None:
    venv, log = fake_venv(tmp_path)
    run("test", venv, "--co")
    run("run", venv, "--version")
    run("bench", venv, "--help")
    run("test", venv, "--co")
    run("run", venv, "--version")
    assert len(installs(log)) == 1, log.read_text()
    # The one install holds every extra, so no script needs another.
    assert installs(log)[0].endswith("[dev]"), installs(log)
    assert "semdesk --version" in log.read_text()


def test_a_changed_pyproject_installs_again(tmp_path: Path) -> None:
    venv, log = fake_venv(tmp_path)
    run("run", venv, "--version")
    (venv / ".semdesk-installed").write_text("an older pyproject.toml\n")
    run("run", venv, "--version")
    assert len(installs(log)) == 2, log.read_text()


def test_in_ci_a_skip_for_a_missing_package_fails(tmp_path: Path) -> None:
    """Issue 24, item 17: `.ci/run` must install what the tests use; a skip would hide the gap."""
    test = tmp_path / "test_needs_a_package.py"
    test.write_text("import pytest\n\ndef test_it():\n    pytest.skip('needs the Debian package(s) nothing-such')\n")
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "tests.conftest", str(test)]
    here = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert here.returncode == 0 and "1 skipped" in here.stdout, here.stdout
    in_ci = subprocess.run(command, cwd=ROOT, env={**env, "CI": "true"}, capture_output=True, text=True, timeout=300)
    assert in_ci.returncode == 1 and ".ci/run must install" in in_ci.stdout, in_ci.stdout
