"""Read a YAML or JSON file into a validated pydantic model, or fail with file, line and key.

Loading is fast on the happy path (PyYAML's C loader where present); line numbers are only
looked up, by composing the document again, when there is an error to report.
"""

from __future__ import annotations

import codecs
import io
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar

import jiter
import orjson
import yaml
from pydantic import BaseModel, ValidationError

from ktrules.common.errors import KtrulesError, os_reason, suggest
from ktrules.common.messages import LANGUAGE, counted, short_date, short_number, t

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
M = TypeVar("M", bound=BaseModel)
# Far deeper than any rule or record needs (a rule pack nests about 11 levels): deeper input is refused
# before the YAML composer, whose recursion in C crashes the process at tens of thousands of levels.
MAX_DEPTH = 64
_JSON = json.JSONDecoder()
_LONG_NUMBER = re.compile(r"-?\d{1000,}")
_WHITESPACE = re.compile(r"[ \t\n\r]*")
_SPACE_BEFORE_COLON = re.compile(r'"[ \t\n\r]+:')
_SPACE_BEFORE_COLON_BYTES = re.compile(_SPACE_BEFORE_COLON.pattern.encode())
# integers YAML 1.1 reads otherwise than a person does: a leading zero is octal (010 is 8; a staff code 012
# became 10), a colon base 60, an underscore a separator. Kept as text: an id reads as written, and a
# number is refused with what was written rather than taken wrong.
_NOT_AS_WRITTEN = re.compile(r"[-+]?(0[0-9_]+|[0-9_]*_[0-9_]*|[0-9][0-9_]*(:[0-5]?[0-9])+)")


class _Refused(ValueError):
    """A problem found while parsing that KtrulesError reports with its own words and line."""

    def __init__(self, message: str, line: int | None = None, code: str | None = None,
                 hint: str | None = None) -> None:
        super().__init__(message)
        self.message, self.line, self.code, self.hint = message, line, code, hint


