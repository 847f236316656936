"""Reading YAML and JSON: whatever the file holds, a KtrulesError with the file and the line."""

from __future__ import annotations

import json
from datetime import date

import pytest

from ktrules.common.errors import KtrulesError
from ktrules.common.reading import MAX_DEPTH, line_of, read_day, read_document


def refused(path) -> KtrulesError:
    with pytest.raises(KtrulesError) as err:
        read_document(path)
    assert "\n" not in str(err.value)
    return err.value


def test_an_impossible_date_in_yaml_names_its_line(write):
    error = refused(write("d.yaml", "a: 1\nrecruited: 2024-02-30\n"))
    assert (error.line, error.message) == (2, "'2024-02-30' is not a date that exists")


@pytest.mark.parametrize(("suffix", "levels"), [("yaml", MAX_DEPTH + 1), ("yaml", 1_000), ("yaml", 50_000),
                                               ("json", MAX_DEPTH + 1), ("json", 250), ("json", 1_100),
                                               ("json", 50_000)])
def test_deep_nesting_is_refused_not_a_crash(write, levels, suffix):
    error = refused(write(f"d.{suffix}", '{"a": ' + "[" * levels + "]" * levels + "}"))
    assert "nested more than" in error.message and error.line == 1


def test_nesting_a_rule_needs_is_read(write):
    depth = MAX_DEPTH - 2
    assert read_document(write("d.yaml", "a: " + "[" * depth + "]" * depth))


@pytest.mark.parametrize("suffix", ["yaml", "json"])
def test_an_integer_of_5000_digits_is_refused(write, suffix):
    error = refused(write(f"d.{suffix}", '{"a": 1,\n "b": ' + "7" * 5000 + "}"))
    assert error.line == 2 and "5000 digits" in error.message


def test_a_key_given_twice_in_json_is_refused_with_the_line_of_the_second(write):
    text = json.dumps({"people": [{"id": "p1", "name": "A"}]}, indent=1).replace('"name": "A"',
                                                                                   '"name": "A",\n "id": "p2"')
    error = refused(write("d.json", text))
    assert error.message == "key 'id' is given twice" and error.line == text.split("\n").index(' "id": "p2"') + 1


def test_line_of_finds_a_json_node_without_building_the_tree(write):
    path = write("d.json", '{"a": 1,\n "people": [\n  {"id": "p1"},\n  {"id": "p2",\n   "unit": "x"}]}')
    assert line_of(path, ("people", 1, "unit")) == 5
    assert line_of(path, ("people", 1)) == 4
    assert line_of(path, ("people", 7)) == 2


def test_aliases_that_repeat_the_file_a_billion_times_are_refused(write):
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 10)]
    error = refused(write("d.yaml", "\n".join(lines) + "\n"))
    assert "aliases" in error.message and error.line is not None


@pytest.mark.parametrize("text", ['{"a":{"b":1,"b":2}}', '{"s":"x\\":y","a":{"b":1,"b":2}}',
                                  '{"a" : 1, "a" : 2}', '{"\\u0061":1,"a":2}'])
def test_a_key_given_twice_is_found_however_the_json_is_spelt(write, text):
    assert "given twice" in refused(write("d.json", text)).message


def test_quotes_and_colons_inside_strings_are_not_keys(write):
    assert read_document(write("d.json", '{"s":"x\\":y","t":"\\u0022:"}')) == {"s": 'x":y', "t": '":'}


# ---------------------------------------------------------------- localised validation (review fixes)


def _validation(write, data: dict, lang: str) -> KtrulesError:
    from datetime import date
    from typing import Literal
    from uuid import UUID

    from pydantic import BaseModel, ConfigDict, Field, ValidationError

    from ktrules.common.messages import LANGUAGE
    from ktrules.common.reading import validation_error

    class A(BaseModel):
        op: Literal["a"]

    class B(BaseModel):
        op: Literal["b"]

    class Model(BaseModel):
        model_config = ConfigDict(extra="forbid")
        kind: A | B = Field(A(op="a"), discriminator="op")
        n: int = Field(0, ge=1, le=10)
        share: float = Field(0.5, gt=0, lt=1)
        name: str = Field("x", min_length=2)
        rating: Literal["HT", "KHT"] = "HT"
        day: date = date(2024, 1, 1)
        token: UUID | None = None
        authors: list[str] = Field(["p1"], min_length=1)

    path = write("m.json", json.dumps(data))
    language = LANGUAGE.set(lang)
    try:
        try:
            Model.model_validate(data)
        except ValidationError as exc:
            return validation_error(exc, path, Model.model_fields)
        raise AssertionError("valid")
    finally:
        LANGUAGE.reset(language)


