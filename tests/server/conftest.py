"""A server on the bundled rules, called in process (FastAPI's TestClient), and datasets as request bodies."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from ktrules.engine.inputs import load_dataset
from ktrules.rules import DEFAULT_RULES
from ktrules.server.app import create_app
from ktrules.server.state import Settings


def serve(token: str | None = None, max_upload_mb: int = 50) -> TestClient:
    return TestClient(create_app(Settings.load(DEFAULT_RULES, token, max_upload_mb)), raise_server_exceptions=False)


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with serve() as c:
        yield c


def body(path: Path) -> bytes:
    """A dataset file of any kind (YAML, workbook, CSV folder) as the JSON a program would post."""
    data = load_dataset(path).model_dump(mode="json", exclude_none=True)
    return json.dumps(data, ensure_ascii=False).encode()


def submit(client: TestClient, files: dict | None = None, **fields: str) -> Response:
    """The start page's form sent as a browser sends it (with its CSRF token), then the run's page once it
    stops showing progress."""
    csrf = client.get("/").cookies.get("ktrules_csrf") or client.cookies["ktrules_csrf"]
    response = client.post("/runs", data={"csrf": csrf, "period": "2024", **fields}, files=files,
                           follow_redirects=False)
    if response.status_code != 303:
        return response
    for _ in range(600):  # at most a minute
        page = client.get(response.headers["location"])
        if 'http-equiv="refresh"' not in page.text:
            return page
        time.sleep(0.1)
    raise AssertionError("the run did not finish in a minute")
