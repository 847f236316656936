"""The council's secret ballot against the threshold of the regime in force."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from ktrules.common.errors import KtrulesError
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
        known = ", ".join(ballots) or "none"
        raise KtrulesError(f"the rules {version.label} set no vote threshold for '{award}'",
                           file=version.path, hint=f"awards with a threshold: {known}")
    if members < 1 or not 0 <= yes <= members:
        raise KtrulesError(f"{yes} yes votes of {members} members is not a vote count",
                           hint="--members counts all council members; --yes is between 0 and --members")
    return BallotResult(award, members, yes, ballots[award])