class _StrictLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    """Safe loading that refuses a key given twice instead of silently keeping the last one, and an
    impossible date or an integer too long to read instead of failing with a traceback."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if isinstance(key, list | dict | set):  # `? [a]` or `{[a]: 1}`: no key a file of ours names
                raise _Refused(t("err.key_not_text"), key_node.start_mark.line + 1)
            if key in seen:
                raise _Refused(t("err.key_twice", name=key), key_node.start_mark.line + 1, "duplicate-key")
            seen.add(key)
        return super().construct_mapping(node, deep=deep)

    def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> Any:
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:
            raise _Refused(t("err.bad_date", value=node.value), node.start_mark.line + 1) from None

    def construct_yaml_float(self, node: yaml.ScalarNode) -> Any:
        if ":" in node.value or "_" in node.value:  # YAML 1.1's base 60 and separators: kept as written
            return node.value
        return super().construct_yaml_float(node)

    def construct_yaml_int(self, node: yaml.ScalarNode) -> Any:
        if _NOT_AS_WRITTEN.fullmatch(node.value):  # YAML 1.1 reads 010 as 8 and 1:30 as 90: kept as written
            return node.value
        try:
            return super().construct_yaml_int(node)
        except ValueError:
            raise _Refused(t("err.long_number", digits=len(node.value)), node.start_mark.line + 1) from None


_StrictLoader.add_constructor("tag:yaml.org,2002:timestamp", _StrictLoader.construct_yaml_timestamp)
_StrictLoader.add_constructor("tag:yaml.org,2002:int", _StrictLoader.construct_yaml_int)
_StrictLoader.add_constructor("tag:yaml.org,2002:float", _StrictLoader.construct_yaml_float)


def read_document(path: Path) -> Any:
    """Parse a .yaml/.yml/.json file; syntax errors, keys given twice, impossible dates, overlong
    numbers and nesting deeper than MAX_DEPTH become a KtrulesError with the line."""
    refuse_special(path)
    try:
        text = path.read_text(encoding="utf-8-sig")  # Notepad saves UTF-8 with a BOM
    except FileNotFoundError:
        raise KtrulesError(t("err.not_found"), file=path, hint=t("err.not_found.hint")) from None
    except UnicodeDecodeError as exc:  # the byte's line, and what to do, rather than the codec's words
        if exc.object.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):  # Notepad's "Unicode"
            raise KtrulesError(t("err.utf16"), file=path, hint=t("err.not_utf8.hint")) from None
        line = path.read_bytes()[:exc.start].count(b"\n") + 1
        raise KtrulesError(t("err.not_utf8", byte=f"0x{exc.object[exc.start]:02x}"), file=path, line=line,
                           hint=t("err.not_utf8.hint")) from None
    except OSError as exc:
        raise KtrulesError(t("err.unreadable", reason=os_reason(exc)), file=path) from None
    return parse_document(text, path)


def refuse_special(path: Path) -> None:
    """A device or a pipe (/dev/zero, a FIFO) would be read for ever: only files and folders are read."""
    if path.exists() and not path.is_file() and not path.is_dir():
        raise KtrulesError(t("err.not_a_file"), file=path, hint=t("err.not_found.hint"))


def parse_document(text: str, path: Path) -> Any:
    """Parse the text of the .yaml/.yml/.json file `path`, which need not be on disk, refusing as
    `read_document` does."""
    try:
        return _json(text) if path.suffix.lower() == ".json" else _yaml(text)
    except _Refused as exc:
        raise _refusal(exc, path) from None


def _refusal(exc: _Refused, path: Path) -> KtrulesError:
    return KtrulesError(exc.message, file=path, line=exc.line, hint=exc.hint or t("err.fix_line"), code=exc.code)


def _json(text: str) -> Any:
    """orjson reads a province several times faster than the standard library, which is asked only
    when orjson refuses the text (it names the problem better) or when a key may be given twice."""
    if not text.strip():
        raise _Refused(t("err.empty_file"), hint=t("err.empty_file.hint"))
    try:
        data = orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        _strict_json(text)
        raise _malformed_json(exc) from None
    if _too_deep(data):  # as YAML is refused: orjson reads 254 levels, past what any of our files holds
        raise _Refused(t("err.too_deep", depth=MAX_DEPTH), _too_deep_line(text))
    if _may_repeat_a_key(text, data):
        _refuse_a_key_twice(text.encode())
    return data


def _refuse_a_key_twice(raw: bytes) -> None:
    """Refuse a JSON text in which an object gives a key twice, as `_strict_json` says it, with the key and
    its line. jiter looks for one in 1.3 s at 100,000 people, where the standard library takes 2.3 s."""
    try:
        jiter.from_json(raw, catch_duplicate_keys=True)
    except ValueError:
        _strict_json(decoded(raw))


def _may_repeat_a_key(text: str, data: Any) -> bool:
    """False when no object gives a key twice: then the text holds `":` as often as the data written
    again. That needs every key to end in `":` and every quote in a string to be escaped as `\\"`;
    otherwise the answer is True and the standard library checks every object."""
    if "\\u00" in text or _SPACE_BEFORE_COLON.search(text):
        return True
    return text.count('":') != orjson.dumps(data).count(b'":')  # orjson writes 254 levels: more than MAX_DEPTH


def _no_key_twice(raw: bytes, keys: int) -> bool:
    """True when no object of the JSON text `raw` gives a key twice, `keys` being the number of keys its
    objects give, a key given twice counted once (pydantic keeps its last value). Every key is followed
    by a colon, so a text with no more colons than that has no key twice. When strings hold colons the
    keys are counted as `":` instead, which holds when no quote in a string is escaped as `\\"` before a
    colon and no key has a space before its colon. False says only that a key may be given twice."""
    if raw.count(b":") == keys:
        return True
    return b'\\":' not in raw and not _SPACE_BEFORE_COLON_BYTES.search(raw) and raw.count(b'":') == keys


def _strict_json(text: str) -> Any:
    try:
        return json.loads(text, object_pairs_hook=_unique_keys)
    except json.JSONDecodeError as exc:
        raise _malformed_json(exc) from None
    except RecursionError:
        raise _Refused(t("err.too_deep", depth=MAX_DEPTH), _too_deep_line(text)) from None
    except _Refused as exc:  # the hook names the key; its line is looked for only now
        raise _Refused(t("err.key_twice", name=exc.message), _key_twice_line(text, exc.message),
                       "duplicate-key") from None
    except ValueError:  # Python refuses to read an integer of more than 4,300 digits
        long = _LONG_NUMBER.search(text)
        raise _Refused(t("err.long_number", digits=len(long.group()) if long else "4300"),
                       _line_at(text, long.start()) if long else None) from None


def _malformed_json(exc: json.JSONDecodeError) -> _Refused:
    # the parser's words expect its place after them ("Unterminated string starting at"): the column says it
    problem = exc.msg.removesuffix(" at")
    return _Refused(t("err.malformed.at", format="JSON", problem=problem, column=exc.colno), exc.lineno)


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    mapping = dict(pairs)
    if len(mapping) < len(pairs):
        key = next(k for i, (k, _) in enumerate(pairs) if any(k == other for other, _ in pairs[:i]))
        raise _Refused(key)
    return mapping


def _yaml(text: str) -> Any:
    try:
        _check_depth(text)
        return yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        line = mark.line + 1 if mark else None
        if "maximum nesting depth" in problem:  # PyYAML 6.0.4 stops deep nesting before `_check_depth` does
            raise _Refused(t("err.too_deep", depth=MAX_DEPTH), line) from None
        if mark and ("tab" in problem or _char_at(text, mark.line, mark.column) == "\t"):
            # PyYAML says "found character that cannot start any token": the tab it cannot show
            raise _Refused(t("err.tab", column=mark.column + 1), line, hint=t("err.tab.hint")) from None
        said = t("err.malformed.at", format="YAML", problem=problem, column=mark.column + 1) if mark \
            else t("err.malformed", format="YAML", problem=problem)
        raise _Refused(said, line) from None


def _char_at(text: str, line: int, column: int) -> str:
    lines = text.split("\n")
    return lines[line][column:column + 1] if line < len(lines) else ""


def _check_depth(text: str) -> None:
    """Refuse YAML nested deeper than MAX_DEPTH, or whose aliases repeat so much of it ("billion laughs")
    that validating would never end; from the parser's events, no tree is built."""
    depth, expanded = 0, 0
    sizes: dict[str, int] = {}  # anchor -> the nodes it stands for
    started: list[tuple[str | None, int]] = []  # the open collections: (anchor, nodes before it)
    for events, event in enumerate(yaml.parse(text, Loader=_BaseLoader), start=1):
        if isinstance(event, yaml.AliasEvent):
            expanded += sizes.get(event.anchor, 1)
        elif isinstance(event, yaml.ScalarEvent):
            expanded += 1
            if event.anchor:
                sizes[event.anchor] = 1
        elif isinstance(event, yaml.CollectionStartEvent):
            depth, expanded = depth + 1, expanded + 1
            started.append((event.anchor, expanded))
            if depth > MAX_DEPTH:
                raise _Refused(t("err.too_deep", depth=MAX_DEPTH), event.start_mark.line + 1)
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
            anchor, before = started.pop()
            if anchor:
                sizes[anchor] = expanded - before + 1
        if expanded > 10 * events + 100_000:
            raise _Refused(t("err.aliases"), event.start_mark.line + 1)


