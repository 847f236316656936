"""Numbers, shares, money and dates as a reader of the document's language writes them, in one place:
Vietnamese "10,5", "85,7%", "710.000 đồng", "30/06/2026"; English "10.5", "85.7%", "710,000 VND". Babel
holds each locale's separators, so nothing here spells a separator by hand."""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

from babel.dates import format_date
from babel.numbers import format_decimal, format_percent

from ktrules.common.messages import t

_LOCALES = {"vi": "vi_VN", "en": "en_GB"}


def _locale(lang: str) -> str:
    return _LOCALES.get(lang, _LOCALES["vi"])


# Babel parses the locale and the pattern on each call; explanations show the same few values again
@lru_cache(maxsize=4096, typed=True)
def number(value: float, lang: str) -> str:
    """A number with at most three decimals: 10,571 in Vietnamese."""
    return format_decimal(value, format="#,##0.###", locale=_locale(lang))


@lru_cache(maxsize=4096, typed=True)
def percent(share: float, lang: str) -> str:
    """A share from 0 to 1 as a percentage with at most one decimal: 85,7%."""
    return format_percent(share, format="#,##0.#%", locale=_locale(lang))


def money(amount: int, lang: str) -> str:
    """An amount of đồng with the locale's thousands separator: 710.000 đồng."""
    return t("money.amount", lang, amount=format_decimal(amount, format="#,##0", locale=_locale(lang)))


def day(value: date, lang: str) -> str:
    """A date as dd/mm/yyyy in Vietnamese, 30 June 2026 in English."""
    return format_date(value, "dd/MM/yyyy" if lang != "en" else "d MMMM yyyy", locale=_locale(lang))


def place_and_date(place: str | None, when: date | None, year: int, lang: str) -> str:
    """The line under the Tiêu ngữ (NĐ 30/2020 Phụ lục I): "Bình Định, ngày 05 tháng 01 năm 2026"."""
    return f"{place or '……'}, {date_words(when, year, lang)}"


def date_words(when: date | None, year: int, lang: str) -> str:
    """A văn bản's date, "ngày 05 tháng 01 năm 2026": days below 10 and the months January and February
    take a leading zero; an unknown date is left in dots for the signer."""
    if when is None:
        return t("vanban.date.blank", lang, year=year)
    month = f"{when.month:02d}" if when.month < 3 else str(when.month)
    return t("vanban.date", lang, day=f"{when.day:02d}", month=month, year=when.year, date=day(when, lang))


_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


def dates_in(text: str, lang: str) -> str:
    """`text` with every ISO date in it (a rule file's "2024-01-01 .. 2025-06-30") written as the reader
    writes dates, and a range's ".." as a dash."""
    # a range's "..", open at either end too (".. 2023-12-31": "… – 31/12/2023"), as the rules table writes it
    text = _ISO.sub(lambda m: _day_of(m, lang), text).strip()
    return _RANGE.sub(" – ", f"…{text}" if text.startswith("..") else f"{text}…" if text.endswith("..") else text)


_RANGE = re.compile(r"\s*\.\.\s*")


def _day_of(match: re.Match[str], lang: str) -> str:
    try:
        return day(date(int(match[1]), int(match[2]), int(match[3])), lang)
    except ValueError:  # digits that look like a date and are none (an id "sk-2022-13-45"): as they are
        return match[0]
