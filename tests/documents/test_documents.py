"""The council's dossier as văn bản (`ktrules documents`) and the money and thẩm quyền behind it: each Word
file opened with python-docx as an office would, each PDF read with pdftotext and one page looked at as
an image; reward money on each side of a change of lương cơ sở; Vietnamese conventions and English."""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from docx import Document

from ktrules import Dataset, KtrulesError, evaluate, load_dataset
from ktrules.cli import cli
from ktrules.council.rewards import payer
from ktrules.documents.formatting import dates_in, money, percent, place_and_date
from ktrules.documents.packet import build_packet
from ktrules.documents.papers import proposal
from ktrules.rules import DEFAULT_RULES, NATIONAL_PACK, load_pack, type_check
from tests.conftest import DEPARTMENT, ROOT, SMALL

BEFORE_RAISE, AFTER_RAISE = "2026-06-30", "2026-07-01"  # lương cơ sở 2.340.000 đồng, then 2.530.000 đồng [M]


def invoke(*args: Any):
    return CliRunner().invoke(cli, [str(a) for a in args])


def texts(document: Any) -> list[str]:
    """Every paragraph of a Word file, those in table cells included, in order."""
    out = [p.text for p in document.paragraphs]
    for table in document.tables:
        out += [p.text for row in table.rows for cell in row.cells for p in cell.paragraphs]
    return out


def rows(table: Any) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


@pytest.fixture(scope="module")
def evaluation_2024():
    return evaluate(load_dataset(DEPARTMENT), 2024)


