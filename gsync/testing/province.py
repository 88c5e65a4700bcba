"""The demo province (`gsync.demo.build`) loaded into a FakeGoogle, and configs that point at it.

`load_demo_into_fake` turns the demo folder into what a province really has in Google:

* the QR folder: every file under ``demo_dir/inbox`` at the same relative path (sub-folders
  become Drive folders), ``createdTime`` = the file's mtime;
* the Form (contract section 1: the 12 Lampang questions; district a drop-down, quarter a
  multiple choice, the two attachments file uploads) with one response per row of
  ``demo_dir/responses.csv`` (createTime = the row's timestamp read in Asia/Bangkok);
* for a row with a Drive link, the file-upload answer points at the QR folder's report for
  that district and quarter when there is exactly one (the same file then arrives through
  both channels, as happens in real life); otherwise at a new file, with the link's id, in a
  "File responses" folder outside the QR folder (as Forms stores uploads in the owner's
  Drive) holding a copy of the newest candidate or, when there is none, a generated report;
* an empty spreadsheet for the master.

`write_google_config` / `write_mixed_config` write a TOML config for gsync that reads those
through the fake (``[google] endpoint`` = the fake's base URL, an authorized-user credentials
file whose token_uri is the fake's ``/token``).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import tomllib
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from gsync import demo, synth, thai
from gsync.sources.forms_csv import _DRIVE_ID, read_text

from .google import FakeGoogle
from .google_drive import guess_mime

FORM_TITLE = "แบบรายงานผลการดำเนินงานศูนย์ผู้นำจิตอาสาพัฒนาชุมชน ปีงบประมาณ พ.ศ. 2568 จังหวัดลำปาง"
BKK = ZoneInfo("Asia/Bangkok")
REPORT_SUFFIXES = (".xlsx", ".xls", ".docx", ".doc", ".ods")
FILE_QUESTIONS = ("แนบแบบรายงานผลการดำเนินงาน", "แนบภาพถ่ายกิจกรรม")
PARAGRAPHS = ("ปัญหา/อุปสรรค", "ข้อเสนอแนะ")


def load_demo_into_fake(
    fake: FakeGoogle, demo_dir: Path, *, form_title: str = FORM_TITLE
) -> dict[str, Any]:
    """Load a folder made by ``gsync.demo.build(demo_dir)`` into ``fake``.

    Returns ``form_id``, ``folder_id`` and ``spreadsheet_id`` (what a config needs), plus
    ``question_ids`` (title -> questionId), ``files`` (inbox-relative path -> Drive id),
    ``uploads_folder_id`` and ``responses`` (response ids in CSV order).
    """
    inbox = demo_dir / "inbox"
    districts = demo.lampang_districts()

    # --- the QR folder ---
    root = fake.drive_add_folder("QR รายงานศูนย์จิตอาสา ปีงบ 2568", created_time=_mtime(inbox))
    folders: dict[tuple[str, ...], str] = {(): root}
    files: dict[str, str] = {}
    for path in sorted(inbox.rglob("*")):
        rel = path.relative_to(inbox)
        if path.is_dir():
            _folder(fake, folders, rel.parts, path)
            continue
        parent = _folder(fake, folders, rel.parts[:-1], path.parent)
        files[rel.as_posix()] = fake.drive_add_file(
            rel.name, path.read_bytes(), parent, created_time=_mtime(path)
        )

    # --- the Form ---
    uploads = fake.drive_add_folder("แบบรายงาน (File responses)")
    upload_folders = {
        t: fake.drive_add_folder(f"{t} (File responses)", uploads) for t in FILE_QUESTIONS
    }
    questions: list[dict[str, Any]] = []
    for title in demo.QUESTION_TITLES:
        if title == "อำเภอ":
            questions.append(
                {"title": title, "kind": "dropdown", "options": list(districts), "required": True}
            )
        elif title == "ไตรมาส":
            questions.append(
                {
                    "title": title,
                    "kind": "choice",
                    "options": list(demo.QUARTER_CHOICES.values()),
                    "required": True,
                }
            )
        elif title in FILE_QUESTIONS:
            questions.append(
                {
                    "title": title,
                    "kind": "file",
                    "folder_id": upload_folders[title],
                    "required": title == FILE_QUESTIONS[0],
                }
            )
        elif title in PARAGRAPHS:
            questions.append({"title": title, "kind": "paragraph"})
        else:
            questions.append({"title": title, "kind": "text"})
    form_id, qids = fake.forms_create(form_title, questions)

    rows = list(csv.reader(io.StringIO(read_text((demo_dir / "responses.csv").read_bytes()))))
    header = rows[0]
    response_ids = []
    for row in rows[1:]:
        if not any(c.strip() for c in row):
            continue
        cells = dict(zip(header, row + [""] * (len(header) - len(row)), strict=True))
        when = thai.parse_timestamp(cells[header[0]], BKK)
        district = thai.match_name(cells["อำเภอ"], list(districts)) or thai.strip_admin_prefix(
            cells["อำเภอ"]
        )
        quarter = thai.parse_quarter(cells["ไตรมาส"])
        answers: dict[str, Any] = {}
        for title in demo.QUESTION_TITLES:
            value = cells.get(title, "")
            if title in FILE_QUESTIONS:
                refs = []
                for link_id in _DRIVE_ID.findall(value):
                    refs.append(
                        _upload(
                            fake,
                            files,
                            inbox,
                            upload_folders[title],
                            link_id,
                            district,
                            quarter,
                            cells.get("ชื่อ-สกุล ผู้รายงาน", ""),
                            when,
                            title == FILE_QUESTIONS[0],
                        )
                    )
                if refs:
                    answers[qids[title]] = refs
            elif value.strip():
                answers[qids[title]] = value
        response_ids.append(
            fake.forms_add_response(
                form_id, answers, email=cells[header[1]] or None, create_time=when
            )
        )

    # --- the master ---
    spreadsheet_id = fake.sheets_create("ทะเบียนรายงานศูนย์จิตอาสา ลำปาง 2568")
    return {
        "form_id": form_id,
        "folder_id": root,
        "spreadsheet_id": spreadsheet_id,
        "question_ids": qids,
        "files": files,
        "uploads_folder_id": uploads,
        "responses": response_ids,
    }


def _mtime(path: Path) -> dt.datetime:
    return dt.datetime.fromtimestamp(path.stat().st_mtime, tz=dt.UTC)


def _folder(
    fake: FakeGoogle, folders: dict[tuple[str, ...], str], parts: tuple[str, ...], path: Path
) -> str:
    if parts not in folders:
        parent = _folder(fake, folders, parts[:-1], path.parent)
        folders[parts] = fake.drive_add_folder(parts[-1], parent, created_time=_mtime(path))
    return folders[parts]


def attribute(rel: str, districts: list[str]) -> tuple[str | None, int | None]:
    """(district, quarter) a QR-folder path names: a district name inside it, a quarter in a
    part of it. None where it names none or more than one."""
    found = {d for d in districts if d in rel}
    found = {d for d in found if not any(d != o and d in o for o in found)}  # longest wins
    quarters = {q for part in rel.split("/") if (q := thai.quarter_in_name(part)) is not None}
    return (found.pop() if len(found) == 1 else None), (
        quarters.pop() if len(quarters) == 1 else None
    )


def _upload(
    fake: FakeGoogle,
    files: dict[str, str],
    inbox: Path,
    folder: str,
    link_id: str,
    district: str,
    quarter: int | None,
    reporter: str,
    when: dt.datetime,
    report: bool,
) -> dict[str, str]:
    """The fileUploadAnswer for one Drive link of the CSV."""
    names = list(demo.lampang_districts())
    candidates = [
        rel
        for rel in files
        if rel.lower().endswith(REPORT_SUFFIXES) == report
        and attribute(rel, names) == (district, quarter)
    ]
    if len(candidates) == 1:
        f = fake.drive_file(files[candidates[0]])
        return {"fileId": f.id, "fileName": f.name, "mimeType": f.mime_type}
    if candidates:  # a copy of the newest, as the district re-sent it through the Form
        newest = max(candidates, key=lambda rel: (inbox / rel).stat().st_mtime)
        content = (inbox / newest).read_bytes()
        stem, ext = os.path.splitext(Path(newest).name)
    else:
        rows = synth.activities(demo.lampang_districts()[district], demo.FY, quarter or 1, seed=99)
        content = synth.activity_xlsx(district, demo.PROVINCE, quarter or 1, rows)
        stem, ext = f"รายงาน {district} ไตรมาส{quarter or ''}", ".xlsx"
    name = f"{stem} - {reporter}{ext}" if reporter else stem + ext  # how Forms names uploads
    with fake._lock:  # the helper that takes a fixed id: the CSV link's id stays the file's id
        fid = fake.drive.add(
            name, guess_mime(name), folder, content, created_time=when, file_id=link_id
        )
    return {"fileId": fid, "fileName": name, "mimeType": guess_mime(name)}


# --- configs -------------------------------------------------------------------------------------


def write_credentials(
    tmp_path: Path, base_url: str, service_account: FakeGoogle | None = None
) -> Path:
    """An authorized-user file whose token_uri is the fake's /token; with ``service_account``,
    that fake's service-account key instead (its token_uri is the fake's too)."""
    path = tmp_path / "google-credentials.json"
    if service_account is not None:
        info: dict[str, Any] = service_account.service_account_info(token_uri=base_url + "/token")
    else:
        info = {
            "type": "authorized_user",
            "client_id": "c",
            "client_secret": "s",
            "refresh_token": "r",
            "token_uri": base_url + "/token",
        }
    path.write_text(json.dumps(info), encoding="utf-8")
    path.chmod(0o600)
    return path


def write_mixed_config(
    tmp_path: Path,
    base_url: str | None,
    ids: dict[str, Any],
    *,
    demo_dir: Path | None = None,
    form: str = "api",  # "api" | "csv" | "none"
    drive: str = "api",  # "api" | "path" | "none"
    sheet: str = "api",  # "api" | "path"
    name: str = "gsync.toml",
    extra: str = "",
    service_account: FakeGoogle | None = None,
) -> Path:
    """A gsync config mixing Google and offline parts. Offline parts read ``demo_dir``
    (responses.csv, inbox/, a master.xlsx in tmp_path). Province and districts come from the
    demo's demo.toml (or the demo's defaults when no demo_dir is given). Credentials: an
    authorized-user file, or ``service_account``'s key when that fake is given."""
    if demo_dir is not None and (demo_dir / "demo.toml").exists():
        base = tomllib.loads((demo_dir / "demo.toml").read_text(encoding="utf-8"))
    else:
        base = tomllib.loads(
            demo.config_text("responses.csv", "inbox", "master.xlsx", "state.sqlite")
        )
    lines = ["[province]"]
    lines += [f"{k} = {_toml(v)}" for k, v in base["province"].items()]
    lines.append("")
    if form == "api":
        lines += ["[form]", f"form_id = {_toml(ids['form_id'])}", ""]
    elif form == "csv":
        assert demo_dir is not None, "form='csv' needs demo_dir"
        lines += ["[form]", f"csv = {_toml(str(demo_dir / 'responses.csv'))}", ""]
    if drive == "api":
        lines += ["[drive]", f"folder_id = {_toml(ids['folder_id'])}", ""]
    elif drive == "path":
        assert demo_dir is not None, "drive='path' needs demo_dir"
        lines += ["[drive]", f"path = {_toml(str(demo_dir / 'inbox'))}", ""]
    if sheet == "api":
        lines += ["[sheet]", f"spreadsheet_id = {_toml(ids['spreadsheet_id'])}", ""]
    else:
        lines += ["[sheet]", f"path = {_toml(str(tmp_path / 'master.xlsx'))}", ""]
    if base_url is not None and "api" in (form, drive, sheet):
        creds = write_credentials(tmp_path, base_url, service_account)
        lines += [
            "[google]",
            f"credentials = {_toml(str(creds))}",
            f"endpoint = {_toml(base_url)}",
            "",
        ]
    lines += ["[state]", f"path = {_toml(str(tmp_path / 'state' / 'gsync.sqlite'))}", ""]
    if extra:
        lines += [extra, ""]
    for d in base["districts"]:
        lines.append("[[districts]]")
        lines += [f"{k} = {_toml(v)}" for k, v in d.items()]
        lines.append("")
    path = tmp_path / name
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def write_google_config(
    tmp_path: Path,
    base_url: str,
    ids: dict[str, Any],
    *,
    demo_dir: Path | None = None,
    extra: str = "",
    service_account: FakeGoogle | None = None,
) -> Path:
    """Form, Drive folder and master all in (fake) Google."""
    return write_mixed_config(
        tmp_path, base_url, ids, demo_dir=demo_dir, extra=extra, service_account=service_account
    )


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return json.dumps(str(value), ensure_ascii=False)  # a JSON string is a TOML basic string


