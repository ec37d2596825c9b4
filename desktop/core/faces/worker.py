"""The face detector in a child process (common/native_child.py): dlib holds the GIL while it looks,
so in this process it would take turns with the decoding of the next photo instead of running beside
it; and a photo that crashes or hangs it costs that photo only, not the run."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from desktop.core.common.native_child import BACKGROUND, ChildHolder, ChildProblem, NativeChild
from desktop.core.faces.detect import FoundFace, find_faces

# A 1600 px photo takes dlib 0.15-0.4 s on these machines; a minute is a photo that will never finish.
TIME_LIMIT_SECONDS = 60.0


def _detector() -> Callable[[np.ndarray], list[FoundFace]]:
    from desktop.core.faces.models import face_models  # in the child: the parent never loads the detector

    models = face_models()
    return lambda image: find_faces(models, image)


class FaceWorker(ChildHolder):
    def __init__(self, time_limit: float | None = None) -> None:
        time_limit = TIME_LIMIT_SECONDS if time_limit is None else time_limit
        self._child: NativeChild[list[FoundFace]] = NativeChild(
            _detector, (), what="the face detector", name="semdesk-faces", answers=list,
            time_limit=time_limit, nice=BACKGROUND)

    def find(self, image: np.ndarray) -> list[FoundFace] | ChildProblem:
        """The faces in an RGB uint8 picture, or why there is no answer for it."""
        return self._child.ask(np.ascontiguousarray(image))
