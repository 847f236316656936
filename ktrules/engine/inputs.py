"""Loading records in any format the office keeps them in. It sits above records and rules because a
workbook may name awards as the rule pack does ('Lao động tiên tiến' for LDTT)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from ktrules.common.errors import KtrulesError
from ktrules.common.messages import t
from ktrules.records.models import Dataset, dataset_from_file
from ktrules.rules import DEFAULT_RULES, NATIONAL_PACK, load_pack

# Spreadsheets openpyxl cannot read, or that hold macros: the office saves them again as .xlsx
OTHER_SPREADSHEETS = (".xls", ".xlsm", ".xlsb", ".ods", ".numbers")


@cache
def national_award_names(rules: Path = DEFAULT_RULES) -> dict[str, str]:
    """Each national award's Vietnamese name, from the first version of the national pack that has it."""
    names: dict[str, str] = {}
    for version in load_pack(rules / NATIONAL_PACK):
        for award_id, award in version.rules.awards.items():
            names.setdefault(award_id, award.name.vi)
    return names


def load_dataset(path: str | Path) -> Dataset:
    """Read and validate a dataset file (YAML or JSON), an Excel workbook (.xlsx) or a folder of CSV files."""
    path = Path(path)
    if path.suffix.lower() in OTHER_SPREADSHEETS:
        raise KtrulesError(t("err.other_spreadsheet", suffix=path.suffix), file=path,
                           hint=t("err.other_spreadsheet.hint", stem=path.stem))
    if path.suffix.lower() == ".xlsx" or path.is_dir():
        from ktrules.records.workbook import read_dataset  # openpyxl is loaded only when a workbook is read

        return read_dataset(path, national_award_names())
    return dataset_from_file(path)