__all__ = [
    "attribute",
    "load_demo_into_fake",
    "write_credentials",
    "write_google_config",
    "write_mixed_config",
]


# --- clients and settings for adapter tests -------------------------------------------------------


def google_clients(base_url: str, accounting: Any = None, *, service_account_info: dict[str, Any] | None = None) -> Any:
    """gsync's GoogleClients pointed at the fake (authorized-user credentials unless a
    service-account key from `fake.service_account_info(...)` is given; no-op sleep)."""
    from google.oauth2 import service_account
    from google.oauth2.credentials import Credentials

    from gsync.accounting import Accounting
    from gsync.google.clients import SCOPES, GoogleClients
    from gsync.google.retry import RetryPolicy

    creds: Any
    if service_account_info is not None:
        creds = service_account.Credentials.from_service_account_info(service_account_info, scopes=list(SCOPES))
    else:
        creds = Credentials(
            token=None,
            refresh_token="r",
            client_id="c",
            client_secret="s",
            token_uri=base_url + "/token",
        )
    return GoogleClients(
        creds,
        accounting if accounting is not None else Accounting(),
        endpoint=base_url,
        policy=RetryPolicy(sleep=lambda s: None),
    )


def api_settings(
    *, form_id: str | None = None, folder_id: str | None = None, **sections: Any
) -> Any:
    """Settings for the demo province with a Google Form and/or Drive folder (master: a path)."""
    from gsync.config import parse_settings

    base = tomllib.loads(demo.config_text("responses.csv", "inbox", "master.xlsx", "state.sqlite"))
    data: dict[str, Any] = {
        "province": base["province"],
        "districts": base["districts"],
        "sheet": {"path": "master.xlsx"},
    }
    if form_id is not None:
        data["form"] = {"form_id": form_id}
    if folder_id is not None:
        data["drive"] = {"folder_id": folder_id}
    for name, value in sections.items():
        data[name] = {**data.get(name, {}), **value}
    return parse_settings(data)


def demo_on_fake(fake: Any, base_url: str, tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """The demo province built in `tmp_path/demo`, loaded into the fake, and a Google config for it
    in `tmp_path/google`: (config path, the fake's ids)."""
    from gsync import demo

    demo.build(tmp_path / "demo")
    ids = load_demo_into_fake(fake, tmp_path / "demo")
    (tmp_path / "google").mkdir()
    config = write_google_config(tmp_path / "google", base_url, ids, demo_dir=tmp_path / "demo", service_account=fake)
    return config, ids
