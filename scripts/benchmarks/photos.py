"""Bench section "photos": photo indexing end to end against the bare CLIP encoder, OpenVINO
against PyTorch, on scikit-image's sample photos and on 12 MP camera-size JPEGs."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from scripts.benchmarks.common import Report, cpu_seconds, rss_sampler


def skimage_photos() -> list[Path]:
    import skimage

    data = Path(skimage.__file__).parent / "data"
    return sorted(p for p in data.iterdir() if p.suffix in (".png", ".jpg"))


def photo_corpus(work: Path, count: int) -> Path:
    """`count` distinct files (one pixel differs) cycling through scikit-image's sample photos,
    so content hashes and thumbnails differ as they would for real photos."""
    from PIL import Image

    sources = skimage_photos()
    target = work / "photos"
    target.mkdir()
    for i in range(count):
        source = sources[i % len(sources)]
        with Image.open(source) as image:
            rgb = image.convert("RGB")
        rgb.putpixel((0, 0), (i % 256, (i // 256) % 256, 7))
        name = f"{source.stem}-{i:03d}{source.suffix}"
        rgb.save(target / name, quality=90) if source.suffix == ".jpg" else rgb.save(target / name)
    return target


def random_vit_b_32(folder: Path) -> Path:
    """ViT-B-32 with random weights in a .safetensors file: no real CLIP weights exist on these
    machines, and the speed of a network does not depend on its weights (its answers do)."""
    import open_clip
    from safetensors.torch import save_file

    path = folder / "vit-b-32-random.safetensors"
    model = open_clip.create_model("ViT-B-32", pretrained=None)
    save_file({k: v.contiguous() for k, v in model.state_dict().items()}, str(path))
    return path


def camera_corpus(work: Path, count: int) -> Path:
    """`count` 12 MP JPEGs (4000x3000, quality 90) made from the scikit-image samples without lettering
    (ocr_gate_set.SKIMAGE_PLAIN), with sensor-like noise: what a phone writes, the case draft decoding
    exists for, and photos OCR's gate should send away."""
    import numpy as np
    from PIL import Image

    from scripts.benchmarks.ocr_gate_set import SKIMAGE_PLAIN

    sources = [p for p in skimage_photos() if p.name in SKIMAGE_PLAIN]
    rng = np.random.default_rng(0)
    target = work / "camera"
    target.mkdir()
    for i in range(count):
        with Image.open(sources[i % len(sources)]) as image:
            big = np.asarray(image.convert("RGB").resize((4000, 3000), Image.Resampling.BILINEAR), dtype=np.int16)
        noisy = np.clip(big + rng.normal(0, 3, big.shape).astype(np.int16), 0, 255).astype(np.uint8)
        Image.fromarray(noisy).save(target / f"IMG_{i:04d}.jpg", quality=90)
    return target


