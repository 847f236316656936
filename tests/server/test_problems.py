"""Problem details never show where the server keeps its rules: a path under that folder is said from the
folder on (the pack's name)."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient

from ktrules.common.errors import KtrulesError
from ktrules.rules import DEFAULT_RULES
from ktrules.server.problems import from_error
from tests.conftest import SMALL
from tests.server.conftest import body


def test_a_rules_error_names_the_pack_not_the_servers_folder(client: TestClient) -> None:
    for lang, words in (("vi", "không có phiên bản quy định nào của bộ 'vn'"), ("en", "no rule version of pack 'vn'")):
        answer = client.post(f"/api/check?period=1990&lang={lang}", content=body(SMALL))
        assert answer.status_code == 422, answer.text
        problem = answer.json()
        assert problem["file"] == "vn" and problem["detail"].startswith(f"vn: {words}"), problem
        assert str(DEFAULT_RULES.resolve().parent) not in answer.text


def test_paths_under_the_rules_folder_are_made_relative_and_others_kept() -> None:
    rules = DEFAULT_RULES.resolve()
    error = KtrulesError(f"no rule under {rules} reads it", file=rules / "vn" / "2024.yaml", line=3,
                         hint=f"see {rules / 'vn'}")
    problem = json.loads(from_error(error, "en", rules).body)
    assert problem["file"] == "vn/2024.yaml" and problem["hint"] == "see vn"
    assert problem["detail"] == "vn/2024.yaml:3: no rule under rules reads it; see vn"
    kept = json.loads(from_error(KtrulesError("bad", file="dataset.json"), "en", rules).body)
    assert kept["file"] == "dataset.json" and kept["detail"] == "dataset.json: bad"