def _too_deep(data: Any) -> bool:
    level = [data]
    for _ in range(MAX_DEPTH + 1):
        level = [v for node in level if isinstance(node, dict | list)
                 for v in (node.values() if isinstance(node, dict) else node)]
        if not level:
            return False
    return True


def _line_at(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _too_deep_line(text: str) -> int | None:
    """The line where JSON first nests deeper than MAX_DEPTH (strings skipped)."""
    depth = 0
    for token in re.finditer(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', text):
        if token.group() in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return _line_at(text, token.start())
        elif token.group() in "]}":
            depth -= 1
    return None


def _key_twice_line(text: str, key: str) -> int | None:
    """The line of the second `key` of the first JSON object that gives a key twice."""
    def walk(i: int) -> int | None:
        i = _WHITESPACE.match(text, i).end()  # type: ignore[union-attr]
        if text[i] == "{":
            seen: set[str] = set()
            for name, at, value in _members(text, i):
                if name in seen and name == key:
                    return _line_at(text, at)
                seen.add(name)
                found = walk(value)
                if found:
                    return found
        elif text[i] == "[":
            for value in _elements(text, i):
                found = walk(value)
                if found:
                    return found
        return None
    return walk(0)


def _skip(text: str, i: int) -> int:
    """The offset after the JSON value at `i` (and the whitespace after it)."""
    return _WHITESPACE.match(text, _JSON.raw_decode(text, i)[1]).end()  # type: ignore[union-attr]


def _members(text: str, i: int) -> Iterator[tuple[str, int, int]]:
    """(key, offset of the key, offset of the value) of each member of the JSON object at `i`."""
    i = _WHITESPACE.match(text, i + 1).end()  # type: ignore[union-attr]
    while text[i] != "}":
        key, after = _JSON.raw_decode(text, i)
        value = _WHITESPACE.match(text, _WHITESPACE.match(text, after).end() + 1).end()  # type: ignore[union-attr]
        yield key, i, value
        i = _skip(text, value)
        i = _WHITESPACE.match(text, i + 1).end() if text[i] == "," else i  # type: ignore[union-attr]


def _elements(text: str, i: int) -> Iterator[int]:
    """The offset of each element of the JSON array at `i`."""
    i = _WHITESPACE.match(text, i + 1).end()  # type: ignore[union-attr]
    while text[i] != "]":
        yield i
        i = _skip(text, i)
        i = _WHITESPACE.match(text, i + 1).end() if text[i] == "," else i  # type: ignore[union-attr]


def _json_line(text: str, loc: Sequence[str | int]) -> int:
    """The line of the node at `loc` in a JSON text, found by skipping values, not by building a tree."""
    i = _WHITESPACE.match(text, 0).end()  # type: ignore[union-attr]
    line_at = i
    for step in loc:
        if text[i] == "{":
            member = next(((at, value) for key, at, value in _members(text, i) if key == str(step)), None)
            if member is None:
                break
            line_at, i = member
        elif text[i] == "[" and isinstance(step, int):
            i = next((at for n, at in enumerate(_elements(text, i)) if n == step), -1)
            if i < 0:
                break
            line_at = i
        else:
            break
    return _line_at(text, line_at)


def line_of(path: Path, loc: Sequence[str | int]) -> int | None:
    """The line of the node at `loc` (keys and list indices) in a YAML or JSON file."""
    try:
        text = path.read_text(encoding="utf-8-sig")
        if path.suffix.lower() == ".json":
            return _json_line(text, loc)
        node = yaml.compose(text, Loader=_BaseLoader)
    except (OSError, ValueError, IndexError, yaml.YAMLError):
        return None
    line = node.start_mark.line + 1 if node else None
    for step in loc:
        if isinstance(node, yaml.MappingNode):
            match = next(((k, v) for k, v in node.value if k.value == str(step)), None)
            if match is None:
                break
            line, node = match[0].start_mark.line + 1, match[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) and step < len(node.value):
            node = node.value[step]
            line = node.start_mark.line + 1
        else:
            break
    return line


def dotted(loc: Iterable[str | int]) -> str:
    """`people[3].gender` for the pydantic location ('people', 3, 'gender')."""
    out = ""
    for step in loc:
        out += f"[{step}]" if isinstance(step, int) else (f".{step}" if out else str(step))
    return out


def placed(message: str, path: Path | None, loc: Sequence[str | int]) -> str:
    """A problem with its place (`records[200].subject`) where a line does not find it: in data a program
    holds (no `path`), and in JSON, often one line of many thousand characters."""
    return f"{dotted(loc)}: {message}" if loc and (path is None or path.suffix.lower() == ".json") else message


def validation_error(exc: ValidationError, path: Path | None, vocabulary: Iterable[str],
                     prefix: Sequence[str | int] = (), document: Any = None,
                     guide: str = "docs/records.md", missing: Mapping[str, str] | None = None) -> KtrulesError:
    """The first problem of a pydantic error as a one-line KtrulesError naming file, line and key; with no
    `path` (data a program holds, not a file), naming the key's place in `document` instead. `missing`
    says what to write for a key left out, by its name."""
    if document is None and path is None:
        document = _UNREAD
    elif document is None:
        try:
            document = read_document(path)
        except KtrulesError:
            document = _UNREAD
    errors = _places(exc.errors(), prefix, document)
    first = errors[0]
    loc = first["loc"]
    key = loc[-1] if loc else ""
    more = counted("err.more", len(errors) - 1) if len(errors) > 1 else ""
    hint = None
    if first["type"] == "extra_forbidden":
        message = placed(t("err.unknown_key", name=key), path, loc[:-1])
        hint = suggest(str(key), vocabulary) or t("err.unknown_key.hint", guide=guide)
    elif first["type"] == "missing":
        message = t("err.missing_key", where=_holder(loc, document), name=key)
        hint = (missing or {}).get(str(key)) or t("err.missing_key.hint")
    else:
        given = first.get("input")
        value = short_date(given) if isinstance(given, date) else repr(given)  # YAML reads dates itself
        shown = t("err.given", value=value) if given is not None and not isinstance(given, dict | list) else ""
        message = f"{dotted(loc)}: {value_problem(first)}{shown}"
        ctx = first.get("ctx", {})
        expected, tag = ctx.get("expected"), ctx.get("tag")
        if expected and given is not None:
            choices = _choices(expected)
            hint = suggest(str(given), choices) or t("err.use", expected=_listed(choices))
        elif tag is not None and "expected_tags" in ctx:  # a fact's op: `op: verdict_of`
            hint = suggest(str(tag), _choices(str(ctx["expected_tags"])))
        elif isinstance(given, str):
            hint = _retyped(first["type"], given)
    return KtrulesError(message + more, file=path, line=line_of(path, loc) if path else None, hint=hint)


def _retyped(kind: str, given: str) -> str | None:
    """How to write a value given as text that the field takes as a number or a date: "2024" in quotes
    (a program's JSON often quotes every value), a date as a secretary types it."""
    if kind in ("int_type", "float_type") and re.fullmatch(r"\s*-?\d+([.,]\d+)?\s*", given):
        return t("err.quoted_number.hint", value=given.strip().replace(",", "."))
    day = read_day(given) if kind.startswith("date") else None
    return t("err.date_layout.hint", day=day.isoformat()) if day else None


def _holder(loc: Sequence[str | int], document: Any) -> str:
    """Where a key is missing: a list's item that has an id named by it (a criterion among a dozen)."""
    node = document
    for step in loc[:-1]:
        node = node[step] if isinstance(node, dict | list) and _holds(node, step) else None
    if len(loc) >= 2 and isinstance(loc[-2], int) and isinstance(node, dict) and isinstance(node.get("id"), str):
        return t("err.where_id", where=dotted(loc[:-1]), id=node["id"])
    return dotted(loc)


def _holds(node: dict | list, step: str | int) -> bool:
    return step in node if isinstance(node, dict) else isinstance(step, int) and 0 <= step < len(node)


# pydantic's error types, by the message that says them in the user's language; ctx names the limit
_PROBLEMS: dict[str, tuple[str, str | None]] = {
    **dict.fromkeys(("float_parsing", "float_type", "decimal_parsing", "decimal_type", "finite_number"),
                    ("val.number", None)),
    **dict.fromkeys(("int_parsing", "int_type", "int_from_float", "int_parsing_size"), ("val.integer", None)),
    **dict.fromkeys(("bool_parsing", "bool_type"), ("val.bool", None)),
    **dict.fromkeys(("string_type", "string_unicode"), ("val.string", None)),
    **dict.fromkeys(("list_type", "tuple_type", "set_type", "iterable_type"), ("val.list", None)),
    **dict.fromkeys(("dict_type", "model_type", "model_attributes_type", "dataclass_type"), ("val.mapping", None)),
    **dict.fromkeys(("date_parsing", "date_from_datetime_parsing", "date_from_datetime_inexact", "date_type",
                     "date_future", "date_past"), ("val.date", None)),
    "missing": ("val.missing", None),  # a query parameter; a missing key of a file has its own message
    "greater_than_equal": ("val.ge", "ge"), "greater_than": ("val.gt", "gt"),
    "less_than_equal": ("val.le", "le"), "less_than": ("val.lt", "lt"),
    "string_too_short": ("val.too_short", "min_length"), "too_short": ("val.too_short", "min_length"),
    "string_too_long": ("val.too_long", "max_length"), "too_long": ("val.too_long", "max_length"),
}


# text without control characters: a Word line break pasted into Excel is \x0b, which no workbook or văn
# bản can hold (tab, newline and carriage return are text); nor the marks that turn text right to left,
# which would show a name in a decision other than it is spelt
_CONTROL = "\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\u202a-\\u202e\\u2066-\\u2069\\ufffe\\uffff"  # and the two no XML holds
PRINTABLE = rf"^[^{_CONTROL}]*$"
# a name: printable, and more than spaces and characters that show nothing. A pattern, not a Python
# validator: pydantic calling one for each of a province's 100,000 names took 0.17 s of loading
_INVISIBLE = "\\s\\u200b\\u200c\\u200d\\u2060\\ufeff"
NAME = rf"^[^{_CONTROL}]*[^{_CONTROL}{_INVISIBLE}][^{_CONTROL}]*$"


def value_problem(error: Any) -> str:
    """What is wrong with one value, in the user's language: by pydantic's error type, with the limits of
    its ctx; an error type not listed keeps pydantic's English only in English."""
    kind, ctx = error["type"], error.get("ctx") or {}
    if kind in ("literal_error", "enum") and "expected" in ctx:
        return t("val.one_of", expected=_listed(_choices(str(ctx["expected"]))))
    if kind == "string_pattern_mismatch" and ctx.get("pattern") in (PRINTABLE, NAME):
        value = error.get("input")
        if ctx["pattern"] == NAME and not (isinstance(value, str) and re.search(f"[{_CONTROL}]", value)):
            return t("ds.blank_name")
        return t("val.control", code=_control_code(value))
    if kind == "string_pattern_mismatch" and "pattern" in ctx:
        return t("val.pattern", pattern=ctx["pattern"])
    if kind == "union_tag_invalid" and {"discriminator", "tag", "expected_tags"} <= ctx.keys():
        return t("val.tag", discriminator=ctx["discriminator"], tag=ctx["tag"],
                 expected=_listed(_choices(str(ctx["expected_tags"]))))
    if kind == "union_tag_not_found" and "discriminator" in ctx:
        return t("val.no_tag", discriminator=ctx["discriminator"])
    if kind == "value_error" and "error" in ctx:
        return str(ctx["error"])  # raised by a validator of ours, already in the user's language
    given = error.get("input")
    if kind == "int_type" and isinstance(given, float) and abs(given) >= 2**63:  # 23 digits of JSON read as 1e+23
        return t("val.too_large")
    if kind in _PROBLEMS:
        key, limit = _PROBLEMS[kind]
        if limit is None:
            return t(key)
        if limit in ctx:
            # pydantic's ctx holds floats (12, not 12.0) and dates (01/01/1945 in Vietnamese)
            shown = short_number(ctx[limit]) if isinstance(ctx[limit], float) else \
                short_date(date.fromisoformat(ctx[limit])) if _ISO_DAY.fullmatch(str(ctx[limit])) else ctx[limit]
            return counted(key, ctx[limit], limit=shown) if type(ctx[limit]) is int else t(key, limit=shown,
                                                                                             n=ctx[limit])
    return str(error["msg"]) if LANGUAGE.get() == "en" else t("val.invalid")


_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def read_day(text: str) -> date | None:
    """A date as YYYY-MM-DD or as a secretary types it, dd/mm/yyyy; None when it is neither, or no day that
    exists. ASCII digits only, as the period's: strptime would read '٢٠٢٤' too."""
    if not text.isascii():
        return None
    for layout in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text.strip(), layout).date()
        except ValueError:
            pass
    return None


def _control_code(value: Any) -> str:
    found = re.search(f"[{_CONTROL}]", value) if isinstance(value, str) else None
    return f"U+{ord(found.group()):04X}" if found else "?"


def _choices(expected: str) -> list[str]:
    """The values of pydantic's `expected` ("'HTXS', 'HTT', 'HT' or 'KHT'")."""
    return [e.strip(" '") for e in expected.replace(" or ", ",").split(",") if e.strip(" '")]


def _listed(choices: Sequence[str]) -> str:
    """'HTXS', 'HTT', 'HT' hoặc 'KHT' (or, in English, 'or')."""
    quoted = [f"'{c}'" for c in choices]
    return ", ".join(quoted[:-1]) + t("err.or") + quoted[-1] if len(quoted) > 1 else "".join(quoted)


_UNREAD = object()  # a file that cannot be read again: locations stay as pydantic gives them


def _places(errors: list[Any], prefix: Sequence[str | int], document: Any) -> list[Any]:
    """The errors at their places in the file, one per place, the one to tell first first. The members
    of a union pydantic tried fail at one place (a NaN is no bool, int, float, str nor reference) or at
    a place and inside it (criteria neither a mapping by kind nor a list with a misspelt key): they are
    one error, told at the deepest place, not "and 4 more errors" that the file does not have."""
    placed = [{**e, "loc": _in_document([*prefix, *e["loc"]], document, e["type"] == "missing"),
               "type": _ROW_TYPES.get(e["type"], e["type"])} for e in errors]
    # a misspelt key is also a missing one: one mistake, said once
    misspelt = [tuple(e["loc"]) for e in placed if e["type"] == "extra_forbidden" and e["loc"]]
    placed = [e for e in placed if not (e["type"] == "missing" and e["loc"] and any(
        at[:-1] == tuple(e["loc"][:-1]) and suggest(str(at[-1]), [str(e["loc"][-1])]) for at in misspelt))]
    locs = {tuple(e["loc"]) for e in placed}
    deepest = [e for e in placed if not any(len(other) > len(e["loc"]) and other[:len(e["loc"])] == tuple(e["loc"])
                                            for other in locs)]
    # one error a place, NaN's own if it is one; a misspelt key first: it says what to fix
    first: dict[tuple, Any] = {}  # in the file's order
    for e in deepest:
        loc = tuple(e["loc"])
        if loc not in first or (e["type"] == "finite_number" != first[loc]["type"]):
            first[loc] = e
    return sorted(first.values(), key=lambda e: e["type"] != "extra_forbidden")


# a key no dataclass row takes is an unknown key, as it is of a model
_ROW_TYPES = {"unexpected_keyword_argument": "extra_forbidden"}


def _in_document(loc: Sequence[str | int], document: Any, missing: bool = False) -> list[str | int]:
    """`loc` without the steps pydantic adds that are not in the file: the union member it tried
    ('int', 'leaf', 'list[tagged-union[Leaf,Group]]') or a fact's operator; its last step kept only when
    it names a key `missing` from a mapping. `document` is the file as parsed (or `_UNREAD`)."""
    if document is _UNREAD:
        return list(loc)
    node, kept = document, []
    for i, step in enumerate(loc):
        if isinstance(node, dict):
            inside = step in node
        else:
            inside = isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node)
        if inside:
            node = node[step]
        elif i < len(loc) - 1 or not isinstance(node, dict) or not missing:
            continue
        kept.append(step)
    return kept


