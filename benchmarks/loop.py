"""A hand-written Python loop for LĐTT, CSTĐCS and TTLĐTT of one year (the 2024 rules), the
"plain Python" a peer benchmark would write: what ktrules.evaluate is measured against.

It reads the same parsed Dataset, keeps three-valued logic (a missing rating leaves a verdict
incomplete) and gives each verdict only, no explanation. `run.py` times it beside ktrules and
checks that both count the same verdicts.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

PASSED, FAILED, OPEN = "eligible", "not_eligible", "incomplete"
GOOD = {"HTT", "HTXS"}  # at least HTT
COUNTING_LEAVE = {"maternity", "training", "duty_injury"}
LIGHT = {"none", "khien_trach"}  # lighter than canh_cao
# initiatives CSTĐCS may not count again: listed by an earlier CSTĐCS or by the other single-use group
SPENDING = {"CSTDCS", "BANG_KHEN_TINH", "BANG_KHEN_TTG"}


def _all(*results: str) -> str:
    return FAILED if FAILED in results else OPEN if OPEN in results else PASSED


def _any(*results: str) -> str:
    return PASSED if PASSED in results else OPEN if OPEN in results else FAILED


def _is(flag: bool) -> str:
    return PASSED if flag else FAILED


def _ldtt(person: Any, record: Any, period: int, disciplined: bool) -> str:
    rating = OPEN if record.rating is None else _is(record.rating in GOOD)
    judged = record.assessments or {}
    start = person.recruited
    if start is None:
        recruited = OPEN
    else:
        months = (period + 1 - start.year) * 12 + (1 - start.month) - (1 if start.day > 1 else 0)
        recruited = _is(months >= 6)
    counted = sum(leave.months for leave in record.leave if leave.kind in COUNTING_LEAVE)
    worked = record.months_worked
    if worked is None:  # the year at work less the leave, from recruitment when that was in the period
        staff = months if start is not None and start.year == period else 12
        worked = max(0, staff - sum(leave.months for leave in record.leave))
    return _all(rating, _is(judged.get("chap_hanh", True)), recruited, _is(worked + counted >= 6),
                _is(not disciplined), _is(judged.get("khong_dang_xem_xet", True)))


def _initiatives(dataset: Any, subject: str, period: int, kind: str) -> int:
    authored = dataset.initiatives_by_author.get(subject)
    if not authored:
        return 0
    spent = {i for c in dataset.conferred_by_subject.get(subject, ()) if c.award in SPENDING for i in c.initiatives}
    return sum(1 for i in authored if i.kind == kind and i.year == period and i.id not in spent)


def verdicts(dataset: Any, period: int) -> Counter[tuple[str, str]]:
    """(award, verdict) counts of LĐTT and CSTĐCS for every person with a record in `period`, and
    TTLĐTT for every unit with a record or members."""
    counts: Counter[tuple[str, str]] = Counter()
    ldtt: dict[str, str] = {}
    disciplined: dict[str, bool] = {}  # canh_cao or heavier
    for person in dataset.people:
        record = dataset.record(person.id, period)
        if record is None:
            continue
        levels = [d.level for d in dataset.disciplines_by_subject.get(person.id, ()) if d.date.year == period]
        disciplined[person.id] = any(x not in LIGHT for x in levels)
        ldtt[person.id] = verdict = _ldtt(person, record, period, bool(levels))
        merit = _any(OPEN if record.rating is None else _is(record.rating == "HTXS"),
                     _is(_initiatives(dataset, person.id, period, "sang_kien") >= 1),
                     _is(_initiatives(dataset, person.id, period, "de_tai") >= 1))
        counts["LDTT", verdict] += 1
        counts["CSTDCS", _all(verdict, merit)] += 1
    for unit in dataset.units:
        record = dataset.record(unit.id, period)
        members = dataset.members(unit.id, period)
        if record is None and not members:
            continue
        judged = (record.assessments if record else None) or {}
        rating = OPEN if record is None or record.rating is None else _is(record.rating in GOOD)
        if members:
            met = sum(ldtt[m] == PASSED for m in members)
            open_ = sum(ldtt[m] == OPEN for m in members)
            share = _is(met / len(members) >= 0.7) if not open_ else (
                PASSED if met / len(members) >= 0.7 else FAILED if (met + open_) / len(members) < 0.7 else OPEN)
        else:
            share = OPEN
        calm = _is(not any(disciplined[m] for m in members))
        counts["TTLDTT", _all(rating, _is(judged.get("phong_trao", True)), share, calm,
                              _is(judged.get("doan_ket", True)))] += 1
    return counts
