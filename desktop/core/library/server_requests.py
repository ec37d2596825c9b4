"""The facade's requests about a server library as this desktop sees it, and copying libraries."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from desktop.core.common.errors import SemdeskError
from desktop.core.common.jobs import CancelToken, Job
from desktop.core.library.protocols import CopyOutcome, DesktopSettings
from desktop.core.workspace import Workspace, open_workspace

if TYPE_CHECKING:
    from desktop.core.workspace.server import ServerWorkspace


class ServerRequests:
    workspace: Workspace

    def _server(self, what: str) -> ServerWorkspace:
        from desktop.core.workspace.server import ServerWorkspace

        if not isinstance(self.workspace, ServerWorkspace):
            raise SemdeskError(f"{what} is for server libraries; this library is the folder {self.workspace.path}.")
        return self.workspace

    def map_folder_root(self, stored: str, local: str | None) -> dict[str, str]:
        """On this desktop, the folder root `stored` (as another desktop indexed it) is at `local`
        (None forgets it); returns every rule of this desktop."""
        return self._server("Mapping folder roots").map_root(stored, local)

    def set_shared_folder(self, folder: str | None) -> None:
        """Where fine-tuned models and thumbnails live for all desktops, as mounted on this one."""
        self._server("A shared folder").set_shared_folder(folder)

    def desktop_config(self) -> DesktopSettings:
        """This desktop's settings for a server library: its shared folder and folder-root map."""
        config = self._server("This desktop's settings").desktop
        return {"shared_folder": config.shared_folder, "path_map": dict(config.path_map)}

    @staticmethod
    def copy_library(source: Path | str, destination: Path | str, *,
                     cancel: CancelToken | None = None) -> Job[CopyOutcome]:
        """Copy a library into a new, empty one of either kind (a folder <-> a server library): every
        row with its ids, marks and model versions, fine-tuned models and thumbnails; verified by
        the rows of every table and a sample of searches that must find the same document first."""
        from desktop.core.retrieval.search import search_documents
        from desktop.core.transfer.copy import copy_library, sample_queries

        src = open_workspace(source)
        try:
            dst = open_workspace(destination)
        except BaseException:
            src.close()
            raise
        try:
            report = yield from copy_library(src, dst, cancel=cancel)
            for query in sample_queries(src):
                firsts = [[h.path for h in search_documents(ws, query, top=1)] for ws in (src, dst)]
                report.searches += 1
                report.same_first += firsts[0] == firsts[1]
            if report.same_first < report.searches:
                raise SemdeskError(
                    f"The copy in {dst.location} holds every row, but {report.searches - report.same_first} of "
                    f"{report.searches} sample searches found another document first there."
                )
            return report
        finally:
            src.close()
            dst.close()
