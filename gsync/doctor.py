"""`gsync doctor`: check, before the first sync, that everything a config names can be reached.

One `Check` per line: what was found, and on failure what to do. Reads only: nothing is
written anywhere (not even the state). Covers the offline parts (the CSV and its header,
the inbox folder, the workbook's folder, the state's folder) and the Google parts
(credentials, the Form and its questions, the Drive folder, the master Sheet and the write
access to it), and says when gsync was given more access than it needs.
"""

from __future__ import annotations

import csv
import io
import os
import stat
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from gsync import thai
from gsync.config import Settings
from gsync.errors import GsyncError
from gsync.google.advice import GoogleError, advice

if TYPE_CHECKING:  # the Google libraries are imported only when a Google part is configured
    from gsync.google.clients import GoogleClients

FOLDER = "application/vnd.google-apps.folder"


class Check(NamedTuple):
    ok: bool
    what: str
    fix: str = ""  # on a failure: what to do; on a pass: advice (printed, does not fail)


def run_doctor(settings: Settings, google: GoogleClients | None = None) -> list[Check]:
    """Every check for this config. `google`: a `GoogleClients` (built here from the config
    when None and a Google part is configured)."""
    out = [_config(settings)]
    out += _offline(settings)
    if settings.uses_google():
        out += _google(settings, google)
    from gsync.remind.doctor import checks as reminder_checks  # LINE token, SMTP login, contacts

    out += reminder_checks(settings, Check)
    return out


def format_checks(checks: list[Check]) -> list[str]:
    lines = []
    for c in checks:
        lines.append(f"{'✓' if c.ok else '✗'} {c.what}")
        if c.fix:
            lines.append(f"    {'→' if not c.ok else '!'} {c.fix}")
    return lines


# --- offline ----------------------------------------------------------------------------------


def _config(s: Settings) -> Check:
    where = s.source_file or "config"
    return Check(True, f"config {where}: province {s.province.name}, fiscal year {s.fiscal_year}, "
                       f"{len(s.districts)} district(s)")


def _offline(s: Settings) -> list[Check]:
    out: list[Check] = []
    if s.form is not None and s.form.csv is not None:
        out += _form_csv(s, s.form.csv)
    if s.drive is not None and s.drive.path is not None:
        p = s.drive.path
        if p.is_dir():
            n = sum(1 for f in p.rglob("*") if f.is_file())
            out.append(_emptied(s, n) or Check(True, f"[drive] path {p}: a folder with {n} file(s)"))
        else:
            out.append(Check(False, f"[drive] path {p}: {'not a folder' if p.exists() else 'does not exist'}",
                             "create the folder, or set [drive] path to the folder the district files are copied to"))
    if s.sheet.path is not None:
        out.append(_writable(s.sheet.path, "[sheet] path", "the master workbook"))
    out.append(_writable(s.state.path, "[state] path", "gsync's state"))
    return out


def _emptied(s: Settings, n: int) -> Check | None:
    """An empty folder that `gsync sync` would refuse (the last good run saw files): the same words."""
    from gsync.sync import COUNTS_KEY, _collapse_message

    before = _last_counts(s.state.path, COUNTS_KEY).get("drive")
    if n or not isinstance(before, int) or before <= 0:
        return None
    main, _, fix = _collapse_message(s, "drive", 0, before).partition(": nothing was written. ")
    return Check(False, f"{main}: gsync sync will refuse to run", fix)


def _last_counts(path: Path, key: str) -> dict[str, object]:
    """What the last good sync counted per channel, read-only from its state (empty if none)."""
    from gsync.state import peek

    value = peek(path, key)
    return value if isinstance(value, dict) else {}


def _writable(path: Path, key: str, what: str) -> Check:
    if path.exists() and not os.access(path, os.W_OK):
        return Check(False, f"{key} {path}: {what} exists but cannot be written",
                     f"give the user running gsync write permission: chmod u+w {path}")
    folder = path.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent  # gsync creates missing folders below the first existing one
    if not os.access(folder, os.W_OK | os.X_OK):
        return Check(False, f"{key} {path}: the folder {folder} is not writable",
                     f"give the user running gsync write permission on {folder}, or choose another {key}")
    return Check(True, f"{key} {path}: {what} can be written")


