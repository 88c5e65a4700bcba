"""TOML config -> validated settings. The only place that reads files or the environment for config.

A typo or a missing key becomes one `ConfigError` line naming the file, the key and the fix;
the CLI turns it into exit code 2. Every setting but the contract's keys has a default (the
Lampang FY2568 guideline), so a config with only the contract keys is complete.
"""

from __future__ import annotations

import datetime as dt
import difflib
import tomllib
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from gsync import vocab
from gsync.thai_calendar import BE_OFFSET


class ConfigError(Exception):
    """The config cannot be used. The message is one line: where, what, and how to fix it."""


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class ProvinceCfg(Section):
    name: str
    fiscal_year: int = Field(description="Buddhist Era, e.g. 2568")
    timezone: str = "Asia/Bangkok"
    staff_emails: list[str] = Field(default_factory=list)  # who gets the reminders' summary
    staff_line: list[str] = Field(default_factory=list)  # LINE user or group ids for the summary
    # whom staff call about the master, as the วิธีใช้ tab says it: "คุณสมชาย งานสารสนเทศ โทร 054-123456"
    contact: str = ""
    # [south, west, north, east] in degrees: centre coordinates outside it are flagged
    bbox: list[float] | None = None

    @field_validator("bbox")
    @classmethod
    def _box(cls, v: list[float] | None) -> list[float] | None:
        if v is not None and (len(v) != 4 or not (v[0] < v[2] and v[1] < v[3])):
            raise ValueError("must be [south, west, north, east], e.g. [17.2, 98.9, 19.5, 100.2] for Lampang")
        return v

    @field_validator("fiscal_year")
    @classmethod
    def _buddhist_era(cls, v: int) -> int:
        if 1900 <= v <= 2200:
            raise ValueError(f"{v} looks like a Christian-Era year; write {v + BE_OFFSET} (Buddhist Era)")
        if not 2500 <= v <= 2700:
            raise ValueError(f"{v} is not a Buddhist-Era fiscal year; write it like 2568")
        return v

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, v: str) -> str:
        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError) as e:
            raise ValueError(f"unknown time zone {v!r}; use an IANA name like 'Asia/Bangkok'") from e
        return v

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


class DistrictCfg(Section):
    name: str
    tambons: list[str] = Field(min_length=1)
    emails: list[str] = Field(default_factory=list)
    aliases: list[str] = Field(default_factory=list)  # other spellings, e.g. "เมือง"
    notify_emails: list[str] | None = None  # who gets reminders by email (default: emails)
    line: list[str] = Field(default_factory=list)  # LINE user or group ids for reminders
    # who also hears once a report is [reminders] escalate_after_days late (e.g. the นายอำเภอ)
    escalate_emails: list[str] = Field(default_factory=list)
    escalate_line: list[str] = Field(default_factory=list)

    @field_validator("emails")
    @classmethod
    def _lower(cls, v: list[str]) -> list[str]:
        return [e.strip().lower() for e in v]

    @property
    def reminder_emails(self) -> list[str]:
        return self.emails if self.notify_emails is None else [e.strip() for e in self.notify_emails]


class DeadlinesCfg(Section):
    q1: dt.date | None = None
    q2: dt.date | None = None
    q3: dt.date | None = None
    q4: dt.date | None = None
    day: int = Field(15, ge=1, le=28, description="day of the quarter's last month")
    extra_holidays: list[dt.date] = Field(default_factory=list)
    extra_working_days: list[dt.date] = Field(default_factory=list)

    def explicit(self) -> dict[int, dt.date]:
        pinned = {1: self.q1, 2: self.q2, 3: self.q3, 4: self.q4}
        return {q: d for q, d in pinned.items() if d is not None}