@pytest.fixture(scope="module")
def word(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("ho-so") / "ho-so-2024"
    result = invoke("documents", DEPARTMENT, "--period", 2024, "--out", folder, "--decision-date", BEFORE_RAISE)
    assert result.exit_code == 0, result.output
    return folder


# ---------------------------------------------------------------- reward money and who decides


def test_an_ldtt_decided_the_day_before_the_2026_raise_gets_710000_dong() -> None:
    # law-notes: 0.3 × 2.340.000 = 702.000, rounded up to the next 10.000 đồng
    amount = payer(DEFAULT_RULES, date.fromisoformat(BEFORE_RAISE)).amount("LDTT", "individual")
    assert amount.amount == 710_000 and amount.verified


def test_an_ldtt_decided_on_the_day_of_the_raise_uses_the_new_base_and_says_it_is_unverified() -> None:
    amount = payer(DEFAULT_RULES, date.fromisoformat(AFTER_RAISE)).amount("LDTT", "individual")
    assert amount.amount == 760_000  # 0.3 × 2.530.000 = 759.000, rounded up
    assert amount.base is not None and not amount.base.verified and not amount.verified


@pytest.mark.parametrize(("decided", "award", "kind", "expected"), [
    ("2026-06-30", "CSTDCS", "individual", 2_340_000),  # an exact multiple of 10.000 stays as it is
    ("2026-06-30", "GIAY_KHEN", "collective", 1_410_000),  # 0.6 × 2.340.000 = 1.404.000
    ("2026-06-30", "CO_THI_DUA_TINH", "collective", 18_720_000),
    ("2024-06-30", "LDTT", "individual", 540_000),  # 0.3 × 1.800.000, before the raise of 1/7/2024
    ("2024-07-01", "LDTT", "individual", 710_000),
    ("2026-06-30", "BANG_KHEN_TTG", "individual", None),  # the notes give no figure: none is invented
    ("2023-06-30", "LDTT", "individual", None),  # NĐ 91/2017's figures are not encoded
])
def test_the_amount_follows_the_rules_in_force_on_the_decision_date(decided: str, award: str, kind: str,
                                                                     expected: int | None) -> None:
    assert payer(DEFAULT_RULES, date.fromisoformat(decided)).amount(award, kind).amount == expected


def test_a_decision_date_no_rules_cover_is_a_one_line_error() -> None:
    with pytest.raises(KtrulesError) as err:
        payer(DEFAULT_RULES, date(2010, 1, 1))
    assert "\n" not in str(err.value) and "2010-01-01" in str(err.value)


def test_every_national_award_has_one_authority_and_the_agency_decides_the_four_of_the_notes() -> None:
    for version in load_pack(DEFAULT_RULES / NATIONAL_PACK):
        listed = [a for line in version.rules.authority for a in line.awards]
        assert sorted(listed) == sorted(version.rules.awards), version.label
        own = {a for line in version.rules.authority if line.level == "agency" for a in line.awards}
        assert own == {"LDTT", "CSTDCS", "TTLDTT", "GIAY_KHEN"}
        # no article of thẩm quyền was seen: the pack says so
        assert not any(line.verified for line in version.rules.authority)


def test_a_multiple_for_an_award_or_kind_the_version_lacks_is_refused_at_load() -> None:
    version = load_pack(DEFAULT_RULES / NATIONAL_PACK)[-1].rules
    money_rules = version.reward_money
    assert money_rules is not None
    wrong = money_rules.multiples["LDTT"].model_copy(update={"collective": 1.0})
    broken = version.model_copy(update={"reward_money": money_rules.model_copy(
        update={"multiples": {**money_rules.multiples, "LDTT": wrong, "LDTX": wrong}})})
    problems = [(loc, message) for loc, message, _, _ in type_check(broken)]
    assert (("reward_money", "multiples", "LDTT", "collective"), "LDTT is not awarded to a collective") in problems
    assert (("reward_money", "multiples", "LDTX"), "unknown award 'LDTX'") in problems


def test_the_national_dossier_is_declared_so_dossier_lists_what_each_proposal_lacks() -> None:
    result = invoke("dossier", DEPARTMENT, "--period", 2024, "--format", "json")
    assert result.exit_code == 0, result.output
    rows_ = yaml.safe_load(result.output)
    cstdcs = next(r for r in rows_ if r["award"] == "CSTDCS")
    assert cstdcs["missing_ids"] == ["to_trinh", "bao_cao_thanh_tich", "bien_ban_binh_xet", "chung_nhan_sang_kien"]
    assert {r["award"] for r in rows_} >= {"LDTT", "TTLDTT", "CSTD_TINH"}


def test_a_dossier_names_the_documents_it_holds_as_it_names_those_missing() -> None:
    result = invoke("dossier", ROOT / "fixtures" / "datasets" / "campaigns" / "bac-kan-ntm.yaml", "--period", 2023,
                    "--campaign", "bac-kan-ntm-2021-2025", "--format", "json")
    assert result.exit_code == 0, result.output
    held = [r["present"] for r in yaml.safe_load(result.output) if r["present"]]
    assert held and all("_" not in text for text in held)  # no document ids such as van_ban_de_nghi
    assert any(text.startswith("Văn bản đề nghị khen thưởng") for text in held)


# ---------------------------------------------------------------- Vietnamese conventions


def test_numbers_money_and_dates_follow_the_reader_language() -> None:
    assert percent(0.857, "vi") == "85,7%" and percent(0.857, "en") == "85.7%"
    assert money(710_000, "vi") == "710.000 đồng" and money(710_000, "en") == "710,000 VND"
    # NĐ 30/2020: days below 10 and the months January and February take a leading zero
    assert place_and_date("Bình Định", date(2026, 1, 5), 2026, "vi") == "Bình Định, ngày 05 tháng 01 năm 2026"
    assert place_and_date("Bình Định", date(2026, 6, 30), 2026, "vi") == "Bình Định, ngày 30 tháng 6 năm 2026"
    assert place_and_date(None, None, 2026, "vi") == "……, ngày …… tháng …… năm 2026"
    # a rule file's spans, open at either end too; digits that are no date stay as they are
    assert dates_in("2024-01-01 .. 2025-06-30", "vi") == "01/01/2024 – 30/06/2025"
    assert dates_in(".. 2023-12-31", "vi") == "… – 31/12/2023" and dates_in("2025-07-01 ..", "vi") == "01/07/2025 – …"
    assert dates_in("sk-2022-13-45", "vi") == "sk-2022-13-45"


def test_blocs_are_named_and_a_unit_in_an_unnamed_bloc_is_refused(evaluation_2024) -> None:
    result = invoke("rank", DEPARTMENT, "--period", 2024, "--award", "TTLDTT")
    assert "Khối các phòng, ban thuộc Sở" in result.output and "Khối khoi-phong" not in result.output
    data = yaml.safe_load(DEPARTMENT.read_text(encoding="utf-8"))
    data["units"][0]["bloc"] = "khoi-moi"
    problems = [(loc, message) for loc, message, _ in Dataset.model_validate(data).problems()]
    assert problems == [(("units", 0, "bloc"), "unknown bloc 'khoi-moi'")]


def test_the_packet_splits_what_the_agency_decides_from_what_it_proposes(evaluation_2024) -> None:
    packet = build_packet(evaluation_2024, payer=payer(DEFAULT_RULES, date.fromisoformat(BEFORE_RAISE)))
    own = [s.award for s in packet.sections if s.decides]
    assert own == ["LDTT", "CSTDCS", "TTLDTT"] and all(s.decides is False for s in packet.sections[3:])
    ldtt = packet.sections[0]
    assert {e.money for e in ldtt.proposed} == {"710.000 đồng"}
    assert ldtt.total == 710_000 * len(ldtt.proposed) and ldtt.total_money == money(ldtt.total, "vi")
    # not eligible in short: the count and the criteria most of them miss, with how many miss each
    assert ldtt.left_out.startswith(f"{len(ldtt.not_eligible)} trường hợp không đủ điều kiện; tiêu chí")


# ---------------------------------------------------------------- the Word files


def test_documents_writes_the_minutes_the_draft_decision_a_proposal_and_a_report_per_nominee(word: Path,
                                                                                          evaluation_2024) -> None:
    names = sorted(p.name for p in word.iterdir())
    assert names == ["bao-cao-thanh-tich", "bien-ban-hop-xet-2024.docx", "du-thao-quyet-dinh-2024.docx",
                     "to-trinh-2024-1.docx"]
    packet = build_packet(evaluation_2024)
    nominees = {e.subject for s in packet.sections for e in s.proposed}
    reports = sorted(p.name for p in (word / "bao-cao-thanh-tich").iterdir())
    assert len(reports) == len(nominees) and "p13-phan-thi-bich-ngoc.docx" in reports
    assert "p04-pham-thi-my-linh.docx" in reports  # the name as spelt: a final y stays a y


@pytest.mark.parametrize(("name", "signer"), [
    ("bien-ban-hop-xet-2024.docx", "Võ Thị Thu Hà"), ("du-thao-quyet-dinh-2024.docx", "Trần Minh Quang"),
    ("to-trinh-2024-1.docx", "Trần Minh Quang"),
    ("bao-cao-thanh-tich/p13-phan-thi-bich-ngoc.docx", "Phan Thị Bích Ngọc")])
def test_every_document_has_the_quoc_hieu_the_agency_and_a_signer(word: Path, name: str, signer: str) -> None:
    document = Document(str(word / name))
    heading = rows(document.tables[0])[0]
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc" in heading[1]
    assert heading[0].startswith("ỦY BAN NHÂN DÂN TỈNH BÌNH ĐỊNH\nSỞ KHOA HỌC VÀ CÔNG NGHỆ TỈNH BÌNH ĐỊNH")
    assert "Bình Định, ngày" in heading[1]
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert (round(section.left_margin.mm), round(section.right_margin.mm)) == (30, 15)
    assert document.styles["Normal"].font.name == "Times New Roman"
    assert any(cell.endswith(f"\n{signer}") for table in document.tables for cell in rows(table)[0])  # signs


def test_the_minutes_list_each_award_with_the_ballot_columns_and_the_threshold(word: Path) -> None:
    document = Document(str(word / "bien-ban-hop-xet-2024.docx"))
    lines = texts(document)
    assert "BIÊN BẢN" in lines and "Thành viên Hội đồng: có mặt ……/9 thành viên" in " ".join(lines)
    lists = [rows(t) for t in document.tables[1:-1]]
    assert all(table[0][3:] == ["Số phiếu đồng ý", "Tỷ lệ %", "Đạt / Không đạt"] for table in lists)
    cstdcs = next(i for i, line in enumerate(lines) if line == "2. Chiến sĩ thi đua cơ sở")
    assert "theo khoản 7 Điều 30 Nghị định số 98/2023/NĐ-CP." in lines[cstdcs + 1]
    # 80% of the council's 9 members: counted as the meeting counts, in votes
    assert lines[cstdcs + 1].endswith("Hội đồng có 9 thành viên: cần từ 8/9 phiếu đồng ý.")
    assert lists[1][1][5] == "Đạt nếu từ 80% trở lên"
    assert "Phan Thị Bích Ngọc" in [r[1] for r in lists[1]]


def test_the_draft_decision_has_three_articles_and_lists_the_money_with_totals(word: Path) -> None:
    document = Document(str(word / "du-thao-quyet-dinh-2024.docx"))
    lines = texts(document)
    assert "DỰ THẢO" in lines and "QUYẾT ĐỊNH" in lines and "QUYẾT ĐỊNH:" in lines
    assert "Số: ……/QĐ-SKHCN" in " ".join(lines) and "Bình Định, ngày 30 tháng 6 năm 2026" in " ".join(lines)
    for article in ("Điều 1.", "Điều 2.", "Điều 3."):
        assert any(line.startswith(article) for line in lines), article
    tables = [rows(t) for t in document.tables[2:]]  # after the heading and the signature
    ldtt, cstdcs, ttldtt = tables
    assert ldtt[0] == ["STT", "Họ và tên", "Đơn vị", "Tiền thưởng"]
    assert {r[3] for r in ldtt[1:-1]} == {"710.000 đồng"} and ldtt[-1][1] == "Tổng cộng"
    assert ldtt[-1][3] == money(710_000 * (len(ldtt) - 2), "vi")
    assert {r[3] for r in cstdcs[1:-1]} == {"2.340.000 đồng"} and ttldtt[0][1] == "Tên tập thể"
    # only what the agency decides: no Tập thể lao động xuất sắc (proposed to the province)
    assert not any("Tập thể lao động xuất sắc" in line for line in lines)
    # titles only, so the decision neither names nor gives a Giấy khen, in its annex neither
    assert "Về việc công nhận danh hiệu thi đua năm 2024" in lines
    assert not any("Giấy khen" in line for line in lines)
    annex = "DANH SÁCH CÁ NHÂN, TẬP THỂ ĐƯỢC CÔNG NHẬN DANH HIỆU THI ĐUA NĂM 2024"
    assert any(line.startswith(annex) for line in lines)


def test_a_rounding_the_rules_have_not_confirmed_is_stated_without_an_article(tmp_path: Path) -> None:
    # a decision of 15/01/2025 pays under the 2024 regime, whose rounding was seen only in NĐ 152/2025
    out = tmp_path / "ho-so"
    result = invoke("documents", DEPARTMENT, "--period", 2024, "--out", out, "--decision-date", "2025-01-15")
    assert result.exit_code == 0, result.output
    lines = texts(Document(str(out / "du-thao-quyet-dinh-2024.docx")))
    assert not any("chưa đối chiếu" in line or "152/2025" in line for line in lines)  # no note, no later decree
    assert any("làm tròn lên hàng chục nghìn đồng, là 710.000 đồng theo Điều 54" in line for line in lines)


def test_a_decision_of_certificates_of_merit_only_gives_them_and_confers_no_title(tmp_path: Path) -> None:
    out = tmp_path / "ho-so"
    result = invoke("documents", ROOT / "fixtures" / "datasets" / "campaigns" / "bac-kan-ntm.yaml", "--period", 2023,
                    "--campaign", "bac-kan-ntm-2021-2025", "--out", out)
    assert result.exit_code == 0, result.output
    lines = texts(Document(str(out / "du-thao-quyet-dinh-2023.docx")))
    assert "Về việc tặng Giấy khen năm 2023" in lines
    assert any(line.startswith("Điều 1. Tặng Giấy khen năm 2023 cho") for line in lines)
    assert not any("danh hiệu thi đua" in line for line in lines)


def test_the_proposal_goes_to_the_province_with_the_awards_it_decides(word: Path) -> None:
    document = Document(str(word / "to-trinh-2024-1.docx"))
    lines = texts(document)
    assert "TỜ TRÌNH" in lines and "Kính gửi: Chủ tịch Ủy ban nhân dân tỉnh Bình Định" in lines
    # each unit once, though Phòng Quản lý khoa học is proposed for two awards
    assert any("cho 02 cá nhân và 02 tập thể" in line for line in lines)
    for award in ("1. Tập thể lao động xuất sắc", "2. Chiến sĩ thi đua cấp bộ, ban, ngành, tỉnh"):
        assert award in lines
    assert not any(line.startswith("Lao động tiên tiến") for line in lines)



WORKING_NOTES = ("(hoặc", "bộ quy tắc", "chưa đối chiếu số điều", "Thẩm quyền:", "verified", "[", "vn/2024")


def body_of(document: Any) -> list[str]:
    """The paragraphs of the văn bản's text (not its tables), the closing notes († ...) left out."""
    return [p.text for p in document.paragraphs if p.text.strip() and not p.text.startswith("†")]


@pytest.mark.parametrize("name", ["du-thao-quyet-dinh-2024", "to-trinh-2024-1", "bien-ban-hop-xet-2024"])
def test_the_body_reads_as_prose_without_working_notes(word: Path, name: str) -> None:
    """No rule-file jargon, bracketed citations or † inside a clause; a body sentence ends with a full stop."""
    lines = body_of(Document(str(word / f"{name}.docx")))
    for line in lines:
        assert not any(note in line for note in WORKING_NOTES), line
        assert "†" not in line, line
    cited = [line for line in lines if "lần mức lương cơ sở" in line or line.startswith("Biểu quyết")]
    assert cited and all(line.endswith(".") for line in cited)
    assert all("Điều 50 Nghị định số 152/2025/NĐ-CP" in line for line in cited if "lương cơ sở" in line)
    assert all("khoản 7 Điều 30 Nghị định số 98/2023/NĐ-CP" in line for line in cited if "80%" in line)


def test_the_proposal_is_a_draft_ending_with_a_note_on_what_is_not_verified(word: Path) -> None:
    lines = [p.text for p in Document(str(word / "to-trinh-2024-1.docx")).paragraphs]
    assert "DỰ THẢO" in lines
    # the article on who decides is not marked anywhere in the body: a draft's note, not a † without its mark
    notes = [line for line in lines if line.startswith("Ghi chú dự thảo")]
    assert any("thẩm quyền" in line for line in notes) and not any("thẩm quyền" in line for line in lines
                                                                     if line.startswith("†"))
    assert lines.index(notes[-1]) > max(i for i, line in enumerate(lines) if "lương cơ sở" in line)


def test_a_proposal_of_the_prime_ministers_awards_goes_through_the_province(evaluation_2024) -> None:
    # the Sở proposes to the Chủ tịch UBND tỉnh, who submits to the Thủ tướng: never straight to him
    packet = build_packet(evaluation_2024, payer=payer(DEFAULT_RULES, date(2025, 1, 15)))
    sections = [s for s in packet.sections if s.award == "BANG_KHEN_TINH"]
    lines = [b.text for b in proposal(packet, "Thủ tướng Chính phủ", sections, date(2025, 1, 15)).body
             if hasattr(b, "text")]
    assert lines[0] == "Kính gửi: Chủ tịch Ủy ban nhân dân tỉnh Bình Định"
    assert any("kính đề nghị Chủ tịch Ủy ban nhân dân tỉnh Bình Định xem xét, trình Thủ tướng Chính phủ khen "
               "thưởng năm 2024" in line for line in lines)


def test_an_english_proposal_writes_titles_in_lower_case_inside_its_sentences(evaluation_2024) -> None:
    packet = build_packet(evaluation_2024, "en", payer=payer(DEFAULT_RULES, date(2025, 1, 15)))
    sections = [s for s in packet.sections if s.award == "BANG_KHEN_TINH"]
    paper = proposal(packet, "The Prime Minister", sections, date(2025, 1, 15))
    lines = [b.text for b in paper.body if hasattr(b, "text")]
    assert lines[0] == "To: The Chairman of Ủy ban nhân dân tỉnh Bình Định"  # a line starts with a capital
    assert any("asks the Chairman of Ủy ban nhân dân tỉnh Bình Định to consider and submit to the Prime Minister"
               in line for line in lines)
    assert "Submitted to the Chairman of Ủy ban nhân dân tỉnh Bình Định for decision." in lines


def _department_without(tmp_path: Path, field: str) -> Path:
    """The department's records with one field of its organization left out."""
    data = yaml.safe_load(DEPARTMENT.read_text(encoding="utf-8"))
    del data["organization"][field]
    dataset = tmp_path / "ds.yaml"
    dataset.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return dataset


def test_the_proposal_leaves_the_addressee_blank_when_the_parent_agency_is_unknown(tmp_path: Path) -> None:
    dataset, out = _department_without(tmp_path, "parent"), tmp_path / "ho-so"
    result = invoke("documents", dataset, "--period", 2024, "--out", out, "--award", "TTLDXS",
                    "--decision-date", BEFORE_RAISE)
    assert result.exit_code == 0, result.output
    lines = texts(Document(str(out / "to-trinh-2024-1.docx")))
    assert "Kính gửi: Chủ tịch Ủy ban nhân dân tỉnh ……" in lines and not any("(hoặc" in line for line in lines)


def test_without_the_heads_title_the_decision_leaves_dots_and_never_names_the_council_chair(tmp_path: Path) -> None:
    """A council advises; the head of the agency decides and proposes: a title not given is left to fill."""
    dataset, out = _department_without(tmp_path, "chair_title"), tmp_path / "ho-so"
    result = invoke("documents", dataset, "--period", 2024, "--out", out, "--award", "LDTT", "--award", "TTLDXS",
                    "--decision-date", BEFORE_RAISE)
    assert result.exit_code == 0, result.output
    document = Document(str(out / "du-thao-quyet-dinh-2024.docx"))
    decision = texts(document)
    signed = next(row[1] for table in document.tables for row in rows(table) if row[0].startswith("Nơi nhận"))
    assert "…… SỞ KHOA HỌC VÀ CÔNG NGHỆ" in decision and signed.split() == ["……", "Trần", "Minh", "Quang"]
    upward = texts(Document(str(out / "to-trinh-2024-1.docx")))
    assert not any("CHỦ TỊCH HỘI ĐỒNG" in line for line in decision + upward)


def test_the_minutes_name_the_legal_texts_not_the_rule_pack(word: Path) -> None:
    lines = texts(Document(str(word / "bien-ban-hop-xet-2024.docx")))
    assert "Không có trường hợp nào được đề nghị." in lines  # Cờ thi đua tỉnh: 7 incomplete, none proposed
    content = next(line for line in lines if line.startswith("II. Nội dung"))
    assert "Luật Thi đua, khen thưởng số 06/2022/QH15" in content and "Nghị định số 98/2023/NĐ-CP" in content
    assert "vn/2024" not in content and content.endswith("bỏ phiếu kín.")


def test_the_decision_has_its_authority_line_and_its_number_in_the_appendix(word: Path, pdfs: Path) -> None:
    lines = [p.text for p in Document(str(word / "du-thao-quyet-dinh-2024.docx")).paragraphs]
    authority = lines.index("GIÁM ĐỐC SỞ KHOA HỌC VÀ CÔNG NGHỆ")
    assert authority < min(i for i, line in enumerate(lines) if line.startswith("Căn cứ"))
    # the number is the signer's to fill; the date is the decision's own, as its heading gives it
    assert any("(Kèm theo Quyết định số ……/QĐ-SKHCN ngày 30 tháng 6 năm 2026)" in line for line in lines)
    flat = " ".join(pdf_text(pdfs / "du-thao-quyet-dinh-2024.pdf").split())
    assert "GIÁM ĐỐC SỞ KHOA HỌC VÀ CÔNG NGHỆ Căn cứ Luật" in flat and "QĐ-SKHCN ngày 30 tháng 6 năm 2026" in flat


def test_papers_signed_later_rest_on_the_texts_in_force_on_their_date(word: Path) -> None:
    # 2024's verdicts under NĐ 98/2023 and TT 01/2024, signed on 30/06/2026 when NĐ 152/2025 and TT 15/2025
    # have replaced them; Điều 2 pays on the lương cơ sở of NĐ 73/2024, so that is a căn cứ too
    for paper in ("du-thao-quyet-dinh-2024.docx", "to-trinh-2024-1.docx"):
        grounds = [line.split()[5].rstrip(";") for line in texts(Document(str(word / paper)))
                   if line.startswith(("Căn cứ Nghị định", "Căn cứ Thông tư"))]
        assert grounds == ["152/2025/NĐ-CP", "15/2025/TT-BNV", "73/2024/NĐ-CP"]


def test_an_achievement_report_is_prefilled_from_the_records_with_blanks_to_write(word: Path) -> None:
    document = Document(str(word / "bao-cao-thanh-tich" / "p13-phan-thi-bich-ngoc.docx"))
    lines = texts(document)
    assert "BÁO CÁO THÀNH TÍCH" in lines and "Họ và tên: Phan Thị Bích Ngọc" in lines
    assert "Giới tính: Nữ" in lines
    ratings = rows(document.tables[1])
    assert ratings[0] == ["Năm", "Xếp loại"] and ["2024", "Hoàn thành xuất sắc nhiệm vụ"] in ratings
    initiatives = rows(document.tables[2])
    records = load_dataset(DEPARTMENT)
    titles = {i.title for i in records.initiatives if "p13" in i.authors and i.year <= 2024}
    assert titles and titles <= {r[1] for r in initiatives}
    assert sum("[……… phần tự thuật" in line for line in lines) >= 3  # the narrative is left to the nominee


def test_after_the_raise_the_decision_uses_the_new_base_and_warns_it_is_unverified(tmp_path: Path) -> None:
    result = invoke("documents", DEPARTMENT, "--period", 2024, "--out", tmp_path, "--decision-date", AFTER_RAISE,
                    "--award", "LDTT")
    assert result.exit_code == 0, result.output
    lines = texts(Document(str(tmp_path / "du-thao-quyet-dinh-2024.docx")))
    assert "760.000 đồng†" in lines
    assert any(line.startswith("† Mức tiền thưởng, lương cơ sở hoặc quy định làm tròn chưa kiểm chứng")
               for line in lines)


def test_a_decision_signed_after_a_reported_change_of_the_law_says_so_in_a_draft_note(tmp_path: Path) -> None:
    # law-notes.md, "Watch": an amending law reportedly in force from 01/10/2026; the rules do not hold it
    for decided, noted in (("2026-09-30", False), ("2026-10-01", True)):
        out = tmp_path / decided
        assert invoke("documents", DEPARTMENT, "--period", 2024, "--out", out, "--decision-date", decided,
                      "--award", "LDTT").exit_code == 0
        lines = texts(Document(str(out / "du-thao-quyet-dinh-2024.docx")))
        assert any(line.startswith("Ghi chú dự thảo: Luật sửa đổi, bổ sung Luật Thi đua, khen thưởng số "
                                   "06/2026/QH16") for line in lines) == noted


def test_papers_cite_no_text_signed_after_their_date(tmp_path: Path) -> None:
    # TT 15/2025/TT-BNV was signed on 04/08/2025: a decision of 20/07/2025 cannot rest on it
    assert invoke("documents", DEPARTMENT, "--period", 2024, "--out", tmp_path, "--decision-date", "2025-07-20",
                  "--award", "LDTT").exit_code == 0
    grounds = [line for line in texts(Document(str(tmp_path / "du-thao-quyet-dinh-2024.docx")))
               if line.startswith("Căn cứ")]
    assert any("152/2025/NĐ-CP" in line for line in grounds) and not any("15/2025/TT-BNV" in line for line in grounds)


def test_a_campaign_decides_its_own_giay_khen_and_invents_no_money(tmp_path: Path) -> None:
    dataset = ROOT / "fixtures" / "datasets" / "campaigns" / "bac-kan-ntm.yaml"
    result = invoke("documents", dataset, "--period", 2023, "--campaign", "bac-kan-ntm-2021-2025", "--out", tmp_path,
                    "--decision-date", BEFORE_RAISE)
    assert result.exit_code == 0, result.output
    document = Document(str(tmp_path / "du-thao-quyet-dinh-2023.docx"))
    listed = rows(document.tables[2])
    assert listed[0][3] == "Tiền thưởng" and {r[3] for r in listed[1:-1]} == {"—"}  # the plan sets no amount
    assert listed[-1][1:] == ["Tổng cộng", "", "chưa xác định được mức tiền thưởng"]
    # the plan it gives under first; no decree of the lương cơ sở, as nothing is paid on it
    grounds = [line for line in texts(document) if line.startswith("Căn cứ")]
    assert grounds[0].startswith("Căn cứ Kế hoạch số 60/KH-STTTT") and not any("lương cơ sở" in g for g in grounds)
    assert any(r[1] == "Văn phòng Sở" and r[2] == "" for r in listed)  # a collective has no unit above it
    assert not (tmp_path / "to-trinh-2023-1.docx").exists()


def test_awards_whose_authority_the_plan_does_not_name_are_reported_not_dropped(tmp_path: Path) -> None:
    """The Điện Biên plan names no authority for its sơ kết reward: no paper is guessed for it, and the
    secretary is told which proposals have none and what the rules lack."""
    campaign = "dien-bien-vi-nguoi-ngheo-2021-2025"
    dataset = ROOT / "fixtures" / "datasets" / "campaigns" / f"{campaign}.yaml"
    result = invoke("documents", dataset, "--period", 2023, "--campaign", campaign, "--out", tmp_path,
                    "--decision-date", "2024-01-15")
    assert result.exit_code == 0, result.output
    assert not list(tmp_path.glob("to-trinh-*"))
    decided = "\n".join(texts(Document(str(tmp_path / "du-thao-quyet-dinh-2023.docx"))))
    assert "Giấy khen" in decided and "sơ kết phong trào" not in decided
    notice = result.stderr.splitlines()[-1]
    # the file as it is found, under the rules folder: the default's whole path, wherever ktrules is installed
    assert notice.startswith(f"Lưu ý: bộ quy định {DEFAULT_RULES}/campaigns/{campaign}/2022.yaml không ghi thẩm "
                             "quyền quyết định Khen thưởng sơ kết phong trào"), notice
    assert "(5 đề nghị), nên 5 đề nghị này không có trong dự thảo quyết định hay tờ trình nào" in notice
    assert "mục authority cho hình thức này" in notice  # one award, however many proposals


def test_the_authority_notice_counts_awards_and_proposals_apart_and_names_the_rules_folder_given(
        tmp_path: Path) -> None:
    campaign = "dien-bien-vi-nguoi-ngheo-2021-2025"
    dataset = ROOT / "fixtures" / "datasets" / "campaigns" / f"{campaign}.yaml"
    rules = tmp_path / "quy-dinh"
    shutil.copytree(DEFAULT_RULES, rules)
    national = rules / "vn" / "2017.yaml"  # the Giấy khen the plan takes from the national pack loses its authority
    national.write_text(national.read_text(encoding="utf-8").replace("TTLDTT, GIAY_KHEN]", "TTLDTT]"),
                        encoding="utf-8")
    options = ["--period", 2023, "--campaign", campaign, "--decision-date", "2024-01-15", "--rules", rules]
    both = invoke("documents", dataset, *options, "--out", tmp_path / "vi").stderr.splitlines()[-1]
    assert both.startswith(f"Lưu ý: bộ quy định {rules}/campaigns/{campaign}/2022.yaml không ghi"), both
    assert "Giấy khen (4 đề nghị); Khen thưởng sơ kết" in both and "nên 9 đề nghị này không có" in both
    assert "mục authority cho các hình thức này" in both
    english = invoke("documents", dataset, *options, "--out", tmp_path / "en", "--lang", "en").stderr
    assert "so these 9 proposals are in no draft decision" in english and "for these awards" in english
    national.write_text(national.read_text(encoding="utf-8").replace("TTLDTT]", "TTLDTT, GIAY_KHEN]"),
                        encoding="utf-8")
    one = invoke("documents", dataset, *options, "--out", tmp_path / "one", "--lang", "en").stderr
    assert "(5 proposals), so these 5 proposals are in no draft" in one and "for this award" in one


def test_every_proposal_has_its_paper_so_no_notice_is_given(tmp_path: Path) -> None:
    result = invoke("documents", DEPARTMENT, "--period", 2024, "--out", tmp_path, "--award", "LDTT",
                    "--award", "BANG_KHEN_TINH", "--decision-date", BEFORE_RAISE)
    assert result.exit_code == 0 and result.stderr.count("\n") == 1 and "Lưu ý" not in result.stderr


def test_documents_in_english_keep_english_conventions(tmp_path: Path) -> None:
    result = invoke("documents", DEPARTMENT, "--period", 2024, "--out", tmp_path, "--decision-date", BEFORE_RAISE,
                    "--award", "LDTT", "--lang", "en")
    assert result.exit_code == 0, result.output
    lines = texts(Document(str(tmp_path / "du-thao-quyet-dinh-2024.docx")))
    assert "SOCIALIST REPUBLIC OF VIETNAM\nIndependence - Freedom - Happiness" in "\n".join(lines)
    assert "710,000 VND" in lines and "DECISION" in lines


@pytest.mark.parametrize(("args", "words"), [
    (["--award", "LDTX"], ["LDTX", "LDTT"]),
    (["--decision-date", "2010-01-01"], ["01/01/2010"]),  # dates said dd/mm/yyyy in Vietnamese
])
def test_bad_input_is_one_line_and_writes_nothing(tmp_path: Path, args: list[str], words: list[str]) -> None:
    out = tmp_path / "ho-so"
    result = invoke("documents", DEPARTMENT, "--period", 2024, "--out", out, *args)
    assert result.exit_code == 2 and result.stderr.count("\n") == 1 and result.stderr.startswith("Lỗi: ")
    assert all(w in result.stderr for w in words) and not out.exists()


def test_an_out_that_is_a_file_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "ho-so.docx"
    out.write_text("x")
    result = invoke("documents", DEPARTMENT, "--period", 2024, "--out", out)
    assert result.exit_code == 2 and f"Lỗi: {out}: không phải thư mục" in result.stderr



@pytest.mark.parametrize("lang, words", [("vi", ["Lỗi: ", "thư mục trống hoặc thư mục mới"]),
                                         ("en", ["Error: ", "empty or new folder"])])
def test_a_folder_that_already_holds_files_is_refused_and_left_alone(tmp_path: Path, lang: str,
                                                                     words: list[str]) -> None:
    """A second run into the first run's folder would mix stale báo cáo with the new dossier."""
    out = tmp_path / "ho-so"
    (out / "bao-cao-thanh-tich").mkdir(parents=True)
    stale = out / "bao-cao-thanh-tich" / "p99-nguoi-cu.docx"
    stale.write_text("x")
    result = invoke("documents", DEPARTMENT, "--period", 2024, "--out", out, "--lang", lang)
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    assert result.stderr.startswith(words[0]) and words[1] in result.stderr and str(out) in result.stderr
    assert [p.name for p in out.rglob("*")] == ["bao-cao-thanh-tich", "p99-nguoi-cu.docx"]
    assert stale.read_text() == "x"


def test_an_empty_folder_is_written_into(tmp_path: Path) -> None:
    result = invoke("documents", DEPARTMENT, "--period", 2024, "--out", tmp_path, "--award", "TTLDXS",
                    "--decision-date", BEFORE_RAISE)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "bien-ban-hop-xet-2024.docx").exists()



