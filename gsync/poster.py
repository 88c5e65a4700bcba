"""`gsync poster`: the A4 PDF with the QR codes for the province's letter, and one page per district.

Page 1 carries the Form's and the Drive folder's QR codes (each with its purpose and the plain
link), the fiscal year's deadlines in the Buddhist Era and three lines of instructions. Each
district page carries that district's own pre-filled Form link (the district already chosen:
``<responderUri>?usp=pp_url&entry.<the district question's id as a decimal>=<choice>``), its
sub-folder in the Drive folder when it has one, the deadlines and who gets its reminders.

Online, the Form's link and the district question come from the Forms API (``forms.get``:
``responderUri``, and the question whose hexadecimal ``questionId`` is the decimal entry number
of a pre-filled link); the sub-folders from a Drive listing. Offline, ``[form] url`` and
``[form] district_entry`` (or a pre-filled link pasted as ``url``) and ``[drive] url``.

`plan` gathers and checks everything (bad input is a `PosterError`, exit 2, before anything is
written); `render_pdf` and `qr_files` make bytes; `write` puts them in place atomically. The PDF
is typeset with fpdf2 (HarfBuzz shaping for Thai marks), Sarabun (OFL) and `thaiwrap` for line
breaks between Thai words. They are the ``poster`` extra: `require_extra` says what to install.
"""

from __future__ import annotations

import datetime as dt
import importlib
import io
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

from gsync import thai, thai_calendar
from gsync.atomic import atomic_write
from gsync.config import DistrictCfg, Settings
from gsync.errors import GsyncError, SourceError

if TYPE_CHECKING:  # the Google libraries are imported only when a Google part is configured
    from gsync.google.clients import GoogleClients

log = logging.getLogger(__name__)

INSTALL_HINT = "pip install -e '.[poster]'"
# (import name, distribution) of what the poster needs beyond gsync's own dependencies.
EXTRA_MODULES = (
    ("fpdf", "fpdf2"),
    ("uharfbuzz", "uharfbuzz"),
    ("segno", "segno"),
    ("pythainlp", "pythainlp"),
    ("fontpkg_sarabun", "fontpkg-sarabun"),
)
FOLDER_MIME = "application/vnd.google-apps.folder"

# Printed sizes, quiet zone included (mm). A phone reads a code from about ten times its width:
# 6.5 cm from 65 cm, 8.5 cm from 85 cm; arm's length is 40-60 cm.
QR_PROVINCE_MM = 65.0
QR_DISTRICT_MM = 85.0
QR_FOLDER_MM = 42.0
QR_ERROR = "m"  # at least M (15% of the code may be smudged); segno raises it when it costs nothing
QR_BORDER = 4  # modules of quiet zone, as ISO/IEC 18004 asks
PNG_SCALE = 12  # pixels per module in the --images PNGs (a 6 cm code stays sharp at 300 dpi)


class PosterError(GsyncError):
    """The poster cannot be made from this config or this Form (exit 2, nothing written)."""

    exit_code = 2


# --- what goes on the poster --------------------------------------------------------------------


@dataclass(frozen=True)
class Deadline:
    quarter: int
    label: str  # "ไตรมาสที่ 1 (ต.ค. - ธ.ค. 2567)"
    date: dt.date
    pinned: bool  # set in [deadlines], not computed by the rule


@dataclass(frozen=True)
class Extra:
    """A report beyond the quarterly one (`[[collections]]`), when the config has them."""

    name: str
    date: dt.date


@dataclass(frozen=True)
class DistrictPage:
    name: str
    form_url: str  # the pre-filled link
    choice: str  # the drop-down choice it pre-fills
    folder_url: str | None
    emails: tuple[str, ...]


@dataclass(frozen=True)
class Poster:
    province: str
    fiscal_year: int
    form_url: str
    form_title: str | None
    folder_url: str | None
    deadline_day: int
    deadlines: tuple[Deadline, ...]
    extras: tuple[Extra, ...]
    districts: tuple[DistrictPage, ...]
    made_on: dt.date
    notes: tuple[str, ...] = field(default=())  # what the operator should know (not printed)


