"""What a test needs from the system, checked in one place, with the Debian package to install.

Outside CI a missing tool or library makes the test skip with the package's name; in CI the same skip
fails (tests/conftest.py), because `.ci/run` installs every package a test uses.
"""

from __future__ import annotations

import shutil

import pytest

from scripts.check_display import PACKAGES, missing_libraries


def need_tools(tools: dict[str, str]) -> None:
    """Each tool (an executable on PATH) mapped to the Debian package that ships it."""
    missing = {package for tool, package in tools.items() if shutil.which(tool) is None}
    if missing:
        pytest.skip(f"needs the Debian package(s) {' '.join(sorted(missing))}")


def need_qt_xcb() -> None:
    """Qt's X11 plugin loads only with its xcb libraries; a fresh Debian has none of them."""
    missing = missing_libraries()
    if missing:
        packages = sorted({PACKAGES.get(lib, lib) for lib in missing})
        pytest.skip(f"Qt's xcb plugin cannot load: needs the Debian package(s) {' '.join(packages)}")
