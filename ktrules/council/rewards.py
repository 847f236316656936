"""What a decision pays and who takes it: tiền thưởng from the multiples and the dated lương cơ sở of the
rules in force on the decision date, and the thẩm quyền that splits an agency's own decisions from the
awards it proposes upward."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ktrules.common.errors import KtrulesError, RulesError
from ktrules.common.messages import short_date, t
from ktrules.engine.evaluate import version_in_force
from ktrules.rules import Authority, BaseSalary, LoadedVersion, Multiple


@dataclass(frozen=True)
class Amount:
    """The reward of one award to one kind of subject on a decision date; `amount` None when the rules
    hold no multiple for it."""

    award: str
    kind: str
    multiple: Multiple | None
    base: BaseSalary | None
    amount: int | None
    rounding_cite: str
    verified: bool  # the multiple, the lương cơ sở and the rounding are all confirmed
    rounding_verified: bool = False  # the rounding's citation alone is confirmed

    @property
    def known(self) -> bool:
        return self.amount is not None


@dataclass(frozen=True)
class Payer:
    """The rules whose reward money applies on a decision date."""

    version: LoadedVersion
    decided: date

    def base_salary(self) -> BaseSalary | None:
        """The lương cơ sở in force on the decision date: the latest set on or before it."""
        money = self.version.rules.reward_money
        return next((v for v in reversed(money.base_salary) if v.since <= self.decided), None) if money else None

    def amount(self, award: str, kind: str) -> Amount:
        money = self.version.rules.reward_money
        multiple = money.multiples.get(award) if money else None
        factor = getattr(multiple, kind, None) if multiple else None
        base = self.base_salary()
        if money is None or multiple is None or factor is None or base is None:
            return Amount(award, kind, multiple, base, None, money.rounding_cite if money else "", False)
        step = money.round_up_to
        # exact in integers: 0.3 × 2,340,000 is 702,000 and rounds up to 710,000, never 710,000.0000001
        raw = round(factor * 1000) * base.amount
        amount = -(-raw // (1000 * step)) * step
        return Amount(award, kind, multiple, base, amount, money.rounding_cite,
                      multiple.verified and base.verified and money.rounding_verified, money.rounding_verified)


def payer(rules: str | Path, decided: date, period: int | None = None, as_of: date | None = None,
          today: bool = False) -> Payer:
    """The national rules in force on the decision date: they set the multiples and the lương cơ sở. Given
    the `period` evaluated, a decision before the day its verdicts are as of (`as_of`, default the period's
    last day) is refused: it would recognise titles of a year not yet over, and pay by rules perhaps not
    yet in force (a typo, 2020 for 2025, as often as not). `today`: the date is the default, not one given,
    and the refusal says to give one."""
    if period is not None:
        verdicts_day = as_of or date(period, 12, 31)
        earliest = max(date(period, 1, 1), verdicts_day)
        if decided < earliest:
            kind = "decided_today" if today else "decided_before"
            # verdicts as of a day before the year: the bound is the year's first day, which --as-of cannot move
            year = "" if earliest == verdicts_day else "_year"
            raise KtrulesError(t(f"err.decided_before{year}", day=short_date(decided), earliest=short_date(earliest),
                                 period=period), hint=t(f"err.{kind}{year}.hint"))
    try:
        return Payer(version_in_force(rules, decided), decided)
    except RulesError:
        raise  # a rule file's own error: no decision date would mend it
    except KtrulesError as exc:  # no version in force then: the date to change is the decision's, not the period's
        raise KtrulesError(exc.message, file=exc.file, line=exc.line,
                           hint=t("err.decision_date.hint", day=short_date(decided))) from None


def authority_of(version: LoadedVersion, award: str) -> Authority | None:
    """Who decides `award` under the rules of the evaluation; None when the rules do not say."""
    return next((line for line in version.rules.authority if award in line.awards), None)


def decides_itself(version: LoadedVersion, award: str) -> bool:
    """Whether the council's own agency decides `award` (a quyết định) rather than proposing it (a tờ trình)."""
    line = authority_of(version, award)
    return line is not None and line.level == "agency"