@dataclass(frozen=True)
class FormInfo:
    """The Form as far as links go."""

    url: str  # the respondent link, without a pre-filled answer
    entry: int  # the district question's entry number
    choices: tuple[str, ...] | None  # the drop-down's choices; None: not known (offline) or free text
    question: str  # the district question's title, for messages
    title: str | None = None
    where: str = "[form]"


# --- dependencies --------------------------------------------------------------------------------


def require_extra() -> None:
    """Stop with one line naming the command that installs the poster's libraries."""
    missing = []
    for module, dist in EXTRA_MODULES:
        try:
            importlib.import_module(module)
        except ImportError:
            missing.append(dist)
    if missing:
        raise PosterError(f"gsync poster needs {', '.join(missing)}; install them with: {INSTALL_HINT}")


# --- links -------------------------------------------------------------------------------------


def prefilled_url(base: str, entry: int, value: str) -> str:
    """``base?usp=pp_url&entry.<entry>=<value>`` (URL-encoded), keeping other query parameters
    of `base` but dropping its own ``usp`` and ``entry.*`` ones."""
    parts = urlsplit(base)
    kept = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
            if k != "usp" and not k.startswith("entry.")]
    query = urlencode([("usp", "pp_url"), (f"entry.{entry}", value), *kept], quote_via=quote, safe="")
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))


def plain_url(base: str) -> str:
    """The respondent link without sharing or pre-fill parameters (what page 1 prints)."""
    parts = urlsplit(base)
    kept = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
            if k != "usp" and not k.startswith("entry.")]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(kept, quote_via=quote), ""))


def readable_url(url: str) -> str:
    """A link as people read it: Thai letters instead of %E0%B8%... (browsers take both)."""
    return unquote(url)


def folder_link(folder_id: str) -> str:
    return f"https://drive.google.com/drive/folders/{folder_id}"


def entry_in(url: str) -> int | None:
    entries = [k for k, _ in parse_qsl(urlsplit(url).query, keep_blank_values=True) if k.startswith("entry.")]
    if len(entries) != 1:
        return None
    number = entries[0].removeprefix("entry.").split(".")[0]
    return int(number) if number.isdigit() else None


def offline_form(settings: Settings) -> FormInfo:
    """The Form's link and entry number from `[form] url` and `[form] district_entry`."""
    form = settings.form
    where = f"{settings.source_file or 'config'}: [form]"
    if form is None:
        raise PosterError(f"{where}: there is no [form] section; the poster's QR codes open the Form, so add "
                          "[form] with url = \"https://docs.google.com/forms/d/e/.../viewform\"")
    if not form.url:
        raise PosterError(
            f"{where} url is missing: the Form is read offline, so gsync cannot ask Google for its link; add "
            "url = \"https://docs.google.com/forms/d/e/.../viewform\" (the Form's Send > link) under [form]"
        )
    host = urlsplit(form.url).netloc.lower()
    if host == "forms.gle":
        raise PosterError(
            f"{where} url is a forms.gle short link, which loses the pre-filled district; use the long link "
            "(https://docs.google.com/forms/d/e/.../viewform: Send > link, without 'Shorten URL')"
        )
    entry = form.district_entry if form.district_entry is not None else entry_in(form.url)
    if entry is None:
        raise PosterError(
            f"{where} district_entry is missing: in the Form's menu choose 'Get pre-filled link', pick any "
            "district, press 'Get link' and set district_entry to the number after 'entry.' (or paste that "
            "whole link as url)"
        )
    question = form.questions.get("district") or "อำเภอ"
    return FormInfo(url=plain_url(form.url), entry=entry, choices=None, question=question, where=where)


