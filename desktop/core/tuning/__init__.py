"""Learning from the user's 👍/👎 marks: examples, training, evaluation, model versions.

Importing this package is cheap; torch and sentence-transformers load when a run starts.
"""

from desktop.core.tuning.job import discard, keep_job, tune_job
from desktop.core.tuning.rounds import Candidate, Comparison, marks_needed
from desktop.core.tuning.text_train import TrainProgress, TrainSettings
from desktop.core.tuning.versions import (
    ModelInfo,
    activate_job,
    delete_version,
    rename_version,
    use_base_job,
    versions,
)

__all__ = [
    "Candidate", "Comparison", "ModelInfo", "TrainProgress", "TrainSettings", "activate_job", "delete_version",
    "discard", "keep_job", "marks_needed", "rename_version", "tune_job", "use_base_job", "versions",
]
