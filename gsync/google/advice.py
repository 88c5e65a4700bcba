"""What a Google API error means, and what the operator should do about it: one table.

The Forms, Drive and Sheets adapters and `gsync doctor` all read a failed call the same way:
`GoogleError.of(e)` takes the HTTP status, Google's error reason and message from a
googleapiclient `HttpError` or a gspread `APIError`; `GoogleError.failure` sorts it into one
`Failure`; `advice(resource, error, who=...)` gives the fix from `ADVICE`, the one place
where an operator's advice for a Google error is written.

Pure: no Google library is imported here (errors are read by their attributes).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

from gsync.google.retry import RATE_LIMIT_REASONS, error_message, error_reason

#: Reasons Drive, Forms and Sheets give for "this account may not read/write that".
PERMISSION_REASONS = frozenset({"forbidden", "insufficientFilePermissions", "appNotAuthorizedToFile",
                                "insufficientPermissions", "PERMISSION_DENIED"})
CLOUD_CONSOLE_APIS = "https://console.cloud.google.com/apis/library/"
_DISABLED_MARKS = ("accessNotConfigured", "SERVICE_DISABLED", "has not been used in project")


class Failure(enum.Enum):
    """What kind of failure a Google error is, as far as the operator's fix goes."""

    API_DISABLED = "the API is not enabled in the Cloud project"
    QUOTA = "a quota or rate limit (429, or a rate-limit 403)"
    NOT_FOUND = "no such file, form or sheet, or not shared at all (404)"
    EXPORT_TOO_BIG = "over Google's 10 MB export limit (403 exportSizeLimitExceeded)"
    NO_PERMISSION = "shared, but not with this account or not with enough access (401/403)"
    CREDENTIALS = "the credentials were rejected (401)"
    FORBIDDEN = "refused for another reason (403)"
    BAD_REQUEST = "the request does not fit what is there (400)"
    REFUSED = "refused for this one request (another 4xx)"
    TRANSIENT = "Google's side or the network (5xx, 408): try again"


@dataclass(frozen=True)
class GoogleError:
    status: int
    reason: str = ""
    message: str = ""

    @classmethod
    def of(cls, e: BaseException) -> GoogleError | None:
        """The status, reason and message of a googleapiclient `HttpError` or a gspread
        `APIError`; None for anything else (a network failure, a bug)."""
        resp = getattr(e, "resp", None)
        if resp is not None and isinstance(getattr(e, "content", None), bytes):
            return cls.from_http(e)
        if getattr(e, "response", None) is not None and hasattr(e, "error"):
            return cls.from_gspread(e)
        return None

    @classmethod
    def from_http(cls, e: Any) -> GoogleError:
        """From a googleapiclient `HttpError` (Drive, Forms)."""
        content: bytes = e.content
        return cls(int(getattr(e.resp, "status", 0) or 0), error_reason(content), error_message(content))

    @classmethod
    def from_gspread(cls, e: Any) -> GoogleError:
        """From a gspread `APIError` (Sheets): the reason is the error's `status`
        (``PERMISSION_DENIED``) unless a detail names a finer one."""
        status = getattr(getattr(e, "response", None), "status_code", 0) or int(getattr(e, "code", 0) or 0)
        err = getattr(e, "error", None)
        err = err if isinstance(err, dict) else {}
        reason = str(err.get("status") or "")
        for d in err.get("details") or []:
            if isinstance(d, dict) and d.get("reason"):
                reason = str(d["reason"])
                break
        return cls(int(status), reason, str(err.get("message") or e))

    @property
    def failure(self) -> Failure:
        return classify(self.status, self.reason, self.message)


def classify(status: int, reason: str = "", message: str = "") -> Failure:
    """The one reading of an HTTP status and Google error reason."""
    text = f"{reason} {message}"
    if any(mark in text for mark in _DISABLED_MARKS):
        return Failure.API_DISABLED
    if status == 429 or (status == 403 and reason in RATE_LIMIT_REASONS):
        return Failure.QUOTA
    if status == 404:
        return Failure.NOT_FOUND
    if status == 403 and reason == "exportSizeLimitExceeded":
        return Failure.EXPORT_TOO_BIG
    if status in (401, 403) and reason in PERMISSION_REASONS:
        return Failure.NO_PERMISSION
    if status == 401:
        return Failure.CREDENTIALS
    if status == 403:
        return Failure.FORBIDDEN
    if status == 400:
        return Failure.BAD_REQUEST
    if 400 <= status < 500 and status != 408:
        return Failure.REFUSED
    return Failure.TRANSIENT


# the fixes several failures share
_FORM_EDITOR = "add {who} as an editor of the Form (Send > Add collaborators): only editors can read responses"
_SHARE_FOLDER = (
    "share the folder with {who} as Viewer (Share > add the address), and check [drive] folder_id "
    "(the end of the folder's address, drive.google.com/drive/folders/<id>)"
)
_SHEET_EDITOR = "open the Sheet, click Share and add {who} as Editor"
_SHEET_WRITER = (
    "share the Sheet with {who} as Editor (not Viewer or Commenter), and remove any protection on gsync's tabs"
)