def online_form(settings: Settings, google: GoogleClients) -> FormInfo:
    """The Form's link and its district question from the Forms API (`forms.get`)."""
    assert settings.form is not None and settings.form.form_id
    form_id = settings.form.form_id
    where = f"[form] form_id {form_id}"
    form = _execute("Google Forms forms.get", where, google.forms.forms().get(formId=form_id), "form")
    responder = form.get("responderUri")
    if not responder:
        if settings.form.url:
            responder = settings.form.url
        else:
            raise PosterError(f"{where}: the Forms API gives no respondent link for this Form (is it published?); "
                              "publish it, or set [form] url to its link")
    qid, title, question = _district_question(settings, form, where)
    try:
        entry = int(qid, 16)
    except ValueError:
        raise PosterError(f"{where}: the district question's id {qid!r} is not hexadecimal; cannot make its "
                          "entry number (set [form] district_entry from a pre-filled link)") from None
    if "choiceQuestion" in question:
        choices: tuple[str, ...] | None = tuple(
            o["value"] for o in question["choiceQuestion"].get("options") or [] if o.get("value"))
    elif "textQuestion" in question:
        choices = None  # any text pre-fills
    else:
        kind = next((k for k in question if k.endswith("Question")), "this kind of")
        raise PosterError(f'{where}: the district question "{title}" is a {kind} question; a link can pre-fill '
                          "only a drop-down, multiple-choice or text question")
    info = form.get("info") or {}
    return FormInfo(url=plain_url(responder), entry=entry, choices=choices, question=title,
                    title=info.get("title") or None, where=where)


def _district_question(settings: Settings, form: Mapping[str, Any], where: str) -> tuple[str, str, dict[str, Any]]:
    assert settings.form is not None
    questions: list[tuple[str, str, dict[str, Any]]] = []
    for item in form.get("items") or []:
        q = (item.get("questionItem") or {}).get("question")
        if q and q.get("questionId"):
            questions.append((q["questionId"], item.get("title") or "", q))
    pinned = settings.form.question_ids.get("district")
    if pinned:
        found = next((x for x in questions if x[0] == pinned), None)
        if found is None:
            raise PosterError(f'{where}: the Form has no district question: [form.question_ids] district = "{pinned}" '
                              "is not a question of the Form; remove the pin or set it to the district question's id")
        return found
    title = settings.form.questions.get("district") or ""
    found = next((x for x in questions if title and thai.name_key(x[1]) == thai.name_key(title)), None)
    if found is None:
        hint = _closest(title, [t for _, t, _ in questions])
        raise PosterError(f'{where}: the Form has no district question "{title}"{hint}; set [form.questions] '
                          'district = "<its title>" or [form.question_ids] district = "<its id>"')
    return found


def _closest(title: str, titles: list[str]) -> str:
    from rapidfuzz import fuzz, process

    best = process.extractOne(title, titles, scorer=fuzz.ratio, processor=None) if title and titles else None
    return f' (closest: "{best[0]}")' if best and best[1] >= 50 else ""


def choice_for(district: DistrictCfg, form: FormInfo) -> str:
    """The drop-down choice that names `district` (exactly as the Form spells it)."""
    if form.choices is None:
        return district.name
    if district.name in form.choices:
        return district.name
    keys = {thai.name_key(thai.strip_admin_prefix(n)) for n in (district.name, *district.aliases)}
    for choice in form.choices:
        if thai.name_key(thai.strip_admin_prefix(choice)) in keys:
            return choice
    raise PosterError(
        f'[[districts]] {district.name}: the Form\'s drop-down "{form.question}" has no choice "{district.name}", '
        f"so its link would pre-fill nothing; add the choice to the Form or fix the district's name "
        f"(choices: {', '.join(form.choices) or 'none'})"
    )


