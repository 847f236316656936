"""The JSON API as a program calls it: the same answers as the commands, errors as problem details,
the upload limit, the token, and no way to name a file."""

from __future__ import annotations

import gzip
import io
import json
import shutil
import zipfile
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from fastapi.testclient import TestClient

from ktrules.cli import cli
from ktrules.rules import DEFAULT_RULES
from ktrules.server.api import NOTICES_LIMIT
from ktrules.server.app import create_app
from ktrules.server.state import Settings
from tests.conftest import DEPARTMENT, FIXTURES, SMALL
from tests.server.conftest import body, serve, submit

DATASETS = FIXTURES / "datasets"


def _campaign_runs() -> list[tuple[Path, int, str | None]]:
    """(dataset, period, campaign) of every bundled campaign case, so each campaign dataset is checked
    against the campaign it was written for."""
    found = set()
    for path in sorted((FIXTURES / "cases" / "campaigns").rglob("*.yaml")):
        for case in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            if isinstance(case.get("dataset"), str):
                found.add(((path.parent / case["dataset"]).resolve(), case["period"], case.get("campaign")))
    return sorted(found, key=str)


RUNS = [(path, period, None) for path in (SMALL, DEPARTMENT, DATASETS / "so-khcn-binh-dinh.xlsx",
                                          DATASETS / "small-csv") for period in (2023, 2024)] + _campaign_runs()


