"""The one error type users see: a message that names the file, the line and the fix."""

from __future__ import annotations

import difflib
import errno
from collections.abc import Iterable, Sequence
from pathlib import Path


class KtrulesError(Exception):
    """A problem in what the user gave (a file, an option, an id); the CLI prints it on one line."""

    exit_code = 2

    def __init__(self, message: str, *, file: str | Path | None = None, line: int | None = None,
                 hint: str | None = None, code: str | None = None, more: Sequence[KtrulesError] = ()) -> None:
        self.message = message
        self.code = code  # what kind of problem, whatever the language of the message (lint's finding codes)
        self.file = str(file) if file is not None else None
        self.line = line
        self.hint = hint
        self.more = tuple(more)  # further problems found in the same reading (every bad cell of a workbook)
        super().__init__(str(self))

    def __str__(self) -> str:
        where = ""
        if self.file:
            where = f"{self.file}:{self.line}: " if self.line else f"{self.file}: "
        hint = f"; {self.hint}" if self.hint else ""
        return _one_line(f"{where}{self.message}{hint}")

    def lines(self) -> list[str]:
        """This problem and those found with it, one line each."""
        return [str(self), *(str(other) for other in self.more)]


class RulesError(KtrulesError):
    """A rule pack that does not load: whatever the dataset, case or date asked, every run under those rules
    meets it, so a command that runs many says it once instead of once a run."""

    @classmethod
    def of(cls, exc: KtrulesError) -> RulesError:
        if isinstance(exc, RulesError):
            return exc
        return cls(exc.message, file=exc.file, line=exc.line, hint=exc.hint, code=exc.code, more=exc.more)


def os_reason(exc: OSError) -> str:
    """Why the system refused a file, in the command's language for the common cases (the system's
    own words are English)."""
    from ktrules.common.messages import t  # here: messages may one day raise a KtrulesError

    name = errno.errorcode.get(exc.errno or 0, "")
    return t(f"os.{name}") if name in _OS_REASONS else str(exc.strerror or exc)


_OS_REASONS = frozenset({"EACCES", "EPERM", "ENOTDIR", "EISDIR", "ENOSPC", "EROFS", "ENOENT", "EEXIST"})


def _one_line(text: str) -> str:
    """A key or a cell may hold a line break or a control character: shown escaped, the message stays
    one line that a terminal prints as it is."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def suggest_or_list(word: str, choices: Iterable[str], shown: int = 12, lang: str | None = None) -> str:
    """A 'did you mean' hint, else the first `shown` choices: a hint always says what would be accepted."""
    from ktrules.common.messages import t  # here: messages may one day raise a KtrulesError

    listed = sorted(set(choices))
    more = " …" if len(listed) > shown else ""
    return suggest(word, listed, lang) or t("err.known", lang, ids=", ".join(listed[:shown]) + more)


def suggest(word: str, choices: Iterable[str], lang: str | None = None, cutoff: float = 0.6) -> str | None:
    """A 'did you mean' hint for a misspelt id or key, or None when nothing is close (difflib's ratio below
    `cutoff`); in `lang`, by default the command's language."""
    # compared case-folded: `ldtt` is as close to `LDTT` as a misspelling, though difflib sees no letter alike
    folded: dict[str, str] = {}
    for choice in sorted(set(choices)):
        folded.setdefault(choice.casefold(), choice)
    close = [folded[c] for c in difflib.get_close_matches(str(word).casefold(), folded, n=3, cutoff=cutoff)]
    if not close:
        return None
    from ktrules.common.messages import t  # here: messages may one day raise a KtrulesError

    return t("err.did_you_mean", lang, words=t("err.or", lang).join(f"'{c}'" for c in close))
