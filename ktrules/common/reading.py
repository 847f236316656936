"""Read a YAML or JSON file into a validated pydantic model, or fail with file, line and key.

Loading is fast on the happy path (PyYAML's C loader where present); line numbers are only
looked up, by composing the document again, when there is an error to report.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from ktrules.common.errors import KtrulesError, suggest

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
M = TypeVar("M", bound=BaseModel)


class _StrictLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    """Safe loading that refuses a key given twice instead of silently keeping the last one."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"key '{key}' is given twice", key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def read_document(path: Path) -> Any:
    """Parse a .yaml/.yml/.json file; syntax errors become a KtrulesError with the line."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise KtrulesError("file not found", file=path, hint="check the path") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise KtrulesError(f"cannot read the file ({exc})", file=path) from None
    if path.suffix.lower() == ".json":
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise KtrulesError(f"malformed JSON: {exc.msg}", file=path, line=exc.lineno,
                               hint="fix the syntax at that line") from None
    try:
        return yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        twice = "given twice" in problem
        raise KtrulesError(problem if twice else f"malformed YAML: {problem}", file=path,
                           line=mark.line + 1 if mark else None,
                           hint="keep one of them" if twice else "fix the syntax at that line") from None


def line_of(path: Path, loc: Sequence[str | int]) -> int | None:
    """The line of the node at `loc` (keys and list indices) in a YAML or JSON file."""
    try:
        node = yaml.compose(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    except (OSError, yaml.YAMLError):
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


def validation_error(exc: ValidationError, path: Path, vocabulary: Iterable[str],
                     prefix: Sequence[str | int] = ()) -> KtrulesError:
    """The first problem of a pydantic error as a one-line KtrulesError naming file, line and key."""
    # a misspelt key also shows as a missing one: name the misspelling, it says what to fix
    errors = sorted(exc.errors(), key=lambda e: e["type"] != "extra_forbidden")
    first = errors[0]
    loc = _in_document(path, [*prefix, *first["loc"]])
    key = loc[-1] if loc else ""
    more = f" (and {len(errors) - 1} more problem{'s' * (len(errors) > 2)})" if len(errors) > 1 else ""
    hint = None
    if first["type"] == "extra_forbidden":
        message = f"unknown key '{key}'"
        hint = suggest(str(key), vocabulary) or "remove it or check the format in the README"
    elif first["type"] == "missing":
        message = f"{dotted(loc)}: missing key '{key}'"
        hint = "add it"
    else:
        given = first.get("input")
        shown = f" (given: {given!r})" if given is not None and not isinstance(given, dict | list) else ""
        message = f"{dotted(loc)}: {first['msg']}{shown}"
        expected = first.get("ctx", {}).get("expected")
        if expected and given is not None:
            choices = [e.strip(" '") for e in expected.replace(" or ", ",").split(",")]
            hint = suggest(str(given), choices) or f"use {expected}"
    return KtrulesError(message + more, file=path, line=line_of(path, loc), hint=hint)


def _in_document(path: Path, loc: Sequence[str | int]) -> list[str | int]:
    """`loc` without the steps pydantic adds that are not in the file: the union member it tried
    ('int', 'leaf', 'list[tagged-union[Leaf,Group]]') or a fact's operator."""
    try:
        node: Any = read_document(path)
    except KtrulesError:
        return list(loc)
    kept: list[str | int] = []
    for i, step in enumerate(loc):
        if isinstance(node, dict):
            inside = step in node
        else:
            inside = isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node)
        if inside:
            node = node[step]
        elif i < len(loc) - 1:
            continue  # the last step may name a key that is missing: keep it
        kept.append(step)
    return kept


def load_model(path: Path, model: type[M], vocabulary: Iterable[str]) -> M:
    """Parse and validate a file against `model`."""
    data = read_document(path)
    if not isinstance(data, dict):
        raise KtrulesError("expected a mapping of keys at the top of the file", file=path, line=1)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise validation_error(exc, path, vocabulary) from None
