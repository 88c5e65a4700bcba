"""The one table from a Google error to the operator's fix (gsync/google/advice.py).

Expected values are written out by hand.
"""

from __future__ import annotations

import pytest

from gsync.google.advice import ADVICE, Failure, GoogleError, advice, classify

F = Failure


@pytest.mark.parametrize(("status", "reason", "message", "expected"), [
    (404, "notFound", "File not found: 1x.", F.NOT_FOUND),
    (403, "insufficientFilePermissions", "", F.NO_PERMISSION),
    (403, "PERMISSION_DENIED", "The caller does not have permission", F.NO_PERMISSION),
    (401, "forbidden", "", F.NO_PERMISSION),
    (401, "authError", "Invalid Credentials", F.CREDENTIALS),
    (401, "", "", F.CREDENTIALS),
    (403, "userRateLimitExceeded", "", F.QUOTA),
    (403, "rateLimitExceeded", "", F.QUOTA),
    (429, "", "", F.QUOTA),
    (403, "exportSizeLimitExceeded", "", F.EXPORT_TOO_BIG),
    (403, "accessNotConfigured", "Drive API has not been used in project 12 before or it is disabled", F.API_DISABLED),
    (403, "SERVICE_DISABLED", "", F.API_DISABLED),
    (403, "domainPolicy", "", F.FORBIDDEN),
    (403, "", "", F.FORBIDDEN),
    (400, "badRequest", "", F.BAD_REQUEST),
    (410, "", "", F.REFUSED),
    (408, "", "", F.TRANSIENT),
    (500, "backendError", "", F.TRANSIENT),
    (503, "", "", F.TRANSIENT),
], ids=["404", "403-file-permission", "403-sheets-permission", "401-forbidden", "401-auth", "401-bare",
        "403-user-rate", "403-rate", "429", "export-too-big", "api-disabled", "service-disabled", "403-policy",
        "403-bare", "400", "410", "408", "500", "503"])
def test_classify(status, reason, message, expected):
    assert classify(status, reason, message) is expected


def test_every_failure_has_advice_for_any_resource():
    assert {f for (resource, f) in ADVICE if resource is None} == set(Failure)


def test_advice_names_the_account_and_the_place():
    who = "gsync@lampang.iam.gserviceaccount.com"
    assert advice("folder", GoogleError(404, "notFound"), who=who) == (
        "share the folder with gsync@lampang.iam.gserviceaccount.com as Viewer (Share > add the address), and check "
        "[drive] folder_id (the end of the folder's address, drive.google.com/drive/folders/<id>)")
    assert advice("file", GoogleError(403, "forbidden"), who=who, where="the QR folder") == (
        "share the QR folder with gsync@lampang.iam.gserviceaccount.com as Viewer")
    assert advice("sheet", F.NO_PERMISSION, who=who) == (
        "open the Sheet, click Share and add gsync@lampang.iam.gserviceaccount.com as Editor")
    assert advice("sheet write", F.QUOTA) == "Google's write quota is exhausted for now; run again in a few minutes"
    assert advice("form", GoogleError(404, "notFound")).startswith(
        "use the id in the Form's edit address (its edit URL, docs.google.com/forms/d/<id>/edit)")


def test_a_disabled_api_is_named():
    err = GoogleError(403, "accessNotConfigured",
                      "Google Forms API has not been used in project 1234 before or it is disabled.")
    assert advice("form", err) == ("enable the API in the Cloud project: "
                                   "https://console.cloud.google.com/apis/library/forms.googleapis.com")
    assert advice("sheet", GoogleError(403, "SERVICE_DISABLED", "")) == (
        "enable the Drive, Forms and Sheets APIs in the Cloud project (https://console.cloud.google.com/apis/library/)")


def test_resource_without_its_own_entry_falls_back():
    assert advice("folder", F.QUOTA) == "Google's quota is used up for now; run again in a few minutes"
    assert advice("sheet write", F.TRANSIENT) == "Google had a problem; run again later"
    assert advice("drive", F.CREDENTIALS) == (
        "the credentials were rejected: create a new key and save it as [google] credentials")


def test_google_error_of_reads_both_client_libraries():
    import httplib2
    import requests
    from googleapiclient.errors import HttpError
    from gspread.exceptions import APIError

    body = (b'{"error": {"code": 403, "message": "The user does not have sufficient permissions for this file.",'
            b' "errors": [{"reason": "insufficientFilePermissions"}]}}')
    http = HttpError(httplib2.Response({"status": 403}), body)
    assert GoogleError.of(http) == GoogleError(
        403, "insufficientFilePermissions", "The user does not have sufficient permissions for this file.")

    response = requests.Response()
    response.status_code = 403
    response._content = (b'{"error": {"code": 403, "message": "The caller does not have permission",'
                         b' "status": "PERMISSION_DENIED"}}')
    assert GoogleError.of(APIError(response)) == GoogleError(403, "PERMISSION_DENIED", "The caller does not have permission")
    assert GoogleError.of(OSError("connection reset")) is None
