"""`ktrules lint`: every bundled pack passes; each kind of problem in a rule pack is found, with its file,
line and a fix, and the exit status lets CI gate on errors."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from ktrules.authoring.lint import Finding, lint, lint_report
from ktrules.cli import cli
from ktrules.common.messages import LANGUAGE
from ktrules.rules import DEFAULT_RULES

PACK = DEFAULT_RULES / "vn"
FIXTURES_CASE = Path(__file__).resolve().parents[2] / "fixtures" / "cases" / "contract-example.yaml"
BUNDLED_PACKS = sorted({p.parent for p in DEFAULT_RULES.rglob("pack.yaml")})

PACK_INFO = "id: {id}\ntitle: {{vi: Thử, en: Test}}\n"


def minimal_version(version: str, start: str, end: str | None = None, extra: str = "") -> str:
    """A version with one award and one criterion; `extra` is appended to the criterion."""
    end_line = f"effective_to: {end}\n" if end else ""
    return f"""version: "{version}"
effective_from: {start}
{end_line}title: {{vi: Thử, en: Test}}
sources: [{{id: luat, title: "Luật Thi đua, khen thưởng 2022"}}]
facts:
  rating: {{op: rating}}
awards:
  LDTT:
    name: {{vi: Lao động tiên tiến, en: Advanced Worker}}
    subject: individual
    cite: "Luật TĐKT 2022, Điều 24"
    criteria:
      - id: rating
        text: {{vi: "Hoàn thành tốt nhiệm vụ", en: "Rated HTT or better"}}
        cite: "Luật TĐKT 2022, Điều 24, khoản 1"
        verified: false
        qualitative: false
        fact: rating
        at_least: HTT
{extra}"""


def write_pack(folder: Path, versions: dict[str, str]) -> Path:
    folder.mkdir(parents=True)
    (folder / "pack.yaml").write_text(PACK_INFO.format(id=folder.name), encoding="utf-8")
    for name, text in versions.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def vn_with(tmp_path: Path, old: str, new: str, file: str = "2024.yaml") -> tuple[Path, str]:
    """A copy of the bundled pack with one edit to one file: (the edited file, its new text)."""
    text = (PACK / file).read_text(encoding="utf-8")
    assert old in text, old
    shutil.copytree(PACK, tmp_path / "rules" / "vn")
    edited = tmp_path / "rules" / "vn" / file
    edited.write_text(text.replace(old, new, 1), encoding="utf-8")
    return edited, edited.read_text(encoding="utf-8")


def line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


def only(findings: list[Finding], code: str) -> Finding:
    found = [f for f in findings if f.code == code]
    assert len(found) == 1, [(f.code, f.line, f.message("en")) for f in findings]
    return found[0]


def invoke(*args: object):
    return CliRunner().invoke(cli, ["lint", *(str(a) for a in args)])


# --- the bundled packs ------------------------------------------------------------------------------

def test_the_bundled_rules_have_packs_to_lint():
    assert PACK in BUNDLED_PACKS


@pytest.mark.parametrize("pack", BUNDLED_PACKS, ids=lambda p: str(p.relative_to(DEFAULT_RULES)))
def test_lint_accepts_every_bundled_pack(pack: Path):
    errors = [f"{f.file}:{f.line}: {f.message('en')}" for f in lint(pack) if f.severity == "error"]
    assert errors == []


def test_lint_of_the_rules_folder_finds_no_error_and_counts_unverified_readings():
    report = lint_report(DEFAULT_RULES)
    assert report.errors == 0
    assert {"vn/2017", "vn/2024", "vn/2025"} <= report.unverified.keys()
    assert all(n > 0 for label, n in report.unverified.items() if label.startswith("vn/"))


# --- each kind of finding, at its file and line -----------------------------------------------------

FIRST_RATING = "        fact: rating\n        at_least: HTT"


@pytest.mark.parametrize(("old", "new", "code", "severity", "needle", "words"), [
    ('        cite: "Luật TĐKT 2022, Điều 24, khoản 1"\n        verified: true\n        qualitative: false\n'
     "        fact: rating",
     '        cite: "  "\n        verified: true\n        qualitative: false\n        fact: rating',
     "uncited", "error", 'cite: "  "', ["rating", "LDTT"]),
    ('        cite: "Luật TĐKT 2022, Điều 24, khoản 1"\n        verified: true\n        qualitative: false\n'
     "        fact: rating",
     '        cite: "theo quy định chung"\n        verified: true\n        qualitative: false\n        fact: rating',
     "vague-cite", "warning", "theo quy định chung", ["theo quy định chung"]),
    ("      - id: recruited_6_months", "      - id: rating", "duplicate-id", "error", "      - id: rating\n"
     "        text: {vi: \"Được tuyển", ["'rating'", "LDTT"]),
    ("  ldtt: {op: verdict, award: LDTT}", "  ldtt: {op: verdict, award: LDTX}", "unknown-award", "error",
     "award: LDTX", ["LDTX", "did you mean 'LDTT'"]),
    ("at_least: {param: ldtt_min_months_recruited}", "at_least: {param: ldtt_min_months_recruitd}",
     "unknown-parameter", "error", "ldtt_min_months_recruitd}", ["ldtt_min_months_recruitd"]),
    (FIRST_RATING, "        fact: ratng\n        at_least: HTT", "unknown-fact", "error", "fact: ratng",
     ["ratng", "did you mean 'rating'"]),
    (FIRST_RATING, "        fact: cstdcs_streak\n        at_least: 1", "cycle", "error", "  CSTDCS:\n",
     ["CSTDCS", "LDTT"]),
    (FIRST_RATING, "        fact: rating\n        at_least: KHT", "never-fails", "warning", "at_least: KHT",
     ["KHT…HTXS", "rating ≥ KHT"]),
    (FIRST_RATING, "        fact: rating\n        more_than: HTXS", "never-met", "warning", "more_than: HTXS",
     ["rating > HTXS"]),
    ("        equals: none", "        at_most: buoc_thoi_viec", "never-fails", "warning", "at_most: buoc_thoi_viec",
     ["no_discipline"]),
    ("  tt_min_ldtt_share:\n    value: 0.7", "  tt_min_ldtt_share:\n    value: 1.5", "never-met", "warning",
     "at_least: {param: tt_min_ldtt_share}", ["members_ldtt ≥ 1.5 (tt_min_ldtt_share)", "0…1"]),
    ("  ldtt_min_months_recruited:\n    value: 6", "  ldtt_min_months_recruited:\n    value: 0", "never-fails",
     "warning", "at_least: {param: ldtt_min_months_recruited}", ["months_recruited ≥ 0", "0…∞"]),
    ("  rating: {op: rating}\n", "  rating: {op: rating}\n  rating_again: {op: rating}\n", "unused-fact", "warning",
     "rating_again", ["rating_again"]),
    ("parameters:\n", "parameters:\n  spare:\n    value: 3\n    text: {vi: Dư, en: Spare}\n"
     '    cite: "Điều 1"\n    verified: true\n', "unused-parameter", "warning", "  spare:", ["spare"]),
])
def test_a_problem_in_a_version_is_found_at_its_line(tmp_path: Path, old: str, new: str, code: str, severity: str,
                                                     needle: str, words: list[str]):
    edited, text = vn_with(tmp_path, old, new)
    findings = [f for f in lint(tmp_path / "rules") if f.severity == "error" or f.file == edited]
    here = [f for f in findings if f.code == code and f.line == line_of(text, needle)]
    assert [(f.severity, f.file) for f in here] == [(severity, edited)], [(f.code, f.line) for f in findings]
    for word in words:
        assert word in here[0].message("en")


def test_every_problem_of_a_version_is_reported_where_loading_stops_at_the_first(tmp_path: Path):
    facts = "  ldtt: {op: verdict, award: LDTT}\n  members_ldtt: {op: member_share, award: LDTT}"
    edited, text = vn_with(tmp_path, facts, facts.replace("LDTT}", "LDTX}", 1).replace("LDTT}", "LDTY}"))
    unknown = [f for f in lint(tmp_path / "rules") if f.code == "unknown-award"]
    assert [(f.file, f.line) for f in unknown] == [(edited, line_of(text, "LDTX")), (edited, line_of(text, "LDTY"))]


def test_a_schema_error_is_a_finding_and_the_other_packs_are_still_linted(tmp_path: Path):
    edited, text = vn_with(tmp_path, "    verified: true\n", "    verifed: true\n")
    campaign = write_pack(tmp_path / "rules" / "campaigns" / "c1",
                          {"2024.yaml": minimal_version("2024", "2024-01-01", extra="        foo: 1\n")})
    errors = [f for f in lint(tmp_path / "rules") if f.severity == "error"]
    assert [(f.file, f.code) for f in errors] == [(campaign / "2024.yaml", "invalid"), (edited, "invalid")]
    assert errors[1].line == line_of(text, "verifed") and "did you mean 'verified'" in errors[1].message("en")
    # the broken file keeps its dates, so its neighbours do not seem to leave a gap
    assert not [f for f in lint(tmp_path / "rules") if f.code in ("gap", "overlap")]


def test_a_key_given_twice_is_a_finding(tmp_path: Path):
    edited, text = vn_with(tmp_path, "  rating: {op: rating}\n", "  rating: {op: rating}\n  rating: {op: rating}\n")
    finding = only(lint(tmp_path / "rules"), "duplicate-key")
    assert (finding.file, finding.line) == (edited, line_of(text, "rating: {op: rating}") + 1)


def test_a_broken_pack_yaml_and_a_pack_without_versions_are_findings(tmp_path: Path):
    broken = write_pack(tmp_path / "broken", {"2024.yaml": minimal_version("2024", "2024-01-01")})
    (broken / "pack.yaml").write_text("id: mini\ntitel: x\n", encoding="utf-8")
    empty = write_pack(tmp_path / "empty", {})
    findings = lint(tmp_path)
    assert [(f.file, f.line, f.code) for f in findings] == [(broken / "pack.yaml", 2, "invalid"),
                                                            (empty / "pack.yaml", None, "no-version")]


@pytest.mark.parametrize(("include", "code", "messages"), [
    ("{pack: vn, awards: [GIAY_KHEN]}", None, []),
    # the campaign runs from 2024 on: both national versions of those years are checked
    ("{pack: vn, awards: [GIAY_KHEM]}", "unknown-award", ["'GIAY_KHEM' is not an award of vn/2024",
                                                          "'GIAY_KHEM' is not an award of vn/2025"]),
    ("{pack: vm, awards: [GIAY_KHEN]}", "unknown-pack", ["no rule pack 'vm'"]),
])
def test_a_campaign_includes_awards_that_every_national_version_in_force_has(tmp_path: Path, include: str,
                                                                              code: str | None, messages: list[str]):
    shutil.copytree(PACK, tmp_path / "rules" / "vn")
    campaign = write_pack(tmp_path / "rules" / "campaigns" / "c1",
                          {"2024.yaml": minimal_version("2024", "2024-01-01", extra=f"include: {include}\n")})
    findings = [f for f in lint(tmp_path / "rules") if f.severity == "error"]
    assert [f.code for f in findings] == [code] * len(messages)
    text = (campaign / "2024.yaml").read_text(encoding="utf-8")
    for finding, message in zip(findings, messages, strict=True):
        assert (finding.file, finding.line) == (campaign / "2024.yaml", line_of(text, "include:"))
        assert message in finding.message("en")


def test_a_parameter_read_by_a_quota_and_a_fact_read_by_a_tie_break_are_used(tmp_path: Path):
    ranking = """parameters:
  ldtt_quota:
    value: 0.5
    text: {vi: Tỷ lệ, en: Share}
    cite: "Điều 1"
    verified: true
