"""The command line: the same core as the window, headless (`semdesk COMMAND`)."""

from desktop.cli.main import main

__all__ = ["main"]
