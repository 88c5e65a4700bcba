"""The Google Form, online: the Forms API v1 (`forms.get` + `forms.responses.list`).

Questions are mapped to gsync's fields once per run: by pinned question id
(`[form.question_ids]`) first, else by exact title (compared with `thai.name_key`). A
configured title that matches no question stops the run with the closest title, exactly like
the CSV source: a renamed question must never drop its answers silently.

Responses are read incrementally. Every response seen so far is kept in the state (raw, as
the API gave it, so a changed mapping applies to old responses too) with the newest
`lastSubmittedTime`; the next run asks only for responses submitted since then and merges
them by `responseId` (an edited response replaces the old one). The state is only staged
here: `sync.run` commits it after the master was written.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from gsync import thai
from gsync.config import Settings
from gsync.errors import ConfigMismatch, SourceError
from gsync.google.advice import Failure, advice
from gsync.google.call import CallFailed, call
from gsync.google.changes import due
from gsync.google.changes import feed as changes_feed
from gsync.models import FileRef, FormResponse
from gsync.sources.questions import check_same_form, missing_question, question_titles
from gsync.state import State
from gsync.thai_calendar import format_rfc3339, parse_rfc3339
from gsync.vocab import FORM_FILE_FIELDS

if TYPE_CHECKING:  # the Google libraries are imported only when a Google part is configured
    from gsync.google.clients import GoogleClients

log = logging.getLogger(__name__)

STATE_VERSION = 1
PAGE_SIZE = 5000  # the Forms API maximum


class ApiFormSource:
    def __init__(self, google: GoogleClients, settings: Settings, state: State) -> None:
        assert settings.form is not None and settings.form.form_id
        self.google = google
        self.settings = settings
        self.state = state
        self.form_id = settings.form.form_id
        self.questions = {f: t for f, t in settings.form.questions.items() if t}
        self.question_ids = {f: q for f, q in settings.form.question_ids.items() if q}
        self.state_key = f"forms:{self.form_id}:responses"

    # --- the FormSource interface ---

    def responses(self) -> list[FormResponse]:
        saved = self._saved()
        titles, questions = self._questions(saved.get("questions"))  # questionId -> title, in form order
        columns = self._columns(titles, saved["titles"])
        known_titles = {**saved["titles"], **titles}  # answers of deleted questions keep a title

        stored: dict[str, dict[str, Any]] = saved["responses"]
        since = saved["last"]
        fresh = self._list(since)
        changed = 0
        for raw in fresh:
            rid = raw.get("responseId")
            if not rid:
                continue
            old = stored.get(rid)
            if old is not None and old.get("lastSubmittedTime") == raw.get("lastSubmittedTime"):
                continue  # the overlap of `>=`: already have this version
            stored[rid] = _slim(raw, old)
            changed += 1
        last = max((r["lastSubmittedTime"] for r in stored.values() if r.get("lastSubmittedTime")),
                   key=parse_rfc3339, default=since)
        self.state.stage_json(self.state_key, {
            "v": STATE_VERSION, "last": last, "titles": known_titles, "responses": stored, "questions": questions,
        })

        unmapped = [t for q, t in titles.items() if q not in columns.values()]
        if unmapped:
            log.warning("the Form has %d question(s) not mapped to a field, kept as extra answers: %s",
                        len(unmapped), ", ".join(unmapped))
        out = [self._response(raw, columns, known_titles) for raw in stored.values()]
        out.sort(key=lambda r: (r.created_at, r.id))
        log.info("form %s: %d responses (%d new or edited since the last run)", self.form_id, len(out), changed)
        return out

    def _questions(self, cached: object) -> tuple[dict[str, str], dict[str, Any]]:
        """The Form's questions: `forms.get` only when Drive's changes feed reports the Form
        file changed since the last read (the Form id is its Drive file id), or the last full
        read is older than the safety net ([google] full_read_minutes, default 60)."""
        feed = changes_feed(self.google, self.state)
        now = dt.datetime.now(dt.UTC)
        token = cached.get("token") if isinstance(cached, dict) else None
        seen = feed.since(token) if isinstance(token, str) else None
        if (isinstance(cached, dict) and isinstance(cached.get("titles"), dict) and seen is not None
                and not seen.touched(self.form_id) and not due(cached.get("at"), now, dt.timedelta(minutes=self.settings.google.full_read_minutes))):
            log.info("form %s: questions unchanged since %s (Drive changes feed)", self.form_id, cached.get("at"))
            return dict(cached["titles"]), {**cached, "token": seen.token}
        position = seen.token if seen is not None else feed.start_token()  # before the read: nothing missed
        form = self._call("forms.get", self.google.forms.forms().get(formId=self.form_id))
        titles = question_titles(form)
        return titles, {"titles": titles, "token": position, "at": now.isoformat()}

    # --- mapping ---

    def _columns(self, titles: Mapping[str, str], remembered: Mapping[str, str]) -> dict[str, str]:
        """gsync field -> questionId. A pinned id wins over the title."""
        where = f"[form] form_id {self.form_id}"
        by_key: dict[str, str] = {}
        for qid, title in titles.items():
            by_key.setdefault(thai.name_key(title), qid)
        fields = {**self.questions, **self.question_ids}
        matched = sum(1 for f in fields if self.question_ids.get(f) in titles
                      or thai.name_key(self.questions.get(f, "")) in by_key)
        check_same_form(where, matched, len(fields), "Form")
        columns: dict[str, str] = {}
        for field in fields:
            pinned = self.question_ids.get(field)
            if pinned:
                if pinned not in titles:
                    raise ConfigMismatch(
                        f"{where}: [form.question_ids] {field} = \"{pinned}\" is not a question of the Form "
                        f"(was it deleted?). Remove the pin to match by title, or set it to one of: "
                        + ", ".join(f'{q} ("{t}")' for q, t in titles.items())
                    )
                columns[field] = pinned
                continue
            title = self.questions[field]
            found = by_key.get(thai.name_key(title))
            if found is None:
                message = missing_question(where, field, title, list(titles.values()))
                was = next((q for q, t in remembered.items() if thai.name_key(t) == thai.name_key(title)), None)
                if was is not None and was in titles:
                    message += (
                        f' (Question {was}, which gsync knew as "{title}", is now titled "{titles[was]}"; '
                        f'to follow it whatever its title, set [form.question_ids] {field} = "{was}".)'
                    )
                raise ConfigMismatch(message)
            columns[field] = found
        return columns

    def _response(self, raw: Mapping[str, Any], columns: Mapping[str, str],
                  titles: Mapping[str, str]) -> FormResponse:
        created = parse_rfc3339(raw["createTime"])
        submitted = parse_rfc3339(raw.get("lastSubmittedTime") or raw["createTime"])
        answers_raw: Mapping[str, Any] = raw.get("answers") or {}
        received: Mapping[str, str] = raw.get("received") or {}
        answers: dict[str, str] = {}
        files: dict[str, tuple[FileRef, ...]] = {}
        for field, qid in columns.items():
            answer = answers_raw.get(qid) or {}
            if field in FORM_FILE_FIELDS:
                files[field] = tuple(
                    FileRef(
                        id=f["fileId"],
                        name=f.get("fileName") or f"ไฟล์แนบในแบบฟอร์ม ({f['fileId']})",
                        mime_type=f.get("mimeType") or "",
                        received_at=parse_rfc3339(received[f["fileId"]]) if f["fileId"] in received else created,
                        # A Form upload is never changed in place (an edit uploads a new file), so
                        # its id is its version: sync's cache then downloads it once, not every run.
                        version="upload:" + f["fileId"],
                        channel="form",
                    )
                    for f in _file_answers(answer)
                )
            else:
                answers[field] = thai.clean(", ".join(_text_answers(answer)))
        if "report_files" in files:
            answers["report_files"] = ", ".join(r.id for r in files["report_files"])
        mapped = set(columns.values())
        extra = {}
        for qid, answer in answers_raw.items():
            if qid in mapped:
                continue
            title = thai.clean(titles.get(qid) or f"question {qid}")
            text = ", ".join(_text_answers(answer) + [f.get("fileName") or f["fileId"] for f in _file_answers(answer)])
            if text.strip():
                extra[title] = thai.clean(text)
        email = (raw.get("respondentEmail") or "").strip().lower()
        return FormResponse(
            id=raw["responseId"],
            created_at=created,
            last_submitted_at=submitted,
            email=email or None,
            answers=answers,
            report_files=files.get("report_files", ()),
            photo_files=files.get("photos", ()),
            extra=extra,
        )

    # --- API calls ---

    def _list(self, since: str | None) -> list[dict[str, Any]]:
        kwargs: dict[str, Any] = {"formId": self.form_id, "pageSize": PAGE_SIZE}
        if since:
            # Forms filters on lastSubmittedTime. Whole seconds and `>=`: nothing submitted in
            # the same second as the newest response seen can be missed.
            kwargs["filter"] = "timestamp >= " + format_rfc3339(parse_rfc3339(since).replace(microsecond=0))
        out: list[dict[str, Any]] = []
        while True:
            page = self._call("forms.responses.list", self.google.forms.forms().responses().list(**kwargs))
            out.extend(page.get("responses") or [])
            kwargs["pageToken"] = page.get("nextPageToken")
            if not kwargs["pageToken"]:
                return out

    def _saved(self) -> dict[str, Any]:
        saved = self.state.get_json(self.state_key)
        if not isinstance(saved, dict) or saved.get("v") != STATE_VERSION:
            return {"last": None, "titles": {}, "responses": {}}
        return {
            "last": saved.get("last"),
            "titles": dict(saved.get("titles") or {}),
            "responses": dict(saved.get("responses") or {}),
            "questions": saved.get("questions"),
        }

    def _call(self, what: str, request: Any) -> Any:
        return call(request.execute, lambda failed: self._error(what, failed))

    def _error(self, what: str, failed: CallFailed) -> Exception:
        err = failed.google
        if err is not None and err.failure is Failure.NOT_FOUND:
            return SourceError(
                f"[form] form_id {self.form_id}: the Forms API has no such form (404); "
                + advice("form", err, who=self._who())
            )
        if err is not None and err.status in (401, 403) and err.failure is not Failure.QUOTA:
            return SourceError(
                f"[form] form_id {self.form_id}: permission denied ({err.status} {err.reason}: {err.message}); "
                + advice("form", err, who=self._who())
            )
        return failed.failed(f"Google Forms {what}")

    def _who(self) -> str:
        return getattr(self.google, "service_account_email", None) or "the Google account in [google] credentials"


def _text_answers(answer: Mapping[str, Any]) -> list[str]:
    return [str(a.get("value", "")) for a in (answer.get("textAnswers") or {}).get("answers") or []]


def _file_answers(answer: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [a for a in (answer.get("fileUploadAnswers") or {}).get("answers") or [] if a.get("fileId")]


def _slim(raw: Mapping[str, Any], old: Mapping[str, Any] | None) -> dict[str, Any]:
    """What the state keeps of a response, plus when each attached file was first received.

    A file already attached before an edit keeps its receipt time; a file added by the edit
    was received at the edit (lastSubmittedTime). On first sight every file counts from
    createTime.
    """
    keep = {k: raw[k] for k in ("responseId", "createTime", "lastSubmittedTime", "respondentEmail", "answers") if k in raw}
    previous: dict[str, str] = dict((old or {}).get("received") or {})
    when_new = raw.get("lastSubmittedTime") if old is not None else raw.get("createTime")
    received = {}
    for answer in (raw.get("answers") or {}).values():
        for f in _file_answers(answer):
            received[f["fileId"]] = previous.get(f["fileId"]) or when_new or raw.get("createTime")
    if received:
        keep["received"] = received
    return keep
