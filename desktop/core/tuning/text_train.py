"""Fine-tuning the sentence-transformers text model on (query, 👍 passage, 👎 passage) triplets.

MultipleNegativesRankingLoss treats every other passage in a batch as a negative too, and
the user's 👎 (or a mined hard negative) as the one that matters most. NO_DUPLICATES
batching keeps a passage from appearing twice in a batch, where it would be its own
"negative". The Hugging Face trainer blocks, so it runs on a helper thread while this
generator passes its loss reports on as Progress and relays Cancel through a callback.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop.core.common.errors import Cancelled
from desktop.core.common.jobs import CancelToken, Progress
from desktop.core.common.records import TrainSettings  # a plain record: the window and the CLI make them
from desktop.core.common.settings import DEFAULT_TEXT_MODEL


@dataclass(frozen=True)
class TrainProgress(Progress):
    loss: float | None = None  # the training loss at `done` steps, for the wizard's curve


def model_source(name: str) -> str:
    """What SentenceTransformer should load: the shipped default's folder, or the name/path itself."""
    if name in {DEFAULT_TEXT_MODEL, f"sentence-transformers/{DEFAULT_TEXT_MODEL}"}:
        from desktop.core.embed import default_text_model_path

        return default_text_model_path()
    return name


def load_model(name: str) -> Any:
    from desktop.core.embed._offline import go_offline

    go_offline()
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(model_source(name), device="cpu", local_files_only=True)


def train_text(
    model: Any, rows: list[tuple[str, str, str]], settings: TrainSettings, cancel: CancelToken, work_dir: Path
) -> Iterator[Progress]:
    """Train `model` in place on (anchor, positive, negative) rows; yields TrainProgress per step."""
    from datasets import Dataset
    from sentence_transformers import SentenceTransformerTrainer
    from sentence_transformers.sentence_transformer.losses import MultipleNegativesRankingLoss
    from sentence_transformers.sentence_transformer.model_card import ModelCardCallback
    from sentence_transformers.sentence_transformer.training_args import (
        BatchSamplers,
        SentenceTransformerTrainingArguments,
    )

    dataset = Dataset.from_dict(
        {"anchor": [r[0] for r in rows], "positive": [r[1] for r in rows], "negative": [r[2] for r in rows]}
    )
    args = SentenceTransformerTrainingArguments(
        output_dir=str(work_dir / "trainer"),
        num_train_epochs=settings.epochs,
        per_device_train_batch_size=settings.batch_size,
        learning_rate=settings.learning_rate,
        warmup_steps=settings.warmup_ratio,  # transformers 5: a float below 1 is a share of all steps
        batch_sampler=BatchSamplers.NO_DUPLICATES,
        seed=settings.seed,
        use_cpu=True,
        report_to="none",
        save_strategy="no",  # the caller saves the finished model; checkpoints would only fill the disk
        logging_steps=1,
        disable_tqdm=True,
        dataloader_num_workers=0,
    )
    reports: queue.Queue[Progress | None] = queue.Queue()
    # The trainer otherwise tokenises sample rows for a model card's widget (with a progress bar on
    # stderr); no card is ever written, so a filled-in widget list lets it skip that.
    model.model_card_data.widget = [{"text": ""}]
    trainer = SentenceTransformerTrainer(
        model=model,
        args=args,
        train_dataset=dataset,
        loss=MultipleNegativesRankingLoss(model),
        callbacks=[_callback(reports, cancel)],
    )
    from transformers.trainer_callback import PrinterCallback

    # Quiet: the printer echoes every log line to stdout; the model-card callback tokenises samples
    # for a README that is never written (models are saved without a card).
    trainer.remove_callback(PrinterCallback)
    trainer.remove_callback(ModelCardCallback)
    # Passages are trained at their full length: cutting them to 128 tokens halved a step's time
    # but lost most of the gain on the FAQ test (held-out nDCG@10 +0.008 instead of +0.047).
    yield from _on_thread(trainer.train, reports)
    if cancel.cancelled:
        raise Cancelled("Training was cancelled; nothing was changed.")


def _callback(reports: queue.Queue[Progress | None], cancel: CancelToken) -> Any:
    from transformers import TrainerCallback

    started = time.monotonic()

    class Report(TrainerCallback):  # type: ignore[misc]
        def on_step_end(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
            if cancel.cancelled:
                control.should_training_stop = True  # the trainer stops after this step

        def on_log(self, args: Any, state: Any, control: Any, logs: dict[str, float] | None = None, **kw: Any) -> None:
            if logs and "loss" in logs:
                step, total = state.global_step, state.max_steps
                elapsed = time.monotonic() - started
                eta = elapsed / step * (total - step) if step else None
                rate = step / elapsed if elapsed else 0.0
                reports.put(TrainProgress("training", step, total, "", rate, eta, float(logs["loss"])))

    return Report()


def _on_thread(work: Callable[[], Any], reports: queue.Queue[Progress | None]) -> Iterator[Progress]:
    """Run blocking `work` on a thread, yielding what it reports; its exception is re-raised here."""
    failure: list[BaseException] = []

    def run() -> None:
        try:
            work()
        except BaseException as error:  # handed to the generator's thread, which raises it
            failure.append(error)
        finally:
            reports.put(None)

    thread = threading.Thread(target=run, name="semdesk-training", daemon=True)
    thread.start()
    while (item := reports.get()) is not None:
        yield item
    thread.join()
    if failure:
        raise failure[0]


class ModelEncoder:
    """A SentenceTransformer being tuned, behind the TextEncoder calls evaluation needs."""

    def __init__(self, model: Any) -> None:
        self.model = model

    @property
    def dim(self) -> int:
        return int(self.model.get_embedding_dimension())

    def encode(self, texts: list[str], *, batch_size: int = 32) -> Any:
        import numpy as np

        vectors = self.model.encode(
            list(texts), batch_size=batch_size, convert_to_numpy=True, normalize_embeddings=True,
            show_progress_bar=False,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)
