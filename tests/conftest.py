from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# The int8 text model is made once and cached; keep the tests' copy out of the user's cache (and
# shared with the CLI subprocesses the tests start, which inherit this).
os.environ.setdefault("SEMDESK_CACHE", str(Path(__file__).resolve().parent.parent / ".pytest_cache" / "semdesk"))
# "auto" text encoder: pinned to int8 instead of measured (a minute per CPU), so tests see the same
# vector space on every machine; tests/core/test_torch_free_choice.py measures for real.
os.environ.setdefault("SEMDESK_TEXT_ENCODER", "openvino-int8")

from desktop.core.common.jobs import run_job
from desktop.core.common.records import IndexSummary
from desktop.core.embed._offline import go_offline
from desktop.core.library import Library
from tests.server.pg import pg_server, server_url  # noqa: F401  (fixtures: a real PostgreSQL for server libraries)

go_offline()  # before any test imports a model library directly (openvino's usage reports included)


@pytest.fixture(scope="session")
def tiny_clip(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    from tests.tiny_clip import make_tiny_clip

    return make_tiny_clip(tmp_path_factory.mktemp("tiny-clip"))


@pytest.fixture
def library_kind() -> str:
    """A library folder ("embedded"); a test marked `both_kinds` runs against a server library too."""
    return "embedded"


both_kinds = pytest.mark.parametrize("library_kind", ["embedded", "server"])


@pytest.fixture
def library(tmp_path: Path, library_kind: str, request: pytest.FixtureRequest) -> Iterator[Library]:
    where = request.getfixturevalue("server_url") if library_kind == "server" else tmp_path / "library"
    lib = Library.open(where)
    yield lib
    lib.close()


@pytest.fixture
def clip_library(library: Library, tiny_clip: tuple[Path, Path]) -> Library:
    config, weights = tiny_clip
    library.set_setting("clip_model", str(config))
    library.set_setting("clip_weights", str(weights))
    return library


def library_address(lib: Library) -> str:
    """What `--library` takes to open this library again: its folder, or its server address."""
    return getattr(lib.workspace, "address", None) or str(lib.path)


def index(lib: Library, *paths: Path, **kwargs: object) -> IndexSummary:
    return run_job(lib.index(list(paths) if paths else None, **kwargs))  # type: ignore[arg-type]


PYTHON_FAQ = Path("/usr/share/doc/python3.11/html/_sources/faq")
SKIMAGE_DATA = None
try:
    import skimage

    SKIMAGE_DATA = Path(skimage.__file__).parent / "data"
except ImportError:
    pass


# A test that needs a system package skips with "Debian package …" in its reason where the package is
# absent. In CI that skip would hide a gap in `.ci/run`, which must install every package a test uses
# (a green run on a machine where someone installed things by hand proves nothing): there it fails.
_MISSING_PACKAGE = re.compile(r"Debian package|apt-get install")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    if report.skipped and os.environ.get("CI") == "true" and _MISSING_PACKAGE.search(str(report.longrepr)):
        report.outcome = "failed"
        report.longrepr = (f"skipped in CI for a missing system package ({report.longrepr}); "
                           ".ci/run must install every package the tests use")
