"""Rule files: the bundled pack loads and type-checks; a broken rule file fails at load with its line."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest

from ktrules import KtrulesError, evaluate, load_dataset
from ktrules.rules import DEFAULT_RULES, load_pack, rule_schema, select_version
from tests.conftest import SMALL, assert_one_line_error

PACK = DEFAULT_RULES / "vn"
V2024 = (PACK / "2024.yaml").read_text(encoding="utf-8")


def test_bundled_pack_loads_with_dependency_stages():
    version = select_version(load_pack(PACK), date(2024, 12, 31))
    assert version.label == "vn/2024"
    order = [award for stage in version.stages for award in stage]
    assert order.index("LDTT") < order.index("CSTDCS") < order.index("TTLDXS")


def test_every_criterion_cites_an_article_and_says_how_sure_it_is():
    for version in load_pack(PACK):
        for award in version.rules.awards.values():
            assert award.cite
    # the pack tells the truth: readings not confirmed from the law are marked
    assert "verified: false" in V2024


def test_committed_json_schema_is_generated_from_the_models():
    committed = json.loads((DEFAULT_RULES / "rule-version.schema.json").read_text(encoding="utf-8"))
    assert committed == rule_schema(), "regenerate with: ktrules schema > rules/rule-version.schema.json"


def test_no_version_in_force_names_the_pack_and_the_fix():
    with pytest.raises(KtrulesError,
                       match=r"no rule version of pack 'vn' is in force on 2016-12-31.*choose a period or an as-of"):
        evaluate(load_dataset(SMALL), 2016)


def _pack_with(tmp_path: Path, old: str = "", new: str = "") -> Path:
    """A copy of the bundled pack with one edit to its 2024 file."""
    assert old in V2024, old
    root = tmp_path / "rules"
    shutil.copytree(PACK, root / "vn")
    (root / "vn" / "2024.yaml").write_text(V2024.replace(old, new, 1) if old else V2024, encoding="utf-8")
    return root


def _line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


@pytest.mark.parametrize(("old", "new", "words"), [
    ("        fact: rating\n        at_least: HTT", "        fact: ratng\n        at_least: HTT",
     ["unknown fact 'ratng'", "did you mean 'rating'"]),
    ("        fact: rating\n        at_least: HTT", "        fact: rating\n        at_least: 3",
     ["'3' cannot be compared with 'rating'", "HTXS"]),
    ("at_least: {param: ldtt_min_months_recruited}", "at_least: {param: ldtt_min_month_recruited}",
     ["unknown parameter 'ldtt_min_month_recruited'", "did you mean"]),
    ("        verified: true\n        qualitative: true\n        fact: chap_hanh",
     "        verified: true\n        qualitative: false\n        fact: chap_hanh",
     ["reads assessment: qualitative must be true"]),
    ("    cite: \"Luật TĐKT 2022, Điều 24\"\n", "    cite: \"Luật TĐKT 2022, Điều 24\"\n    quota: 3\n",
     ["unknown key 'quota'"]),
    ("  ldtt: {op: verdict, award: LDTT}", "  ldtt: {op: verdict, award: LDTX}", ["unknown award 'LDTX'"]),
    ("        verified: true\n        qualitative: true\n        fact: chap_hanh",
     "        qualitative: true\n        fact: chap_hanh",
     ["awards.LDTT.criteria[1] (id 'chap_hanh'): missing key 'verified'",
      "verified: true if the legal text confirms it, otherwise false"]),
    ("        cite: \"Luật TĐKT 2022, Điều 24, khoản 1\"\n        verified: true\n        qualitative: true\n",
     "        verified: true\n        qualitative: true\n",
     ["(id 'chap_hanh'): missing key 'cite'", "cite: the document, article and clause it implements"]),
    ("reset_by: CSTD_TINH}", "reset_by: CSTD_TNH}", ["unknown award 'CSTD_TNH'", "did you mean 'CSTD_TINH'"]),
    ("  ldtt: {op: verdict, award: LDTT}", "  ldtt: {op: verdict_of, award: LDTT}", ["facts.ldtt", "verdict_of"]),
    ("  ldtt: {op: verdict, award: LDTT}", "  ldtt: {op: verdct, award: LDTT}", ["did you mean 'verdict'"]),
])
def test_broken_rule_file_fails_at_load_with_file_and_line(tmp_path, old, new, words):
    root = _pack_with(tmp_path, old, new)
    where = f"{root / 'vn' / '2024.yaml'}:"
    assert_one_line_error(lambda: evaluate(load_dataset(SMALL), 2024, rules=root), where, words)


def test_a_parameter_that_cannot_be_compared_is_said_at_the_parameter(tmp_path):
    parameter = "  ldtt_min_months_recruited:\n    value: "
    root = _pack_with(tmp_path, parameter + "6", parameter + "sáu")
    text = (root / "vn" / "2024.yaml").read_text(encoding="utf-8")
    error = assert_one_line_error(lambda: evaluate(load_dataset(SMALL), 2024, rules=root), str(root),
                                  ["parameter ldtt_min_months_recruited: 'sáu' cannot be compared"])
    assert error.line == _line_of(text, "value: sáu")


def test_error_line_points_at_the_offending_key(tmp_path):
    root = _pack_with(tmp_path, "fact: rating\n        at_least: HTT", "fact: ratng\n        at_least: HTT")
    text = (root / "vn" / "2024.yaml").read_text(encoding="utf-8")
    with pytest.raises(KtrulesError) as err:
        evaluate(load_dataset(SMALL), 2024, rules=root)
    assert err.value.line == _line_of(text, "fact: ratng")


def test_awards_that_need_each_other_are_refused(tmp_path):
    facts = "  rating: {op: rating}\n"
    root = _pack_with(tmp_path, facts, facts + "  cstdcs: {op: verdict, award: CSTDCS}\n")
    text = (root / "vn" / "2024.yaml").read_text(encoding="utf-8")
    cyclic = text.replace("      - id: rating\n        text: {vi: \"Hoàn thành tốt nhiệm vụ được giao trở lên\"",
                          "      - id: cs\n        text: {vi: x, en: x}\n        cite: x\n        verified: true\n"
                          "        qualitative: false\n        fact: cstdcs\n        equals: false\n"
                          "      - id: rating\n        text: {vi: \"Hoàn thành tốt nhiệm vụ được giao trở lên\"", 1)
    (root / "vn" / "2024.yaml").write_text(cyclic, encoding="utf-8")
    with pytest.raises(KtrulesError, match="cycle: CSTDCS, LDTT"):
        evaluate(load_dataset(SMALL), 2024, rules=root)


def test_a_rule_file_edited_on_disk_is_read_again(tmp_path):
    root = _pack_with(tmp_path)
    before = evaluate(load_dataset(SMALL), 2024, rules=root, subjects=["p02"], awards=["LDTT"]).verdicts[0]
    path = root / "vn" / "2024.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("at_least: HTT", "at_least: HTXS", 1), encoding="utf-8")
    after = evaluate(load_dataset(SMALL), 2024, rules=root, subjects=["p02"], awards=["LDTT"]).verdicts[0]
    assert (before.verdict, after.verdict) == ("eligible", "not_eligible")


def test_a_rule_file_nested_too_deeply_or_with_an_impossible_date_is_one_line(tmp_path):
    pack = tmp_path / "vn"
    shutil.copytree(DEFAULT_RULES / "vn", pack)
    rule = pack / "2024.yaml"
    text = rule.read_text(encoding="utf-8")
    rule.write_text(text.replace("effective_from: 2024-", "effective_from: 2024-02-30 #", 1), encoding="utf-8")
    assert_one_line_error(lambda: load_pack(pack), f"{rule}:", ["2024-02-30"])
    rule.unlink()
    (pack / "2024.json").write_text('{"version": ' + "[" * 100 + "]" * 100 + "}", encoding="utf-8")
    assert_one_line_error(lambda: load_pack(pack), f"{pack / '2024.json'}:", [])


def test_versions_in_force_together_are_refused_at_load(tmp_path):
    pack = tmp_path / "vn"
    shutil.copytree(PACK, pack)
    old = pack / "2017.yaml"
    old.write_text(old.read_text(encoding="utf-8").replace("effective_to: 2023-12-31", "effective_to: 2024-06-30"),
                   encoding="utf-8")
    error = assert_one_line_error(lambda: load_pack(pack), f"{old}:14: ", ["2017.yaml", "2024.yaml", "2024-06-30"])
    assert "2023-12-31" in error.message  # the fix: end the older version the day before the newer starts


@pytest.mark.parametrize("value", [".nan", ".inf", "-.inf"])
def test_a_threshold_that_is_no_number_is_refused_at_its_line(tmp_path, value):
    root = _pack_with(tmp_path, "    value: 0.7\n", f"    value: {value}\n")
    line = _line_of(V2024, "tt_min_ldtt_share") + 1
    where = f"{root / 'vn' / '2024.yaml'}:{line}: parameters.tt_min_ldtt_share.value:"
    error = assert_one_line_error(lambda: evaluate(load_dataset(SMALL), 2024, rules=root), where, [])
    assert "more problems" not in str(error)  # the types a value may take are one problem, not five


def test_a_misspelt_comparison_is_one_problem(tmp_path):
    root = _pack_with(tmp_path, "        fact: rating\n        at_least: HTT",
                      "        fact: rating\n        at_leest: HTT")
    error = assert_one_line_error(lambda: evaluate(load_dataset(SMALL), 2024, rules=root), str(root), ["at_leest"])
    assert "more problems" not in str(error)  # not also "criteria is no mapping by kind"


@pytest.mark.parametrize(("share", "eligible"), [("0.000001", True), ("1.0e-10", True), ("1000000000000000000", False),
                                                ("9223372036854775807", False), ("1.0e+18", False)])
def test_tiny_and_huge_thresholds_decide_as_numbers_do(tmp_path, share, eligible):
    # durable_rules misread numbers written with an exponent: 1e18 let every unit pass
    root = _pack_with(tmp_path, "    value: 0.7\n", f"    value: {share}\n")
    verdicts = evaluate(load_dataset(SMALL), 2024, rules=root, awards=["TTLDTT"]).verdicts
    shares = [leaf for v in verdicts for leaf, outcome, _ in v.leaf_results() if leaf.id == "ldtt_share"]
    outcomes = {outcome for v in verdicts for leaf, outcome, _ in v.leaf_results() if leaf.id == "ldtt_share"}
    assert shares and outcomes <= ({"passed", "undecided"} if eligible else {"failed", "undecided"}), outcomes


def test_a_version_that_ends_before_it_starts_is_refused_as_such_not_as_an_overlap(tmp_path):
    root = _pack_with(tmp_path, "effective_to: 2025-06-30", "effective_to: 2023-06-30")
    assert_one_line_error(lambda: evaluate(load_dataset(SMALL), 2024, rules=root), str(root / "vn" / "2024.yaml"),
                          ["ends (2023-06-30) before it starts (2024-01-01)", "fix effective_to"])


def test_a_copied_version_file_is_refused_as_a_duplicate_version(tmp_path):
    root = _pack_with(tmp_path)
    (root / "vn" / "2024-draft.yaml").write_text(V2024, encoding="utf-8")
    assert_one_line_error(lambda: evaluate(load_dataset(SMALL), 2024, rules=root), str(root / "vn"),
                          ["version '2024' is also in", "give each file its own version"])


def test_an_empty_pack_yaml_says_so_and_what_it_must_hold(tmp_path):
    root = _pack_with(tmp_path)
    (root / "vn" / "pack.yaml").write_text("", encoding="utf-8")
    assert_one_line_error(lambda: evaluate(load_dataset(SMALL), 2024, rules=root), f"{root / 'vn' / 'pack.yaml'}:1:",
                          ["pack.yaml is empty", "write id: vn", "title:"])
