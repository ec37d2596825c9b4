"""One candidate encoder encoding fixed inputs, as a child process of embed.trials (so a native crash
or hang ends this process only):

    python -m desktop.core.embed.trial_child text SOURCE ENCODER COUNT SECONDS OUT.npy
    python -m desktop.core.embed.trial_child clip FOLDER PRECISION OUT.npy

It writes the vectors to OUT.npy and {"seconds": ...} (the timed encoding, after a warm-up) to
seconds.json beside it, and a byte to the progress file per batch done (the parent tells a hang from
slow work by it). Exit code 3: the encoder is not installed here.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from desktop.core.embed.trials import PARENT_ENV, UNAVAILABLE_EXIT, injected_fault, report_progress

CLIP_TEXTS = ("a photo of a dog on the grass", "a red car parked in a street", "mountains at sunset",
              "a page of handwritten notes", "two people at a birthday party", "a bowl of soup")


def _text(source: str, encoder: str, count: int, budget: float, out: Path) -> tuple[float, np.ndarray]:
    """The first `count` fixed passages encoded, or (`budget` > 0) as many chunks of them as fit in
    about `budget` seconds: a large model on a slow CPU is timed on fewer passages, not for minutes."""
    from desktop.core.embed.encoder_choice import BATCH, CHUNK, TORCH, passages

    texts = passages()[:count]
    if encoder == TORCH:
        import importlib.util

        if importlib.util.find_spec("sentence_transformers") is None:
            print("sentence-transformers is not installed", file=sys.stderr)
            sys.exit(UNAVAILABLE_EXIT)
        from desktop.core.embed.text import TextEncoder

        model: Any = TextEncoder(source)
        model.load()
        injected_fault(TORCH)  # OpenVINO's encoders meet the hook where they infer (ov_text)

        def encode(batch: list[str]) -> np.ndarray:
            return np.asarray(model._model.encode(batch, batch_size=BATCH, normalize_embeddings=True,
                                                  convert_to_numpy=True, show_progress_bar=False))
    else:
        from desktop.core.embed.ov_text import OvTextEncoder

        model = OvTextEncoder(source, encoder.removeprefix("openvino-"))

        def encode(batch: list[str]) -> np.ndarray:
            return np.asarray(model.encode(batch, batch_size=BATCH))

    encode(texts[:BATCH])  # warm: the first call prepares kernels for its shapes
    report_progress(out)
    done: list[np.ndarray] = []
    started = time.perf_counter()
    for first in range(0, len(texts), CHUNK):
        # Within a chunk, batches of similar length, longest first, as the encoders batch a call
        # themselves; one batch at a time, so the parent sees progress.
        chunk = texts[first : first + CHUNK]
        order = sorted(range(len(chunk)), key=lambda i: -len(chunk[i]))
        vectors: np.ndarray | None = None
        for start in range(0, len(order), BATCH):
            chosen = order[start : start + BATCH]
            batch = encode([chunk[i] for i in chosen])
            if vectors is None:
                vectors = np.zeros((len(chunk), batch.shape[1]), dtype=np.float32)
            vectors[chosen] = batch
            report_progress(out)
        assert vectors is not None
        done.append(vectors)
        if budget > 0 and time.perf_counter() - started >= budget:
            break  # the passages so far are the sample: the others are timed on the same ones
    return time.perf_counter() - started, np.concatenate(done)


def clip_images(size: int) -> list[Any]:
    """Fixed pictures (smooth colour fields and noise): the same on every run, no files needed."""
    from PIL import Image

    rng = np.random.default_rng(7)
    ramp = np.linspace(0, 255, size, dtype=np.float32)
    pictures = [
        np.stack([np.tile(ramp, (size, 1)), np.tile(ramp[:, None], (1, size)), np.full((size, size), 96.0)], -1),
        np.stack([np.full((size, size), 200.0), np.tile(ramp[::-1], (size, 1)), np.tile(ramp[:, None], (1, size))], -1),
        rng.uniform(0, 255, (size, size, 3)),
        rng.normal(128, 40, (size, size, 3)),
    ]
    return [Image.fromarray(np.clip(p, 0, 255).astype(np.uint8), "RGB") for p in pictures]


def _clip(folder: str, precision: str, out: Path) -> tuple[float, np.ndarray]:
    from desktop.core.embed.ov_clip import OvClip
    from desktop.core.embed.ov_text import _threads

    model = OvClip(Path(folder), _threads(), precision)
    batch = np.stack([model.preprocess(image) for image in clip_images(model.input_size)])
    model.images(batch[:1])
    model.texts(list(CLIP_TEXTS[:1]))  # warm both sides
    report_progress(out)
    started = time.perf_counter()
    images = model.images(batch)
    report_progress(out)
    vectors = np.concatenate([images, model.texts(list(CLIP_TEXTS))])
    return time.perf_counter() - started, vectors


def _end_with_parent() -> None:
    """This child runs in a session of its own (so a hang is killed with all it started): if the
    process that waits for it goes (Ctrl-C, a kill), nobody wants its figures, so it ends too."""
    import os
    import threading

    # The parent's id as it gave it: by the time this runs it may already be gone (and getppid() the reaper's).
    parent = int(os.environ.get(PARENT_ENV, "0")) or os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(1)

    threading.Thread(target=watch, daemon=True, name="parent-watch").start()


def main(argv: list[str] | None = None) -> int:
    args = argv if argv is not None else sys.argv[1:]
    _end_with_parent()
    kind, out = args[0], Path(args[-1])
    if kind == "text":
        seconds, vectors = _text(args[1], args[2], int(args[3]), float(args[4]), out)
    elif kind == "clip":
        seconds, vectors = _clip(args[1], args[2], out)
    else:
        print(f"unknown trial {kind!r}", file=sys.stderr)
        return 2
    np.save(out, np.asarray(vectors, dtype=np.float32))
    (out.parent / "seconds.json").write_text(json.dumps({"seconds": seconds}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
