"""Set-up shared by the crash tests of encoders (test_encoder_crash.py) and of conversions
(test_conversion_crash.py): a cache of a test's own, so its records start empty, that reuses the converted
models of the tests' shared cache, and the command line run as a child process."""

from __future__ import annotations

import os
from pathlib import Path

from desktop.core.embed.text import default_text_model_path

ROOT = Path(__file__).resolve().parents[2]
SHARED_CACHE = Path(os.environ["SEMDESK_CACHE"])
CLI = "import sys; from desktop.cli.main import main; sys.exit(main(sys.argv[1:]))"


def cache_reusing(root: Path, *, int8: bool) -> Path:
    """A new cache at `root` holding the default text model's fp32 copy, its int8 copy when `int8` (else
    using int8 means converting it there) and OpenVINO's compiled blobs, each a link to the shared cache's."""
    from desktop.core.embed.ov_text import prepare_models

    prepare_models(default_text_model_path(), only=None if int8 else "fp32")  # a minute, once per test cache
    root.mkdir(parents=True, exist_ok=True)
    for name in ("openvino-fp32", *(("int8",) if int8 else ()), "openvino-compiled"):
        (SHARED_CACHE / name).mkdir(parents=True, exist_ok=True)
        (root / name).symlink_to(SHARED_CACHE / name)
    return root
