"""A request's work in process: a sound body is read in memory and a department's verdicts are kept in
memory, with the same dataset, the same bytes and the same errors as through files."""

from __future__ import annotations

import pytest

from ktrules.common.errors import KtrulesError
from ktrules.documents import verdicts
from ktrules.engine import inputs
from ktrules.engine.inputs import load_dataset, load_upload
from tests.conftest import DEPARTMENT, SMALL
from tests.server.conftest import body

LIMIT = 2**20


def _no_files(monkeypatch: pytest.MonkeyPatch) -> None:
    def refused(*args: object, **kwargs: object) -> None:
        raise AssertionError("a file was written")
    monkeypatch.setattr(inputs.tempfile, "TemporaryDirectory", refused)
    monkeypatch.setattr(verdicts.tempfile, "mkdtemp", refused)


def test_a_sound_body_is_read_and_checked_without_a_file(monkeypatch: pytest.MonkeyPatch) -> None:
    through_files = b"".join(verdicts.check_pieces(load_dataset(DEPARTMENT), 2024, "json", "vi", jobs=2))
    crlf = DEPARTMENT.read_bytes().replace(b"\n", b"\r\n")  # read as a file is: universal newlines
    _no_files(monkeypatch)
    for name, content in (("dataset.json", body(DEPARTMENT)), ("records.yaml", crlf)):
        dataset = load_upload(name, content, LIMIT)
        assert dataset == load_dataset(DEPARTMENT)
        assert b"".join(verdicts.check_pieces(dataset, 2024, "json", "vi")) == through_files


@pytest.mark.parametrize("sound, broken, said", [
    (b'"gender": "female"', b'"gender": "femal"', "femal"),  # refused by the model
    (b'"unit": "', b'"unit": "nowhere-', "nowhere-"),  # a broken reference
    (b'"doan_ket": ', b'"doan_kett": ', "doan_kett")])  # read by no rule
def test_a_body_with_a_problem_is_read_again_from_a_file_for_its_line(sound: bytes, broken: bytes,
                                                                      said: str) -> None:
    with pytest.raises(KtrulesError) as refused:
        load_upload("dataset.json", body(SMALL).replace(sound, broken, 1), LIMIT)
    assert (refused.value.file, refused.value.line) == ("dataset.json", 1) and said in refused.value.message