def district_folders(settings: Settings, google: GoogleClients) -> dict[str, str]:
    """District name -> link of the sub-folder named after it, directly in the QR Drive folder."""
    assert settings.drive is not None and settings.drive.folder_id
    root = settings.drive.folder_id
    where = f"[drive] folder_id {root}"
    escaped = root.replace("\\", "\\\\").replace("'", "\\'")
    kwargs: dict[str, Any] = {
        "q": f"'{escaped}' in parents and mimeType = '{FOLDER_MIME}' and trashed = false",
        "fields": "nextPageToken,files(id,name)", "pageSize": 1000, "orderBy": "name",
        "supportsAllDrives": True, "includeItemsFromAllDrives": True,
    }
    folders: list[dict[str, Any]] = []
    while True:
        page = _execute("Google Drive files.list", where, google.drive.files().list(**kwargs), "folder")
        folders.extend(page.get("files") or [])
        kwargs["pageToken"] = page.get("nextPageToken")
        if not kwargs["pageToken"]:
            break
    out: dict[str, str] = {}
    for d in settings.districts:
        keys = {thai.name_key(thai.strip_admin_prefix(n)) for n in (d.name, *d.aliases)}
        matches = [f for f in folders if thai.name_key(thai.strip_admin_prefix(f.get("name") or "")) in keys]
        if len(matches) > 1:
            log.warning("%d folders are named after %s; the poster shows the first (%s)",
                        len(matches), d.name, matches[0].get("name"))
        if matches:
            out[d.name] = folder_link(matches[0]["id"])
    return out


def _execute(what: str, where: str, request: Any, resource: str) -> Any:
    """One Google call; a refusal is one line with the fix `advice` gives for `resource`."""
    from gsync.google.advice import Failure, advice
    from gsync.google.call import CallFailed, call

    def explain(failed: CallFailed) -> Exception:
        err = failed.google
        if err is not None and err.failure is Failure.NOT_FOUND:
            return SourceError(f"{where}: {what} found nothing (404); {advice(resource, err)}")
        if err is not None and err.status in (401, 403) and err.failure is not Failure.QUOTA:
            return SourceError(f"{where}: {what}: permission denied ({err.status} {err.reason}); "
                               + advice(resource, err))
        return failed.failed(f"{where}: {what}", then="nothing was written")

    return call(request.execute, explain)


# --- the plan -----------------------------------------------------------------------------------


def deadlines(settings: Settings) -> tuple[Deadline, ...]:
    fy = settings.fiscal_year
    cfg = settings.deadlines
    cal = thai_calendar.WorkCalendar(cfg.extra_holidays, cfg.extra_working_days)
    pinned = cfg.explicit()
    dates = thai_calendar.deadlines(fy, pinned, day=cfg.day, cal=cal)
    return tuple(Deadline(q, thai_calendar.quarter_label(fy, q), dates[q], q in pinned) for q in thai_calendar.QUARTERS)


def _extras(settings: Settings) -> tuple[Extra, ...]:
    out = []
    for c in getattr(settings, "collections", None) or []:
        name, due = getattr(c, "name", None), getattr(c, "due", None)
        if isinstance(name, str) and isinstance(due, dt.date):
            out.append(Extra(name, due))
    return tuple(sorted(out, key=lambda e: e.date))


def _emails(d: DistrictCfg) -> tuple[str, ...]:
    notify = getattr(d, "notify_emails", None)  # [[districts]] notify_emails, when the config has it
    return tuple(notify if notify else d.emails)


def plan(settings: Settings, google: GoogleClients | None = None, *, today: dt.date) -> Poster:
    """Everything the poster shows, checked. `google`: a GoogleClients when a Google channel is set."""
    online = bool(settings.form and settings.form.form_id)
    if online:
        if google is None:
            raise PosterError("[form] form_id needs Google credentials ([google] credentials)")
        form = online_form(settings, google)
    else:
        form = offline_form(settings)
    notes: list[str] = []
    if form.choices is None and not online:
        notes.append("the Form is offline: open one district's link to check that it chooses the district")
    pages_choice = {d.name: choice_for(d, form) for d in settings.districts}  # raises before any I/O below

    folder_url: str | None = None
    subfolders: dict[str, str] = {}
    if settings.drive and settings.drive.folder_id:
        folder_url = folder_link(settings.drive.folder_id)
        if google is None:
            raise PosterError("[drive] folder_id needs Google credentials ([google] credentials)")
        subfolders = district_folders(settings, google)
    elif settings.drive and settings.drive.url:
        folder_url = settings.drive.url
    if folder_url is None:
        notes.append("no Drive folder link ([drive] folder_id or [drive] url): page 1 shows the Form only")

    pages = tuple(
        DistrictPage(name=d.name, form_url=prefilled_url(form.url, form.entry, pages_choice[d.name]),
                     choice=pages_choice[d.name], folder_url=subfolders.get(d.name), emails=_emails(d))
        for d in settings.districts
    )
    return Poster(
        province=settings.province.name, fiscal_year=settings.fiscal_year, form_url=form.url,
        form_title=form.title, folder_url=folder_url, deadline_day=settings.deadlines.day,
        deadlines=deadlines(settings), extras=_extras(settings), districts=pages, made_on=today,
        notes=tuple(notes),
    )