class FormCfg(Section):
    form_id: str | None = None
    csv: Path | None = None
    # offline: the local copy of the Form's "(File responses)" folder, where CSV links meet their files
    uploads: Path | None = None
    # gsync field -> question title (defaults: the Lampang Form); ids pin questions by id.
    questions: dict[str, str] = Field(default_factory=lambda: dict(vocab.FORM_QUESTIONS))
    question_ids: dict[str, str] = Field(default_factory=dict)
    # For `gsync poster` offline: the Form's respondent link and the district question's entry
    # number (online both come from the Forms API).
    url: str | None = None
    district_entry: int | None = Field(None, ge=0)

    @field_validator("url")
    @classmethod
    def _form_url(cls, v: str | None) -> str | None:
        return _web_address(v, "the Form's link, e.g. 'https://docs.google.com/forms/d/e/1FAIpQL.../viewform'")

    @field_validator("district_entry", mode="before")
    @classmethod
    def _entry_number(cls, v: object) -> object:
        if isinstance(v, str):  # "entry.1234567890", as it appears in a pre-filled link
            return v.strip().removeprefix("entry.")
        return v

    # The quarter question's four choices, Q1 first; default: derived from the fiscal year
    # ("ไตรมาสที่ 1 (ต.ค. - ธ.ค. 2568)" ... for FY2569).
    quarter_choices: list[str] | None = None

    @field_validator("quarter_choices")
    @classmethod
    def _four(cls, v: list[str] | None) -> list[str] | None:
        if v is not None and len(v) != 4:
            raise ValueError("list the four choices of the quarter question, Q1 first")
        return v

    @field_validator("questions")
    @classmethod
    def _merge_defaults(cls, v: dict[str, str]) -> dict[str, str]:
        unknown = sorted(set(v) - set(vocab.FORM_QUESTIONS))
        if unknown:
            raise ValueError(
                f"unknown field {unknown[0]!r}; fields are: {', '.join(vocab.FORM_QUESTIONS)}"
            )
        return {**vocab.FORM_QUESTIONS, **v}

    @model_validator(mode="after")
    def _one_of(self) -> FormCfg:
        _exactly_one(self, "form_id", "csv")
        return self


class DriveCfg(Section):
    folder_id: str | None = None
    path: Path | None = None
    url: str | None = None  # for `gsync poster` offline: the shared folder's link

    @field_validator("url")
    @classmethod
    def _folder_url(cls, v: str | None) -> str | None:
        return _web_address(v, "the folder's link, e.g. 'https://drive.google.com/drive/folders/1AbC...'")

    @model_validator(mode="after")
    def _one_of(self) -> DriveCfg:
        _exactly_one(self, "folder_id", "path")
        return self


class SheetCfg(Section):
    spreadsheet_id: str | None = None
    path: Path | None = None

    @model_validator(mode="after")
    def _one_of(self) -> SheetCfg:
        _exactly_one(self, "spreadsheet_id", "path")
        return self


class GoogleCfg(Section):
    credentials: Path | None = None
    endpoint: str | None = None
    timeout: float = Field(60.0, gt=0)
    max_retries: int = Field(6, ge=0, le=20)
    # The safety net under Drive's changes feed: the master and the Form's questions are read
    # in full at least this often, even when the feed reports no change (issue 13).
    full_read_minutes: int = Field(60, ge=1, le=24 * 60)
    # Record the master's Drive version after each write (one files.get after it), so the rerun
    # right after a writing run need not read the master back (issue 13); a run that is to write
    # reads it whatever the feed says (issue 21). false: read the master after every run that
    # wrote it (one request more).
    skip_read_after_own_write: bool = True

    @field_validator("endpoint")
    @classmethod
    def _scheme_host(cls, v: str | None) -> str | None:
        if v is None:
            return v
        if not (v.startswith("http://") or v.startswith("https://")):
            raise ValueError("must start with http:// or https://, e.g. 'http://127.0.0.1:8089'")
        return v.rstrip("/")


class RulesCfg(Section):
    """Completeness rules (domain.md). Each can be switched off; the province edits them."""

    required_answers: list[str] = Field(default_factory=lambda: list(vocab.FORM_REQUIRED))
    report_file: bool = True
    every_centre_active: bool = True
    date_inside_quarter: bool = True
    known_category: bool = True
    participants_positive: bool = True
    totals_match: bool = True
    totals_tolerance: int = Field(0, ge=0)
    known_tambon: bool = True
    readable_dates: bool = True
    check_respondent: bool = True


class ReviewCfg(Section):
    """Staff's review in the master (ผลการตรวจ on รายงาน)."""

    # A report returned for correction keeps the timeliness of its first receipt (default).
    # With this on, a report whose correction arrives after the deadline counts as late.
    late_if_corrected_after_deadline: bool = False


