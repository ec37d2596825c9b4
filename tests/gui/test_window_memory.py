"""Issue 24, item 16: after a map and a training run the window's process is back near its starting size.

It held ~3.6 GB after both (~400 MB at start). The figures come from the bench's probe
(scripts/benchmarks/memory.py), run here on the GUI tests' 30 documents with eight marked searches: a
fresh process builds the real MainWindow (offscreen), lays out the Map tab with its MapTab and trains
with the wizard's own `train_all`. Before the fix, that process grew by ~380 MB with the map and by
~1.9 GB with the training run (glibc keeps what PyTorch and numba allocated; gc and malloc_trim gave
back 0.24 GB); both now run in a child process.
"""

from __future__ import annotations

from pathlib import Path

from scripts.benchmarks.memory import make_library, measure

NEAR_MB = 150  # "near the starting figure": what a map or a run may leave behind (caches, Qt's pixmaps)


def test_the_window_gives_back_the_memory_of_a_map_and_a_training_run(tmp_path: Path, text_model_loaded: None) -> None:
    figures = measure(make_library(tmp_path))
    print(f"\nwindow RSS: start {figures['start_mb']:.0f} MB, after the map {figures['after_map_mb']:.0f} MB, "
          f"after a training run {figures['after_training_mb']:.0f} MB")
    assert figures["after_map_mb"] - figures["start_mb"] <= NEAR_MB, figures
    assert figures["after_training_mb"] - figures["start_mb"] <= NEAR_MB, figures
