"""The command line in the user's language: `--help` in Vietnamese by default, and a mistyped command
line refused on one line with what to write instead."""

from __future__ import annotations

import inspect

import click
import pytest
from click.testing import CliRunner

from ktrules.cli import cli
from ktrules.common.command_line import VI
from tests.conftest import SMALL

COMMANDS = sorted(cli.commands)


def invoke(*args: object):
    return CliRunner().invoke(cli, [str(a) for a in args], prog_name="ktrules")


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_helps_in_vietnamese_with_every_option_translated(name):
    command = cli.commands[name]
    result = invoke(name, "--help")
    assert result.exit_code == 0, result.output
    shown = flat(result.output)
    assert shown.startswith(f"Cách dùng: ktrules {name} [TÙY CHỌN]")
    assert flat(inspect.cleandoc(VI[name]).partition("\n\n")[0]) in shown
    assert all(param.help for param in command.params if isinstance(param, click.Option))
    for param in command.params:
        if isinstance(param, click.Option):
            assert flat(VI[param.help]) in shown, param.help
            assert flat(param.help) not in shown
    assert "In hướng dẫn này rồi thoát." in shown and "[default" not in shown


def test_lang_en_gives_the_english_help_wherever_it_stands():
    before, after = invoke("check", "--lang", "en", "--help"), invoke("check", "--help", "--lang=en")
    assert before.output == after.output
    assert after.output.startswith("Usage: ktrules check [OPTIONS] DATASET")
    assert "The year evaluated." in after.output and "Năm xét" not in after.output


def test_the_command_list_is_in_vietnamese():
    shown = invoke("--help").output
    assert "Lệnh:" in shown and "Commands:" not in shown
    assert [line.split()[0] for line in shown.split("Lệnh:\n")[1].splitlines()] == COMMANDS


@pytest.mark.parametrize(("args", "vi", "en"), [
    (["check", SMALL], "Lỗi: thiếu tùy chọn --period; ghi một số từ 1945 đến 2100",
     "Error: option --period is missing; give a number from 1945 to 2100"),
    (["check", SMALL, "--period", "2024", "--formt", "csv"], "Lỗi: không có tùy chọn '--formt'; có phải '--format'?",
     "Error: there is no option '--formt'; did you mean '--format'?"),
    (["check", SMALL, "--period", "24"], "Lỗi: giá trị của --period không hợp lệ; ghi một số từ 1945 đến 2100",
     "Error: the value of --period is not valid; give a number from 1945 to 2100"),
    (["check", SMALL, "--period", "2024", "--format", "xml"],
     "Lỗi: giá trị của --format không hợp lệ; chọn một trong: table, json, csv",
     "Error: the value of --format is not valid; choose one of: table, json, csv"),
    (["check", SMALL, "--period"], "Lỗi: tùy chọn --period cần một giá trị; xem `ktrules check --help`",
     "Error: option --period needs a value; see `ktrules check --help`"),
    (["check", SMALL, "extra.yaml", "--period", "2024"], "Lỗi: thừa đối số: extra.yaml; xem `ktrules check --help`",
     "Error: unexpected argument: extra.yaml; see `ktrules check --help`"),
    (["check", "--period", "2024"], "Lỗi: thiếu TỆP_DỮ_LIỆU; xem `ktrules check --help`",
     "Error: DATASET is missing; see `ktrules check --help`"),
    (["chek", SMALL], "Lỗi: không có lệnh 'chek'; có phải 'check' hoặc 'schema'?",
     "Error: there is no command 'chek'; did you mean 'check' or 'schema'?"),
])
def test_a_mistyped_command_line_is_refused_on_one_line(args, vi, en):
    for lang, expected in (("vi", vi), ("en", en)):
        result = invoke(args[0], *(["--lang", "en"] if lang == "en" else []), *args[1:])
        assert result.exit_code == 2, result.output
        assert result.output == expected + "\n"


def test_lang_before_the_command_is_the_commands_language():
    result = invoke("--lang", "en", "check", SMALL, "--period", "2024", "--subject", "p01", "--award", "LDTT")
    assert result.exit_code == 0, result.output
    assert "Advanced Worker" in result.output and "Eligible" in result.output
    refused = invoke("--lang", "en", "chek")
    assert refused.exit_code == 2 and refused.output.startswith("Error: there is no command 'chek'")
    assert invoke("--lang", "en", "check", "--help").output.startswith("Usage: ktrules check [OPTIONS]")


@pytest.mark.parametrize(("args", "expected"), [
    (["--lang", "vi"], "Lỗi: thiếu lệnh; xem `ktrules --help`"),
    (["--lang", "en"], "Error: a command is missing; see `ktrules --help`"),
    (["template", "x.xlsx", "--force=1"], "Lỗi: tùy chọn --force không nhận giá trị; xem `ktrules template --help`"),
    (["check", SMALL, "--period", "2024", "--rules", SMALL],
     "Lỗi: giá trị của --rules không hợp lệ; ghi đường dẫn một thư mục"),
    # click keeps the last --lang given: so does the language of its refusal
    (["check", SMALL, "--period", "abc", "--lang", "vi", "--lang", "en"],
     "Error: the value of --period is not valid; give a number from 1945 to 2100"),
])
def test_the_rest_of_clicks_refusals_are_one_line_too(args, expected):
    result = invoke(*args)
    assert result.exit_code == 2 and result.output == expected + "\n"


def test_ktrules_alone_prints_its_help():
    assert invoke().output.startswith("Cách dùng: ktrules [TÙY CHỌN] LỆNH")


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_an_example_in_help_stays_on_one_line_to_copy_on_a_narrow_terminal(lang):
    shown = CliRunner().invoke(cli, ["explain", "--help", "--lang", lang], terminal_width=60).output
    example = "ktrules explain fixtures/datasets/so-khcn-binh-dinh.yaml --period 2024 --subject p13 --award CSTDCS"
    assert example in shown
