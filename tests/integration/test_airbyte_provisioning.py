"""Airbyte provisioning against a spec-checking stand-in of the public API on 127.0.0.1.

(The sync is the Airflow provider's operator: tests/dags/test_airbyte_tasks.py runs it.)"""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from scraper.airbyte.client import AirbyteClient, AirbyteWritesForbidden
from scraper.airbyte.config import S3SourceSettings
from scraper.airbyte.provision import APPEND, DEDUP, WORKSPACE_NAME, Provisioner, WarehouseSettings
from scraper.errors import AirbyteError
from tests.integration.airbyte_api import CLIENT_ID, CLIENT_SECRET, PREFIX, FakeAirbyte, running_fake_airbyte

S3 = S3SourceSettings(
    bucket="linkedin-profiles",
    endpoint="http://seaweedfs.pipeline.svc:8333",
    access_key_id="kind-access-key",
    secret_access_key="kind-secret-key-123",
)
WAREHOUSE = WarehouseSettings(
    host="warehouse.pipeline.svc",
    database="warehouse",
    username="pipeline",
    password="warehouse-password-123",
)


@pytest.fixture
def airbyte() -> Iterator[FakeAirbyte]:
    with running_fake_airbyte() as server:
        yield server


def client_for(server: FakeAirbyte, secret: str = CLIENT_SECRET) -> AirbyteClient:
    """Read from the connection the way the DAG reads `airbyte_default` (the pair the provider needs)."""
    return AirbyteClient.from_connection(
        f"{server.url}{PREFIX}", CLIENT_ID, secret, "v1/applications/token", backoff_s=0.01
    )


def test_first_ensure_creates_three_objects_second_creates_none(airbyte: FakeAirbyte) -> None:
    first = Provisioner(client_for(airbyte)).ensure(S3, WAREHOUSE)
    assert first.created == [
        "source linkedin-profiles-s3",
        "destination linkedin-warehouse-postgres",
        "connection linkedin-profiles-to-warehouse",
    ]
    writes_after_first = len(airbyte.writes())
    second = Provisioner(client_for(airbyte)).ensure(S3, WAREHOUSE)
    assert second.connection_id == first.connection_id
    assert second.created == [] and second.updated == []
    assert len(airbyte.writes()) == writes_after_first == 3
    connection = airbyte.connections[first.connection_id]
    assert connection["schedule"] == {"scheduleType": "manual"}
    stream = connection["configurations"]["streams"][0]
    assert stream["syncMode"] == DEDUP and stream["primaryKey"] == [["profile_id"], ["scraped_at"]]
    source = next(iter(airbyte.sources.values()))
    assert source["definitionId"] == "69589781-7828-43c5-9f63-8925b1c1ccc2"
    assert source["configuration"]["streams"][0]["globs"] == ["linkedin/profiles/**/*.jsonl"]


def test_drift_is_updated_in_place(airbyte: FakeAirbyte) -> None:
    Provisioner(client_for(airbyte)).ensure(S3, WAREHOUSE)
    source_id = next(iter(airbyte.sources))
    airbyte.sources[source_id]["configuration"]["bucket"] = "someone-changed-this"
    report = Provisioner(client_for(airbyte)).ensure(S3, WAREHOUSE)
    assert report.created == [] and report.updated == ["source linkedin-profiles-s3"]
    assert airbyte.sources[source_id]["configuration"]["bucket"] == "linkedin-profiles"
    assert airbyte.writes()[-1] == ("PATCH", f"/api/public/v1/sources/{source_id}")


def test_new_columns_of_the_record_reach_the_destination_without_a_manual_step(airbyte: FakeAirbyte) -> None:
    """The connection propagates non-breaking schema changes, and one made before that is updated."""
    report = Provisioner(client_for(airbyte)).ensure(S3, WAREHOUSE)
    connection = airbyte.connections[report.connection_id]
    assert connection["nonBreakingSchemaUpdatesBehavior"] == "propagate_columns"
    connection["nonBreakingSchemaUpdatesBehavior"] = "ignore"  # Airbyte's default: an older provisioning
    again = Provisioner(client_for(airbyte)).ensure(S3, WAREHOUSE)
    assert again.updated == ["connection linkedin-profiles-to-warehouse"]
    assert connection["nonBreakingSchemaUpdatesBehavior"] == "propagate_columns"