def test_the_counts_docs_documents_md_shows_are_todays(evaluation_2024) -> None:
    """The examples there that write files (not run by tests/readme.py) state today's numbers."""
    page = (ROOT / "docs" / "documents.md").read_text(encoding="utf-8")
    shown = re.findall(r"^Đã ghi .*?: (?:(\d+) danh hiệu, hình thức; )?(\d+) đề nghị$", page, re.M)
    packet = build_packet(evaluation_2024, "vi")
    assert len(shown) == 3 and {proposed for _, proposed in shown} == {str(packet.proposed)}
    assert {sections for sections, _ in shown} == {"", str(len(packet.sections))}  # `report` counts its awards


# ---------------------------------------------------------------- PDF


def pdf_text(pdf: Path) -> str:
    out = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return unicodedata.normalize("NFC", out)


@pytest.fixture(scope="module")
def pdfs(poppler: None, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("pdf")
    result = invoke("documents", DEPARTMENT, "--period", 2024, "--out", folder, "--decision-date", BEFORE_RAISE,
                    "--format", "pdf", "--award", "LDTT", "--award", "TTLDXS")
    assert result.exit_code == 0, result.output
    return folder


def test_the_pdf_decision_holds_every_nominee_page_numbers_and_embedded_fonts(pdfs: Path, evaluation_2024) -> None:
    pdf = pdfs / "du-thao-quyet-dinh-2024.pdf"
    text = pdf_text(pdf)
    assert text == unicodedata.normalize("NFC", text)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "QUYẾT ĐỊNH" in text
    # NĐ 30/2020: the page's number alone at the top, from the second page on
    pages = text.split("\f")[:-1]
    assert len(pages) > 1 and not re.search(r"Trang \d+/\d+", text)
    assert [page.split("\n", 1)[0].strip() for page in pages[1:]] == [str(n) for n in range(2, len(pages) + 1)]
    assert not pages[0].split("\n", 1)[0].strip().isdigit()
    eligible = [v.subject for v in evaluation_2024.verdicts if v.award == "LDTT" and v.verdict == "eligible"]
    flat = " ".join(text.split())
    assert all(evaluation_2024.dataset.people_by_id[s].name in flat for s in eligible)
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert all(line.split()[-5] == "yes" for line in fonts.splitlines()[2:] if line.strip())  # emb


HEADING = re.compile(r"^\s*ỦY BAN NHÂN DÂN TỈNH BÌNH ĐỊNH {2,}CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM$", re.M)


def test_the_pdf_heading_keeps_the_agency_and_the_quoc_hieu_in_their_own_columns(pdfs: Path, tmp_path: Path) -> None:
    """NĐ 30: the agency block on the left wraps in its own column, apart from the Quốc hiệu on the right."""
    for name in ("du-thao-quyet-dinh-2024.pdf", "bien-ban-hop-xet-2024.pdf", "to-trinh-2024-1.pdf"):
        text = pdf_text(pdfs / name)
        assert HEADING.search(text), text[:300]
    packet = tmp_path / "hop.pdf"
    result = invoke("report", DEPARTMENT, "--period", 2024, "--out", packet, "--award", "LDTT", "--no-appendix",
                    "--decision-date", BEFORE_RAISE)
    assert result.exit_code == 0, result.output
    assert HEADING.search(pdf_text(packet)), pdf_text(packet)[:300]


def test_a_pdf_page_renders_as_an_a4_image(pdfs: Path, tmp_path: Path) -> None:
    subprocess.run(["pdftoppm", "-r", "50", "-png", "-f", "1", "-l", "1", str(pdfs / "du-thao-quyet-dinh-2024.pdf"),
                    str(tmp_path / "page")], check=True)
    png = next(tmp_path.glob("page*.png")).read_bytes()
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert abs(height / width - 297 / 210) < 0.01 and len(png) > 10_000  # A4, and not a blank page


def test_report_writes_the_packet_as_a_numbered_pdf(poppler: None, tmp_path: Path, evaluation_2024) -> None:
    out = tmp_path / "hop-hoi-dong-2024.pdf"
    result = invoke("report", DEPARTMENT, "--period", 2024, "--out", out, "--award", "CSTDCS", "--no-appendix",
                    "--decision-date", BEFORE_RAISE)
    assert result.exit_code == 0, result.output
    text = pdf_text(out)
    flat = " ".join(text.split())
    assert "Trang 1/" in text and "HỒ SƠ HỌP HỘI ĐỒNG THI ĐUA - KHEN THƯỞNG" in text
    assert "Phụ lục" not in text  # --no-appendix: the not eligible in short only
    eligible = [v.subject for v in evaluation_2024.verdicts if v.award == "CSTDCS" and v.verdict == "eligible"]
    assert all(evaluation_2024.dataset.people_by_id[s].name in flat for s in eligible)
    assert "2.340.000 đồng" in flat



def test_the_packets_summary_keeps_award_names_whole_and_wraps_a_totals_note_under_its_amount(
        poppler: None, tmp_path: Path) -> None:
    """A Bằng khen whose reward the rules do not give for a person: the note beside the total used to stretch its
    cell, leaving the award's column one word wide."""
    out = tmp_path / "hop.pdf"
    result = invoke("report", DEPARTMENT, "--period", 2024, "--out", out, "--no-appendix", "--award", "LDTT",
                    "--award", "BANG_KHEN_TINH", "--decision-date", BEFORE_RAISE)
    assert result.exit_code == 0, result.output
    text = pdf_text(out)
    summary = text[text.index("Danh hiệu, hình thức trình Hội đồng"):text.index("Tổng tiền thưởng các đề nghị")]
    assert re.search(r"^ *1\. Lao động tiên tiến +36 .* 25\.560\.000 đồng$", summary, re.M), summary
    assert re.search(r"^ *2\. Bằng khen cấp bộ, ban, .* 14\.040\.000 đồng$", summary, re.M), summary
    below = summary[summary.index("14.040.000 đồng"):]
    assert "chưa gồm 1 đề nghị" in below and "mức tiền thưởng" in below  # the note, on lines of its own


def test_the_packets_summary_wraps_the_words_of_a_reward_no_rule_gives_and_keeps_the_award_name_wide(
        poppler: None, tmp_path: Path) -> None:
    """Điện Biên's sơ kết reward has no figure at all: its words once stood in the amount's unbroken span, and the
    award's name ran down eight lines one or two words wide."""
    campaign = "dien-bien-vi-nguoi-ngheo-2021-2025"
    out = tmp_path / "hop.pdf"
    result = invoke("report", ROOT / "fixtures" / "datasets" / "campaigns" / f"{campaign}.yaml", "--period", 2023,
                    "--campaign", campaign, "--out", out, "--decision-date", "2024-01-15")
    assert result.exit_code == 0, result.output
    text = pdf_text(out)
    summary = text[text.index("Danh hiệu, hình thức trình Hội đồng"):text.index("Tổng tiền thưởng các đề nghị")]
    award = summary[summary.index("2. Khen thưởng"):].strip().splitlines()
    assert len(award) <= 4, summary  # the name over a few lines, the words beside it wrapped in their column
    assert re.search(r"^ *2\. Khen thưởng sơ kết phong +5 .* chưa xác định được$", summary, re.M), summary


def test_a_proposal_names_only_the_kinds_it_proposes_and_no_note_of_the_rule_file_in_its_text(tmp_path: Path) -> None:
    from ktrules.documents.packet import cite_in_words
    from ktrules.documents.papers import _counted

    assert _counted(0, 2, "vi") == "02 tập thể" and _counted(3, 12, "vi") == "03 cá nhân và 12 tập thể"
    assert _counted(1, 2, "en") == "1 person and 2 collectives" and _counted(0, 1, "vi") == "01 tập thể"
    assert cite_in_words("NĐ 161/2026/NĐ-CP (chưa thấy văn bản)", "vi") == "Nghị định số 161/2026/NĐ-CP"
    # a parenthesis that says where the rule is, not a caveat, stays
    assert "Điều 30" in cite_in_words("NĐ 152/2025/NĐ-CP (giữ quy định của NĐ 98/2023/NĐ-CP, Điều 30, khoản 7)", "vi")


@pytest.mark.parametrize("command", [["report", "--out", "hop.html"], ["documents", "--out", "vanban"]])
def test_papers_for_a_year_without_records_are_refused_not_written_empty(tmp_path: Path, command: list[str]) -> None:
    name, option, out = command
    result = invoke(name, DEPARTMENT, "--period", 2030, option, tmp_path / out)
    assert result.exit_code == 2 and "hồ sơ có các năm 2021–2025; sửa --period" in result.output
    assert not (tmp_path / out).exists()


@pytest.mark.parametrize(("choice", "lang", "said"), [
    (["--award", "CO_THI_DUA_CP"], "vi", "không có ai đủ điều kiện để đề nghị năm 2024 với --award đã chọn: không "
                                         "ghi văn bản nào; xem lý do của từng người bằng `ktrules check`"),
    (["--campaign", "ntm-khanh-hoa-2021-2025"], "en", "no one is eligible to be proposed for 2024 with the --campaign "
                                                      "given: no document written"),
    (["--campaign", "ntm-khanh-hoa-2021-2025", "--award", "GIAY_KHEN"], "en",
     "no one is eligible to be proposed for 2024 with the --award and --campaign given: no document written; see "
     "each one's reasons with `ktrules check`"),
])
def test_choices_that_leave_no_one_to_propose_write_nothing_and_say_so_as_check_does(
        tmp_path: Path, choice: list[str], lang: str, said: str) -> None:
    """No empty biên bản: exit 1, as `check` exits when a choice leaves nothing."""
    out = tmp_path / "ho-so"
    result = invoke("documents", DEPARTMENT, "--period", 2024, "--out", out, "--decision-date", BEFORE_RAISE,
                    "--lang", lang, *choice)
    assert result.exit_code == 1 and result.stderr.startswith(said) and result.stderr.count("\n") == 1, result.output
    assert not out.exists()


def test_a_campaign_year_without_its_awards_is_refused_with_the_choices_to_check(tmp_path: Path) -> None:
    campaign = ROOT / "fixtures" / "datasets" / "campaigns" / "dak-nong-20-nam.yaml"
    result = invoke("report", campaign, "--period", 2022, "--campaign", "dak-nong-20-nam", "--out", tmp_path / "x.html",
                    "--lang", "en")
    assert result.exit_code == 2 and "no verdict for 2022 with these choices" in result.output, result.output
    assert "--campaign (a campaign awards only in its years)" in result.output


def test_the_english_summary_line_counts_one_proposal_in_the_singular(tmp_path: Path) -> None:
    result = invoke("documents", SMALL, "--period", 2024, "--out", tmp_path, "--decision-date", "2025-01-15",
                    "--award", "CSTDCS", "--lang", "en")
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith(f"Wrote 3 documents to {tmp_path}: 1 proposal\n")
