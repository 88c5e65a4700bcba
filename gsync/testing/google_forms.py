"""Fake Forms API v1: forms with question items, and their responses.

``forms.get`` returns the Form resource (``info.title``, ``items[].questionItem.question``
with ``questionId`` and ``choiceQuestion`` / ``textQuestion`` / ``fileUploadQuestion``, ``settings``, ``revisionId``). ``forms.responses.list`` pages with
``pageSize`` / ``pageToken`` (the server never returns more than
:attr:`FormsState.max_page_size`, default 5000 like Google) and accepts Google's only
filter syntax, ``timestamp > T`` or ``timestamp >= T`` (RFC 3339), applied to
``lastSubmittedTime``. Like the real API, a list with no responses is ``{}`` (no
``responses`` key). Answers of deleted questions stay in old responses.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .discovery import Match
from .google_common import ApiError, IdMaker, Reply, parse_rfc3339, rfc3339, to_datetime

QUESTION_KINDS = ("dropdown", "choice", "checkbox", "text", "paragraph", "file")


@dataclass
class FormResponse:
    response_id: str
    create_time: datetime
    last_submitted: datetime
    email: str | None
    answers: dict[str, Any]  # questionId -> Answer JSON


@dataclass
class Form:
    form_id: str
    title: str
    description: str | None
    items: list[dict[str, Any]]
    responses: list[FormResponse] = field(default_factory=list)
    revision: int = 1
    access: bool = True
    collect_email: bool = True
    accepting: bool = True

    def question_ids(self) -> dict[str, str]:
        return {
            item["title"]: item["questionItem"]["question"]["questionId"]
            for item in self.items
            if "questionItem" in item
        }

    def find_item(self, question_id: str) -> dict[str, Any]:
        for item in self.items:
            q = item.get("questionItem", {}).get("question", {})
            if q.get("questionId") == question_id:
                return item
        raise KeyError(f"no question {question_id!r} in form {self.form_id}")


class FormsState:
    """All forms and responses, plus the v1 handlers."""

    def __init__(
        self,
        ids: IdMaker,
        now: Callable[[], datetime],
        on_change: Callable[[str], None] | None = None,
    ):
        self.ids = ids
        self.now = now
        # Told the form id whenever a form's content changes (the Form is a Drive file: its
        # modifiedTime moves and changes.list reports it). Responses are not content.
        self.on_change = on_change or (lambda _id: None)
        self.forms: dict[str, Form] = {}
        self.max_page_size = 5000
        self.known_question_ids: dict[str, set[str]] = {}

    # --- helpers (test-facing) ------------------------------------------------------------

    def create(
        self,
        title: str,
        questions: list[dict[str, Any]],
        description: str | None = None,
        collect_email: bool = True,
    ) -> tuple[str, dict[str, str]]:
        form = Form(
            form_id=self.ids.long(),
            title=title,
            description=description,
            items=[],
            collect_email=collect_email,
        )
        self.forms[form.form_id] = form
        self.known_question_ids[form.form_id] = set()
        for q in questions:
            self.add_question(form.form_id, **q)
        self.on_change(form.form_id)
        return form.form_id, form.question_ids()

    def add_question(
        self,
        form_id: str,
        title: str,
        kind: str = "text",
        options: list[str] | None = None,
        required: bool = False,
        description: str | None = None,
        folder_id: str | None = None,
        index: int | None = None,
    ) -> str:
        form = self.get(form_id)
        if kind not in QUESTION_KINDS:
            raise ValueError(f"question kind {kind!r} not in {QUESTION_KINDS}")
        qid = self.ids.hex8()
        question: dict[str, Any] = {"questionId": qid}
        if required:
            question["required"] = True
        if kind in ("dropdown", "choice", "checkbox"):
            ctype = {"dropdown": "DROP_DOWN", "choice": "RADIO", "checkbox": "CHECKBOX"}[kind]
            question["choiceQuestion"] = {
                "type": ctype,
                "options": [{"value": o} for o in (options or [])],
            }
        elif kind == "text":
            question["textQuestion"] = {}
        elif kind == "paragraph":
            question["textQuestion"] = {"paragraph": True}
        else:
            question["fileUploadQuestion"] = {
                "folderId": folder_id or self.ids.drive_file(),
                "types": ["ANY"],
                "maxFiles": 1,
                "maxFileSize": str(10 * 1024 * 1024),
            }
        item: dict[str, Any] = {
            "itemId": self.ids.hex8(),
            "title": title,
            "questionItem": {"question": question},
        }
        if description:
            item["description"] = description
        if index is None:
            form.items.append(item)
        else:
            form.items.insert(index, item)
        form.revision += 1
        self.on_change(form.form_id)
        self.known_question_ids[form_id].add(qid)
        return qid

    def get(self, form_id: str) -> Form:
        try:
            return self.forms[form_id]
        except KeyError:
            raise KeyError(f"no form {form_id!r}") from None

    def rename_question(self, form_id: str, question_id: str, title: str) -> None:
        form = self.get(form_id)
        form.find_item(question_id)["title"] = title
        form.revision += 1
        self.on_change(form.form_id)

    def delete_question(self, form_id: str, question_id: str) -> None:
        form = self.get(form_id)
        form.items.remove(form.find_item(question_id))
        form.revision += 1
        self.on_change(form.form_id)

    def set_options(self, form_id: str, question_id: str, options: list[str]) -> None:
        form = self.get(form_id)
        q = form.find_item(question_id)["questionItem"]["question"]
        if "choiceQuestion" not in q:
            raise ValueError(f"question {question_id} has no options")
        q["choiceQuestion"]["options"] = [{"value": o} for o in options]
        form.revision += 1
        self.on_change(form.form_id)

    def add_response(
        self,
        form_id: str,
        answers: dict[str, Any],
        email: str | None = None,
        create_time: datetime | str | None = None,
        last_submitted_time: datetime | str | None = None,
    ) -> str:
        form = self.get(form_id)
        created = to_datetime(create_time, self.now())
        submitted = to_datetime(last_submitted_time, created)
        resp = FormResponse(
            response_id=self.ids.response(),
            create_time=created,
            last_submitted=submitted,
            email=email,
            answers=self._answers(form_id, answers),
        )
        form.responses.append(resp)
        return resp.response_id

    def edit_response(
        self,
        form_id: str,
        response_id: str,
        answers: dict[str, Any],
        last_submitted_time: datetime | str | None = None,
    ) -> None:
        """A respondent edits a submitted response: answers replaced, createTime kept."""
        resp = self._response(self.get(form_id), response_id)
        resp.answers = self._answers(form_id, answers)
        resp.last_submitted = to_datetime(last_submitted_time, self.now())

    def delete_response(self, form_id: str, response_id: str) -> None:
        form = self.get(form_id)
        form.responses.remove(self._response(form, response_id))

    def _answers(self, form_id: str, answers: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        known = self.known_question_ids[form_id]
        for qid, value in answers.items():
            if qid not in known:
                raise KeyError(f"form {form_id} never had question {qid!r}")
            if value is None or value == "" or value == []:
                continue  # Google omits unanswered questions
            answer: dict[str, Any] = {"questionId": qid}
            if isinstance(value, list) and value and isinstance(value[0], dict):
                answer["fileUploadAnswers"] = {
                    "answers": [
                        {
                            "fileId": v["fileId"],
                            "fileName": v["fileName"],
                            "mimeType": v.get("mimeType", "application/octet-stream"),
                        }
                        for v in value
                    ]
                }
            else:
                values = value if isinstance(value, list) else [value]
                answer["textAnswers"] = {"answers": [{"value": str(v)} for v in values]}
            out[qid] = answer
        return out

    @staticmethod
    def _response(form: Form, response_id: str) -> FormResponse:
        for r in form.responses:
            if r.response_id == response_id:
                return r
        raise KeyError(f"no response {response_id!r}")

    # --- representation -------------------------------------------------------------------

    def resource(self, form: Form) -> dict[str, Any]:
        info: dict[str, Any] = {"title": form.title, "documentTitle": form.title}
        if form.description:
            info["description"] = form.description
        return {
            "formId": form.form_id,
            "info": info,
            "settings": {
                "emailCollectionType": "VERIFIED" if form.collect_email else "DO_NOT_COLLECT"
            },
            "revisionId": f"{form.revision:08x}",
            "responderUri": f"https://docs.google.com/forms/d/e/{form.form_id}/viewform",
            "items": json.loads(json.dumps(form.items)),
            "publishSettings": {
                "publishState": {"isPublished": True, "isAcceptingResponses": form.accepting}
            },
        }

    @staticmethod
    def response_resource(form: Form, r: FormResponse) -> dict[str, Any]:
        d: dict[str, Any] = {
            "formId": form.form_id,
            "responseId": r.response_id,
            "createTime": rfc3339(r.create_time),
            "lastSubmittedTime": rfc3339(r.last_submitted),
            "answers": json.loads(json.dumps(r.answers)),
        }
        if r.email and form.collect_email:
            d["respondentEmail"] = r.email
        return d

    # --- handlers -------------------------------------------------------------------------

    def lookup(self, form_id: str) -> Form:
        form = self.forms.get(form_id)
        if form is None:
            raise ApiError(404, "Requested entity was not found.")
        if not form.access:
            raise ApiError(403, "The caller does not have permission")
        return form

    def handle(self, match: Match, headers: dict[str, str]) -> Reply:
        form = self.lookup(match.path_params["formId"])
        if match.id == "forms.forms.get":
            return Reply(self.resource(form))
        if match.id == "forms.forms.responses.get":
            try:
                r = self._response(form, match.path_params["responseId"])
            except KeyError:
                raise ApiError(404, "Requested entity was not found.") from None
            return Reply(self.response_resource(form, r))
        if match.id == "forms.forms.responses.list":
            return self.responses_list(form, match)
        raise ApiError(501, f"[fake] {match.id} is not implemented by the fake", "notImplemented")

    def responses_list(self, form: Form, match: Match) -> Reply:
        size = int(match.param("pageSize") or 0)
        if size < 0:
            raise ApiError(400, "page_size must be non-negative")
        size = min(size or 5000, 5000, self.max_page_size)
        flt = match.param("filter") or ""
        pred = parse_filter(flt)
        rows = [r for r in form.responses if pred(r)]
        key = f"{form.form_id}|{flt}"
        offset = 0
        token = match.param("pageToken")
        if token:
            try:
                data = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
                if data["k"] != key:
                    raise ValueError
                offset = int(data["o"])
            except (ValueError, KeyError, TypeError):
                raise ApiError(400, "Invalid page token.") from None
        page = rows[offset : offset + size]
        body: dict[str, Any] = {}
        if page:
            body["responses"] = [self.response_resource(form, r) for r in page]
        if offset + size < len(rows):
            raw = json.dumps({"o": offset + size, "k": key}).encode()
            body["nextPageToken"] = base64.urlsafe_b64encode(raw).decode().rstrip("=")
        return Reply(body)


_FILTER_RE = re.compile(r"^\s*timestamp\s*(>=|>)\s*(\S+)\s*$")


def parse_filter(text: str) -> Callable[[FormResponse], bool]:
    if not text.strip():
        return lambda r: True
    m = _FILTER_RE.match(text)
    if not m:
        raise ApiError(400, f"Invalid filter: {text}")
    try:
        when = parse_rfc3339(m.group(2))
    except ValueError:
        raise ApiError(400, f"Invalid timestamp in filter: {m.group(2)}") from None
    if m.group(1) == ">":
        return lambda r: r.last_submitted > when
    return lambda r: r.last_submitted >= when
