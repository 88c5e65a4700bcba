"""How a Form's questions meet gsync's fields: shared by the CSV and API form sources and doctor.

Pure over what it is handed (question titles, a `forms.get` resource); raises `ConfigMismatch`
with the fix when the configuration and the Form disagree.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gsync.errors import ConfigMismatch


def check_same_form(where: object, matched: int, expected: int, what: str) -> None:
    """Under half of the configured questions found: this is another Form, not a renamed question.
    Say so in one line instead of a dozen per-question fixes that would ingest the wrong data."""
    if expected and matched * 2 < expected:
        raise ConfigMismatch(
            f"{where}: this {what} looks like the responses of another Form: only {matched} of the {expected} "
            "configured questions match. Check that [form] points at this province's Form for this fiscal year; "
            "if the Form really changed, map its questions in [form.questions]"
        )


def missing_question(where: object, field: str, title: str, titles: list[str]) -> str:
    """The one-line error for a configured question the Form lacks, naming the closest title."""
    from rapidfuzz import fuzz, process  # only when a question is missing

    best = process.extractOne(title, titles, scorer=fuzz.ratio, processor=None)
    hint = f' The closest question is "{best[0]}": if it was renamed, set [form.questions] {field} = "{best[0]}".' if best and best[1] >= 50 else ""
    return (
        f'{where}: the Form has no question "{title}" (field {field}).{hint} '
        f'If the Form has no such question, set [form.questions] {field} = "".'
    )


def question_titles(form: Mapping[str, Any]) -> dict[str, str]:
    """questionId -> item title for every question item (grids: the item title and the row)."""
    out: dict[str, str] = {}
    for item in form.get("items") or []:
        title = item.get("title") or ""
        q = (item.get("questionItem") or {}).get("question")
        if q and q.get("questionId"):
            out[q["questionId"]] = title
        for row in (item.get("questionGroupItem") or {}).get("questions") or []:
            if row.get("questionId"):
                row_title = (row.get("rowQuestion") or {}).get("title") or ""
                out[row["questionId"]] = f"{title} [{row_title}]" if row_title else title
    return out
