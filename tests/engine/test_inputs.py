"""Datasets that arrive as bytes: a damaged upload is one line naming it, never an unexpected error."""

from __future__ import annotations

import codecs
import io
import json
import zipfile
from pathlib import Path

import yaml

from ktrules.engine.inputs import dataset_from_data, load_dataset, load_upload
from tests.conftest import FIXTURES, SMALL, assert_one_line_error


def _zipped_csv_folder() -> bytes:
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_STORED) as archive:
        for file in sorted((FIXTURES / "datasets" / "small-csv").iterdir()):
            archive.writestr(file.name, file.read_bytes())
    return packed.getvalue()


def test_the_csv_folder_zipped_loads():
    assert load_upload("ho-so.zip", _zipped_csv_folder(), 2**20).people


def _zipped(names: dict[str, bytes]) -> bytes:
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w") as archive:
        for name, content in names.items():
            archive.writestr(name, content)
    return packed.getvalue()


def test_a_zip_from_an_older_windows_tool_with_backslashed_folders_loads():
    files = {f"ho-so\\{file.name}": file.read_bytes() for file in (FIXTURES / "datasets" / "small-csv").iterdir()}
    assert load_upload("ho-so.zip", _zipped(files), 2**20) == load_dataset(FIXTURES / "datasets" / "small-csv")


def test_a_file_in_a_zip_that_would_not_be_read_is_refused_by_name_but_the_systems_leftovers_are_not():
    files = {file.name: file.read_bytes() for file in (FIXTURES / "datasets" / "small-csv").iterdir()}
    leftovers = {"__MACOSX/._Cán bộ.csv": b"x", ".DS_Store": b"x", "ho-so/Thumbs.db": b"x", "ho-so\\sub\\": b"",
                 "ho-so/~$Cán bộ.csv": b"x"}
    assert load_upload("ho-so.zip", _zipped(files | leftovers), 2**20).people
    assert_one_line_error(lambda: load_upload("ho-so.zip", _zipped(files | {"ho-so/Khen thưởng 2023.xlsx": b"x"}),
                                              2**20), "ho-so.zip: ", ["Khen thưởng 2023.xlsx", "not a CSV file"])


def test_a_workbook_named_json_is_told_what_it_is():
    assert_one_line_error(lambda: load_upload("ho-so.json", _zipped_csv_folder(), 2**20), "ho-so.json: ",
                          ["named .json but is a workbook or zip file", "name it .xlsx"])


def test_a_zip_whose_content_is_damaged_is_refused_by_name():
    content = bytearray(_zipped_csv_folder())
    at = content.index(b"p01")  # in a stored member's data: its checksum no longer matches
    content[at:at + 3] = b"q01"
    assert_one_line_error(lambda: load_upload("ho-so.zip", bytes(content), 2**20), "ho-so.zip: ",
                          ["cannot unpack", "damaged"])


class _Unflagged(zipfile.ZipInfo):
    """A member named as Linux's zip names it: its name's bytes as they are, without the UTF-8 flag."""

    def _encodeFilenameFlags(self) -> tuple[bytes, int]:  # noqa: N802 (zipfile's name)
        return self.filename.encode("cp437"), self.flag_bits


def test_a_zip_named_on_the_command_line_with_names_as_linux_zip_stores_them_loads(tmp_path):
    packed = tmp_path / "ho-so.zip"
    with zipfile.ZipFile(packed, "w") as archive:
        for file in sorted((FIXTURES / "datasets" / "small-csv").iterdir()):
            # UTF-8 bytes without the flag that says so: Python would read 'Cán bộ.csv' as 'C├ín bß╗Ö.csv'
            archive.writestr(_Unflagged(file.name.encode().decode("cp437")), file.read_bytes())
    assert load_dataset(packed) == load_dataset(FIXTURES / "datasets" / "small-csv")


def test_a_device_is_refused_not_read_for_ever():
    assert_one_line_error(lambda: load_dataset(Path("/dev/zero")), "/dev/zero: ", ["not a file"])


def test_json_saved_with_a_byte_order_mark_loads(tmp_path):
    path = tmp_path / "ho-so.json"
    path.write_bytes(codecs.BOM_UTF8 + json.dumps(yaml.safe_load(SMALL.read_text("utf-8")), default=str).encode())
    assert load_dataset(path) == load_dataset(SMALL)


def test_data_a_program_holds_loads_as_its_file_does_and_a_broken_reference_names_its_place():
    data = yaml.safe_load(SMALL.read_text(encoding="utf-8"))
    assert dataset_from_data(data) == load_dataset(SMALL)
    data["records"][1]["subject"] = "p999"
    assert_one_line_error(lambda: dataset_from_data(data), "records[1].subject: ", ["p999"])
    data["records"][1]["subject"], data["people"][0]["gendr"] = data["records"][0]["subject"], "female"
    assert_one_line_error(lambda: dataset_from_data(data), "people[0]: ", ["gendr", "gender"])
    assert_one_line_error(lambda: dataset_from_data([data]), "", ["list"])


def test_a_broken_reference_in_json_on_one_line_names_its_place_not_only_line_1():
    data = yaml.safe_load(SMALL.read_text(encoding="utf-8"))
    data["records"][1]["subject"] = "p999"
    assert_one_line_error(lambda: load_upload("dataset.json", json.dumps(data, default=str).encode(), 2**20),
                          "dataset.json:1: records[1].subject: ", ["p999"])


def test_an_assessment_written_by_its_sheet_name_in_yaml_is_told_its_key(tmp_path):
    path = tmp_path / "records.yaml"
    path.write_text(SMALL.read_text(encoding="utf-8").replace("assessments: {doan_ket: true}",
                                                              'assessments: {"Nội bộ đoàn kết": true}'),
                    encoding="utf-8")
    assert_one_line_error(lambda: load_dataset(path), str(path), ["'Nội bộ đoàn kết'", "by its key: doan_ket"])


def test_an_unknown_key_in_json_on_one_line_names_its_place():
    data = yaml.safe_load(SMALL.read_text(encoding="utf-8"))
    data["people"][1]["gendr"] = "male"
    assert_one_line_error(lambda: load_upload("dataset.json", json.dumps(data, default=str).encode(), 2**20),
                          "dataset.json:1: people[1]: ", ["'gendr'", "did you mean 'gender'"])


def test_a_judgement_no_criterion_reads_for_the_subject_s_kind_is_refused_not_dropped(tmp_path):
    path = tmp_path / "records.yaml"
    text = SMALL.read_text(encoding="utf-8")
    path.write_text(text.replace("- {subject: p01, year: 2024, rating: HTXS",
                                 "- {subject: p01, year: 2024, rating: HTXS, assessments: {doan_ket: false}", 1),
                    encoding="utf-8")
    assert_one_line_error(lambda: load_dataset(path), str(path), ["no criterion judges 'doan_ket' for a person",
                                                                   "'p01'"])
