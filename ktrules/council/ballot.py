"""The council's secret ballot against the threshold of the regime in force."""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

from ktrules.common.errors import KtrulesError, suggest_or_list
from ktrules.common.messages import LANGUAGE, t
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


def votes_needed(ballot: Ballot, members: int) -> int:
    """The fewest yes votes of a council of `members` that carry a proposal, as `passed` counts them."""
    return math.ceil(Fraction(str(ballot.share)) * members)


def vote(version: LoadedVersion, award: str, members: int, yes: int) -> BallotResult:
    """Whether `yes` votes of a council of `members` carry a proposal for `award`."""
    ballots, awards = version.rules.ballots, version.rules.awards
    if award not in awards:
        raise KtrulesError(t("err.unknown_award", value=award, where=t("err.in_rules", version=version.label)),
                           hint=suggest_or_list(award, awards))
    if award not in ballots:  # the law sets no vote for it: not a fault of the rule file
        known = ", ".join(ballots) or t("err.none")
        raise KtrulesError(t("err.no_threshold", version=version.label, award=awards[award].name.in_(LANGUAGE.get())),
                           hint=t("err.no_threshold.hint", known=known))
    if members < 1 or not 0 <= yes <= members:
        raise KtrulesError(t("err.vote_count", yes=yes, members=members), hint=t("err.vote_count.hint"))
    return BallotResult(award, members, yes, ballots[award])
