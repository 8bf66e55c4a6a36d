"""/health/: the database, the worker's queue and the scheduler's last tick, for an operator's
monitor; 503 as soon as something is late or failing; nothing about anyone."""

import uuid
from datetime import datetime, timedelta
from typing import Any
from unittest import mock

import pytest
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

from notifications.models import Tick
from relationships.models import Membership

from ..conftest import client_for

URL = "/health/"


def _tick(minutes_ago: float, *, finished: bool = True) -> Tick:
    at = timezone.now() - timedelta(minutes=minutes_ago)
    return Tick.objects.create(started_at=at - timedelta(seconds=3), finished_at=at if finished else None)


def _task(
    *, waiting_for: timedelta, run_after: datetime | None = None, status: str = "READY"
) -> DBTaskResult[Any, Any]:
    task = DBTaskResult.objects.create(
        id=uuid.uuid4(),
        status=status,
        args_kwargs={"args": [], "kwargs": {}},
        task_path="accounts.tasks.send",
        backend_name="default",
        run_after=run_after or get_date_max(),
    )
    DBTaskResult.objects.filter(pk=task.pk).update(enqueued_at=timezone.now() - waiting_for)
    return task


def _report(client: Client | None = None) -> tuple[int, dict[str, Any]]:
    response = (client or Client()).get(URL)
    assert response["Content-Type"] == "application/json"
    assert "no-store" in response["Cache-Control"]
    return response.status_code, response.json()


def test_the_address_is_health(db: None) -> None:
    assert reverse("notifications:health") == URL


def test_all_well_is_200_ok(db: None) -> None:
    tick = _tick(1)
    status, report = _report()
    assert status == 200
    assert report == {
        "status": "ok",
        "database": "ok",
        "queue_age_seconds": 0,
        "last_tick": tick.finished_at.isoformat() if tick.finished_at else None,
    }


def test_no_tick_yet_is_late(db: None) -> None:
    status, report = _report()
    assert status == 503
    assert report["status"] == "late"
    assert report["last_tick"] is None


def test_a_tick_older_than_a_quarter_of_an_hour_is_late(db: None) -> None:
    _tick(16)
    status, report = _report()
    assert (status, report["status"]) == (503, "late")
    _tick(14)
    assert _report()[0] == 200


def test_a_tick_still_running_does_not_count_as_the_last_one(db: None) -> None:
    finished = _tick(20)
    _tick(0.5, finished=False)
    status, report = _report()
    assert (status, report["status"]) == (503, "late")
    assert report["last_tick"] == (finished.finished_at.isoformat() if finished.finished_at else None)


def test_a_task_waiting_too_long_is_late(db: None) -> None:
    _tick(1)
    _task(waiting_for=timedelta(minutes=20))
    _task(waiting_for=timedelta(minutes=2))
    status, report = _report()
    assert (status, report["status"]) == (503, "late")
    assert 1195 <= report["queue_age_seconds"] <= 1205


def test_a_task_waiting_a_little_is_ok(db: None) -> None:
    _tick(1)
    _task(waiting_for=timedelta(minutes=2))
    status, report = _report()
    assert status == 200
    assert 115 <= report["queue_age_seconds"] <= 125


def test_a_retry_waits_from_its_backoff_and_finished_or_future_tasks_do_not_count(db: None) -> None:
    _tick(1)
    now = timezone.now()
    _task(waiting_for=timedelta(hours=2), run_after=now - timedelta(minutes=1))  # retried, due a minute ago
    _task(waiting_for=timedelta(hours=3), run_after=now + timedelta(minutes=5))  # waiting for its backoff
    _task(waiting_for=timedelta(hours=4), status="SUCCESSFUL")
    _task(waiting_for=timedelta(hours=4), status="FAILED")
    status, report = _report()
    assert status == 200
    assert 55 <= report["queue_age_seconds"] <= 65


def test_a_database_that_does_not_answer_is_503_never_500(db: None) -> None:
    with mock.patch.object(BaseDatabaseWrapper, "cursor", side_effect=OperationalError("gone")):
        status, report = _report(Client(raise_request_exception=False))
    assert status == 503
    assert report == {"status": "failing", "database": "failing", "queue_age_seconds": None, "last_tick": None}


def test_it_says_nothing_about_anyone(ben: Membership) -> None:
    _tick(1)
    signed_out = _report()
    signed_in = _report(client_for(ben))
    assert signed_out == signed_in
    assert set(signed_out[1]) == {"status", "database", "queue_age_seconds", "last_tick"}


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_only_reading_is_allowed(db: None, method: str) -> None:
    assert getattr(Client(), method)(URL).status_code == 405
