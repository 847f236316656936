"""`ktrules serve` as an administrator starts it: the address printed, loopback without a token, any other
address with one generated and required."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import time

import httpx
import pytest
import uvicorn
from click.testing import CliRunner
from fastapi.testclient import TestClient

from ktrules.cli import cli


def test_serve_on_loopback_prints_the_address_and_answers_there() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "ktrules", "serve", "--port", str(port), "--lang", "en"],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None
        assert server.stdout.readline().strip() == f"ktrules is serving: open http://127.0.0.1:{port}/"
        for _ in range(300):
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        assert health.json()["status"] == "ok"
    finally:
        server.terminate()
        server.wait(10)


def test_serve_off_loopback_generates_prints_and_requires_a_token(monkeypatch: pytest.MonkeyPatch) -> None:
    started = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: started.update(app=app, **kw))  # no socket opened
    result = CliRunner().invoke(cli, ["serve", "--host", "0.0.0.0", "--port", "8123", "--lang", "en"])
    assert result.exit_code == 0, result.output
    token = re.search(r"\?token=(\S+)", result.output).group(1)
    assert f"Access token (send as 'Authorization: Bearer …'): {token}" in result.output
    assert started["host"] == "0.0.0.0" and started["port"] == 8123
    with TestClient(started["app"]) as client:
        assert client.get("/api/health").status_code == 401
        assert client.get("/api/health", headers={"Authorization": f"Bearer {token}"}).status_code == 200


def test_the_printed_address_opens_with_a_token_that_needs_encoding(monkeypatch: pytest.MonkeyPatch) -> None:
    started = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: started.update(app=app, **kw))
    monkeypatch.setenv("KTRULES_TOKEN", "ab+c d&e")
    result = CliRunner().invoke(cli, ["serve", "--host", "0.0.0.0", "--port", "8124", "--lang", "en"])
    address = re.search(r"open (\S+)", result.output).group(1)
    assert address == "http://0.0.0.0:8124/?token=ab%2Bc+d%26e"
    with TestClient(started["app"]) as client:
        opened = client.get(address.removeprefix("http://0.0.0.0:8124"), follow_redirects=False)
        assert opened.status_code == 303 and client.get(opened.headers["location"]).status_code == 200


def test_serve_refuses_a_rules_folder_that_is_not_one(tmp_path) -> None:  # noqa: ANN001
    result = CliRunner().invoke(cli, ["serve", "--rules", str(tmp_path), "--lang", "en"])
    assert result.exit_code == 2 and "no such rule pack folder" in result.output


def test_serve_on_loopback_answers_only_its_own_names(monkeypatch: pytest.MonkeyPatch) -> None:
    started = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: started.update(app=app, **kw))
    assert CliRunner().invoke(cli, ["serve"]).exit_code == 0
    with TestClient(started["app"], base_url="http://127.0.0.1:8000") as client:
        assert client.get("/api/health").status_code == 200
        assert client.get("/api/health", headers={"host": "localhost:8000"}).status_code == 200
        assert client.get("/api/health", headers={"host": "[::1]:8000"}).status_code == 200
        assert client.get("/api/health", headers={"host": "LocalHost:8000"}).status_code == 200  # no case
        # a page elsewhere whose name was pointed at 127.0.0.1 (DNS rebinding) is refused, as a problem
        refused = client.get("/api/health", headers={"host": "evil.example:8000"})
        assert refused.status_code == 400 and refused.headers["content-type"] == "application/problem+json"
        assert refused.json()["detail"].startswith("máy chủ này chỉ trả lời theo địa chỉ của chính nó")
