"""One open data folder (paths, lock, settings, model versions, encoders, indexes); calls no capability."""

from desktop.core.workspace.opening import is_server_address, library_location, open_workspace, refuse_server
from desktop.core.workspace.paths import ENV_LIBRARY, LibraryPaths, default_library_dir
from desktop.core.workspace.workspace import Workspace

__all__ = ["ENV_LIBRARY", "LibraryPaths", "Workspace", "default_library_dir", "is_server_address",
           "library_location", "open_workspace", "refuse_server"]