# --- QR codes -----------------------------------------------------------------------------------


def qr_code(url: str) -> Any:
    import segno

    return segno.make_qr(url, error=QR_ERROR)


def qr_files(poster: Poster) -> dict[str, bytes]:
    """File name -> bytes of every QR code as SVG and PNG (for pasting into the letter)."""
    codes: dict[str, str] = {"form": poster.form_url}
    if poster.folder_url:
        codes["folder"] = poster.folder_url
    for i, d in enumerate(poster.districts, 1):
        stem = f"district-{i:02d}-{_safe(d.name)}"
        codes[stem] = d.form_url
        if d.folder_url:
            codes[stem + "-folder"] = d.folder_url
    out: dict[str, bytes] = {}
    for stem, url in codes.items():
        qr = qr_code(url)
        for kind, options in (("svg", {"scale": 10}), ("png", {"scale": PNG_SCALE})):
            buf = io.BytesIO()
            qr.save(buf, kind=kind, border=QR_BORDER, **options)
            out[f"{stem}.{kind}"] = buf.getvalue()
    return out


def _safe(name: str) -> str:
    """A file name part: letters (Thai marks included), digits, - and _."""
    import unicodedata

    return "".join(c if unicodedata.category(c)[0] in "LMN" or c in "-_" else "_" for c in name)


# --- the PDF ------------------------------------------------------------------------------------

_THAI_DIGITS = thai.TO_THAI_DIGITS
_WEEKDAYS = ("จันทร์", "อังคาร", "พุธ", "พฤหัสบดี", "ศุกร์", "เสาร์", "อาทิตย์")


def td(text: object) -> str:
    """Thai digits, as official letters write numbers."""
    return str(text).translate(_THAI_DIGITS)


def be(year: int) -> str:
    """``พ.ศ. ๒๕๖๘`` with a no-break space, so a line never ends between the era and the year."""
    return f"พ.ศ.\u00a0{td(year)}"


def thai_day(d: dt.date) -> str:
    """``วันศุกร์ที่ ๑๓ ธันวาคม ๒๕๖๗``."""
    return f"วัน{_WEEKDAYS[d.weekday()]}ที่ {td(thai.format_thai_date(d, short=False))}"


def _font_files() -> dict[str, str]:
    from importlib import resources

    root = resources.files("fontpkg_sarabun").joinpath("files")
    return {"": str(root.joinpath("Sarabun-Regular.ttf")), "B": str(root.joinpath("Sarabun-Bold.ttf"))}


A4_W, A4_H, MARGIN = 210.0, 297.0, 16.0
FOOTER_Y = A4_H - 11.0  # the footer line; text above it must end before
INK, GREY, ACCENT = (20, 20, 20), (95, 95, 95), (22, 72, 140)


