"""The facade's fine-tuning and model-version requests (tuning is imported only when one is made)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Self

from desktop.core.common.jobs import CancelToken, Job
from desktop.core.common.records import TrainSettings
from desktop.core.library.protocols import ModelVersion, TextModelChoice, TrainedCandidate
from desktop.core.workspace import Workspace, is_server_address

if TYPE_CHECKING:
    from desktop.core.tuning.rounds import Candidate


class TuningRequests:
    workspace: Workspace

    if TYPE_CHECKING:  # Library.open: what a child process reopens this library with
        @classmethod
        def open(cls, path: Path | str | None = None) -> Self: ...

    def tune(self, target: str = "text", *, settings: TrainSettings | None = None, cancel: CancelToken | None = None,
             apart: bool = False) -> Job[TrainedCandidate]:
        """Train a candidate model on the marks and measure it on held-out marks; nothing changes yet.
        `apart`: in a child process, whose memory goes back when it ends (the window's way; apart.py)."""
        if apart and not is_server_address(self.workspace.reopen_address):  # no password to reopen a server with
            from desktop.core.library.apart import in_child

            request = {"target": target, "settings": settings}
            return in_child(type(self).open, self.workspace.reopen_address, "tune", request, cancel, "training")
        from desktop.core.tuning import tune_job

        return tune_job(self.workspace, target, settings=settings, cancel=cancel)

    def tune_estimate(self, target: str = "text", *, epochs: int = 1) -> str:
        """How long `tune` should take, in a sentence, said before it starts."""
        from desktop.core.tuning.estimate import estimate

        return estimate(self.workspace, target, epochs).sentence()

    def keep(self, candidate: TrainedCandidate, *, cancel: CancelToken | None = None) -> Job[ModelVersion]:
        """Install a candidate as the active model (re-embeds what it needs, cancellable)."""
        from desktop.core.tuning import keep_job

        return keep_job(self.workspace, own(candidate), cancel=cancel)

    def discard(self, candidate: TrainedCandidate) -> None:
        """Throw a candidate away; the active model and the marks are untouched."""
        from desktop.core.tuning import discard

        discard(own(candidate))

    def model_versions(self) -> list[ModelVersion]:
        from desktop.core.tuning import versions

        return list(versions(self.workspace))

    def rename_model(self, version_id: int, name: str) -> ModelVersion:
        """Name a tuned model version ("" restores its dated label); returns its ModelInfo."""
        from desktop.core.tuning import rename_version

        return rename_version(self.workspace, version_id, name)

    def delete_model(self, version_id: int) -> None:
        """Delete a tuned model version that is not in use (its vectors and folder go too)."""
        from desktop.core.tuning import delete_version

        delete_version(self.workspace, version_id)

    def activate_model(self, version_id: int, *, cancel: CancelToken | None = None) -> Job[ModelVersion]:
        from desktop.core.tuning import activate_job

        return activate_job(self.workspace, version_id, cancel=cancel)

    def text_model_choices(self) -> list[TextModelChoice]:
        """Fast, Accurate and the folder in use: available or not, disk, speed here, quality (ModelChoice)."""
        from desktop.core.tuning.model_switch import choices

        return list(choices(self.workspace))

    def switch_text_model(self, target: str, *, cancel: CancelToken | None = None) -> Job[ModelVersion]:
        """Switch the text model to fast, accurate or a folder: every passage is embedded with it while
        search keeps the current one, then one step switches (resumable, cancellable)."""
        from desktop.core.tuning.model_switch import switch_job

        return switch_job(self.workspace, target, cancel=cancel)

    def use_base_model(self, target: str = "all", *, cancel: CancelToken | None = None) -> Job[None]:
        from desktop.core.tuning import use_base_job

        return use_base_job(self.workspace, target, cancel=cancel)


def tune_defaults() -> dict[str, TrainSettings]:
    """The training settings each target starts from (the wizard's and `semdesk tune`'s defaults)."""
    from desktop.core.tuning.job import DEFAULTS

    return dict(DEFAULTS)


def held_out(version: ModelVersion) -> dict[str, float]:
    """A tuned version's figures on the searches its training never saw ("ndcg", "top3", "queries"...),
    from its stored metrics; empty for a base model."""
    after = version.metrics.get("after")
    if not isinstance(after, dict):
        return {}
    return {key: float(value) for key, value in after.items() if isinstance(value, int | float)}


def tuning_outcome(candidate: TrainedCandidate) -> str:
    """"better", "worse" or "same" (the verdict that the report's first sentence states)."""
    from desktop.core.tuning.report import outcome

    return outcome(own(candidate))


def tuning_report(candidate: TrainedCandidate) -> tuple[list[str], list[tuple[str, float, float]]]:
    """A candidate's before/after in plain sentences, and as (label, current, new) figures."""
    from desktop.core.tuning.report import figures, sentences

    return sentences(own(candidate)), figures(own(candidate))


def own(candidate: TrainedCandidate) -> Candidate:
    """The tuning room's own record behind a candidate the window or the CLI hands back (a `tune` result,
    also when it came from a child process); anything else is refused rather than half-used."""
    from desktop.core.tuning.rounds import Candidate

    if not isinstance(candidate, Candidate):
        raise TypeError(f"not a trained candidate from Library.tune: {type(candidate).__name__}")
    return candidate
