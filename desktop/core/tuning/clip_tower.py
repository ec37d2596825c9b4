"""Tuning only CLIP's text side, against the photo vectors already in the catalog.

The image tower stays frozen, so every stored photo vector stays valid and nothing is
re-embedded: the tuned text tower only moves *queries* closer to the photos the user
marked 👍 (and away from the 👎 and the rest of the library). A tuned tower is a small
safetensors file of text-side tensors laid over the base CLIP weights at load time.
"""

from __future__ import annotations

import logging
import math
import random
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from desktop.core.common.jobs import CancelToken, Progress
from desktop.core.embed import ClipEncoder
from desktop.core.embed.tuned_clip import TOWER_FILE, is_text_param
from desktop.core.tuning.evaluate import Space
from desktop.core.tuning.examples import QueryMarks
from desktop.core.tuning.text_train import TrainProgress, TrainSettings

log = logging.getLogger(__name__)

MAX_CANDIDATES = 4096  # photos scored per step; a sample beyond this keeps big libraries cheap


def save_tower(encoder: ClipEncoder, folder: Path) -> Path:
    from safetensors.torch import save_file

    model = encoder._ready()
    state = {k: v.detach().clone().contiguous() for k, v in model.state_dict().items() if is_text_param(k)}
    path = folder / TOWER_FILE
    save_file(state, str(path))
    return path


def train_clip_text(
    encoder: ClipEncoder, photos: Space, train: list[QueryMarks], settings: TrainSettings, cancel: CancelToken
) -> Iterator[Progress]:
    """Contrastive steps: each (query, 👍 photo) pair must pick its photo among the candidates."""
    import torch

    model = encoder._ready()
    tokenizer = encoder._tokenizer
    torch.manual_seed(settings.seed)
    rng = random.Random(settings.seed)
    marked = {i for m in train for i in (*m.positives, *m.negatives)}
    candidates = _candidates(photos, marked, rng)
    row = {int(item): i for i, item in enumerate(candidates.ids)}
    bank = torch.from_numpy(candidates.vectors)
    pairs = [(m, p) for m in train for p in m.positives if p in row]
    params = [p for name, p in model.named_parameters() if is_text_param(name)]
    for name, p in model.named_parameters():
        p.requires_grad_(is_text_param(name))  # the image side is frozen: stored vectors stay valid
    optimizer = torch.optim.AdamW(params, lr=settings.learning_rate, weight_decay=0.0)
    scale = float(min(100.0, model.logit_scale.exp().item()))
    per_epoch = max(1, math.ceil(len(pairs) / settings.batch_size))
    total = per_epoch * settings.epochs
    step = 0
    try:
        for _epoch in range(settings.epochs):
            rng.shuffle(pairs)
            for start in range(0, len(pairs), settings.batch_size):
                cancel.raise_if_cancelled()
                batch = pairs[start : start + settings.batch_size]
                queries = model.encode_text(tokenizer([m.query for m, _ in batch]), normalize=True)
                logits = scale * queries @ bank.T
                # A query's other 👍 photos are right answers too, not negatives to push away.
                mask = torch.zeros_like(logits, dtype=torch.bool)
                for i, (m, positive) in enumerate(batch):
                    for other in m.positives:
                        if other != positive and other in row:
                            mask[i, row[other]] = True
                logits = logits.masked_fill(mask, float("-inf"))
                target = torch.tensor([row[p] for _, p in batch])
                loss = torch.nn.functional.cross_entropy(logits, target)
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
                step += 1
                yield TrainProgress("training", step, total, loss=float(loss.item()))
    finally:
        for p in model.parameters():
            p.requires_grad_(False)
        model.eval()


def _candidates(photos: Space, marked: set[int], rng: random.Random) -> Space:
    if len(photos.ids) <= MAX_CANDIDATES:
        return photos
    keep = [i for i, item in enumerate(photos.ids) if int(item) in marked]
    others = [i for i, item in enumerate(photos.ids) if int(item) not in marked]
    keep += rng.sample(others, MAX_CANDIDATES - len(keep)) if len(others) > MAX_CANDIDATES - len(keep) else others
    index = np.array(sorted(keep))
    return Space(photos.ids[index], photos.vectors[index])