#: (what was asked for, failure) -> the fix. `None` as the first key: any resource.
#: Placeholders: {who} the account gsync runs as, {where} the folder a file lives in,
#: {export} the export format, {api} the API's host name.
ADVICE: dict[tuple[str | None, Failure], str] = {
    (None, Failure.API_DISABLED): "enable the Drive, Forms and Sheets APIs in the Cloud project ("
                                  + CLOUD_CONSOLE_APIS + ")",
    (None, Failure.CREDENTIALS): "the credentials were rejected: create a new key and save it as [google] credentials",
    (None, Failure.QUOTA): "Google's quota is used up for now; run again in a few minutes",
    (None, Failure.TRANSIENT): "try again later; if it persists, check Google's status page",
    (None, Failure.FORBIDDEN): "try again later; if it persists, check Google's status page",
    (None, Failure.BAD_REQUEST): "try again later; if it persists, check Google's status page",
    (None, Failure.REFUSED): "try again later; if it persists, check Google's status page",
    (None, Failure.NOT_FOUND): "check the id in the config",
    (None, Failure.NO_PERMISSION): "share it with {who}, as for gsync sync",
    (None, Failure.EXPORT_TOO_BIG): "download it as .xlsx and upload that file instead",
    # Drive itself (doctor's first call, about.get): only the API and the credentials can be wrong
    ("drive", Failure.NOT_FOUND): "try again later; if it persists, check Google's status page",
    ("drive", Failure.NO_PERMISSION): "try again later; if it persists, check Google's status page",
    # the Form ([form] form_id)
    ("form", Failure.NOT_FOUND): (
        "use the id in the Form's edit address (its edit URL, docs.google.com/forms/d/<id>/edit), not the "
        "1FAIpQL... id of the link respondents get; and add {who} as an editor of the Form (only editors can "
        "read responses)"
    ),
    ("form", Failure.NO_PERMISSION): _FORM_EDITOR,
    ("form", Failure.FORBIDDEN): _FORM_EDITOR,
    # the QR folder ([drive] folder_id)
    ("folder", Failure.NOT_FOUND): _SHARE_FOLDER,
    ("folder", Failure.NO_PERMISSION): _SHARE_FOLDER,
    ("folder", Failure.FORBIDDEN): _SHARE_FOLDER,
    # one file in Drive (a QR-folder file or a Form upload)
    ("file", Failure.NO_PERMISSION): "share {where} with {who} as Viewer",
    ("file", Failure.EXPORT_TOO_BIG): (
        "Google cannot export it to {export} (over Google's 10 MB export limit); "
        "ไฟล์ใหญ่เกินกว่าที่ Google จะแปลงให้ได้: เปิดไฟล์แล้วเลือก ไฟล์ > ดาวน์โหลด > "
        "Microsoft Excel (.xlsx) แล้วอัปโหลดไฟล์นั้นแทน "
        "(open it, File > Download > Microsoft Excel (.xlsx), and upload that file instead)"
    ),
    # the master Sheet ([sheet] spreadsheet_id), read (and checked by doctor)
    ("sheet", Failure.NOT_FOUND): (
        "check [sheet] spreadsheet_id (the id in the Sheet's address, docs.google.com/spreadsheets/d/<id>/edit, "
        "between /d/ and /edit)"
    ),
    ("sheet", Failure.NO_PERMISSION): _SHEET_EDITOR,
    ("sheet", Failure.FORBIDDEN): _SHEET_EDITOR,
    # the master Sheet, written
    ("sheet write", Failure.NO_PERMISSION): _SHEET_WRITER,
    ("sheet write", Failure.FORBIDDEN): _SHEET_WRITER,
    ("sheet write", Failure.NOT_FOUND): (
        "the Sheet was deleted or moved to the bin; restore it or set a new [sheet] spreadsheet_id"
    ),
    ("sheet write", Failure.QUOTA): "Google's write quota is exhausted for now; run again in a few minutes",
    ("sheet write", Failure.BAD_REQUEST): (
        "a gsync tab may have been renamed, deleted or resized while gsync ran; run again "
        "(gsync re-reads the tabs), and do not rename the Thai tabs gsync owns"
    ),
    ("sheet write", Failure.TRANSIENT): "Google had a problem; run again later",
    ("sheet write", Failure.REFUSED): "Google had a problem; run again later",
    ("sheet write", Failure.CREDENTIALS): "Google had a problem; run again later",
}


def advice(resource: str | None, error: GoogleError | Failure, *, who: str = "the Google account in "
           "[google] credentials", where: str = "", export: str = ".xlsx") -> str:
    """The fix for `error` when asking for `resource` ("form", "folder", "file", "sheet",
    "sheet write"), from `ADVICE`."""
    failure = error if isinstance(error, Failure) else error.failure
    if failure is Failure.API_DISABLED and isinstance(error, GoogleError):
        for api in ("drive", "forms", "sheets"):
            if api in error.message.lower():
                return f"enable the API in the Cloud project: {CLOUD_CONSOLE_APIS}{api}.googleapis.com"
    text = ADVICE.get((resource, failure)) or ADVICE[(None, failure)]
    return text.format(who=who, where=where, export=export)
