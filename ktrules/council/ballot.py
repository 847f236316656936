"""The council's secret ballot against the threshold of the regime in force."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from ktrules.common.errors import KtrulesError
from ktrules.common.messages import t
from ktrules.rules import Ballot, LoadedVersion


@dataclass(frozen=True)
class BallotResult:
    award: str
    members: int
    yes: int
    ballot: Ballot

    @property
    def share(self) -> Fraction:
        return Fraction(self.yes, self.members)

    @property
    def passed(self) -> bool:
        # exact arithmetic: 8 of 10 is exactly 80%, never 0.7999…
        return self.share >= Fraction(str(self.ballot.share))


def vote(version: LoadedVersion, award: str, members: int, yes: int) -> BallotResult:
    """Whether `yes` votes of a council of `members` carry a proposal for `award`."""
    ballots = version.rules.ballots
    if award not in ballots:
        known = ", ".join(ballots) or t("err.none")
        raise KtrulesError(t("err.no_threshold", version=version.label, award=award),
                           file=version.path, hint=t("err.no_threshold.hint", known=known))
    if members < 1 or not 0 <= yes <= members:
        raise KtrulesError(t("err.vote_count", yes=yes, members=members), hint=t("err.vote_count.hint"))
    return BallotResult(award, members, yes, ballots[award])