class _Doc:
    """fpdf2 with Thai shaping, Sarabun, and the few layout moves the poster needs."""

    def __init__(self, poster: Poster) -> None:
        from fpdf import FPDF

        from gsync import thaiwrap

        self.breaks: Callable[[str], str] = thaiwrap.soft_breaks
        self.poster = poster
        pdf = FPDF(orientation="P", unit="mm", format="A4")
        pdf.set_margins(MARGIN, MARGIN, MARGIN)
        pdf.set_auto_page_break(False)
        pdf.set_creator("gsync")
        pdf.set_title(f"QR รายงานผล ปีงบประมาณ พ.ศ. {poster.fiscal_year} จังหวัด{poster.province}")
        pdf.set_lang("th")
        for style, path in _font_files().items():
            pdf.add_font("Sarabun", style, path)
        pdf.set_text_shaping(True)
        self.pdf = pdf
        self.page_no = 0
        self.lowest = 0.0  # the lowest text of the current page (mm from the top)
        self.overfull: list[int] = []  # pages whose text runs into the footer

    def page(self) -> None:
        self._check_page()
        self.pdf.add_page()
        self.page_no += 1
        self.pdf.set_text_color(*GREY)
        self.text(MARGIN, FOOTER_Y, A4_W - 2 * MARGIN, 8.5,
                  f"จัดทำด้วย gsync เมื่อ {td(thai.format_thai_date(self.poster.made_on, short=False))}"
                  f"   หน้า {td(self.page_no)}", align="R")
        self.pdf.set_text_color(*INK)
        self.lowest = 0.0

    def _check_page(self) -> None:
        if self.page_no and self.lowest > FOOTER_Y:
            self.overfull.append(self.page_no)

    def finish(self) -> bytes:
        self._check_page()
        if self.overfull:
            log.warning("poster page(s) %s are too full: text runs into the footer",
                        ", ".join(map(str, self.overfull)))
        return bytes(self.pdf.output())

    def text(self, x: float, y: float, w: float, size: float, text: str, *, bold: bool = False,
             align: str = "L", color: tuple[int, int, int] | None = None, link: str = "",
             url: bool = False, leading: float = 1.45) -> float:
        """Write a paragraph in the box starting at (x, y), `w` wide; returns the y below it."""
        from fpdf.enums import WrapMode

        pdf = self.pdf
        pdf.set_font("Sarabun", "B" if bold else "", size)
        if color:
            pdf.set_text_color(*color)
        pdf.set_xy(x, y)
        h = size * 0.3528 * leading
        pdf.multi_cell(w, h, text if url else self.breaks(text), align=align, link=link,
                       wrapmode=WrapMode.CHAR if url else WrapMode.WORD, new_x="LMARGIN", new_y="NEXT")
        if color:
            pdf.set_text_color(*INK)
        bottom = float(pdf.get_y())
        if y < FOOTER_Y:  # not the footer itself
            self.lowest = max(self.lowest, bottom)
        return bottom

    def qr(self, url: str, x: float, y: float, size: float) -> float:
        """The QR code of `url`, quiet zone included, as a `size` mm square of vector modules."""
        matrix = [list(row) for row in qr_code(url).matrix_iter(scale=1, border=QR_BORDER)]
        module = size / len(matrix)
        pdf = self.pdf
        pdf.set_fill_color(255, 255, 255)
        pdf.rect(x, y, size, size, style="F")
        pdf.set_fill_color(0, 0, 0)
        for r, row in enumerate(matrix):
            c = 0
            while c < len(row):
                if not row[c]:
                    c += 1
                    continue
                start = c
                while c < len(row) and row[c]:
                    c += 1
                # a hair of overlap so no white seam shows between rows when the PDF is rasterized
                pdf.rect(x + start * module, y + r * module, (c - start) * module, module + 0.02, style="F")
        pdf.link(x, y, size, size, url)
        return y + size

    def rule(self, y: float) -> None:
        self.pdf.set_draw_color(190, 190, 190)
        self.pdf.set_line_width(0.3)
        self.pdf.line(MARGIN, y, A4_W - MARGIN, y)

    def deadline_table(self, y: float, *, compact: bool = False) -> float:
        p = self.poster
        w = A4_W - 2 * MARGIN
        y = self.text(MARGIN, y, w, 15 if not compact else 14,
                      f"กำหนดส่งรายงาน ปีงบประมาณ {be(p.fiscal_year)}", bold=True, color=ACCENT)
        rule = (f"ภายในวันที่ {td(p.deadline_day)} ของเดือนสุดท้ายของแต่ละไตรมาส ถ้าตรงกับวันหยุดราชการ "
                "ให้ส่งภายในวันทำการก่อนหน้า ส่งได้จนถึงเวลา ๒๔.๐๐ น. ของวันกำหนดส่ง")
        y = self.text(MARGIN, y, w, 12, rule, color=GREY) + 1
        size = 13
        rows = [(d.date, td(d.label), thai_day(d.date) + ("  (จังหวัดกำหนด)" if d.pinned else "")) for d in p.deadlines]
        rows += [(e.date, e.name, thai_day(e.date)) for e in p.extras]
        for _, label, when in sorted(rows, key=lambda r: r[0]):  # in date order: one-off reports among the quarters
            left = self.text(MARGIN + 2, y, 78, size, label)
            y = max(left, self.text(MARGIN + 80, y, w - 80, size, when, bold=True))
        return y


