"""ktrules: award criteria of Vietnam's emulation and commendation law as versioned rule files,
evaluated against recorded achievements into explained verdicts and ranked nominee lists."""

from .ballot import BallotResult, vote
from .dataset import Dataset, load_dataset
from .engine import AwardVerdict, CriterionResult, Evaluation, evaluate, version_in_force
from .errors import KtrulesError
from .ranking import Candidate, RankedList, rank

__all__ = ["AwardVerdict", "BallotResult", "Candidate", "CriterionResult", "Dataset", "Evaluation", "KtrulesError",
           "RankedList", "evaluate", "load_dataset", "rank", "version_in_force", "vote"]
