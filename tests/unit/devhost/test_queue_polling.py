"""How far an idle queue listener backs off: N workers share one poll per interval."""

from __future__ import annotations

import threading

import pytest

from devhost.app_loader import FunctionSpec
from devhost.config import QueueOptions
from devhost.queues import QueueListener

CONNECTION = (
    "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=a2V5;"
    "QueueEndpoint=http://127.0.0.1:1/devstoreaccount1;"
)  # never contacted: building a listener makes no request


@pytest.mark.parametrize(("workers", "longest"), [(None, 2.0), ("1", 2.0), ("2", 4.0)])
def test_each_of_n_workers_backs_off_to_n_intervals(
    monkeypatch: pytest.MonkeyPatch, workers: str | None, longest: float
) -> None:
    monkeypatch.setenv("AzureWebJobsStorage", CONNECTION)
    if workers is None:
        monkeypatch.delenv("DEVHOST_WORKERS", raising=False)
    else:
        monkeypatch.setenv("DEVHOST_WORKERS", workers)
    trigger = {"type": "queueTrigger", "name": "msg", "queueName": "jobs"}
    spec = FunctionSpec("process", "queueTrigger", trigger, [trigger], print)
    listener = QueueListener(spec, QueueOptions(max_polling_interval=2.0), threading.Event())
    assert listener.longest_backoff == longest
    listener.pool.shutdown()
