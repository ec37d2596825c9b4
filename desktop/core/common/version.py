"""The one version number: the installed package's (pyproject.toml), never a second copy in the code."""

from __future__ import annotations

from importlib import metadata


def app_version() -> str:
    try:
        return metadata.version("semdesk")
    except metadata.PackageNotFoundError:  # run from a checkout that was never installed
        return "development"
