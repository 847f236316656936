"""Dossiers: for each nominee, the documents its proposal still lacks, and deadlines already passed."""

from __future__ import annotations

from dataclasses import dataclass

from ktrules.engine.evaluate import Evaluation
from ktrules.rules import Deadline, Document


@dataclass(frozen=True)
class DossierStatus:
    """A nominee's proposal against the documents its award's dossier requires."""

    subject: str
    award: str
    required: tuple[Document, ...]
    present: tuple[str, ...]
    missing: tuple[Document, ...]
    unknown: tuple[str, ...]  # documents the records list that the dossier does not ask for

    @property
    def complete(self) -> bool:
        return not self.missing


def dossiers(evaluation: Evaluation) -> list[DossierStatus]:
    """One status per eligible verdict of an award whose dossier the rules list."""
    required = evaluation.version.rules.dossiers
    held: dict[tuple[str, str], list[str]] = {}
    for entry in evaluation.dataset.dossiers:
        if entry.year == evaluation.period:
            held.setdefault((entry.subject, entry.award), []).extend(entry.documents)
    out = []
    for verdict in evaluation.verdicts:
        documents = required.get(verdict.award)
        if verdict.verdict != "eligible" or not documents:
            continue
        present = tuple(held.get((verdict.subject, verdict.award), ()))
        ids = {d.id for d in documents}
        out.append(DossierStatus(verdict.subject, verdict.award, tuple(documents), present,
                                 tuple(d for d in documents if d.id not in present),
                                 tuple(p for p in present if p not in ids)))
    return out


def passed_deadlines(evaluation: Evaluation) -> list[Deadline]:
    """The campaign's deadlines that fall before the date the run is made as of."""
    campaign = evaluation.version.pack.campaign
    return [d for d in campaign.deadlines if d.date < evaluation.as_of] if campaign else []
