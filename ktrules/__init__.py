"""ktrules: award criteria of Vietnam's emulation and commendation law as versioned rule files,
evaluated against recorded achievements into explained verdicts and ranked nominee lists.

What a program needs is here; the subpackages hold the rest, one job each (docs/how-it-works.md).
"""

from ktrules.common.errors import KtrulesError
from ktrules.council.ballot import BallotResult, vote
from ktrules.council.ranking import Candidate, RankedList, rank
from ktrules.engine.evaluate import AwardVerdict, CriterionResult, Evaluation, evaluate, version_in_force
from ktrules.engine.inputs import dataset_from_data, load_dataset
from ktrules.records.models import Dataset
from ktrules.rules import DEFAULT_RULES

__all__ = ["DEFAULT_RULES", "AwardVerdict", "BallotResult", "Candidate", "CriterionResult", "Dataset", "Evaluation",
           "KtrulesError", "RankedList", "dataset_from_data", "evaluate", "load_dataset", "rank", "version_in_force",
           "vote"]