class VocabularyCfg(Section):
    groups: dict[str, str] = Field(default_factory=lambda: dict(vocab.GROUP_NAMES))
    group_aliases: dict[str, list[str]] = Field(default_factory=lambda: dict(vocab.GROUP_ALIASES))
    missions: dict[str, list[str]] = Field(default_factory=lambda: dict(vocab.MISSIONS))
    dimensions: dict[str, list[str]] = Field(default_factory=lambda: dict(vocab.DIMENSIONS))
    volunteer_types: dict[str, list[str]] = Field(
        default_factory=lambda: dict(vocab.VOLUNTEER_TYPES)
    )
    sectors: dict[str, list[str]] = Field(default_factory=lambda: dict(vocab.SECTORS))

    def terms_by_group(self) -> dict[str, dict[str, list[str]]]:
        return {"3.1": self.missions, "3.2": self.dimensions, "3.3": self.volunteer_types}


class ColumnsCfg(Section):
    activities: dict[str, list[str]] = Field(default_factory=lambda: dict(vocab.ACTIVITY_COLUMNS))
    centres: dict[str, list[str]] = Field(default_factory=lambda: dict(vocab.REGISTER_COLUMNS))


class LimitsCfg(Section):
    """Caps that keep a hostile or broken file from taking the run down."""

    max_file_bytes: int = 50 * 1024 * 1024
    max_unzipped_bytes: int = 200 * 1024 * 1024
    max_rows: int = 20_000
    max_cell_chars: int = 5_000


class SafetyCfg(Section):
    """Guards against a source that collapses (an unmounted Drive for desktop, a moved folder,
    an old CSV): `gsync sync` stops before writing anything when a channel yields fewer than
    (1 - max_drop) x what the last good run saw, or nothing where it saw something."""

    max_drop: float = Field(0.5, ge=0.0, le=1.0, description="largest accepted drop, 0.5 = half")


LESSON_FIELDS = ("reporter", "phone", "title", "problem", "place", "story", "assets", "core", "strategy", "theory")


class CollectionCfg(Section):
    """A deliverable beyond the quarterly report (contract section 8), judged by gsync/collection_judging.py."""

    id: str = Field(pattern=r"^[A-Za-z][A-Za-z0-9_]*$", description="the key in JSON, e.g. centre_location")
    name: str
    kind: Literal["register", "lessons", "activity"]
    due: dt.date | None = None  # None: due every quarter, by the quarterly deadline rule
    # words in a file or folder name that mark this collection's files (an activity collection
    # needs them: its files look like the quarterly report)
    keywords: list[str] = Field(default_factory=list)
    # completeness rules
    every_tambon: bool = True  # register: every sub-district has a centre row
    district_centre: bool = True  # register: the district-level centre is listed
    chair_and_phone: bool = True  # register: every centre has its chair person and phone
    coordinates: bool = True  # register: coordinates, when given, inside Thailand / the bbox
    required_fields: list[str] = Field(
        default_factory=lambda: ["reporter", "phone", "title", "story", "assets", "core"]
    )  # lessons: fields every record must fill

    @field_validator("required_fields")
    @classmethod
    def _known_fields(cls, v: list[str]) -> list[str]:
        unknown = [f for f in v if f not in LESSON_FIELDS]
        if unknown:
            raise ValueError(f"unknown field {unknown[0]!r}; fields are: {', '.join(LESSON_FIELDS)}")
        return v

    @model_validator(mode="after")
    def _activity_keywords(self) -> CollectionCfg:
        if self.kind == "activity" and not self.keywords:
            raise ValueError(
                f"collection {self.id!r}: an activity collection needs keywords (words in its file "
                "or folder names, e.g. keywords = [\"วันแม่\"]) to tell its files from the quarterly report"
            )
        return self


class NationalPublishCfg(Section):
    """A province's `[national]`: where it publishes its judged tables for the department (contract 10)."""

    path: Path | None = None  # a folder shared with the department (a mount, a Drive for desktop mirror)
    folder_id: str | None = None  # or a Drive folder shared with the province's account
    province_code: str | None = None  # the DOPA code; default: looked up from [province] name

    @field_validator("province_code")
    @classmethod
    def _dopa(cls, v: str | None) -> str | None:
        if v is not None and not (v.isdigit() and len(v) == 2):
            raise ValueError(f"{v!r} is not a DOPA province code; write its two digits, e.g. \"52\" for ลำปาง")
        return v

    @model_validator(mode="after")
    def _one_of(self) -> NationalPublishCfg:
        _exactly_one(self, "folder_id", "path")
        return self


