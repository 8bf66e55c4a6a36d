"""The 500 page says only what is known (issue 10): a server error can come after a save or
before it, so it never claims that nothing was lost; and the problem is logged, as it says."""

import logging

import pytest
from django.test import Client


@pytest.mark.urls("tests.test_security")
def test_the_500_page_says_only_what_is_known(db: None, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = Client(raise_request_exception=False).get("/boom/")
    assert response.status_code == 500
    page = response.content.decode()
    assert "lost" not in page.lower()
    assert "may or may not have gone through" in page
    assert "reload the page to see where things stand" in page
    # "Noted for us to look into": the error is in the log.
    assert any(record.levelno == logging.ERROR and record.name == "django.request" for record in caplog.records)