def test_append_when_dedup_is_not_offered(airbyte: FakeAirbyte) -> None:
    airbyte.sync_modes = ["full_refresh_append", "incremental_append"]
    report = Provisioner(client_for(airbyte)).ensure(S3, WAREHOUSE)
    stream = airbyte.connections[report.connection_id]["configurations"]["streams"][0]
    assert stream["syncMode"] == APPEND and "primaryKey" not in stream


def test_an_expired_token_is_refreshed(airbyte: FakeAirbyte) -> None:
    client = client_for(airbyte)
    Provisioner(client).ensure(S3, WAREHOUSE)
    airbyte.expire_tokens()
    assert Provisioner(client).ensure(S3, WAREHOUSE).created == []
    assert [p for m, p in airbyte.calls if p.endswith("/applications/token")] == [
        "/api/public/v1/applications/token"
    ] * 2


def test_a_5xx_is_retried(airbyte: FakeAirbyte) -> None:
    airbyte.fail_next = [503, 502]
    report = Provisioner(client_for(airbyte)).ensure(S3, WAREHOUSE)
    assert len(report.created) == 3


def test_a_slow_first_discover_is_waited_for_once_with_a_log_line_while_it_runs(
    airbyte: FakeAirbyte, caplog: pytest.LogCaptureFixture
) -> None:
    """On a fresh cluster GET /streams answers only after Airbyte has pulled the source-s3 image and
    run a discover pod: far beyond the client's timeout for other calls."""
    airbyte.discover_s = 1.5
    client = AirbyteClient.from_connection(
        f"{airbyte.url}{PREFIX}", CLIENT_ID, CLIENT_SECRET, "v1/applications/token",
        backoff_s=0.01, timeout_s=0.5, wait_log_every_s=0.3,
    )  # fmt: skip
    with caplog.at_level(logging.INFO, logger="scraper.airbyte.client"):
        report = Provisioner(client).ensure(S3, WAREHOUSE)
    assert len(report.created) == 3
    assert [c for c in airbyte.calls if c[1].endswith("/streams")] == [("GET", f"{PREFIX}/streams")]
    assert airbyte.discovers_at_once == 1
    assert any(
        "still waiting for GET" in r.getMessage() and "discover" in r.getMessage() for r in caplog.records
    )


def test_a_discover_that_never_answers_is_not_sent_again(airbyte: FakeAirbyte) -> None:
    airbyte.discover_s = 1.0
    client = AirbyteClient.from_connection(
        f"{airbyte.url}{PREFIX}", CLIENT_ID, CLIENT_SECRET, "v1/applications/token",
        backoff_s=0.01, timeout_s=0.2, slow_timeout_s=0.3,
    )  # fmt: skip
    with pytest.raises(AirbyteError, match=r"GET .*/streams: no answer within 0 s .*not sent again"):
        Provisioner(client).ensure(S3, WAREHOUSE)
    assert len([c for c in airbyte.calls if c[1].endswith("/streams")]) == 1


def test_without_a_client_pair_an_airbyte_with_auth_off_is_provisioned_without_tokens(
    airbyte: FakeAirbyte,
) -> None:
    airbyte.auth, airbyte.forbid_writes = False, True  # #76439 strikes only under application tokens
    client = AirbyteClient.from_connection(f"{airbyte.url}{PREFIX}", "", "", None, backoff_s=0.01)
    assert len(Provisioner(client).ensure(S3, WAREHOUSE).created) == 3
    assert airbyte.token_requests() == []


def test_a_client_id_without_its_secret_is_a_clear_error() -> None:
    with pytest.raises(AirbyteError, match="both or neither"):
        AirbyteClient.from_connection("http://127.0.0.1:9/api/public/v1", CLIENT_ID, "", None)


def test_persistent_5xx_gives_up_with_a_clear_error(airbyte: FakeAirbyte) -> None:
    airbyte.fail_next = [503] * 10
    with pytest.raises(AirbyteError, match=r"GET .*/workspaces failed after 4 attempts: HTTP 503"):
        Provisioner(client_for(airbyte)).ensure(S3, WAREHOUSE)


def test_wrong_client_secret_is_a_clear_error(airbyte: FakeAirbyte) -> None:
    with pytest.raises(AirbyteError, match="refused the client credentials") as info:
        Provisioner(client_for(airbyte, secret="wrong")).ensure(S3, WAREHOUSE)
    assert "wrong" not in str(info.value) and CLIENT_SECRET not in str(info.value)