def _cli(*args: object) -> str:
    result = CliRunner().invoke(cli, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_every_fixture_dataset_is_checked_by_a_campaign_run() -> None:
    checked = {path.name for path, _, campaign in RUNS if campaign}
    assert checked == {p.name for p in (DATASETS / "campaigns").glob("*.yaml")}


@pytest.mark.parametrize(("path", "period", "campaign"), RUNS,
                         ids=[f"{p.name}-{y}-{c or 'vn'}" for p, y, c in RUNS])
def test_check_answers_exactly_what_the_command_prints(client: TestClient, path: Path, period: int,
                                                       campaign: str | None) -> None:
    extra = ["--campaign", campaign] if campaign else []
    printed = _cli("check", path, "--period", period, "--format", "json", *extra)
    response = client.post("/api/check", params={"period": period, **({"campaign": campaign} if campaign else {})},
                           content=body(path))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    assert response.text == printed
    assert json.loads(response.text)  # not an empty list: the comparison saw verdicts


def test_check_narrows_by_award_and_subject_and_speaks_english(client: TestClient) -> None:
    response = client.post("/api/check", params=[("period", 2024), ("award", "LDTT"), ("subject", "p22"),
                                                 ("subject", "p29"), ("lang", "en")], content=body(DEPARTMENT))
    rows = response.json()
    assert sorted((r["subject"], r["award"], r["verdict"]) for r in rows) == [
        ("p22", "LDTT", "not_eligible"), ("p29", "LDTT", "eligible")]
    assert {r["award_name"] for r in rows} == {"Advanced Worker"}
    assert response.text == _cli("check", DEPARTMENT, "--period", 2024, "--award", "LDTT", "--subject", "p22",
                                 "--subject", "p29", "--lang", "en", "--format", "json")


def test_explain_and_rank_answer_what_the_commands_print(client: TestClient) -> None:
    explained = client.post("/api/explain", params={"period": 2024, "subject": "p13", "award": "CSTDCS"},
                            content=body(DEPARTMENT))
    assert explained.status_code == 200
    assert explained.text == _cli("explain", DEPARTMENT, "--period", 2024, "--subject", "p13", "--award", "CSTDCS",
                                  "--format", "json")
    assert any(c["cite"] for c in explained.json()[0]["criteria"])
    ranked = client.post("/api/rank", params={"period": 2023, "award": "CSTDCS"}, content=body(DEPARTMENT))
    assert ranked.text == _cli("rank", DEPARTMENT, "--period", 2023, "--award", "CSTDCS", "--format", "json")
    assert ranked.json()[0]["rank"] == 1


def test_rules_health_and_the_schema(client: TestClient) -> None:
    assert client.get("/api/rules", params={"as_of": "2024-06-30"}).text == _cli(
        "rules", "--as-of", "2024-06-30", "--format", "json")
    # as the command line takes it, a date as a secretary types it
    assert client.get("/api/rules", params={"as_of": "30/06/2024"}).text == _cli(
        "rules", "--as-of", "30/06/2024", "--format", "json")
    bad_day = _problem(client.get("/api/rules", params={"as_of": "31/02/2024", "lang": "en"}), 400)
    assert bad_day["detail"] == ("query parameter 'as_of': Input should be a date that exists, as YYYY-MM-DD or "
                                 "dd/mm/yyyy (given: '31/02/2024')")
    assert bad_day["hint"].startswith("write it as YYYY-MM-DD or dd/mm/yyyy")
    health = client.get("/api/health")
    assert health.json()["status"] == "ok" and "vn/2024" in health.json()["rules"]
    assert client.get("/api/health?lang=en").json() == health.json()  # as every call, it takes lang
    assert client.get("/api/health?lang=fr").status_code == 400
    assert client.head("/api/health").status_code == 200  # as a monitor asks
    assert health.headers["x-ktrules-version"]
    schema = client.get("/openapi.json").json()
    assert "/api/check" in schema["paths"]
    operations = {op["operationId"]: op for item in schema["paths"].values() for op in item.values()}
    assert operations.keys() == {"check", "explain", "rank", "rules", "health"}
    refusals = [answer for op in operations.values() for status, answer in op["responses"].items() if status >= "4"]
    assert refusals and all(answer["content"] == {"application/problem+json": {"schema": {
        "$ref": "#/components/schemas/Problem"}}} for answer in refusals)
    assert {"type", "title", "status", "detail", "file", "line", "hint"} <= \
        schema["components"]["schemas"]["Problem"]["properties"].keys()
    assert schema["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    described = {(path, p["name"]): p.get("description") for path, item in schema["paths"].items()
                 for operation in item.values() for p in operation.get("parameters", [])}
    assert described["/api/rules", "as_of"].endswith("default every version.")
    assert described["/api/check", "as_of"].endswith("default the period's last day.")
    assert described["/api/rank", "award"] != described["/api/explain", "subject"]
    assert "people" in schema["components"]["schemas"]["Dataset"]["properties"]  # from the pydantic model
    # a reference is checked against the ids given, not the pattern again, yet a client is shown the pattern
    subject = schema["components"]["schemas"]["Record"]["properties"]["subject"]
    assert subject["pattern"] == schema["components"]["schemas"]["Person"]["properties"]["id"]["pattern"]
    docs = client.get("/docs").text
    assert "/static/swagger/swagger-ui-bundle.js" in docs and "cdn" not in docs.lower()
    assert client.get("/static/swagger/swagger-ui-bundle.js").status_code == 200


def _problem(response, status: int) -> dict:  # noqa: ANN001
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == status and "\n" not in problem["detail"] and "Traceback" not in problem["detail"]
    return problem


def test_a_rules_call_refused_speaks_the_language_asked_for(client: TestClient) -> None:
    english = _problem(client.get("/api/rules", params={"as_of": "1900-01-01", "lang": "en"}), 422)
    assert english["title"] == "Unprocessable content"
    assert english["detail"].startswith("vn: no rule version of pack 'vn' is in force on 1900-01-01")
    vietnamese = _problem(client.get("/api/rules", params={"as_of": "1900-01-01"}), 422)
    assert "không có phiên bản quy định nào" in vietnamese["detail"]


def test_the_api_speaks_its_lang_parameter_not_the_pages_cookie(client: TestClient) -> None:
    refused = _problem(client.post("/api/check?period=2024&award=FOO", content=body(SMALL),
                                   headers={"cookie": "lang=en"}), 422)
    assert refused["title"] == "Dữ liệu không xử lý được"
    assert refused["detail"].startswith("không có danh hiệu, hình thức 'FOO'") and refused["hint"].startswith("các mã")
    english = _problem(client.post("/api/check?period=2024&award=FOO&lang=en", content=body(SMALL),
                                   headers={"cookie": "lang=vi"}), 422)
    assert english["title"] == "Unprocessable content" and english["hint"].startswith("known: ")


def test_a_dataset_error_is_the_commands_one_line_message_as_a_problem(client: TestClient, write) -> None:  # noqa: ANN001
    text = SMALL.read_text(encoding="utf-8").replace("gender: female", "gender: femal", 1)
    broken = write("broken.yaml", text)
    data = yaml.safe_load(text)
    problem = _problem(client.post("/api/check?period=2024&lang=en", content=json.dumps(data, default=str)), 422)
    printed = CliRunner().invoke(cli, ["check", str(broken), "--period", "2024", "--lang", "en"]).output
    # the same message as the CLI's, but for the name of the file and its line (YAML there, JSON here)
    assert problem["detail"].split(": ", 1)[1] == printed.removeprefix("Error: ").strip().split(": ", 1)[1]
    assert problem["file"] == "dataset.json" and "did you mean 'female'" in problem["hint"]
    vietnamese = _problem(client.post("/api/check?period=2024", content=json.dumps(data, default=str)), 422)
    assert "có phải 'female'" in vietnamese["hint"]  # the API speaks Vietnamese unless asked otherwise


def test_a_parameter_given_twice_is_refused_not_read_as_the_last(client: TestClient) -> None:
    twice = _problem(client.post("/api/check?period=2024&period=2023&lang=en", content=body(SMALL)), 400)
    assert twice["detail"] == "the parameter 'period' is given more than once (2024, 2023); give 'period' once"
    assert twice["title"] == "Bad request" and twice["hint"] == "give 'period' once"
    vietnamese = _problem(client.post("/api/check?period=2024&period=2023", content=body(SMALL)), 400)
    assert vietnamese["title"] == "Yêu cầu không hợp lệ" and "được ghi nhiều lần" in vietnamese["detail"]
    repeated = client.post("/api/check?period=2024&award=LDTT&award=CSTDCS&subject=p01", content=body(SMALL))
    assert repeated.status_code == 200 and {r["award"] for r in repeated.json()} == {"LDTT", "CSTDCS"}


def test_a_workbook_or_yaml_body_is_refused_as_no_json(client: TestClient) -> None:
    workbook = (DATASETS / "so-khcn-binh-dinh.xlsx").read_bytes()
    refused = _problem(client.post("/api/check?period=2024&lang=en", content=workbook), 415)
    assert refused["detail"].startswith("the body is a workbook or zip file") and "web page" in refused["hint"]
    as_json = _problem(client.post("/api/check?period=2024&lang=en", content=workbook,
                                   headers={"content-type": "application/json"}), 415)
    assert as_json["detail"] == refused["detail"] and "application/json)" not in as_json["detail"]
    yaml_body = _problem(client.post("/api/check?period=2024", content=SMALL.read_bytes(),
                                     headers={"content-type": "application/yaml"}), 415)
    assert yaml_body["title"] == "Định dạng không được nhận" and "utf-8" not in yaml_body["detail"].lower()


def test_a_compressed_body_is_refused_as_such(client: TestClient) -> None:
    packed = gzip.compress(body(SMALL))
    refused = _problem(client.post("/api/check?period=2024&lang=en", content=packed,
                                   headers={"content-encoding": "gzip"}), 415)
    assert refused["detail"] == "the content encoding 'gzip' is not supported; send the body uncompressed"
    plain = client.post("/api/check?period=2024", content=body(SMALL), headers={"content-encoding": "identity"})
    assert plain.status_code == 200


def test_an_unknown_address_or_method_is_said_in_the_callers_language(client: TestClient) -> None:
    missing = _problem(client.get("/api/nothing"), 404)
    assert (missing["title"], missing["detail"]) == ("Không tìm thấy", "không có trang hoặc lệnh gọi '/api/nothing'")
    wrong = _problem(client.get("/api/check?lang=en"), 405)
    assert wrong["detail"] == "'/api/check' does not take GET"


def test_malformed_json_and_bad_options_are_problems(client: TestClient) -> None:
    malformed = _problem(client.post("/api/check?lang=en&period=2024", content=b'{"organization": {"id": "x",'), 422)
    assert malformed["detail"].startswith("dataset.json:1: malformed JSON")
    assert _problem(client.post("/api/check?lang=en&period=2024", content=b"[1, 2]"), 422)["line"] == 1
    for nothing in (b"", b" \n"):
        empty = _problem(client.post("/api/rank?lang=en&period=2024&award=LDTT", content=nothing), 422)
        assert empty["detail"] == ("dataset.json: the request body is empty; send the dataset as JSON in the body, "
                                   "with 'Content-Type: application/json'")
    unknown = _problem(client.post("/api/check?lang=en&period=2024&award=LDT", content=body(SMALL)), 422)
    assert "did you mean 'LDTT'" in unknown["detail"]
    assert "'period'" in _problem(client.post("/api/check?lang=en", content=body(SMALL)), 400)["detail"]
    assert _problem(client.post("/api/check?period=abc&lang=en", content=body(SMALL)), 400)["detail"] == \
        "query parameter 'period': Input should be a valid integer (given: 'abc')"
    for year in ("2024.0", "２０２４"):  # as the command line refuses them
        assert _problem(client.post(f"/api/check?period={year}", content=body(SMALL)), 400)["detail"] == \
            f"tham số 'period' (query): phải là một số nguyên (giá trị: '{year}')"
    vietnamese = _problem(client.post("/api/check?period=abc", content=body(SMALL)), 400)
    assert vietnamese["detail"] == "tham số 'period' (query): phải là một số nguyên (giá trị: 'abc')"
    assert vietnamese["hint"] == "xem các tham số ở /docs"
    assert _problem(client.post("/api/check", content=body(SMALL)), 400)["detail"] == \
        "tham số 'period' (query): bắt buộc phải có"
    assert _problem(client.post("/api/check?period=2024&lang=fr", content=body(SMALL)), 400)
    nobody = _problem(client.post("/api/explain?lang=en&period=2024&subject=p01&award=TTLDXS", content=body(SMALL)),
                      422)
    assert nobody["detail"].startswith("TTLDXS is a collective's award; 'p01' is a person")


@pytest.mark.parametrize("query", ["rules=/etc", "dataset=/etc/passwd", "path=../rules", "out=/tmp/x.html"])
def test_no_request_can_name_a_file(client: TestClient, query: str) -> None:
    name = query.split("=")[0]
    problem = _problem(client.post(f"/api/check?period=2024&{query}", content=body(SMALL)), 400)
    assert problem["detail"].startswith(f"không nhận tham số truy vấn '{name}'; ")  # Vietnamese unless asked
    assert problem["hint"].startswith("lệnh gọi này nhận: as_of, award, campaign, lang, period, subject; ")
    english = _problem(client.post(f"/api/check?period=2024&lang=en&{query}", content=body(SMALL)), 400)
    assert english["detail"].startswith(f"unknown query parameter '{name}'; ")
    assert english["hint"].startswith("this call takes as_of, award, campaign, lang, period, subject; ")
    assert _problem(client.get(f"/api/rules?{query}"), 400)


def test_a_dataset_naming_a_path_is_refused_as_a_dataset(client: TestClient) -> None:
    problem = _problem(client.post("/api/check?period=2024&lang=en", content=json.dumps("/etc/passwd")), 422)
    assert "expected a mapping" in problem["detail"]


def test_a_body_over_the_limit_is_refused_with_413() -> None:
    with serve(max_upload_mb=1) as small:
        fits = small.post("/api/check?period=2024", content=body(DEPARTMENT))
        assert fits.status_code == 200
        problem = _problem(small.post("/api/check?period=2024", content=b" " * (2**20 + 1)), 413)
        assert problem["detail"] == "dữ liệu gửi lên vượt giới hạn 1 MB"
        english = _problem(small.post("/api/check?period=2024&lang=en", content=b" " * (2**20 + 1)), 413)
        assert english["detail"] == "the upload is larger than the limit of 1 MB"

        def chunks():  # no Content-Length: the limit is counted as the body arrives
            for _ in range(3):
                yield b" " * 2**19
        assert _problem(small.post("/api/check?period=2024", content=chunks()), 413)


def test_a_zip_that_unpacks_over_the_limit_is_refused() -> None:
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("Cán bộ.csv", "x" * (3 * 2**20))  # compresses to a few kilobytes
    with serve(max_upload_mb=1) as small:
        page = submit(small, files={"dataset": ("ho-so.zip", packed.getvalue(), "application/zip")})
    assert page.status_code == 422
    assert "ho-so.zip: các tệp CSV giải nén ra hơn 1 MB; chia nhỏ hồ sơ hoặc tăng --max-upload-mb" in page.text


def test_the_token_is_required_when_set() -> None:
    with serve(token="s3cret-token") as guarded:
        assert _problem(guarded.get("/api/health"), 401)["detail"].startswith("cần mã truy cập: gửi 'Authorization")
        assert _problem(guarded.get("/api/health?lang=en"), 401)["detail"].startswith("a token is required")
        assert _problem(guarded.get("/api/health", headers={"Authorization": "Bearer wrong"}), 401)
        assert _problem(guarded.get("/", headers={"Authorization": "Bearer s3cret-token-and-more"}), 401)
        assert _problem(guarded.post("/api/check?period=2024", content=body(SMALL)), 401)
        assert guarded.get("/api/health", headers={"Authorization": "Bearer s3cret-token"}).status_code == 200
        # a browser opens the printed address once; the cookie carries the token from then on
        first = guarded.get("/rules?token=s3cret-token&lang=en", follow_redirects=False)
        assert first.status_code == 303 and first.headers["location"] == "/rules?lang=en"
        assert guarded.get("/rules").status_code == 200


def test_a_browser_refused_by_a_guard_is_shown_a_page_not_json() -> None:
    browser = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
    with serve(token="s3cret-token") as guarded:
        page = guarded.get("/?lang=en", headers=browser)
        assert page.status_code == 401 and page.headers["content-type"].startswith("text/html")
        assert "open the address `ktrules serve` printed" in page.text and page.headers["www-authenticate"] == "Bearer"
        assert _problem(guarded.get("/api/health", headers=browser), 401)  # the API answers programs alike
    with TestClient(create_app(Settings.load(DEFAULT_RULES, None, 50, hosts=("127.0.0.1",)))) as foreign:
        page = foreign.get("/", headers=browser)
        assert page.status_code == 400 and "máy chủ này chỉ trả lời theo địa chỉ của chính nó" in page.text
        assert page.headers["content-type"].startswith("text/html")


def test_a_wrong_token_is_said_to_be_wrong() -> None:
    with serve(token="s3cret-token") as guarded:
        wrong = _problem(guarded.get("/api/health?lang=en", headers={"Authorization": "Bearer s3cret-tokem"}), 401)
        assert wrong["detail"] == "the token sent is wrong; use the one `ktrules serve` printed"
        assert _problem(guarded.get("/rules?token=nope&lang=en"), 401)["detail"].startswith("the token sent is wrong")
        missing = _problem(guarded.get("/api/health?lang=en"), 401)
        assert missing["detail"].startswith("a token is required")


def test_an_api_call_with_the_token_in_its_address_is_refused_not_redirected() -> None:
    with serve(token="s3cret-token") as guarded:
        posted = guarded.post("/api/check?period=2024&lang=en&token=s3cret-token", content=body(SMALL),
                              follow_redirects=False)
        problem = _problem(posted, 401)
        assert problem["detail"] == ("the API does not take the token in the address (?token=): "
                                     "send 'Authorization: Bearer <token>'")
        assert posted.headers["www-authenticate"] == "Bearer"
        sent = guarded.post("/api/check?period=2024", content=body(SMALL),
                            headers={"Authorization": "Bearer s3cret-token"})
        assert sent.status_code == 200


def test_every_answer_carries_the_version_header_refusals_included() -> None:
    def stamped(response) -> bool:  # noqa: ANN001
        return bool(response.headers.get("x-ktrules-version")) and \
            response.headers.get("x-content-type-options") == "nosniff"

    with serve(token="s3cret-token", max_upload_mb=1) as guarded:
        assert stamped(guarded.get("/api/health"))  # 401
        assert stamped(guarded.get("/rules?token=s3cret-token", follow_redirects=False))  # 303
        big = guarded.post("/api/check?period=2024", content=b" " * (2**20 + 1),
                           headers={"Authorization": "Bearer s3cret-token"})
        assert big.status_code == 413 and stamped(big)
    app = create_app(Settings.load(DEFAULT_RULES, None, 50, hosts=("127.0.0.1",)))
    with TestClient(app) as foreign:  # its Host header is 'testserver'
        refused = foreign.get("/api/health")
        assert refused.status_code == 400 and stamped(refused)
    app = create_app(Settings.load(DEFAULT_RULES, None, 50))

    @app.get("/api/broken")
    def broken() -> None:
        raise ValueError("a bug")
    with TestClient(app, raise_server_exceptions=False) as client:
        failed = _problem(client.get("/api/broken"), 500)
        assert stamped(client.get("/api/broken")) and "a bug" not in failed["detail"]


def test_binding_off_loopback_generates_a_token() -> None:
    from ktrules.server.security import access_token

    assert access_token("127.0.0.1", None) is None and access_token("::1", None) is None
    assert access_token("localhost", "given") == "given"
    generated = access_token("0.0.0.0", None)
    assert generated and len(generated) >= 32 and generated != access_token("0.0.0.0", None)
    assert access_token("192.168.1.10", "mine") == "mine"


def test_an_error_in_one_request_does_not_touch_the_next(client: TestClient) -> None:
    from concurrent.futures import ThreadPoolExecutor

    good, bad = body(DEPARTMENT), b'{"organization": 1}'
    expected = client.post("/api/check?period=2024", content=good).text
    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(lambda b: client.post("/api/check?period=2024", content=b), [good, bad] * 4))
    assert [a.status_code for a in answers] == [200, 422] * 4
    assert all(a.text == expected for a in answers[::2])