class StateCfg(Section):
    path: Path = Path(".gsync/state.sqlite")


class RemindersCfg(Section):
    """`gsync remind` (contract section 7): when, and what, to tell districts and staff."""

    enabled: bool = True
    days: list[int] = Field(default_factory=lambda: [-3, 0, 1, 7])  # relative to each deadline
    summary_day: int | None = 7  # the day (one of `days`) the summary goes to province staff
    start: dt.time = dt.time(8, 30)  # working hours, in the province's time zone
    end: dt.time = dt.time(16, 30)
    weekends: bool = False  # send on Saturdays and Sundays too
    holidays: bool = False  # send on Thai public holidays (and [deadlines] extra_holidays) too
    # default: no limit (contract section 7: an open report is never dropped); a number is a limit a
    # province sets on purpose: a missed day more than this many days old is not sent any more
    catch_up_days: int | None = Field(None, ge=0)
    receipts: bool = False  # tell the sender what gsync found in what arrived, once per version
    repeat_days: int = Field(0, ge=0)  # after the last day, remind again every N days while open (0: off)
    escalate_after_days: int = Field(0, ge=0)  # from this many days late, reminders also go to escalate_* (0: off)
    max_attempts: int = Field(5, ge=1, le=50)  # runs that try one message before it counts as failed
    form_url: str | None = None  # the Form's address, shown in messages (default: from [form] form_id)
    folder_url: str | None = None  # the QR folder's address (default: from [drive] folder_id)
    outbox: Path | None = None  # default: reminders.sqlite beside [state] path
    templates: dict[str, str] = Field(default_factory=dict)  # str.format texts, by kind

    @field_validator("days")
    @classmethod
    def _days(cls, v: list[int]) -> list[int]:
        if len(set(v)) != len(v):
            raise ValueError("a day is listed twice; e.g. days = [-3, 0, 1, 7]")
        return sorted(v)

    @field_validator("templates")
    @classmethod
    def _templates(cls, v: dict[str, str]) -> dict[str, str]:
        from gsync.remind import templates  # pure module: no config import, no I/O

        for kind, text in v.items():
            templates.check(kind, text)  # ValueError names the kind and the bad field
        return v

    @model_validator(mode="after")
    def _hours(self) -> RemindersCfg:
        if self.start >= self.end:
            raise ValueError("start must be before end, e.g. start = 08:30:00, end = 16:30:00")
        if self.summary_day is not None and self.summary_day not in self.days:
            raise ValueError(f"summary_day {self.summary_day} is not one of days {self.days}")
        return self


class LineCfg(Section):
    """LINE Messaging API: push messages of the province's LINE Official Account."""

    token_file: Path  # the channel access token (long-lived); never logged
    endpoint: str = "https://api.line.me"
    timeout: float = Field(30.0, gt=0)
    max_retries: int = Field(3, ge=0, le=10)  # for 429 and 5xx, within one run
    retry_wait: float = Field(2.0, ge=0, le=30)  # seconds before the first retry; doubles each time

    @field_validator("endpoint")
    @classmethod
    def _scheme_host(cls, v: str) -> str:
        if not (v.startswith("http://") or v.startswith("https://")):
            raise ValueError("must start with http:// or https://, e.g. 'https://api.line.me'")
        return v.rstrip("/")


class EmailCfg(Section):
    """SMTP (the office's saraban mail server)."""

    host: str
    port: int = Field(587, ge=1, le=65535)
    starttls: bool = True
    ssl: bool = False  # implicit TLS (port 465) instead of STARTTLS
    ca_file: Path | None = None  # the server's CA certificate (PEM), for an office's own CA; default: the system's
    sender: str
    username: str | None = None
    password_file: Path | None = None  # never logged
    timeout: float = Field(30.0, gt=0)
    max_retries: int = Field(3, ge=0, le=10)  # for temporary failures (4xx, no connection), within one run
    retry_wait: float = Field(2.0, ge=0, le=30)  # seconds before the first retry; doubles each time