def _form_csv(s: Settings, path: Path) -> list[Check]:
    from gsync.parse.sniff import decode_text
    from gsync.sources.forms_csv import EMAIL_TITLES, TIMESTAMP_TITLES

    assert s.form is not None
    try:
        rows = list(csv.reader(io.StringIO(decode_text(path.read_bytes()))))
    except FileNotFoundError:
        return [Check(False, f"[form] csv {path}: not found",
                      "download the responses CSV from the Form (Responses > Download responses) and save it there")]
    except OSError as e:
        return [Check(False, f"[form] csv {path}: cannot be read ({e.strerror})", f"check the file's permissions: chmod u+r {path}")]
    header = [thai.clean(h) for h in rows[0]] if rows else []
    out = [Check(True, f"[form] csv {path}: {max(len(rows) - 1, 0)} response row(s), {len(header)} column(s)")]
    keys = {thai.name_key(h) for h in header}
    if not keys & {thai.name_key(t) for t in TIMESTAMP_TITLES}:
        out.append(Check(False, f"[form] csv {path}: no timestamp column",
                         "download the CSV from the Form again, without editing it"))
    special = {thai.name_key(t) for t in (*TIMESTAMP_TITLES, *EMAIL_TITLES)}
    titles = {i: h for i, h in enumerate(header) if thai.name_key(h) not in special}
    out += _mapping(s, titles, f"[form] csv {path}", ids=False)
    return out


# --- question mapping (CSV columns or Form questions) ----------------------------------------


def _mapping(s: Settings, titles: Mapping[Any, str], where: str, *, ids: bool) -> list[Check]:
    """One line per question (-> its field, or "(not used)"), then one failure per configured
    field that has no question, with the closest title."""
    from gsync.sources.questions import missing_question

    assert s.form is not None
    questions = {f: t for f, t in s.form.questions.items() if t}
    pinned = {f: q for f, q in s.form.question_ids.items() if q} if ids else {}
    field_of: dict[Any, str] = {}
    failures: list[Check] = []
    by_key: dict[str, Any] = {}
    for qid, title in titles.items():
        by_key.setdefault(thai.name_key(title), qid)
    for field in {**questions, **pinned}:
        if field in pinned:
            if pinned[field] in titles:
                field_of[pinned[field]] = field
            else:
                failures.append(Check(False, f"{where}: [form.question_ids] {field} = \"{pinned[field]}\" is not a question",
                                      "remove the pin to match by title, or set it to one of the ids listed above"))
            continue
        qid = by_key.get(thai.name_key(questions[field]))
        if qid is None:
            message = missing_question(where, field, questions[field], list(titles.values()))
            fix = message.partition(f"(field {field}).")[2].strip() or message
            failures.append(Check(False, f"field {field}: {where} has no question \"{questions[field]}\"", fix))
        else:
            field_of[qid] = field
    lines = []
    for qid, title in titles.items():
        shown = f"{qid}: " if ids else ""
        lines.append(Check(True, f"    question {shown}\"{title}\" → {field_of.get(qid) or '(not used)'}"))
    return lines + failures


# --- Google -----------------------------------------------------------------------------------