def measure_photo_folder(lib: Any, encoder: Any, folder: Path) -> dict[str, Any]:
    """Index `folder` (the pipeline), then the bare encoder on the same photos' preprocessed tensors,
    and the loader's share: one thread preparing each photo (read, hash, decode, thumbnail, preprocess)."""
    import numpy as np
    import torch
    from PIL import Image

    from desktop.core.common.jobs import run_job
    from desktop.core.indexing.faces_phase import PHASE as FACES_PHASE
    from desktop.core.indexing.ocr_phase import PHASE as OCR_PHASE
    from desktop.core.ingest.prepared import prepare_file

    marks: dict[str, float] = {}

    def seen(progress: Any) -> None:  # the after-phases start once every photo is searchable
        marks.setdefault(progress.phase, time.perf_counter())

    started = time.perf_counter()
    with rss_sampler() as memory:  # the pipeline alone: the bare run below holds every tensor at once
        all_s, _, summary = cpu_seconds(lambda: run_job(lib.index([folder]), seen))
    ended = started + all_s
    faces_at, ocr_at = marks.get(FACES_PHASE), marks.get(OCR_PHASE)
    searchable_at = min(at for at in (faces_at, ocr_at, ended) if at is not None)
    pipeline_s = searchable_at - started
    faces_s = ((ocr_at or ended) - faces_at) if faces_at is not None else 0.0  # the phases run one after another
    ocr_s = (ended - ocr_at) if ocr_at is not None else 0.0
    paths = sorted(folder.iterdir())
    tensors = []
    for path in paths:  # decode + preprocess outside the bare timing
        with Image.open(path) as image:
            tensors.append(encoder.preprocess(image.convert("RGB")))
    batch = int(lib.get_setting("image_batch_size"))
    stack = np.stack if isinstance(tensors[0], np.ndarray) else torch.stack  # numpy on the torch-free path
    batches = [stack(tensors[start : start + batch]) for start in range(0, len(tensors), batch)]
    bare_s, bare_cpu, vectors = cpu_seconds(lambda: np.concatenate([encoder.encode_tensors(b) for b in batches]))
    settings = lib.settings()

    def prepare_all() -> list[Any]:
        ws = lib.workspace
        return [
            prepare_file(ws.paths.thumbs, 0, str(p), "image", settings, text_encoder=None, clip_encoder=encoder)
            for p in paths
        ]

    _, loader_cpu, _ = cpu_seconds(prepare_all)
    return {"n": len(paths), "indexed": summary.indexed, "pipeline_s": pipeline_s, "all_s": all_s,
            "faces_s": faces_s, "ocr_s": ocr_s, "faces_on": bool(lib.get_setting("faces")),
            "faces_found": summary.faces_found,
            "ocr": lib.get_setting("ocr"), "text_in_pictures": summary.text_in_pictures,
            "bare_s": bare_s, "bare_cpu": bare_cpu, "loader_cpu": loader_cpu, "batches": batches, "vectors": vectors,
            "rss_growth_mb": memory["peak"] - memory["before"]}


def report_photo_pipeline(report: Report, prefix: str, m: dict[str, Any]) -> None:
    n = m["n"]
    report.add("photos", f"{prefix}pipeline_photos_per_s", n / m["pipeline_s"], "photos/s",
               "pipeline until every photo is searchable (scan+read+hash+decode+thumbnail+embed+store)")
    report.add("photos", f"{prefix}all_phases_photos_per_s", n / m["all_s"], "photos/s",
               f"every phase, OCR ({m['ocr']}) and faces ({'on' if m['faces_on'] else 'off'}) included: "
               f"{m['text_in_pictures']} photos with text, {m['faces_found']} faces found")
    report.add("photos", f"{prefix}all_but_faces_photos_per_s", n / (m["all_s"] - m["faces_s"]), "photos/s",
               "every phase but faces (they run one after another): OCR at its default, the faces phase off")
    report.add("photos", f"{prefix}faces_ms_per_photo", m["faces_s"] / n * 1000, "ms",
               "the faces phase, per photo (wall: dlib in its child, decoding on a loader thread)")
    report.add("photos", f"{prefix}ocr_ms_per_photo", m["ocr_s"] / n * 1000, "ms",
               "the OCR phase, per photo (wall)")
    report.add("photos", f"{prefix}bare_photos_per_s", n / m["bare_s"], "photos/s",
               "bare encode_tensors on preprocessed tensors, same encoder")
    report.add("photos", f"{prefix}ratio", m["bare_s"] / m["pipeline_s"], "x",
               "ratio bare/pipeline until searchable (target >= 0.9x the ceiling)")
    report.add("photos", f"{prefix}overhead_ms_per_photo", (m["pipeline_s"] - m["bare_s"]) / n * 1000, "ms",
               "pipeline overhead per photo")
    report.add("photos", f"{prefix}encoder_cpu_ms", m["bare_cpu"] / n * 1000, "ms",
               "encoder CPU per photo (all threads)")
    report.add("photos", f"{prefix}loader_cpu_ms", m["loader_cpu"] / n * 1000, "ms",
               "loader CPU per photo: read, hash, decode, thumbnail, preprocess")
    # With every core busy, wall time cannot beat total CPU / cores: the encoder's share of all the
    # CPU is the best ratio any overlap of loading and encoding can reach on this machine.
    report.add("photos", f"{prefix}ratio_ceiling", m["bare_cpu"] / (m["bare_cpu"] + m["loader_cpu"]), "x",
               "best ratio possible when CPU-bound: encoder CPU / (encoder + loader CPU)")


