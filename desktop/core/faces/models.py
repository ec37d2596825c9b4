"""dlib and the face models shipped by the `face-recognition-models` package, found by path.

`import face_recognition_models` needs pkg_resources (setuptools), which a slim install lacks; the
package's folder is found with importlib instead. The 68-point landmark model in the same folder is
licensed for non-commercial use only and is never loaded: alignment uses the 5-point model.
"""

from __future__ import annotations

import importlib.util
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop.core.common.errors import SemdeskError

LANDMARKS = "shape_predictor_5_face_landmarks.dat"
DESCRIPTOR = "dlib_face_recognition_resnet_model_v1.dat"

DLIB_MISSING = "Finding people in photos needs dlib (the dlib-bin package), which is not installed."
_lock = threading.Lock()
_loaded: FaceModels | None = None


class FaceModelsMissing(SemdeskError):
    """dlib or the face models are not installed: the faces phase does nothing and says why."""


@dataclass(frozen=True)
class FaceModels:
    detector: Any  # dlib.fhog_object_detector
    landmarks: Any  # dlib.shape_predictor (5 points)
    descriptor: Any  # dlib.face_recognition_model_v1
    dlib: Any


def models_folder() -> Path:
    spec = importlib.util.find_spec("face_recognition_models")
    locations = list(spec.submodule_search_locations or []) if spec is not None else []
    for location in locations:
        folder = Path(location) / "models"
        if (folder / LANDMARKS).is_file() and (folder / DESCRIPTOR).is_file():
            return folder
    raise FaceModelsMissing(
        "Finding people in photos needs the face models of the face-recognition-models package, which is "
        "not installed. Install it (pip install face-recognition-models) and index again."
    )


def check_installed() -> None:
    """Raise FaceModelsMissing, with what to install, unless dlib and the model files are there (without
    loading them: the detector runs in a child process, faces/worker.py)."""
    if importlib.util.find_spec("dlib") is None:
        raise FaceModelsMissing(DLIB_MISSING)
    models_folder()


def face_models() -> FaceModels:
    """The detector and the two models, loaded once per process (about 0.3 s, 30 MB)."""
    global _loaded
    with _lock:
        if _loaded is None:
            try:
                import dlib
            except ImportError as error:
                raise FaceModelsMissing(DLIB_MISSING) from error
            folder = models_folder()
            _loaded = FaceModels(
                detector=dlib.get_frontal_face_detector(),
                landmarks=dlib.shape_predictor(str(folder / LANDMARKS)),
                descriptor=dlib.face_recognition_model_v1(str(folder / DESCRIPTOR)),
                dlib=dlib,
            )
        return _loaded