class Settings(Section):
    province: ProvinceCfg
    districts: list[DistrictCfg] = Field(min_length=1)
    deadlines: DeadlinesCfg = DeadlinesCfg()
    form: FormCfg | None = None
    drive: DriveCfg | None = None
    sheet: SheetCfg
    google: GoogleCfg = GoogleCfg()
    rules: RulesCfg = RulesCfg()
    review: ReviewCfg = ReviewCfg()
    vocabulary: VocabularyCfg = VocabularyCfg()
    columns: ColumnsCfg = ColumnsCfg()
    limits: LimitsCfg = LimitsCfg()
    safety: SafetyCfg = SafetyCfg()
    state: StateCfg = StateCfg()
    collections: list[CollectionCfg] = Field(default_factory=list)
    reminders: RemindersCfg = RemindersCfg()
    line: LineCfg | None = None
    email: EmailCfg | None = None
    national: NationalPublishCfg | None = None
    source_file: Path | None = None  # where this was loaded from (set by load_settings)

    @model_validator(mode="after")
    def _channels(self) -> Settings:
        if self.form is None and self.drive is None:
            raise ValueError("configure at least one channel: a [form] or a [drive] section")
        names = [d.name for d in self.districts]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"district {dupes[0]!r} is listed twice under [[districts]]")
        ids = [c.id for c in self.collections]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"collection id {dupes[0]!r} is listed twice under [[collections]]")
        return self

    @property
    def tz(self) -> ZoneInfo:
        return self.province.tz

    @property
    def fiscal_year(self) -> int:
        return self.province.fiscal_year

    def district(self, name: str) -> DistrictCfg:
        return next(d for d in self.districts if d.name == name)

    def district_choices(self) -> dict[str, list[str]]:
        """Canonical district name -> aliases, with "เมือง" for the capital district."""
        out: dict[str, list[str]] = {}
        for d in self.districts:
            aliases = list(d.aliases)
            if d.name == "เมือง" + self.province.name:
                aliases.append("เมือง")
            out[d.name] = aliases
        return out

    def quarter_choices(self) -> dict[int, str]:
        """The Form's quarter choices: configured, or derived from the fiscal year."""
        from gsync import thai_calendar

        if self.form is not None and self.form.quarter_choices:
            return dict(enumerate(self.form.quarter_choices, start=1))
        return {q: thai_calendar.quarter_label(self.fiscal_year, q) for q in thai_calendar.QUARTERS}

    def uses_google(self) -> bool:
        return bool(
            (self.form and self.form.form_id)
            or (self.drive and self.drive.folder_id)
            or self.sheet.spreadsheet_id
            or (self.national and self.national.folder_id)
        )


def _web_address(v: str | None, what: str) -> str | None:
    if v is None:
        return v
    v = v.strip()
    if not (v.startswith("https://") or v.startswith("http://")):
        raise ValueError(f"must be a web address starting with https://: {what}")
    return v


def _exactly_one(model: BaseModel, a: str, b: str) -> None:
    has_a, has_b = getattr(model, a) is not None, getattr(model, b) is not None
    if has_a == has_b:
        raise ValueError(f"set exactly one of '{a}' or '{b}'")


_RELATIVE_PATHS = (("form", "csv"), ("form", "uploads"), ("drive", "path"), ("sheet", "path"), ("google", "credentials"),
                   ("state", "path"), ("line", "token_file"), ("email", "password_file"), ("email", "ca_file"),
                   ("reminders", "outbox"), ("national", "path"))


def parse_settings(data: dict[str, Any], *, source: Path | None = None) -> Settings:
    """Validate a parsed TOML document. Relative paths are made relative to `source`'s folder."""
    where = str(source) if source else "config"
    try:
        settings = Settings.model_validate(data)
    except ValidationError as e:
        raise ConfigError(_one_line(where, e, data)) from None
    if source is None:
        return settings
    base = source.resolve().parent
    updates: dict[str, Any] = {"source_file": source.resolve()}
    for section, key in _RELATIVE_PATHS:
        sect = updates.get(section, getattr(settings, section))  # two paths may share a section
        value = getattr(sect, key) if sect is not None else None
        if value is not None and not Path(value).is_absolute():
            updates[section] = sect.model_copy(update={key: base / value})
    return settings.model_copy(update=updates)


