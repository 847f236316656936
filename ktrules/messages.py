"""Every word a user reads in verdicts and reports, in Vietnamese (default) and English."""

from __future__ import annotations

LANGS = ("vi", "en")

_MESSAGES: dict[str, tuple[str, str]] = {
    "eligible": ("Đủ điều kiện", "Eligible"),
    "not_eligible": ("Không đủ điều kiện", "Not eligible"),
    "incomplete": ("Thiếu dữ liệu", "Incomplete"),
    "passed": ("Đạt", "Passed"),
    "failed": ("Không đạt", "Failed"),
    "undecided": ("Chưa xác định", "Undecided"),
    "col.subject": ("Mã", "Id"),
    "col.name": ("Cá nhân / tập thể", "Person / collective"),
    "col.unit": ("Đơn vị", "Unit"),
    "col.award": ("Danh hiệu / hình thức", "Award"),
    "col.verdict": ("Kết quả", "Verdict"),
    "col.reasons": ("Tiêu chí không đạt / chưa xác định", "Criteria failed / undecided"),
    "heading": ("{org}, năm {period}: quy định {version} ({title}), áp dụng ngày {as_of}",
                "{org}, year {period}: rules {version} ({title}), in force on {as_of}"),
    "summary": ("Tổng cộng {n} kết quả: {eligible} đủ điều kiện, {not_eligible} không đủ điều kiện, "
                "{incomplete} thiếu dữ liệu",
                "{n} verdicts: {eligible} eligible, {not_eligible} not eligible, {incomplete} incomplete"),
    "explain.title": ("{name} ({subject}): {award} ({award_id}), năm {period}",
                      "{name} ({subject}): {award} ({award_id}), year {period}"),
    "explain.verdict": ("Kết quả: {verdict}", "Verdict: {verdict}"),
    "explain.rules": ("Quy định áp dụng: {version}, {title}; hiệu lực {start} đến {end}; xét theo ngày {as_of}",
                      "Rules applied: {version}, {title}; in force {start} to {end}; as of {as_of}"),
    "explain.sources": ("Văn bản: {sources}", "Legal texts: {sources}"),
    "explain.cite": ("Căn cứ: {cite}", "Legal basis: {cite}"),
    "explain.read": ("Giá trị đọc được: {fact} = {value}; yêu cầu {condition}",
                     "Value read: {fact} = {value}; required {condition}"),
    "explain.evidence": ("Dữ liệu: {evidence}", "Records: {evidence}"),
    "explain.group.all": ("tất cả các tiêu chí sau", "all of the following"),
    "explain.group.any": ("một trong các tiêu chí sau", "any one of the following"),
    "explain.group.not": ("không được đáp ứng tiêu chí sau", "the following must not hold"),
    "open": ("…", "…"),
    "flag.unverified": ("chưa kiểm chứng từ văn bản luật", "not verified against the legal text"),
    "flag.qualitative": ("tiêu chí định tính", "qualitative criterion"),
    "note.presumed": ("mặc nhiên đạt: hồ sơ không ghi nhận đánh giá khác của Hội đồng",
                      "presumed met: the records carry no contrary judgement of the council"),
    "note.no_record": ("không có bản ghi của năm xét", "no record for the year"),
    "note.not_recorded": ("hồ sơ chưa ghi giá trị này", "the records lack this value"),
    "note.no_members": ("không có thành viên trong năm", "no members in the year"),
    "note.members_undecided": ("có thành viên chưa xác định kết quả", "some members are undecided"),
    "note.depends_on_incomplete": ("kết quả năm xét chưa xác định", "this year's verdict is undecided"),
    "note.presumed_full_year": ("không ghi số tháng làm việc: tính cả năm trừ thời gian nghỉ đã ghi",
                                "months worked not recorded: the year less the leave listed"),
    "value.true": ("có", "yes"),
    "value.false": ("không", "no"),
    "value.none": ("không có", "none"),
    "value.missing": ("không có dữ liệu", "missing"),
    "value.between": ("trong khoảng {low} đến {high}", "between {low} and {high}"),
}


def t(key: str, lang: str = "vi", **values: object) -> str:
    """The message `key` in `lang`, formatted with `values`."""
    vi, en = _MESSAGES[key]
    return (en if lang == "en" else vi).format(**values)
