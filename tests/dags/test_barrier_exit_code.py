"""Exit codes 3 (auth barrier, rate limit) and 2 (bad input) of the scraper fail the task without
retries, saying why; exit 1 keeps the retries."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest


def _pod_status(exit_code: int) -> Any:
    terminated = SimpleNamespace(exit_code=exit_code)
    status = SimpleNamespace(name="base", state=SimpleNamespace(terminated=terminated))
    return SimpleNamespace(status=SimpleNamespace(container_statuses=[status]))


@pytest.mark.parametrize(
    ("exit_code", "expected"),
    [(3, "AirflowFailException"), (2, "AirflowFailException"), (1, "AirflowException")],
)
def test_exit_codes_3_and_2_are_not_retried(
    dag: Any, monkeypatch: pytest.MonkeyPatch, exit_code: int, expected: str
) -> None:
    from airflow.exceptions import AirflowException
    from airflow.providers.cncf.kubernetes.operators.pod import KubernetesPodOperator

    from scraper.orchestration.pods import PipelinePodOperator

    operator = dag.task_dict["upload"]
    assert isinstance(operator, PipelinePodOperator)

    def failing_execute(self: Any, context: Any) -> None:
        self.pod = SimpleNamespace(metadata=SimpleNamespace(name="scrape-abc"))
        raise AirflowException("Pod scrape-abc returned a failure")

    monkeypatch.setattr(KubernetesPodOperator, "execute", failing_execute)
    monkeypatch.setattr(
        PipelinePodOperator,
        "pod_manager",
        SimpleNamespace(read_pod=lambda pod: _pod_status(exit_code)),
        raising=False,
    )
    with pytest.raises(AirflowException) as info:
        operator.execute({})
    assert type(info.value).__name__ == expected
    if exit_code == 3:
        assert "auth barrier or rate limit" in str(info.value) and "uploaded and synced" in str(info.value)
    if exit_code == 2:
        assert "bad input (exit code 2)" in str(info.value)
