"""What the tuning wizard's pages share: the wizard's state, and the wizard as the pages see it.

Pages read and write the state and ask the wizard to do work; they never import the wizard
(it imports them), they know it only through `WizardControl`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from desktop.core.common.records import MarkRecord, TrainSettings

if TYPE_CHECKING:
    from desktop.core.library.protocols import ModelVersion, TrainedCandidate


@dataclass
class WizardState:
    marks: list[MarkRecord] = field(default_factory=list)
    clip_problem: str | None = None
    target: str = "text"  # "text", "image" or "both"
    settings: dict[str, TrainSettings] = field(default_factory=dict)  # per target
    candidates: list[TrainedCandidate] = field(default_factory=list)  # in training order
    kept: list[ModelVersion] = field(default_factory=list)
    decided: bool = False

    def queries_per_kind(self) -> dict[str, int]:
        """Searches with at least one 👍, per kind: what training can learn from."""
        return dict(Counter(kind for kind, _ in {(m.kind, m.query) for m in self.marks if m.relevant}))


class WizardControl(Protocol):
    """The wizard's side that its pages call; work runs on the wizard's workers, never on the UI thread."""

    state: WizardState
    training: bool
    running_target: str | None

    def load_marks(self) -> None: ...
    def remove_marks(self, mark_ids: list[int]) -> None: ...
    def start_training(self) -> None: ...
    def cancel_training(self) -> None: ...
    def confirm_cancel_training(self) -> None: ...
    def estimate(self, epochs: dict[str, int], show: Callable[[str], None]) -> None: ...
    def keep(self) -> None: ...
    def stop_keep(self) -> None: ...
    def discard(self) -> None: ...