def bench_photos(report: Report, work: Path, full: bool, state: dict[str, Any], smoke: bool = False) -> None:
    import numpy as np
    import torch

    from desktop.core.embed import ClipEncoder
    from desktop.core.library import Library

    report.note("photos", "ViT-B-32 with RANDOM weights (no real CLIP weights here): real compute, so throughput is "
                "real; the vectors mean nothing, so photo quality is not measured")
    folder = photo_corpus(work, 8 if smoke else 240 if full else 80)
    weights = random_vit_b_32(work)
    state["clip_weights"] = weights
    lib = Library.open(work / "photo-lib")
    lib.set_setting("clip_model", "ViT-B-32")
    lib.set_setting("clip_weights", str(weights))
    encoder = lib.workspace.encoders.clip()
    t0 = time.perf_counter()
    encoder.load()
    encoder.encode_tensors(torch.zeros((4, 3, 224, 224)))
    report.add("photos", "model_load_s", time.perf_counter() - t0, "s",
               "CLIP load + OpenVINO compile + warm-up (not counted)")
    # Photos' file names are passages of the text model: its first use on a CPU measures the text encoders
    # (about a minute, once per CPU), which a run on a fresh machine would otherwise count as photo indexing.
    t0 = time.perf_counter()
    lib.workspace.encoders.text().encode(["a warm-up passage"], batch_size=1)
    report.add("photos", "text_model_load_s", time.perf_counter() - t0, "s",
               "text model's first use (its encoders measured once per CPU) + warm-up (not counted)")
    m = measure_photo_folder(lib, encoder, folder)
    n = m["n"]
    report.add("photos", "photos", f"{m['indexed']} indexed of {n}", "", "photos (scikit-image samples, copies)")
    report.add("photos", "openvino", encoder._fast_images is not None, "", "image side runs in OpenVINO (default)")
    report.add("photos", "pipeline_s", m["pipeline_s"], "s", "pipeline until searchable (scan+decode+embed+store)")
    report.add("photos", "bare_s", m["bare_s"], "s", "bare encode_tensors on preprocessed tensors, same encoder")
    report_photo_pipeline(report, "", m)

    def bare(clip: Any) -> tuple[float, np.ndarray]:
        t0 = time.perf_counter()
        vectors = np.concatenate([clip.encode_tensors(b) for b in m["batches"]])
        return time.perf_counter() - t0, vectors

    torch_clip = ClipEncoder("ViT-B-32", pretrained=None, weights=str(weights), openvino=False)
    torch_clip.encode_tensors(m["batches"][0])  # load + warm-up
    torch_s, torch_vectors = bare(torch_clip)
    report.add("photos", "bare_torch_photos_per_s", n / torch_s, "photos/s", "bare PyTorch fp32 CLIP, same tensors")
    report.add("photos", "openvino_speedup", torch_s / m["bare_s"], "x", "OpenVINO image side / PyTorch fp32, bare")
    report.add("photos", "speedup_vs_bare_torch", torch_s / m["pipeline_s"], "x",
               "whole pipeline (default encoder) against bare PyTorch CLIP alone")
    report.add("photos", "cosine_min", float((m["vectors"] * torch_vectors).sum(axis=1).min()), "",
               "lowest cosine between OpenVINO and PyTorch photo vectors")
    report.add("memory", "photo_rss_growth_mb", m["rss_growth_mb"], "MB", "peak RSS growth during photo indexing")

    camera = measure_photo_folder(lib, encoder, camera_corpus(work, 4 if smoke else 120 if full else 40))
    report.add("photos", "camera_photos", f"{camera['indexed']} indexed of {camera['n']}", "",
               "12 MP camera-size JPEGs (decoded at 1/8 scale)")
    report_photo_pipeline(report, "camera_", camera)
    report.add("memory", "camera_rss_growth_mb", camera["rss_growth_mb"], "MB",
               "peak RSS growth while indexing the 12 MP JPEGs")
    state["photo_lib"] = lib