def check_paths(settings: Settings) -> None:
    """Every path the config names must be there: a vanished folder is a config error, not a
    quiet run that shows every district as missing."""
    where = settings.source_file or "config"
    if settings.form is not None and settings.form.csv is not None and not settings.form.csv.is_file():
        raise ConfigError(
            f"{where}: [form] csv {settings.form.csv} does not exist; download the responses CSV from the "
            "Form (Responses > Download responses (.csv)) and save it there, or fix the path"
        )
    if settings.drive is not None and settings.drive.path is not None and not settings.drive.path.is_dir():
        raise ConfigError(
            f"{where}: [drive] path {settings.drive.path} is not a folder (is Drive for desktop running "
            "and signed in?); mount or create it, or fix the path"
        )
    if settings.sheet.path is not None and not settings.sheet.path.parent.is_dir():
        raise ConfigError(
            f"{where}: [sheet] path {settings.sheet.path}: the folder {settings.sheet.path.parent} does not "
            "exist; create it or fix the path"
        )
    creds = settings.google.credentials
    if settings.uses_google() and creds is not None and not creds.is_file():
        raise ConfigError(
            f"{where}: [google] credentials {creds} does not exist; copy the service account's JSON key "
            "there (see docs/admin.md, Connect to Google), or fix the path"
        )


def load_settings(path: str | Path) -> Settings:
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(f"{path}: config file not found; pass --config with the path of your .toml file") from None
    except OSError as e:
        raise ConfigError(f"{path}: cannot read the config file ({e.strerror})") from None
    try:
        data = tomllib.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: the config file is not UTF-8 text; save it as UTF-8") from None
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{path}: not valid TOML: {e}; check quotes and brackets on that line") from None
    return parse_settings(data, source=path)


# What to write when a whole section is missing.
_SECTION_EXAMPLES = {
    "province": 'add [province] with name = "ลำปาง" and fiscal_year = 2568',
    "districts": 'add one [[districts]] block per district, with name = "..." and tambons = ["...", ...]',
    "sheet": 'add `path = "master.xlsx"` (a local workbook) or `spreadsheet_id = "..."` (a Google Sheet)',
}
# Which validation error to report first: a misspelled key explains the "missing" one it causes.
_ERROR_ORDER = {"extra_forbidden": 0, "missing": 2}


def _one_line(where: str, error: ValidationError, data: dict[str, Any]) -> str:
    """The most telling validation error as one line: where, what the operator typed, and the fix."""
    err = min(error.errors(), key=lambda e: _ERROR_ORDER.get(e["type"], 1))
    loc = [str(p) for p in err["loc"]]
    key = _format_loc(loc, data)
    kind = err["type"]
    if kind == "extra_forbidden":
        section = _format_loc(loc[:-1], data)
        allowed = _allowed_keys(loc[:-1])
        hint = difflib.get_close_matches(loc[-1], allowed, n=1)
        fix = f"did you mean `{hint[0]}`?" if hint else f"allowed keys: {', '.join(sorted(allowed))}"
        return f"{where}: unknown key `{loc[-1]}` in {section}; {fix}"
    if kind == "missing":
        if len(loc) == 1 and loc[0] in _SECTION_EXAMPLES:
            return f"{where}: [{loc[0]}] is missing: {_SECTION_EXAMPLES[loc[0]]}"
        return f"{where}: {key}: required key is missing; add it (see config/demo.toml for an example)"
    msg = err["msg"].removeprefix("Value error, ")
    return f"{where}: {key}: {msg}"


def _format_loc(loc: list[str], data: dict[str, Any]) -> str:
    if not loc:
        return "the top level"
    if loc[0] == "districts" and len(loc) > 1 and loc[1].isdigit():
        i = int(loc[1])
        districts = data.get("districts") or []
        label = districts[i].get("name", f"#{i + 1}") if i < len(districts) and isinstance(districts[i], dict) else f"#{i + 1}"
        rest = ".".join(loc[2:])
        return f"[[districts]] {label}" + (f" {rest}" if rest else "")
    if len(loc) == 1:
        return f"[{loc[0]}]"
    return f"[{loc[0]}] " + ".".join(loc[1:])


def _allowed_keys(loc: list[str]) -> list[str]:
    model: Any = Settings
    for part in loc:
        if part.isdigit():
            continue
        field = model.model_fields.get(part)
        if field is None:
            return []
        ann = field.annotation
        model = next(
            (a for a in getattr(ann, "__args__", (ann,)) if isinstance(a, type) and issubclass(a, BaseModel)),
            None,
        )
        if model is None:
            args = getattr(ann, "__args__", ())
            model = next((a for a in args if isinstance(a, type) and issubclass(a, BaseModel)), None)
            if model is None:
                return []
    return [k for k in model.model_fields if k != "source_file"]