def render_pdf(poster: Poster) -> bytes:
    """The poster as PDF bytes (page 1 for the province, then one page per district)."""
    doc = _Doc(poster)
    _province_page(doc)
    for d in poster.districts:
        _district_page(doc, d)
    return doc.finish()


def _province_page(doc: _Doc) -> None:
    p = doc.poster
    w = A4_W - 2 * MARGIN
    doc.page()
    y = doc.text(MARGIN, MARGIN, w, 14, f"จังหวัด{p.province}", color=GREY)
    y = doc.text(MARGIN, y, w, 21, f"ช่องทางการส่งรายงานผลการดำเนินงาน\nปีงบประมาณ {be(p.fiscal_year)}",
                 bold=True)
    if p.form_title:
        y = doc.text(MARGIN, y, w, 12, td(p.form_title), color=GREY)
    y += 3
    doc.rule(y)
    y += 4

    columns = [("๑. แบบฟอร์มรายงาน (Google\u00a0Form)",
                "กรอกผลการดำเนินงานของไตรมาส และแนบไฟล์แบบรายงานผลการดำเนินงาน", p.form_url)]
    if p.folder_url:
        columns.append(("๒. โฟลเดอร์ส่งไฟล์ (Google\u00a0Drive)",
                        "อัปโหลดไฟล์รายงานและภาพถ่ายกิจกรรม ลงในโฟลเดอร์ของอำเภอ", p.folder_url))
    gap = 10.0
    col_w = (w - gap) / 2
    bottoms = []
    for i, (head, purpose, url) in enumerate(columns):
        x = MARGIN + i * (col_w + gap) if len(columns) == 2 else MARGIN + (w - col_w) / 2
        cy = doc.text(x, y, col_w, 16, head, bold=True, align="C", color=ACCENT)
        cy = doc.text(x, cy, col_w, 12.5, purpose, align="C")
        cy = doc.qr(url, x + (col_w - QR_PROVINCE_MM) / 2, cy + 2, QR_PROVINCE_MM)
        cy = doc.text(x, cy + 1, col_w, 9.5, readable_url(url), align="C", url=True, link=url, color=GREY)
        bottoms.append(cy)
    y = max(bottoms) + 3
    doc.rule(y)
    y = doc.deadline_table(y + 3)
    y += 3
    doc.rule(y)
    y = doc.text(MARGIN, y + 3, w, 15, "วิธีส่งรายงาน", bold=True, color=ACCENT)
    folder = "โฟลเดอร์ Google Drive (คิวอาร์โค้ดที่ ๒)" if p.folder_url else "โฟลเดอร์ที่จังหวัดแจ้ง"
    steps = (
        "๑. สแกนคิวอาร์โค้ดแบบฟอร์มด้วยกล้องโทรศัพท์ เลือกอำเภอและไตรมาส กรอกข้อมูลให้ครบ "
        "แล้วแนบไฟล์แบบรายงานผลการดำเนินงาน (Excel)",
        f"๒. ภาพถ่ายกิจกรรมและไฟล์อื่น อัปโหลดใน{folder} ตั้งชื่อไฟล์ด้วยชื่ออำเภอและไตรมาส "
        "เช่น เกาะคา ไตรมาส ๑",
        "๓. ส่งภายในวันกำหนดส่งข้างต้น หากส่งผิดให้ส่งใหม่ทางช่องทางเดิม "
        "แต่ละอำเภอใช้คิวอาร์โค้ดของอำเภอตนเองในหน้าถัดไปได้ ซึ่งเลือกชื่ออำเภอไว้ให้แล้ว",
    )
    for step in steps:
        y = doc.text(MARGIN, y + 0.5, w, 13, step)