ranking:
  LDTT:
    quota: {share: {param: ldtt_quota}, share_of: LDTT, text: {vi: Hạn mức, en: Quota}, cite: "Điều 2",
            verified: true}
    tie_breaks: [{by: fact, fact: months, text: {vi: Thâm niên, en: Seniority}, cite: "Điều 3", verified: true}]
"""
    version = minimal_version("2024", "2024-01-01", extra=ranking).replace(
        "  rating: {op: rating}\n", "  rating: {op: rating}\n  months: {op: months_since_recruitment}\n")
    pack = write_pack(tmp_path / "mini", {"2024.yaml": version})
    assert lint(pack) == []


# --- versions of a pack side by side ----------------------------------------------------------------

@pytest.mark.parametrize(("first_end", "second_start", "second_end", "code", "words"), [
    ("2023-12-31", "2024-01-01", None, None, []),
    ("2024-03-31", "2024-01-01", "2024-12-31", "overlap", ["2024-01-01 to 2024-03-31", "2023-12-31"]),
    (None, "2024-01-01", None, "overlap", ["2024-01-01 to …", "set effective_to of a.yaml to 2023-12-31"]),
    ("2023-10-31", "2024-01-01", None, "gap", ["from 2023-11-01 to 2023-12-31", "effective_to of a.yaml to 2023-12-31",
                                              "effective_from of b.yaml to 2023-11-01"]),
])
def test_versions_neither_overlap_nor_leave_a_gap(tmp_path: Path, first_end: str | None, second_start: str,
                                                  second_end: str | None, code: str | None, words: list[str]):
    pack = write_pack(tmp_path / "mini", {"a.yaml": minimal_version("a", "2020-01-01", first_end),
                                          "b.yaml": minimal_version("b", second_start, second_end)})
    spans = [f for f in lint(pack) if f.code in ("overlap", "gap")]
    assert [f.code for f in spans] == ([code] if code else [])
    if code:
        text = (pack / "a.yaml").read_text(encoding="utf-8")
        assert (spans[0].severity, spans[0].file) == ("error", pack / "a.yaml")
        assert spans[0].line == line_of(text, "effective_to" if first_end else "effective_from")
        for word in words:
            assert word in spans[0].message("en")


def test_a_version_that_ends_before_it_starts_and_two_files_of_one_version(tmp_path: Path):
    pack = write_pack(tmp_path / "mini", {"a.yaml": minimal_version("a", "2020-01-01", "2019-12-31"),
                                          "b.yaml": minimal_version("a", "2020-01-01")})
    assert {f.code for f in lint(pack)} >= {"bad-span", "duplicate-version"}


# --- the command ------------------------------------------------------------------------------------

def test_a_clean_pack_exits_0_and_says_so_in_vietnamese(tmp_path: Path):
    pack = write_pack(tmp_path / "mini", {"2024.yaml": minimal_version("2024", "2024-01-01")})
    result = invoke(pack)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == ["0 lỗi, 0 cảnh báo",
                                          "mini/2024: 1 tiêu chí chưa kiểm chứng từ văn bản luật (verified: false)"]


def test_the_bundled_rules_exit_0_with_warnings_only():
    result = invoke("--lang", "en")
    assert result.exit_code == 0, result.output
    assert "0 errors," in result.output and "error " not in result.output


def test_warnings_only_exit_0_and_are_listed_with_file_and_line(tmp_path: Path):
    pack = write_pack(tmp_path / "mini", {"2024.yaml": minimal_version("2024", "2024-01-01").replace(
        "at_least: HTT", "at_least: KHT")})
    result = invoke(pack, "--lang", "en")
    assert result.exit_code == 0, result.output
    assert f"{pack / '2024.yaml'}:19" in result.output and "never-fails" in result.output
    assert "0 errors, 1 warning\n" in result.output and "mini/2024: 1 criterion not verified" in result.output


def test_an_error_exits_1_and_json_lists_every_finding(tmp_path: Path):
    vn_with(tmp_path, FIRST_RATING, "        fact: ratng\n        at_least: HTT")
    result = invoke(tmp_path / "rules", "--format", "json", "--lang", "en")
    assert result.exit_code == 1
    rows = json.loads(result.stdout)
    assert all(row.keys() == {"file", "line", "severity", "code", "message"} for row in rows)
    assert {(r["code"], r["severity"]) for r in rows} >= {("unknown-fact", "error")}
    assert "1 error," in result.stderr


def test_a_table_in_vietnamese_names_severity_and_code(tmp_path: Path):
    vn_with(tmp_path, FIRST_RATING, "        fact: ratng\n        at_least: HTT")
    result = invoke(tmp_path / "rules")
    assert result.exit_code == 1
    assert result.output.splitlines()[0].split() == ["Vị", "trí", "Mức", "độ", "Mã", "Nội", "dung"]
    assert "lỗi" in result.output and "tệp không nạp được: không có dữ kiện 'ratng'" in result.output


def test_a_folder_without_packs_is_a_one_line_error(tmp_path: Path):
    result = invoke(tmp_path)
    assert result.exit_code == 2
    assert result.output.strip() == f"Lỗi: {tmp_path}: thư mục này không có bộ quy định nào; mỗi bộ quy định " \
                                    "là một thư mục có tệp pack.yaml và các tệp phiên bản"


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_an_included_award_that_is_not_one_has_its_code_in_either_language(tmp_path: Path, lang: str):
    # scripts sort findings by code, whatever language the messages are in
    shutil.copytree(PACK, tmp_path / "rules" / "vn")
    write_pack(tmp_path / "rules" / "campaigns" / "c1",
               {"2024.yaml": minimal_version("2024", "2024-01-01", extra="include: {pack: vn, awards: [GIAY_KHEM]}\n")})
    language = LANGUAGE.set(lang)
    try:
        findings = [f for f in lint(tmp_path / "rules") if f.severity == "error"]
    finally:
        LANGUAGE.reset(language)
    assert {f.code for f in findings} == {"unknown-award"}
    assert ("không phải danh hiệu của" if lang == "vi" else "is not an award of") in findings[0].message(lang)


# --- what a rule author's slips must not hide -------------------------------------------------------

def test_a_copied_campaign_folder_that_kept_its_id_is_an_error_at_its_line(tmp_path: Path):
    rules = tmp_path / "rules"
    shutil.copytree(DEFAULT_RULES, rules)
    shutil.copytree(rules / "campaigns" / "tay-ninh-2023", rules / "campaigns" / "moi")
    finding = only(lint(rules), "pack-id")
    text = (rules / "campaigns" / "moi" / "pack.yaml").read_text(encoding="utf-8")
    assert (finding.file, finding.line) == (rules / "campaigns" / "moi" / "pack.yaml", line_of(text, "id:"))
    assert "id: moi" in finding.message("vi")


def test_a_folder_of_versions_without_pack_yaml_is_not_skipped(tmp_path: Path):
    rules = tmp_path / "rules"
    shutil.copytree(DEFAULT_RULES, rules)
    (rules / "vn" / "pack.yaml").unlink()
    assert only(lint(rules), "no-pack-info").file == rules / "vn" / "pack.yaml"


def test_a_version_whose_dates_cannot_be_read_leaves_no_false_gap(tmp_path: Path):
    vn_with(tmp_path, "effective_from: 2024-01-01", "effective_from: 2024-01-3x")
    codes = [f.code for f in lint(tmp_path / "rules")]
    assert "invalid" in codes and "gap" not in codes and "overlap" not in codes


def test_dates_in_findings_read_as_a_vietnamese_reader_writes_them(tmp_path: Path):
    pack = write_pack(tmp_path / "mini", {"a.yaml": minimal_version("a", "2020-01-01", "2023-10-31"),
                                          "b.yaml": minimal_version("b", "2024-01-01")})
    message = only(lint(pack), "gap").message("vi")
    assert "từ 01/11/2023 đến 31/12/2023" in message  # the span, as dates are read
    assert "effective_to của a.yaml là 2023-12-31" in message  # the value to write, as YAML takes it


def test_a_comparison_left_empty_is_a_finding_not_a_crash(tmp_path: Path):
    edited, text = vn_with(tmp_path, "        at_least: HTT", "        at_least: null")
    finding = only(lint(tmp_path / "rules"), "invalid")
    assert finding.file == edited and "needs exactly one of at_least" in finding.message("en")


def test_a_packs_own_subfolder_and_a_pack_named_by_dot_are_no_findings(tmp_path: Path, monkeypatch):
    rules = tmp_path / "rules"
    shutil.copytree(DEFAULT_RULES, rules)
    cases = rules / "campaigns" / "tay-ninh-2023" / "cases"
    cases.mkdir()
    shutil.copy(FIXTURES_CASE, cases / "case.yaml")  # case files kept beside the pack they test
    assert [f for f in lint(rules) if f.severity == "error"] == []
    monkeypatch.chdir(rules / "campaigns" / "tay-ninh-2023")
    assert [f for f in lint(Path(".")) if f.severity == "error"] == []


def test_a_copied_version_file_is_a_duplicate_version_not_an_overlap_to_fix_by_dates(tmp_path: Path):
    pack = write_pack(tmp_path / "mini", {"2024.yaml": minimal_version("2024", "2024-01-01"),
                                          "2024-draft.yaml": minimal_version("2024", "2024-01-01")})
    assert [f.code for f in lint(pack) if f.severity == "error"] == ["duplicate-version"]


def test_words_that_give_another_threshold_than_the_one_compared_are_a_warning(tmp_path: Path):
    edited, text = vn_with(tmp_path, "  tt_min_ldtt_share:\n    value: 0.7\n", "  tt_min_ldtt_share:\n    value: 0.8\n")
    found = [f for f in lint(tmp_path / "rules") if f.code == "text-threshold"]
    assert found and all(f.severity == "warning" and f.file == edited for f in found)
    assert "say 70% but it compares with 80%" in found[0].message("en")


def test_an_achievements_fact_naming_no_campaign_pack_is_an_error_with_a_suggestion(tmp_path: Path):
    rules = tmp_path / "rules"
    shutil.copytree(DEFAULT_RULES, rules)
    version = rules / "campaigns" / "bac-kan-ntm-2021-2025" / "2022.yaml"
    text = version.read_text(encoding="utf-8").replace("campaign: bac-kan-ntm-2021-2025}",
                                                       "campaign: bac-kan-ntm-2021-2052}", 1)
    version.write_text(text, encoding="utf-8")
    finding = only(lint(rules), "unknown-campaign")
    assert (finding.file, finding.line, finding.severity) == (version, line_of(text, "2021-2052"), "error")
    assert "did you mean 'bac-kan-ntm-2021-2025'" in finding.message("en")


BAC_KAN = Path("campaigns") / "bac-kan-ntm-2021-2025"


@pytest.mark.parametrize(("file", "old", "new", "code", "words"), [
    ("2022.yaml", "years: [2023, 2025]", "years: [2023, 2052]", "outside-campaign",
     ["GIAY_KHEN_NTM_SO_TONG_KET is given for 2052, outside the campaign's years (2021–2025)"]),
    ("pack.yaml", "last_year: 2025", "last_year: 2020", "bad-span", ["last year (2020) is before its first (2021)"]),
    ("2022.yaml", "effective_from: 2022-05-27", "effective_from: 2027-05-27", "outside-campaign",
     ["from 2027-05-27", "no day of the campaign's years (2021–2025)"]),
])
def test_a_campaign_year_mistake_is_an_error_at_its_line(tmp_path: Path, file: str, old: str, new: str, code: str,
                                                         words: list[str]):
    rules = tmp_path / "rules"
    shutil.copytree(DEFAULT_RULES, rules)
    edited = rules / BAC_KAN / file
    text = edited.read_text(encoding="utf-8")
    assert old in text
    edited.write_text(text.replace(old, new, 1), encoding="utf-8")
    finding = only([f for f in lint(rules) if f.severity == "error"], code)
    assert (finding.file, finding.line) == (edited, line_of(text, old))
    for word in words:
        assert word in finding.message("en")


def test_a_campaign_including_a_pack_with_no_version_for_some_of_its_days_is_an_error(tmp_path: Path):
    rules = tmp_path / "rules"
    shutil.copytree(DEFAULT_RULES, rules)
    (rules / "vn" / "2017.yaml").unlink()
    findings = [f for f in lint(rules) if f.severity == "error"]
    version = rules / "campaigns" / "tay-ninh-2023" / "2023.yaml"
    text = version.read_text(encoding="utf-8")
    gap = next(f for f in findings if f.file == version)
    assert (gap.code, gap.line) == ("include-gap", line_of(text, "pack: vn"))
    assert "no version of pack 'vn' is in force from 2023-01-01 to 2023-12-31" in gap.message("en")


def test_lint_takes_its_folder_as_rules_like_every_other_command_but_not_two_of_them(tmp_path: Path):
    write_pack(tmp_path / "rules" / "mini", {"2024.yaml": minimal_version("2024", "2024-01-01")})
    by_option = invoke("--rules", tmp_path / "rules", "--lang", "en", "--format", "json")
    assert by_option.exit_code == 0 and by_option.stdout == invoke(tmp_path / "rules", "--lang", "en",
                                                                   "--format", "json").stdout
    assert invoke(tmp_path / "rules", "--rules", tmp_path / "rules" / ".").exit_code == 0
    both = invoke(tmp_path / "rules", "--rules", DEFAULT_RULES, "--lang", "en")
    assert both.exit_code == 2
    assert both.output == f"Error: two different rule folders: {tmp_path / 'rules'} and --rules {DEFAULT_RULES}; " \
                          "give one folder\n"


@pytest.mark.parametrize(("new", "code"), [("effective_to: 2023-06-30", "bad-span"),
                                           ("efective_to: 2025-06-30", "invalid")])
def test_a_version_whose_dates_are_wrong_is_not_also_told_to_stretch_another(tmp_path: Path, new: str, code: str):
    # the gap it leaves, or the overlap of an end it no longer reads, is this file's to fix, not 2017's or 2025's
    edited, _ = vn_with(tmp_path, "effective_to: 2025-06-30", new)
    assert [(f.code, f.file) for f in lint(edited.parent) if f.severity == "error"] == [(code, edited)]


@pytest.mark.parametrize("text", ["", "- a: 1\n"])
def test_a_version_file_that_is_empty_or_a_list_is_a_finding_not_a_crash(tmp_path: Path, text: str):
    edited, _ = vn_with(tmp_path, "effective_to: 2025-06-30", "effective_to: 2025-06-30")
    (edited.parent / "2026.yaml").write_text(text, encoding="utf-8")
    assert [f.code for f in lint(edited.parent) if f.severity == "error"] == ["invalid"]