def test_a_token_url_airbyte_does_not_serve_names_the_working_pair(airbyte: FakeAirbyte) -> None:
    client = AirbyteClient.from_connection(
        f"{airbyte.url}{PREFIX}", CLIENT_ID, CLIENT_SECRET, "/applications/token", backoff_s=0.01
    )
    with pytest.raises(AirbyteError, match=r"HTTP 404: .*host …/api/public/v1 .*v1/applications/token"):
        Provisioner(client).ensure(S3, WAREHOUSE)
    assert airbyte.token_requests() == ["/applications/token"]


def test_a_401_on_a_fresh_token_is_a_clear_error(airbyte: FakeAirbyte) -> None:
    client = client_for(airbyte)
    Provisioner(client).ensure(S3, WAREHOUSE)
    airbyte.fail_next = [401, 401]
    with pytest.raises(AirbyteError, match="rejected a fresh token .* 401"):
        Provisioner(client).ensure(S3, WAREHOUSE)


def test_a_fresh_airbyte_without_a_workspace_gets_one_by_name_once(airbyte: FakeAirbyte) -> None:
    airbyte.workspaces.clear()
    first = Provisioner(client_for(airbyte)).ensure(S3, WAREHOUSE)
    assert first.created[0] == f"workspace {WORKSPACE_NAME}"
    assert [w["name"] for w in airbyte.workspaces] == [WORKSPACE_NAME]
    second = Provisioner(client_for(airbyte)).ensure(S3, WAREHOUSE)
    assert second.created == [] and second.connection_id == first.connection_id
    assert len(airbyte.workspaces) == 1
    workspace_id = airbyte.workspaces[0]["workspaceId"]
    assert {s["workspaceId"] for s in airbyte.sources.values()} == {workspace_id}


def test_the_named_workspace_is_preferred_over_others(airbyte: FakeAirbyte) -> None:
    airbyte.workspaces.append(
        {**airbyte.workspaces[0], "workspaceId": "0b8e7c1e-0000-4000-8000-000000000001"}
    )
    airbyte.workspaces[-1]["name"] = WORKSPACE_NAME
    Provisioner(client_for(airbyte)).ensure(S3, WAREHOUSE)
    assert {s["workspaceId"] for s in airbyte.sources.values()} == {"0b8e7c1e-0000-4000-8000-000000000001"}


def test_writes_refused_under_a_token_that_reads_fail_at_once_naming_the_known_issue(
    airbyte: FakeAirbyte,
) -> None:
    airbyte.forbid_writes = True
    with pytest.raises(AirbyteWritesForbidden) as info:
        Provisioner(client_for(airbyte)).ensure(S3, WAREHOUSE)
    message = str(info.value)
    assert "403" in message and "airbytehq/airbyte/issues/76439" in message and "\n" not in message
    assert info.value.exit_code == 1
    # One refused POST, no retries.
    assert [c for c in airbyte.calls if c[0] == "POST" and "token" not in c[1]] == [
        ("POST", f"{PREFIX}/sources")
    ]


def test_the_stand_in_rejects_requests_outside_the_spec(airbyte: FakeAirbyte) -> None:
    client = client_for(airbyte)
    with pytest.raises(AirbyteError, match="HTTP 400"):
        client.request("POST", "jobs", json={"connectionId": "not-checked", "jobType": "explode"})
    assert any("request POST /api/public/v1/jobs" in v for v in airbyte.violations)
    airbyte.violations.clear()  # the fixture's own check is for the tests above


def test_cli_ensure_prints_the_connection_id(
    airbyte: FakeAirbyte, tmp_path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from scraper.cli import main

    config = tmp_path / "airbyte.yaml"
    config.write_text(
        f"airbyte: {{api_url: '{airbyte.api_url}'}}\n"
        "s3: {bucket: linkedin-profiles, endpoint: 'http://seaweedfs.pipeline.svc:8333'}\n"
        "warehouse: {host: warehouse.pipeline.svc, database: warehouse, username: pipeline}\n"
    )
    for key, value in {
        "AIRBYTE_CLIENT_ID": CLIENT_ID,
        "AIRBYTE_CLIENT_SECRET": CLIENT_SECRET,
        "WAREHOUSE_PASSWORD": "warehouse-password-123",
    }.items():
        monkeypatch.setenv(key, value)
    assert main(["airbyte", "ensure", "--config", str(config)]) == 0
    assert capsys.readouterr().out.strip() == next(iter(airbyte.connections))
    monkeypatch.delenv("WAREHOUSE_PASSWORD")
    assert main(["airbyte", "ensure", "--config", str(config)]) == 2