def _district_page(doc: _Doc, d: DistrictPage) -> None:
    p = doc.poster
    w = A4_W - 2 * MARGIN
    doc.page()
    y = doc.text(MARGIN, MARGIN, w, 14, f"จังหวัด{p.province}  ปีงบประมาณ {be(p.fiscal_year)}", color=GREY)
    y = doc.text(MARGIN, y, w, 28, f"อำเภอ{d.name}", bold=True)
    y = doc.text(MARGIN, y, w, 14, f"สแกนเพื่อส่งรายงานผลการดำเนินงานของอำเภอ{d.name} "
                                   "แบบฟอร์มจะเลือกชื่ออำเภอไว้ให้แล้ว", color=ACCENT)
    y = doc.qr(d.form_url, MARGIN + (w - QR_DISTRICT_MM) / 2, y + 3, QR_DISTRICT_MM)
    y = doc.text(MARGIN + 10, y + 1, w - 20, 9.5, readable_url(d.form_url), align="C", url=True,
                 link=d.form_url, color=GREY)
    y += 4
    doc.rule(y)
    y += 4
    if d.folder_url:
        top = y
        doc.qr(d.folder_url, MARGIN, top, QR_FOLDER_MM)
        x = MARGIN + QR_FOLDER_MM + 6
        ty = doc.text(x, top + 2, w - QR_FOLDER_MM - 6, 15, f"โฟลเดอร์ของอำเภอ{d.name} (Google Drive)",
                      bold=True, color=ACCENT)
        ty = doc.text(x, ty, w - QR_FOLDER_MM - 6, 12.5, "สำหรับภาพถ่ายกิจกรรมและไฟล์เพิ่มเติมของอำเภอ")
        doc.text(x, ty + 1, w - QR_FOLDER_MM - 6, 9.5, d.folder_url, url=True, link=d.folder_url, color=GREY)
        y = top + QR_FOLDER_MM + 3
        doc.rule(y)
        y += 4
    y = doc.deadline_table(y, compact=True)
    y += 4
    doc.rule(y)
    y = doc.text(MARGIN, y + 4, w, 14, "ผู้รับการแจ้งเตือนของอำเภอ (อีเมล)", bold=True, color=ACCENT)
    if d.emails:
        doc.text(MARGIN + 2, y, w - 2, 12.5, "   ".join(d.emails))
    else:
        doc.text(MARGIN + 2, y, w - 2, 12.5, "ยังไม่ได้กำหนด แจ้งสำนักงานพัฒนาชุมชนจังหวัดเพื่อเพิ่มอีเมลผู้รับการแจ้งเตือน")


# --- writing ------------------------------------------------------------------------------------


def write(poster: Poster, out: Path, images: Path | None = None) -> list[Path]:
    """Render, then put the PDF (and the QR images) in place, each through a temp file and a
    rename: a failed run leaves no half-written file. Returns what was written."""
    pdf = render_pdf(poster)
    files = qr_files(poster) if images is not None else {}
    written = []
    try:
        if images is not None:
            images.mkdir(parents=True, exist_ok=True)
            for name, data in files.items():
                written.append(atomic_write(images / name, data))
        out.parent.mkdir(parents=True, exist_ok=True)
        written.append(atomic_write(out, pdf))
    except OSError as e:
        raise GsyncError(f"cannot write {e.filename or out}: {e.strerror}; nothing was half-written") from None
    return written


def links(poster: Poster) -> Iterable[tuple[str, str]]:
    """(what, link) of every QR code, in page order (for the command's summary)."""
    yield "แบบฟอร์ม", poster.form_url
    if poster.folder_url:
        yield "โฟลเดอร์", poster.folder_url
    for d in poster.districts:
        yield f"อำเภอ{d.name}", d.form_url