def _google(s: Settings, google: GoogleClients | None) -> list[Check]:
    out: list[Check] = []
    path = s.google.credentials
    if google is None:
        from gsync import runner

        try:  # few, short retries: the operator is waiting at the terminal
            google = runner.google_clients(s, interactive=True)
        except GsyncError as e:
            return [Check(False, "Google credentials cannot be loaded", str(e))]
        assert google is not None
    email = google.service_account_email
    source = f"from {path}" if path else "Application Default Credentials"
    if email:
        out.append(Check(True, f"credentials {source}: service account {email}",
                         f"share the Form (editor), the Drive folder (Viewer) and the master Sheet (Editor) with {email}"))
    else:
        out.append(Check(True, f"credentials {source}: {type(google.credentials).__name__}"))
    if path is not None and path.exists():
        mode = path.stat().st_mode
        if mode & (stat.S_IRGRP | stat.S_IROTH):
            out.append(Check(True, f"credentials file {path} is readable by other users of this computer",
                             f"run: chmod 600 {path}"))
    who = email or "the Google account in [google] credentials"

    about = _drive_call(lambda: google.drive.about().get(fields="user(emailAddress,displayName)").execute())
    if isinstance(about, Exception):
        out.append(Check(False, f"Google Drive API (about.get): {_describe(about)}", _fix(about, "drive", who, s)))
        return out  # nothing else can work
    user = (about.get("user") or {}).get("emailAddress") or email or "?"
    out.append(Check(True, f"Google reachable (Drive about.get): signed in as {user}"))

    if s.form is not None and s.form.form_id:
        out += _form_api(s, google, who)
    if s.drive is not None and s.drive.folder_id:
        out += _folder_api(s, google, who)
    if s.sheet.spreadsheet_id:
        out += _sheet_api(s, google, who)
    return out


def _form_api(s: Settings, google: GoogleClients, who: str) -> list[Check]:
    from gsync.sources.questions import question_titles

    assert s.form is not None and s.form.form_id
    fid = s.form.form_id
    form = _drive_call(lambda: google.forms.forms().get(formId=fid).execute())
    if isinstance(form, Exception):
        return [Check(False, f"[form] form_id {fid}: {_describe(form)}", _fix(form, "form", who, s))]
    title = (form.get("info") or {}).get("title") or (form.get("info") or {}).get("documentTitle") or "?"
    titles = question_titles(form)
    out = [Check(True, f"[form] form_id {fid}: \"{title}\", {len(titles)} question(s)")]
    out += _mapping(s, titles, f"[form] form_id {fid}", ids=True)
    return out


def _folder_api(s: Settings, google: GoogleClients, who: str) -> list[Check]:
    assert s.drive is not None and s.drive.folder_id
    fid = s.drive.folder_id
    meta = _drive_call(lambda: google.drive.files().get(
        fileId=fid, fields="id,name,mimeType,trashed,capabilities(canEdit,canListChildren)",
        supportsAllDrives=True).execute())
    if isinstance(meta, Exception):
        return [Check(False, f"[drive] folder_id {fid}: {_describe(meta)}", _fix(meta, "folder", who, s))]
    name = meta.get("name") or "?"
    if meta.get("mimeType") != FOLDER:
        return [Check(False, f"[drive] folder_id {fid}: \"{name}\" is a {meta.get('mimeType')}, not a folder",
                      "use the id at the end of the folder's address (drive.google.com/drive/folders/<id>)")]
    if meta.get("trashed"):
        return [Check(False, f"[drive] folder_id {fid}: \"{name}\" is in the bin", "restore it, or set [drive] folder_id to the folder in use")]
    page = _drive_call(lambda: google.drive.files().list(
        q=f"'{fid}' in parents and trashed = false", pageSize=20, fields="nextPageToken,files(id,name)",
        supportsAllDrives=True, includeItemsFromAllDrives=True).execute())
    if isinstance(page, Exception):
        return [Check(False, f"[drive] folder_id {fid} (\"{name}\"): cannot list it: {_describe(page)}",
                      _fix(page, "folder", who, s))]
    n = len(page.get("files") or [])
    more = " or more" if page.get("nextPageToken") else ""
    out = [_emptied(s, n if not more else 1)
           or Check(True, f"[drive] folder_id {fid}: folder \"{name}\", {n}{more} item(s) at its top level")]
    if (meta.get("capabilities") or {}).get("canEdit"):
        out.append(Check(True, f"[drive] folder \"{name}\": {who} can edit it, more access than gsync needs",
                         "gsync only reads the folder: in Share, change its access to Viewer"))
    return out


