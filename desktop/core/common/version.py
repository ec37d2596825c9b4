"""The one version number: the installed package's (pyproject.toml), never a second copy in the code."""

from __future__ import annotations


def app_version() -> str:
    from importlib import metadata  # ~15 ms of imports (email parsing): only when a version is shown

    try:
        return metadata.version("semdesk")
    except metadata.PackageNotFoundError:  # run from a checkout that was never installed
        return "development"