def test_rules_with_no_version_in_force_are_the_error_given_before_the_body_is_read(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(DEFAULT_RULES, rules)
    (rules / "vn" / "2017.yaml").unlink()  # the 2023 campaign includes what vn/2017 held
    with TestClient(create_app(Settings.load(rules, None, 50, 1)), raise_server_exceptions=False) as client:
        answer = client.post("/api/check?period=2023&campaign=tay-ninh-2023&lang=en",
                             content=body(DATASETS / "campaigns" / "tay-ninh-2023.yaml"),
                             headers={"content-type": "application/json"})
    assert answer.status_code == 422
    assert "no rule version of pack 'vn' is in force on 2023-12-31" in answer.json()["detail"]


def test_what_the_command_prints_beside_its_json_comes_in_a_header(client: TestClient) -> None:
    answer = client.post("/api/check?period=2024&lang=en", content=body(DEPARTMENT))
    notices = json.loads(answer.headers["x-ktrules-notices"])
    assert any("the records name campaigns that no rule pack holds: 'ntm-2021-2025'" in n for n in notices)
    empty = client.post("/api/check?period=2030&lang=en", content=body(DEPARTMENT))
    assert empty.status_code == 200 and empty.json() == []  # the command's stdout, as ever
    assert json.loads(empty.headers["x-ktrules-notices"])[0].startswith("no verdict for 2030: no one has a record")
    printed = CliRunner().invoke(cli, ["check", str(DEPARTMENT), "--period", "2030", "--format", "json",
                                       "--lang", "en"])
    assert json.loads(empty.headers["x-ktrules-notices"]) == printed.stderr.splitlines()
    unranked = client.post("/api/rank?period=2030&award=CSTDCS&lang=en", content=body(DEPARTMENT))
    assert unranked.json() == [] and json.loads(unranked.headers["x-ktrules-notices"]) == printed.stderr.splitlines()


def test_the_notices_header_stays_within_what_a_proxy_takes_whatever_the_names(client: TestClient) -> None:
    data = yaml.safe_load(SMALL.read_text(encoding="utf-8"))
    for i in range(12):  # staff without a 2024 row, whose names are long: the notice lists ten of them
        data["people"].append({"id": f"x{i:02d}", "name": "Nguyễn Thị Hồng Nhung " * 60, "unit": "vp"})
        data["records"].append({"subject": f"x{i:02d}", "year": 2023, "rating": "HTT"})
    answer = client.post("/api/check?period=2024&lang=en", content=json.dumps(data, default=str).encode())
    assert answer.status_code == 200, answer.text
    header = answer.headers["x-ktrules-notices"]
    assert header.isascii() and len(header) <= NOTICES_LIMIT
    absent, campaigns = json.loads(header)
    assert absent.startswith("Note: people on the staff list without a record of 2024 (13)") and absent.endswith("…")
    assert campaigns.startswith("Note: the records name campaigns that no rule pack holds") and "…" not in campaigns
