"""ktrules: award criteria of Vietnam's emulation and commendation law as versioned rule files,
evaluated against recorded achievements into explained verdicts."""

from .dataset import Dataset, load_dataset
from .engine import AwardVerdict, CriterionResult, Evaluation, evaluate
from .errors import KtrulesError

__all__ = ["AwardVerdict", "CriterionResult", "Dataset", "Evaluation", "KtrulesError", "evaluate", "load_dataset"]