def _sheet_api(s: Settings, google: GoogleClients, who: str) -> list[Check]:

    sid = s.sheet.spreadsheet_id
    assert sid
    meta = _drive_call(lambda: google.sheets.http_client.fetch_sheet_metadata(
        sid, params={"includeGridData": "false", "fields": "properties.title,sheets.properties.title"}))
    if isinstance(meta, Exception) and (err := _http_error(meta)) is not None:
        if err.status == 404:
            return [Check(False, f"[sheet] spreadsheet_id {sid}: spreadsheet id not found", advice("sheet", err))]
        if err.status == 403:
            return [Check(False, f"[sheet] spreadsheet_id {sid}: no permission ({err.message})",
                          advice("sheet", err, who=who))]
        return [Check(False, f"[sheet] spreadsheet_id {sid}: HTTP {err.status} {err.message}", advice("sheet", err))]
    if isinstance(meta, Exception):  # a network failure: say it, do not crash the doctor
        return [Check(False, f"[sheet] spreadsheet_id {sid}: {_describe(meta)}", _network_fix(s))]
    title = (meta.get("properties") or {}).get("title") or "?"
    tabs = [x.get("properties", {}).get("title") for x in meta.get("sheets") or []]
    out = [Check(True, f"[sheet] spreadsheet_id {sid}: \"{title}\", {len(tabs)} tab(s)")]
    caps = _drive_call(lambda: google.drive.files().get(fileId=sid, fields="capabilities(canEdit)",
                                                        supportsAllDrives=True).execute())
    if isinstance(caps, Exception):
        out.append(Check(False, f"[sheet] \"{title}\": cannot check write access ({_describe(caps)})",
                         f"make sure the Sheet is shared with {who} as Editor"))
    elif (caps.get("capabilities") or {}).get("canEdit"):
        out.append(Check(True, f"[sheet] \"{title}\": {who} can edit it"))
    else:
        out.append(Check(False, f"[sheet] \"{title}\": {who} can only view it; gsync must write the master",
                         f"open the Sheet, click Share and change {who} to Editor"))
    return out


# --- errors -----------------------------------------------------------------------------------


def _drive_call(fn: Callable[[], Any]) -> Any:
    """The call's result, or what it failed with: a `CallFailed` (Google refused, or no answer
    came), or the transport's own error (the token endpoint, the credentials)."""
    from gsync.google.call import call

    try:
        return call(fn)
    except Exception as e:  # noqa: BLE001 - each failure becomes a ✗ line, never a traceback
        return e


def _describe(e: Exception) -> str:
    err = _http_error(e)
    if err is not None:
        return f"HTTP {err.status} {err.reason}: {err.message}".strip()
    cause = getattr(e, "cause", e)  # a CallFailed with no answer: the network's own error
    return f"{type(cause).__name__}: {cause}"


def _http_error(e: Exception) -> GoogleError | None:
    return getattr(e, "google", None)


def _fix(e: Exception, what: str, who: str, s: Settings) -> str:
    """What to do about a failed Drive or Forms call (`what`: "drive", "form" or "folder")."""
    from google.auth.exceptions import RefreshError

    from gsync.errors import TokenError

    if isinstance(e, TokenError):  # the transport's own words say which of the two it was
        return str(e).split("nothing was written. ", 1)[-1]
    if isinstance(e, RefreshError):
        return ("Google refused the credentials: the key may have been deleted or disabled, or the file is not "
                "the current key; create a new key for the service account and save it as [google] credentials")
    err = _http_error(e)
    if err is None:  # a TransportError or any other failure to get an answer
        return _network_fix(s)
    return advice(what, err, who=who)


def _network_fix(s: Settings) -> str:
    if s.google.endpoint:
        return f"cannot reach {s.google.endpoint} ([google] endpoint): is it running?"
    return "cannot reach Google: check this computer's internet connection and proxy settings"
