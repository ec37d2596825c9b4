"""Keep the model libraries off the network, except when the user asks for a download."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager


def go_offline() -> None:
    """Call before importing sentence_transformers / transformers / open_clip / openvino / nncf.

    The env vars cover libraries imported later; huggingface_hub reads them once at import,
    so if it is already loaded its constant is flipped too.
    """
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    constants = sys.modules.get("huggingface_hub.constants")
    if constants is not None:
        constants.HF_HUB_OFFLINE = True
    # OpenVINO's model converter and NNCF send usage reports to Google Analytics unless a consent
    # file in ~/intel says no. A None entry makes `import openvino_telemetry` fail, and both then
    # use their own do-nothing stand-ins (they are written to expect that package to be missing).
    sys.modules.setdefault("openvino_telemetry", None)  # type: ignore[arg-type]


@contextmanager
def network_allowed() -> Iterator[None]:
    """Lift offline mode for one explicit, user-requested download, then restore it."""
    from huggingface_hub import constants

    saved_env = {k: os.environ.get(k) for k in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")}
    saved = constants.HF_HUB_OFFLINE
    constants.HF_HUB_OFFLINE = False
    for key in saved_env:
        os.environ.pop(key, None)
    try:
        yield
    finally:
        constants.HF_HUB_OFFLINE = saved
        for key, value in saved_env.items():
            if value is not None:
                os.environ[key] = value