def json_model(raw: bytes, model: type[M], keys: Callable[[M], int], path: Path) -> M | None:
    """The model in `raw`, the bytes of the JSON file `path` that need not be on disk, validated by pydantic
    straight from the bytes, which builds no tree of dicts and lists first (twice as fast for a
    province), or None when it is not valid: reading it as `read_document` does then names the problem.
    `keys` counts the keys of every object of a validated model, each object's keys once, or fewer (a row
    keeps no record of a key given its default); when a key may be given twice, the text is read again
    (`_refuse_a_key_twice`), and refused as `read_document` would refuse it."""
    raw = raw.removeprefix(codecs.BOM_UTF8)  # Notepad saves UTF-8 with a BOM
    try:
        found = model.model_validate_json(raw)
    except ValidationError:
        return None
    if not _no_key_twice(raw, keys(found)):
        try:
            _refuse_a_key_twice(raw)
        except _Refused as exc:
            raise _refusal(exc, path) from None
    return found


def decoded(raw: bytes) -> str:
    """The text of a file's bytes, decoded as Path.read_text decodes the file (newlines made \\n), so that
    the lines counted in it are the lines `line_of` finds in the file."""
    return io.TextIOWrapper(io.BytesIO(raw), encoding="utf-8-sig").read()


def load_model(path: Path, model: type[M], vocabulary: Iterable[str], keys: Callable[[M], int] | None = None) -> M:
    """Parse and validate a file against `model`; given `keys` (see `json_model`), JSON the fast way first."""
    refuse_special(path)
    if keys is not None and path.suffix.lower() == ".json":
        try:
            found = json_model(path.read_bytes(), model, keys, path)
        except OSError:
            found = None  # read_document says why
        if found is not None:
            return found
    data = read_document(path)
    if data is None:  # YAML with nothing but comments, or nothing at all
        raise KtrulesError(t("err.empty_file"), file=path, hint=t("err.empty_file.hint"))
    if not isinstance(data, dict):
        raise KtrulesError(t("err.not_mapping"), file=path, line=1)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise validation_error(exc, path, vocabulary, document=data) from None
