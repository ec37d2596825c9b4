"""The tuning job: marks -> examples -> train -> measure before/after -> a candidate to keep or discard.

Everything is trained into a temporary folder under models/; the active model, its vectors
and the marks are only read. A failed, cancelled or disk-full run removes the folder and
leaves the library exactly as it was. Keeping renames the folder into place and switches
to it (see versions.py); discarding deletes it.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

from desktop.core.common.errors import DiskFull, SemdeskError, is_disk_full
from desktop.core.common.jobs import CancelToken, Job
from desktop.core.tuning import versions
from desktop.core.tuning.rounds import Candidate
from desktop.core.tuning.text_train import TrainSettings
from desktop.core.workspace import Workspace
from desktop.core.workspace.versions import CLIP_TEXT, INT8_SUFFIX

TEMP_PREFIX = ".tune-"
DEFAULTS = {
    "text": TrainSettings(epochs=1, learning_rate=5e-5, batch_size=16),
    # The text tower sees a handful of pairs per epoch; it needs more passes to move at all.
    "image": TrainSettings(epochs=30, learning_rate=1e-4, batch_size=16),
}


def tune_job(
    ws: Workspace, target: str = "text", *, settings: TrainSettings | None = None, cancel: CancelToken | None = None
) -> Job[Candidate]:
    if target not in DEFAULTS:
        raise SemdeskError(f"Tuning can improve 'text' (documents) or 'image' (photos), not {target!r}.")
    cancel = cancel or CancelToken()
    settings = settings or DEFAULTS[target]
    models = ws.paths.models
    for stale in models.glob(f"{TEMP_PREFIX}*"):  # left by a run that was killed
        if time.time() - stale.stat().st_mtime > 24 * 3600:
            shutil.rmtree(stale, ignore_errors=True)
    try:
        work = Path(tempfile.mkdtemp(prefix=TEMP_PREFIX, dir=models))
    except OSError as error:
        raise _disk_error(error) from error
    try:
        if target == "text":
            from desktop.core.tuning.text_job import tune_text

            return (yield from tune_text(ws, work, settings, cancel))
        from desktop.core.tuning.image_job import tune_image

        return (yield from tune_image(ws, work, settings, cancel))
    except OSError as error:
        shutil.rmtree(work, ignore_errors=True)
        raise _disk_error(error) from error
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise


def _disk_error(error: OSError) -> Exception:
    if is_disk_full(error):
        return DiskFull(
            "The disk is full, so the new model could not be saved. Nothing was changed: search keeps "
            "using the current model and all your marks are kept. Free some space and try again."
        )
    return SemdeskError(f"The new model could not be saved ({error.strerror or error}). Nothing was changed.")


def keep_job(ws: Workspace, candidate: Candidate, *, cancel: CancelToken | None = None) -> Job[versions.ModelInfo]:
    """Install the candidate as a new version and make it active (text: after re-embedding)."""
    if not candidate.undecided:
        raise SemdeskError("This tuned model was already kept or discarded.")
    space = "text" if candidate.target == "text" else CLIP_TEXT
    from desktop.core.embed.tuned_clip import TOWER_FILE

    version = versions.install(
        ws, space, Path(candidate.folder),
        name=_version_name(ws, candidate),
        base_model=candidate.base_model, dim=candidate.dim, data_size=candidate.data_size,
        metrics=candidate.metrics_json(), weights_file=TOWER_FILE if space == CLIP_TEXT else None,
    )
    return (yield from versions.activate_job(ws, version, cancel=cancel, vectors=candidate.vectors))


def _version_name(ws: Workspace, candidate: Candidate) -> str:
    if candidate.target != "text":
        return ws.settings.get("clip_model")
    # The suffix is what tells text_model_of to run the model in int8, as for the base model.
    return ws.settings.get("text_model") + (INT8_SUFFIX if candidate.int8 else "")


def discard(candidate: Candidate) -> None:
    shutil.rmtree(candidate.folder, ignore_errors=True)