@pytest.mark.parametrize(("data", "vi", "en"), [
    ({"n": 11}, "n: phải nhỏ hơn hoặc bằng 10 (giá trị: 11)",
     "n: Input should be less than or equal to 10 (given: 11)"),
    ({"n": 0}, "n: phải lớn hơn hoặc bằng 1", "n: Input should be greater than or equal to 1"),
    ({"n": "x"}, "n: phải là một số nguyên", "n: Input should be a valid integer"),
    ({"share": 1}, "share: phải nhỏ hơn 1", "share: Input should be less than 1"),
    ({"share": 0}, "share: phải lớn hơn 0", "share: Input should be greater than 0"),
    ({"name": "a"}, "name: phải có ít nhất 2 ký tự", "name: Input should have at least 2 characters"),
    ({"authors": []}, "authors: phải có ít nhất 1 ký tự hoặc mục", "authors: Input should have at least 1 character "
                                                                    "or item"),
    ({"rating": "ht"}, "rating: phải là một trong các giá trị 'HT' hoặc 'KHT'",
     "rating: Input should be 'HT' or 'KHT'"),
    ({"day": "2024-02-30"}, "day: phải là một ngày có thật", "day: Input should be a date that exists"),
    ({"kind": {"op": "c"}}, "kind: khóa 'op' là 'c', không thuộc các loại 'a' hoặc 'b'",
     "kind: the key 'op' is 'c', none of 'a' or 'b'"),
    ({"kind": {}}, "kind: thiếu khóa 'op' cho biết loại", "kind: the key 'op' that gives the kind is missing"),
    ({"token": "zz"}, "token: giá trị không hợp lệ (giá trị: 'zz')", "token: Input should be a valid UUID"),
])
def test_a_validation_error_is_said_in_the_language_by_its_type(write, data, vi, en):
    assert _validation(write, data, "vi").message.startswith(vi)
    assert _validation(write, data, "en").message.startswith(en)
    assert "Input should" not in str(_validation(write, data, "vi"))  # the fallback is never mixed


def test_a_syntax_error_keeps_the_parsers_words_after_a_label(write):
    from ktrules.common.messages import LANGUAGE

    language = LANGUAGE.set("vi")
    try:
        error = refused(write("s.yaml", "a: [1, 2\nb: 3\n"))
    finally:
        LANGUAGE.reset(language)
    assert error.message.startswith("YAML sai cú pháp (thông báo gốc của bộ đọc, tiếng Anh: ")


@pytest.mark.parametrize(("name", "text"), [("a.json", ""), ("a.json", " \n"), ("a.yaml", ""), ("a.yaml", "# soon\n")])
def test_a_file_with_nothing_in_it_is_said_to_hold_no_data(tmp_path, name, text):
    from ktrules.records.models import dataset_from_file

    (tmp_path / name).write_text(text, encoding="utf-8")
    with pytest.raises(KtrulesError) as error:
        dataset_from_file(tmp_path / name)
    assert error.value.message == "the file holds no data"


def test_a_date_is_read_in_ascii_digits_as_a_secretary_types_them():
    assert read_day("31/12/2024") == read_day("2024-12-31") == date(2024, 12, 31)
    assert read_day("٢٠٢٤-١٢-٣١") is None and read_day("31/02/2024") is None


def test_a_file_saved_as_utf16_is_told_so(tmp_path):
    path = tmp_path / "ho-so.yaml"
    path.write_bytes("organization: {id: o, name: Sở}\n".encode("utf-16"))
    with pytest.raises(KtrulesError) as error:
        read_document(path)
    assert error.value.message.startswith("the file is UTF-16 text")


def test_a_syntax_error_in_json_written_on_one_line_says_its_column(write):
    row = '{"subject": "p01", "year": 2024}'
    error = refused(write("one-line.json", '{"records": [' + ", ".join([row] * 500) + ' "units": []}'))
    assert error.line == 1 and error.message.endswith(f"at column {len(row) * 500 + 2 * 499 + 15}")


@pytest.mark.parametrize(("text", "line", "column"), [
    ("a:\n\tb: 1\n", 2, 1),  # PyYAML: "found character that cannot start any token"
    ("a:\n    b: 1\n  \tc: 2\n", 3, 3),  # PyYAML: "found a tab character that violates indentation"
])
def test_a_tab_is_named_as_such_with_its_line_and_the_fix(write, text, line, column):
    error = refused(write("t.yaml", text))
    assert (error.line, error.message, error.hint) == (line, f"a tab at column {column}: YAML does not indent with "
                                                             "tabs", "indent with spaces")


@pytest.mark.parametrize("suffix", ["yaml", "json"])
def test_a_file_that_is_not_utf8_names_the_byte_its_line_and_the_fix(tmp_path, suffix):
    path = tmp_path / f"d.{suffix}"
    path.write_bytes('{"organization":\n  {"id": "x", "name": "Sở '.encode() + b'\xff"}}\n')
    error = refused(path)
    assert (error.line, error.message) == (2, "the file is not UTF-8 text (byte 0xff)")
    assert "UTF-8" in error.hint and "codec" not in str(error)
