"""gsync.google.call: the one way every adapter, the poster and the doctor call Google (issue 22).

Real googleapiclient and gspread errors (built as the libraries build them from an HTTP answer),
and the poster's Forms call against the Google fake."""

from __future__ import annotations

import json
from typing import Any

import httplib2
import pytest
import requests
from googleapiclient.errors import HttpError
from gspread.exceptions import APIError

from gsync import poster
from gsync.errors import SinkError, SourceError
from gsync.google.advice import Failure
from gsync.google.call import CallFailed, call
from gsync.testing.province import api_settings, google_clients


def http_error(status: int, reason: str, message: str) -> HttpError:
    body = json.dumps({"error": {"code": status, "message": message, "errors": [{"reason": reason}]}}).encode()
    return HttpError(httplib2.Response({"status": status}), body)


def api_error(status: int, message: str) -> APIError:
    resp = requests.Response()
    resp.status_code = status
    resp._content = json.dumps({"error": {"code": status, "message": message, "status": "NOT_FOUND"}}).encode()
    return APIError(resp)


def fail(e: Exception) -> Any:
    def fn() -> Any:
        raise e
    return fn


def test_a_refusal_is_googles_answer_sorted_by_advice() -> None:
    with pytest.raises(CallFailed) as got:
        call(fail(http_error(403, "rateLimitExceeded", "Rate limit exceeded")))
    assert (got.value.status, got.value.failure) == (403, Failure.QUOTA)
    assert str(got.value.failed("Google Drive files.list")) == (
        "Google Drive files.list failed: HTTP 403 rateLimitExceeded Rate limit exceeded; "
        "nothing was written, run gsync again later")


def test_a_gspread_refusal_is_read_the_same_way() -> None:
    with pytest.raises(CallFailed) as got:
        call(fail(api_error(404, "Requested entity was not found.")))
    assert (got.value.status, got.value.failure) == (404, Failure.NOT_FOUND)


def test_no_answer_is_the_network_said_in_one_line() -> None:
    failed = None
    try:
        call(fail(ConnectionResetError(104, "Connection reset by peer")))
    except CallFailed as e:
        failed = e
    assert failed is not None and failed.google is None
    line = failed.failed("Google Sheets values.batchUpdate", then="the next run redoes this write", error=SinkError)
    assert isinstance(line, SinkError)
    assert str(line) == ("Google Sheets values.batchUpdate failed: ConnectionResetError: [Errno 104] Connection reset "
                         "by peer; the next run redoes this write")


def test_the_callers_words_replace_the_failure() -> None:
    with pytest.raises(SourceError, match=r"^\[form\] gone$"):
        call(fail(http_error(404, "notFound", "Requested entity was not found.")),
             lambda failed: SourceError("[form] gone") if failed.failure is Failure.NOT_FOUND else failed)


def test_a_bug_is_not_taken_for_googles_answer() -> None:
    with pytest.raises(KeyError):
        call(fail(KeyError("responderUri")), lambda failed: SourceError("never"))


def test_the_posters_missing_form_is_one_line_with_the_advice_of_every_command(google_server) -> None:  # type: ignore[no-untyped-def]
    _, base_url = google_server
    settings = api_settings(form_id="1NoSuchFormAtAll")
    with pytest.raises(SourceError) as got:
        poster.online_form(settings, google_clients(base_url))
    assert str(got.value) == (
        "[form] form_id 1NoSuchFormAtAll: Google Forms forms.get found nothing (404); use the id in the Form's "
        "edit address (its edit URL, docs.google.com/forms/d/<id>/edit), not the 1FAIpQL... id of the link "
        "respondents get; and add the Google account in [google] credentials as an editor of the Form (only "
        "editors can read responses)")
