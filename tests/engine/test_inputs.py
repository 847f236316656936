"""Datasets that arrive as bytes: a damaged upload is one line naming it, never an unexpected error."""

from __future__ import annotations

import io
import zipfile

from ktrules.engine.inputs import load_upload
from tests.conftest import FIXTURES, assert_one_line_error


def _zipped_csv_folder() -> bytes:
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_STORED) as archive:
        for file in sorted((FIXTURES / "datasets" / "small-csv").iterdir()):
            archive.writestr(file.name, file.read_bytes())
    return packed.getvalue()


def test_the_csv_folder_zipped_loads():
    assert load_upload("ho-so.zip", _zipped_csv_folder(), 2**20).people


def test_a_zip_whose_content_is_damaged_is_refused_by_name():
    content = bytearray(_zipped_csv_folder())
    at = content.index(b"p01")  # in a stored member's data: its checksum no longer matches
    content[at:at + 3] = b"q01"
    assert_one_line_error(lambda: load_upload("ho-so.zip", bytes(content), 2**20), "ho-so.zip: ",
                          ["cannot unpack", "damaged"])
