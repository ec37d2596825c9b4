"""CLIP's image side compiled by OpenVINO: about 4x PyTorch's photo throughput on CPUs with bf16
units (AMX, AVX-512 BF16), where OpenVINO computes in bf16 by default; elsewhere it runs in
fp32 at about PyTorch's speed.

Vectors agree with PyTorch's to a cosine of 0.9999 or better (scripts/bench, section photos), so
they stay in the same space: no new model version, no re-embedding, and if compiling fails the
encoder simply keeps using PyTorch. Compiling takes about 2 s per process, so nothing is cached.
(No int8 here: quantising needs calibration photos, and semdesk ships none.)
"""

from __future__ import annotations

import logging
import threading
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

log = logging.getLogger(__name__)


def compile_image_side(visual: Any, image_size: int) -> Callable[[np.ndarray], np.ndarray] | None:
    """A function from a preprocessed (n, 3, h, w) batch to unnormalised image features, or None
    when OpenVINO is missing or cannot take this model (then PyTorch does the work)."""
    try:
        import openvino as ov
        import torch

        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # tracer notices about Python branches on shapes
            # Traced without the trace check: open_clip's modules re-trace to renamed classes
            # and the check reports that as a difference.
            traced = torch.jit.trace(visual.eval(), torch.zeros(1, 3, image_size, image_size), check_trace=False)
            ov_model = ov.convert_model(traced)
        options = {"PERFORMANCE_HINT": "LATENCY", "INFERENCE_NUM_THREADS": max(1, torch.get_num_threads())}
        compiled = ov.Core().compile_model(ov_model, "CPU", options)
    except Exception as error:  # ImportError included: PyTorch is the always-there fallback
        log.warning("CLIP image side not compiled with OpenVINO (%s: %s); using PyTorch", type(error).__name__, error)
        return None
    lock = threading.Lock()  # one infer request

    def run(batch: np.ndarray) -> np.ndarray:
        with lock:
            return np.array(compiled(np.ascontiguousarray(batch, dtype=np.float32))[compiled.outputs[0]])

    return run
