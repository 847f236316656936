"""The contract's vocabulary: award ids, ratings, discipline levels, scopes, leave and initiative kinds.
Records and rules both speak it, so it sits below both."""

from __future__ import annotations

from typing import Literal

Rating = Literal["HTXS", "HTT", "HT", "KHT"]
DisciplineLevel = Literal["khien_trach", "canh_cao", "ha_bac_luong", "giang_chuc", "cach_chuc",
                          "buoc_thoi_viec"]
Scope = Literal["co_so", "tinh", "toan_quoc"]
InitiativeKind = Literal["sang_kien", "de_tai"]
LeaveKind = Literal["maternity", "training", "duty_injury", "sick", "unpaid"]
Gender = Literal["female", "male"]

NATIONAL_AWARDS = ("LDTT", "CSTDCS", "CSTD_TINH", "CSTD_TOAN_QUOC", "TTLDTT", "TTLDXS",
                   "CO_THI_DUA_TINH", "CO_THI_DUA_CP", "GIAY_KHEN", "BANG_KHEN_TINH", "BANG_KHEN_TTG")
NationalAward = Literal["LDTT", "CSTDCS", "CSTD_TINH", "CSTD_TOAN_QUOC", "TTLDTT", "TTLDXS",
                        "CO_THI_DUA_TINH", "CO_THI_DUA_CP", "GIAY_KHEN", "BANG_KHEN_TINH", "BANG_KHEN_TTG"]
# Awards come in two families (shared/domain/law-notes.md): danh hiệu thi đua, titles that are conferred
# ("công nhận"), and hình thức khen thưởng, forms of commendation that are given ("tặng"). These are the
# national forms; a campaign's awards are all forms of commendation.
COMMENDATIONS = frozenset({"GIAY_KHEN", "BANG_KHEN_TINH", "BANG_KHEN_TTG"})

# Orders of the contract, lowest first; discipline 0 means none.
RATING_RANK = {"KHT": 0, "HT": 1, "HTT": 2, "HTXS": 3}
DISCIPLINE_RANK = {"none": 0, "khien_trach": 1, "canh_cao": 2, "ha_bac_luong": 3, "giang_chuc": 4,
                   "cach_chuc": 5, "buoc_thoi_viec": 6}
SCOPE_RANK = {"co_so": 1, "tinh": 2, "toan_quoc": 3}
