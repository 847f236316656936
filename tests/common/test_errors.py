"""The error a user sees is one line, whatever the input held."""

from __future__ import annotations

from ktrules.common.errors import KtrulesError, suggest


def test_a_line_break_or_control_character_in_a_message_is_shown_escaped():
    error = KtrulesError("unknown key 'a\nb\u2028c\x00'", file="d.yaml", line=2)
    assert str(error) == "d.yaml:2: unknown key 'a\\nb\\u2028c\\x00'"
    assert str(KtrulesError("Tên: Nguyễn Thị Ân")) == "Tên: Nguyễn Thị Ân"


def test_a_suggestion_ignores_case_as_a_user_types_an_id():
    assert suggest("ldtt", ["LDTT", "CSTDCS", "GIAY_KHEN"], "en") == "did you mean 'LDTT'?"
    assert suggest("p22", ["P22", "p23"], "vi") == "có phải 'P22' hoặc 'p23'?"
