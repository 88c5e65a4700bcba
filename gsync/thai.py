"""Thai text as people type it: digits, names, vocabulary terms, numbers, dates, phones.

Pure functions over values; no I/O. Everything that reads a report cell, a form answer or a
file name goes through here, so that the rest of gsync sees one spelling of each thing:

- ``clean`` makes text fit for storage and display, ``name_key`` makes a comparison key;
- ``match_name`` / ``match_term`` / ``split_terms`` map typed names and terms to canonical ones,
  tolerating typos but never jumping from one real name to another;
- ``parse_*`` read numbers, Buddhist-era dates, Google Forms timestamps and quarters, and raise
  ``ValueError`` with a Thai message instead of guessing;
- ``normalize_phone`` and ``mask_pii`` handle phone numbers and emails (the latter for logs).
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation

# The Thai calendar vocabulary has one home, calendar.py; re-exported here for the text parsers.
from gsync import vocab
from gsync.thai_calendar import BE_OFFSET, THAI_MONTHS_FULL, THAI_MONTHS_SHORT

__all__ = [
    "BE_OFFSET",
    "THAI_MONTHS_FULL",
    "THAI_MONTHS_SHORT",
    "TO_ARABIC_DIGITS",
    "TO_THAI_DIGITS",
    "clean",
    "format_thai_date",
    "mask_pii",
    "match_name",
    "match_term",
    "name_key",
    "normalize_phone",
    "parse_int",
    "parse_number",
    "parse_quarter",
    "parse_thai_date",
    "parse_timestamp",
    "quarter_in_name",
    "split_terms",
    "strip_admin_prefix",
    "to_arabic_digits",
]

# --- digits and text ----------------------------------------------------------------------

THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙"
#: str.translate tables between Arabic and Thai digits (the one copy of the Thai digits).
TO_ARABIC_DIGITS = str.maketrans(THAI_DIGITS, "0123456789")
TO_THAI_DIGITS = str.maketrans("0123456789", THAI_DIGITS)


def to_arabic_digits(s: str) -> str:
    """Thai digits ๐-๙ to 0-9; everything else unchanged."""
    return s.translate(TO_ARABIC_DIGITS)


# Thai marks that sit on the previous character: a space before one is always a typing slip.
_SPACE_BEFORE_MARK = re.compile(r"\s+(?=[\u0E31\u0E33-\u0E3A\u0E47-\u0E4E])")
_SPACES = re.compile(r"\s+")
_TONE = "[\u0e48-\u0e4b]"
# Sara am (U+0E33) is nikhahit + sara aa in NFKC; people and OCR also type the two with the
# tone mark before the nikhahit, between the two or after the aa. All come back as tone +
# sara am. One left-to-right pass, where a tone before the next nikhahit stays with it,
# keeps clean idempotent when several of these follow each other.
_SARA_AM = re.compile(
    rf"({_TONE})\u0E4D\s*\u0E32|\u0E4D\s*({_TONE})\s*\u0E32|\u0E4D\s*\u0E32(?:({_TONE})(?!\u0E4D))?"
)


# Common mistypes that look right on screen: two sara e for sara ae (เเ for แ, the most common
# slip on Thai keyboards), and a vowel or tone mark typed twice (ที่่ for ที่).
_SARA_E_TWICE = re.compile("\u0e40\u0e40")
_MARK_TWICE = re.compile(r"([\u0E31\u0E34-\u0E3A\u0E47-\u0E4E])\1+")


def fold_typing_variants(s: str) -> str:
    """The one place where Thai typing variants are folded to the standard spelling: เเ to แ,
    a mark typed twice to one, and every order of tone, nikhahit and sara aa to tone + sara am.

    Expects NFKC text (sara am decomposed); `clean` recomposes it with NFC afterwards.
    """
    return _SARA_AM.sub(_sara_am, _MARK_TWICE.sub(r"\1", _SARA_E_TWICE.sub("\u0e41", s)))


def _sara_am(m: re.Match[str]) -> str:
    return (m[1] or m[2] or m[3] or "") + "\u0e33"


def _drop_invisible(s: str) -> str:
    # Whitespace of any kind becomes a space; other control and format characters (zero-width
    # spaces, joiners, BOM, soft hyphen, bidi marks) and lone surrogates go.
    if s.isprintable():
        return s
    out = []
    for ch in s:
        if ch.isspace():
            out.append(" ")
        elif unicodedata.category(ch) not in ("Cc", "Cf", "Cs"):
            out.append(ch)
    return "".join(out)


def _clean_once(text: str) -> str:
    text = _drop_invisible(text)
    text = unicodedata.normalize("NFKC", _SPACE_BEFORE_MARK.sub("", text))
    text = fold_typing_variants(_SPACES.sub(" ", text))
    # NFC puts a tone moved before sara am back in canonical order among other marks.
    text = unicodedata.normalize("NFC", text)
    return text.strip()


def clean(s: object) -> str:
    """Text for storage and display: one line, single spaces, NFKC, Thai sara am recomposed.

    Thai digits are kept (this is display text). Idempotent.
    """
    if s is None:
        return ""
    text = s if isinstance(s, str) else str(s)
    # One pass settles ordinary text. Mangled mark sequences can need more: NFKC may put a
    # space before a Thai mark (U+00B4 is " \u0301"), and removing it or moving a tone before
    # sara am can leave marks for the next pass. Repeat until nothing changes (each pass
    # that changes something settles at least one mark, so the bound is never reached).
    for _ in range(len(text) + 2):
        settled = _clean_once(text)
        if settled == text:
            break
        text = settled
    return text


_REVIEW_DROP = re.compile(r"[\s.!]+")


def review_word(value: object) -> str | None:
    """What staff meant in ผลการตรวจ: "accepted", "returned", or None for anything else (blank
    included). Spaces, a full stop and Thai typing variants are folded; the word must be whole."""
    text = _REVIEW_DROP.sub("", clean(value))
    if text in _REVIEW_WORDS[0]:
        return "returned"
    if text in _REVIEW_WORDS[1]:
        return "accepted"
    return None


_REVIEW_WORDS = ({_REVIEW_DROP.sub("", clean(w)) for w in vocab.REVIEW_RETURNS},
                 {_REVIEW_DROP.sub("", clean(w)) for w in vocab.REVIEW_ACCEPTS})


# --- names ----------------------------------------------------------------------------------

# Longest first, so that "กิ่งอำเภอ" is not read as something else. Never "เมือง": it is part of
# the name (อำเภอเมืองลำปาง is "เมืองลำปาง").
_ADMIN_PREFIX = re.compile(r"^(?:กิ่งอำเภอ|อำเภอ|ตำบล|จังหวัด|อ\.|ต\.|จ\.)\s*")
_ADMIN_PREFIX_WORD = re.compile(r"^(?:กิ่งอำเภอ|อำเภอ|ตำบล|จังหวัด)")
_KEY_DROP = re.compile(r"[\s.,\-_/()\[\]{}'\"“”‘’:;\u2010-\u2015\u2212]+")


def strip_admin_prefix(s: str) -> str:
    """Drop leading อ./อำเภอ/กิ่งอำเภอ/ต./ตำบล/จ./จังหวัด (repeatedly); keep เมือง.

    A text that is nothing but a prefix ("อำเภอ") is returned unchanged.
    """
    text = s.strip()
    while True:
        m = _ADMIN_PREFIX.match(text)
        if not m or m.end() == len(text):
            return text
        text = text[m.end() :]


@functools.lru_cache(maxsize=8192)
def _key(text: str) -> str:
    key = strip_admin_prefix(to_arabic_digits(clean(text)))
    key = _KEY_DROP.sub("", key).lower()
    # Dropping spaces and lowercasing can make text that NFKC or the prefix rule read
    # differently ("(อำเภอ)งาว", "e \u0301"); settle it here so the key is a fixed point.
    for _ in range(3):
        again = _KEY_DROP.sub("", clean(key)).lower()
        while (m := _ADMIN_PREFIX_WORD.match(again)) and m.end() < len(again):
            again = again[m.end() :]
        if again == key:
            break
        key = again
    return key


def name_key(s: object) -> str:
    """Comparison key for names and headers: no prefix, spaces or punctuation; Arabic digits."""
    if s is None:
        return ""
    return _key(s if isinstance(s, str) else str(s))


_INDEX_CACHE: dict[int, tuple[object, dict[str, set[str]]]] = {}


def _choices_index(choices: Mapping[str, Iterable[str]] | Iterable[str]) -> dict[str, set[str]]:
    """name_key -> the canonical names it stands for (cached per vocabulary object)."""
    cached = _INDEX_CACHE.get(id(choices))
    if cached is not None and cached[0] is choices:
        return cached[1]
    index = _build_index(choices)
    if isinstance(choices, Mapping):  # config vocabularies live for the run: worth keeping
        if len(_INDEX_CACHE) > 256:
            _INDEX_CACHE.clear()
        _INDEX_CACHE[id(choices)] = (choices, index)
    return index


def _build_index(choices: Mapping[str, Iterable[str]] | Iterable[str]) -> dict[str, set[str]]:
    if isinstance(choices, str):
        choices = [choices]
    pairs: Iterable[tuple[str, Iterable[str]]]
    if isinstance(choices, Mapping):
        pairs = choices.items()
    else:
        pairs = ((c, ()) for c in choices)
    index: dict[str, set[str]] = {}
    for canonical, aliases in pairs:
        for name in (canonical, *aliases):
            k = name_key(name)
            if k:
                index.setdefault(k, set()).add(canonical)
    return index


def _allowed_typos(length: int) -> int:
    if length >= 8:
        return 2
    if length >= 4:
        return 1
    return 0


def match_name(text: object, choices: Mapping[str, Iterable[str]] | Iterable[str]) -> str | None:
    """The canonical district or sub-district name a typed name stands for, or None.

    ``choices`` is canonical names, or canonical -> aliases. Exact on name_key first; then at
    most one typo (two for keys of 8+ characters, none under 4), and only when a single
    canonical name is closest: a tie is None.
    """
    key = name_key(text)
    if not key:
        return None
    index = _choices_index(choices)
    if key in index:
        hit = index[key]
        return next(iter(hit)) if len(hit) == 1 else None
    from rapidfuzz.distance import Levenshtein  # imported only when a name is not exact

    best_distance: int | None = None
    best: set[str] = set()
    for k, canonicals in index.items():
        allowed = _allowed_typos(min(len(k), len(key)))
        if allowed == 0:
            continue
        d = Levenshtein.distance(key, k, processor=None, score_cutoff=allowed)
        if d > allowed:
            continue
        if best_distance is None or d < best_distance:
            best_distance, best = d, set(canonicals)
        elif d == best_distance:
            best |= canonicals
    return next(iter(best)) if len(best) == 1 else None


# --- vocabulary terms -----------------------------------------------------------------------

_LEADING_NUMBER = re.compile(r"^\s*\d{1,2}(?:\.\d{1,2})*\s*[.):\]-]?\s*")
_MIN_CONTAINED = 3  # shorter keys ("ป") would be found inside anything
_TERM_RATIO = 85


def _strip_leading_number(text: str) -> str:
    stripped = _LEADING_NUMBER.sub("", text, count=1)
    return stripped if stripped else text


def match_term(text: object, vocab: Mapping[str, Iterable[str]]) -> str | None:
    """The canonical vocabulary term (mission, dimension, volunteer type, sector) text names.

    In order: exact key of a term or alias (a leading "1." / "๑" / "3.1" mission number is
    ignored); the text contains terms of exactly one canonical (a term nested in a longer
    one found there does not count); a fuzzy ratio >= 85 with a unique best. Else None.
    """
    return _match_term(text, vocab, contain=True)


def _match_term(text: object, vocab: Mapping[str, Iterable[str]], *, contain: bool, fuzzy: bool = True) -> str | None:
    cleaned = to_arabic_digits(clean(text))
    full = name_key(cleaned)
    if not full:
        return None
    bare = name_key(_strip_leading_number(cleaned)) or full
    index = _choices_index(vocab)

    for key in (full, bare):
        hit = index.get(key)
        if hit:
            return next(iter(hit)) if len(hit) == 1 else None

    if not contain:
        return _fuzzy_term(bare, index) if fuzzy else None
    contained = [
        (k, c) for k, cs in index.items() if len(k) >= _MIN_CONTAINED and k in full for c in cs
    ]
    # A key inside a longer key that is also found ("อาชีพ" in "ผ้าป่าอาชีพ") is not a hit.
    outer = {c for k, c in contained if not any(k != k2 and k in k2 for k2, _ in contained)}
    if len(outer) == 1:
        return outer.pop()
    if len(outer) > 1:
        return None
    return _fuzzy_term(bare, index)


def _fuzzy_term(key: str, index: dict[str, set[str]]) -> str | None:
    from rapidfuzz import fuzz  # imported only when a term is not exact
    best_score = 0.0
    best: set[str] = set()
    for k, canonicals in index.items():
        score = fuzz.ratio(key, k, processor=None, score_cutoff=_TERM_RATIO)
        if score > best_score:
            best_score, best = score, set(canonicals)
        elif score == best_score and score:
            best |= canonicals
    return next(iter(best)) if len(best) == 1 else None


_TERM_SPLIT = re.compile(r"\s*(?:[,;/|+&、\n]|และ)\s*")
_SECTOR_PREFIX = re.compile(r"^(?:ภาคี|ภาค)\s*")


def _strip_sector_prefix(text: str) -> str:
    stripped = _SECTOR_PREFIX.sub("", text, count=1)
    return stripped if stripped else text


def split_terms(
    text: object, vocab: Mapping[str, Iterable[str]]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Several terms typed in one cell ("รัฐ, เอกชน ประชาชน", "ภาครัฐ/ภาคเอกชน").

    Returns (the canonical terms found, in vocabulary order, each once; the fragments that
    matched nothing, in text order). Fragments are split on , / ; line breaks and "และ"; a
    fragment that is not a term as a whole is read word by word, so that "ประชาชน อบต." keeps
    "อบต." as a leftover; consecutive unmatched words stay together as one leftover.
    """
    found: set[str] = set()
    leftovers: list[str] = []

    def keep(piece: str) -> None:
        if piece and piece not in leftovers:
            leftovers.append(piece)

    for fragment in _TERM_SPLIT.split(clean(text)):
        fragment = fragment.strip()
        if not fragment:
            continue
        # As a whole first, but not by containment: that would swallow the other words.
        # A fuzzy match of several words would swallow a short term beside a long one
        # ("ประชาสังคม รัฐ"), so a multi-word fragment must match exactly as a whole.
        term = _match_term(_strip_sector_prefix(fragment), vocab, contain=False, fuzzy=" " not in fragment)
        if term:
            found.add(term)
            continue
        words = fragment.split(" ")
        hits = [match_term(_strip_sector_prefix(w), vocab) for w in words]
        if not any(hits):
            term = match_term(_strip_sector_prefix(fragment), vocab)
            if term:
                found.add(term)
            else:
                keep(fragment)
            continue
        pending: list[str] = []
        for word, hit in zip(words, hits, strict=True):
            if hit:
                found.add(hit)
                keep(" ".join(pending))
                pending = []
            else:
                pending.append(word)
        keep(" ".join(pending))
    ordered = tuple(c for c in vocab if c in found)
    return ordered, tuple(leftovers)


# --- numbers --------------------------------------------------------------------------------

_NUMBER = re.compile(r"[+-]?(?:\d+(?:,\d+)*(?:\.\d+)?|\.\d+)")
_GROUPED = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?")
_EMPTY_NUMBER = re.compile(r"[-–—−_.\s]*|ไม่มี|ไม่ระบุ|n/?a|none|null|nan", re.I)
# What may stand around the one number: unit words in any script, a few symbols.
_UNIT_TEXT = re.compile(r"(?:[^\W\d_]|[\u0E00-\u0E4F\u0E5A\u0E5B]|[\s.,%฿$():])*")


def _quote(value: object) -> str:
    text = clean(value)
    return f"“{text[:80]}…”" if len(text) > 80 else f"“{text}”"


def _read_number(value: object) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(f"อ่านเป็นตัวเลขไม่ได้: {_quote(value)}")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float | Decimal):
        if math.isnan(value):  # how data tools spell an empty cell
            return None
        if math.isinf(value):
            raise ValueError(f"อ่านเป็นตัวเลขไม่ได้: {_quote(value)}")
        return Decimal(value)
    if not isinstance(value, str):
        raise ValueError(f"อ่านเป็นตัวเลขไม่ได้: {_quote(value)}")
    text = to_arabic_digits(clean(value))
    if _EMPTY_NUMBER.fullmatch(text):
        return None
    numbers = list(_NUMBER.finditer(text))
    if not numbers and text.startswith("ไม่มี"):  # "ไม่มีค่าใช้จ่าย": there is none
        return None
    if len(numbers) != 1:
        raise ValueError(f"อ่านเป็นตัวเลขไม่ได้ (ต้องมีตัวเลขเดียว): {_quote(value)}")
    m = numbers[0]
    digits = m.group()
    if "," in digits and not _GROUPED.fullmatch(digits):
        raise ValueError(f"อ่านเป็นตัวเลขไม่ได้ (จุลภาคไม่ใช่หลักพัน): {_quote(value)}")
    if not _UNIT_TEXT.fullmatch(text[: m.start()] + " " + text[m.end() :]):
        raise ValueError(f"อ่านเป็นตัวเลขไม่ได้: {_quote(value)}")
    try:
        return Decimal(digits.replace(",", ""))
    except InvalidOperation as e:  # pragma: no cover - the pattern only lets numbers through
        raise ValueError(f"อ่านเป็นตัวเลขไม่ได้: {_quote(value)}") from e


def parse_number(value: object) -> float | None:
    """A number typed with Thai digits, thousands commas and unit words ("1,250 คน" -> 1250.0).

    None for an empty cell ("", "-", "ไม่มี"); ValueError (Thai) when there is text but not
    exactly one readable number ("ประมาณห้าสิบ", "10-20").
    """
    n = _read_number(value)
    return None if n is None else float(n)


def parse_int(value: object) -> int | None:
    """Like parse_number, but the number must be whole (1250.0 is fine, 12.5 is not)."""
    n = _read_number(value)
    if n is None:
        return None
    if n != n.to_integral_value():
        raise ValueError(f"ต้องเป็นจำนวนเต็ม: {_quote(value)}")
    return int(n)


# --- dates ----------------------------------------------------------------------------------

_BE_FROM = 2400  # a four-digit year from here on is Buddhist Era
_YEAR_MIN, _YEAR_MAX = 1900, 2200  # plausible CE years once converted
_EXCEL_EPOCH = dt.date(1899, 12, 30)  # the 1900 date system, Lotus leap-year bug included
_EXCEL_SERIAL_MIN, _EXCEL_SERIAL_MAX = 20000, 80000  # 1954 .. 2119


def _month_key(token: str) -> str:
    return re.sub(r"[\s.,\-/]|เดือน", "", clean(token)).lower()


def _month_table() -> dict[str, int]:
    table: dict[str, int] = {}
    english = (
        "january", "february", "march", "april", "may", "june",
        "july", "august", "september", "october", "november", "december",
    )  # fmt: skip
    for i in range(12):
        for name in (THAI_MONTHS_SHORT[i], THAI_MONTHS_FULL[i], english[i], english[i][:3]):
            table[_month_key(name)] = i + 1
        # the spoken short form: มกรา, กุมภา, ..., ธันวา
        full = THAI_MONTHS_FULL[i]
        for suffix in ("าคม", "ายน", "าพันธ์"):
            if full.endswith(suffix):
                table[_month_key(full[: -len(suffix) + 1])] = i + 1
    table.update(
        {_month_key(k): v for k, v in {"กรกฏาคม": 7, "กรกฏา": 7, "กุมภาพันธ": 2, "sept": 9}.items()}
    )
    return table


_MONTHS = _month_table()

_WEEKDAY_TH = "(?:จันทร์|อังคาร|พุธ|พฤหัสบดี|พฤหัสฯ|พฤหัส|ศุกร์|เสาร์|อาทิตย์)"
_WEEKDAY_PREFIX = re.compile(
    rf"^(?:ณ\s*)?(?:วัน\s*{_WEEKDAY_TH}?\s*(?:ที่)?|{_WEEKDAY_TH}\s*(?:ที่)?)\s*"
    r"|^(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day|nesday|sday|urday)?\.?,?\s+"
)
_ERA = re.compile(r"พ\.?\s?ศ\.?|ค\.?\s?ศ\.?")
_DATE_YMD = re.compile(r"^(\d{4})\s*([-/.])\s*(\d{1,2})\s*\2\s*(\d{1,2})(?!\d)")
_DATE_DMY = re.compile(r"^(\d{1,2})\s*([-/.])\s*(\d{1,2})\s*\2\s*(\d{4}|\d{2})(?!\d)")
_DATE_D_MONTH_Y = re.compile(r"^(\d{1,2})\s*[-/.]?\s*([^\d]+?)\s*[-/.,]?\s*(\d{4}|\d{2})(?!\d)")
_DATE_MONTH_D_Y = re.compile(r"^([^\d\s][^\d]*?)\s*(\d{1,2})(?:st|nd|rd|th)?\s*,?\s*(\d{4})(?!\d)")
_TIME = re.compile(
    r"""
    (?:\s*,\s*|\s+|t|\s*เวลา\s*)
    (?P<h>\d{1,2})[:.](?P<mi>\d{2})
    (?:[:.](?P<s>\d{2})(?:[.,](?P<f>\d{1,9}))?)?
    \s*(?P<ap>am|pm|a\.m\.|p\.m\.)?
    \s*(?:น\.?|นาฬิกา)?
    \s*(?P<tz>z|(?:gmt|utc)(?:\s*[+-]\d{1,2}(?::?\d{2})?)?|[+-]\d{2}:?\d{2})?
    \s*
    """,
    re.X,
)
_OFFSET = re.compile(r"([+-])(\d{1,2})(?::?(\d{2}))?")


def _year_to_ce(year: str) -> int:
    y = int(year)
    if len(year) == 2:  # 67 is BE 2567; 24 is CE 2024
        return 2000 + y if y < 44 else 2500 + y - BE_OFFSET
    return y - BE_OFFSET if y >= _BE_FROM else y


def _match_date(s: str, *, month_first: bool) -> tuple[int, int, int, str] | None:
    """(CE year, month, day, the rest of s) for a date at the start of s, or None.

    Numeric d/m/y is day-first; with month_first, a second number over 12 makes it m/d/y.
    """
    if m := _DATE_YMD.match(s):
        y, mo, d = _year_to_ce(m[1]), int(m[3]), int(m[4])
    elif m := _DATE_DMY.match(s):
        a, b = int(m[1]), int(m[3])
        d, mo = (b, a) if month_first and b > 12 >= a else (a, b)
        y = _year_to_ce(m[4])
    elif (m := _DATE_D_MONTH_Y.match(s)) and _month_key(m[2]) in _MONTHS:
        d, mo, y = int(m[1]), _MONTHS[_month_key(m[2])], _year_to_ce(m[3])
    elif (m := _DATE_MONTH_D_Y.match(s)) and _month_key(m[1]) in _MONTHS:
        d, mo, y = int(m[2]), _MONTHS[_month_key(m[1])], _year_to_ce(m[3])
    else:
        return None
    return y, mo, d, s[m.end() :]


def _calendar_date(y: int, mo: int, d: int, value: object) -> dt.date:
    if not _YEAR_MIN <= y <= _YEAR_MAX:
        raise ValueError(f"อ่านวันที่ไม่ได้ (ปีไม่สมเหตุผล): {_quote(value)}")
    try:
        return dt.date(y, mo, d)
    except ValueError:
        raise ValueError(f"ไม่มีวันที่นี้ในปฏิทิน: {_quote(value)}") from None


def _from_date_object(d: dt.date, value: object) -> dt.date:
    if d.year < _BE_FROM:
        return d
    try:  # a BE year typed into Excel; 29 Feb of a BE year is never a CE leap day
        return d.replace(year=d.year - BE_OFFSET)
    except ValueError:
        raise ValueError(f"ไม่มีวันที่นี้ในปฏิทิน: {_quote(value)}") from None


def _time_ok(m: re.Match[str]) -> bool:
    h, mi, sec = int(m["h"]), int(m["mi"]), int(m["s"] or 0)
    hours_ok = 1 <= h <= 12 if m["ap"] else h <= 23
    return hours_ok and mi <= 59 and sec <= 59


def parse_thai_date(value: object) -> dt.date:
    """A date as found in a report cell: a real date, an Excel serial, or Thai/English text.

    Text: ``๑๕ ต.ค. ๖๗``, ``15 ตุลาคม 2567``, ``15/10/2567`` (day first), ``2024-10-15``,
    ``15 Oct 2024``, with an optional weekday, พ.ศ. and trailing time. Four-digit years from
    2400 are BE; two-digit years from 44 are BE (67 -> 2567), below are CE (24 -> 2024).
    Raises ValueError (Thai) rather than guess.
    """
    if isinstance(value, dt.datetime):
        return _from_date_object(value.date(), value)
    if isinstance(value, dt.date):
        return _from_date_object(value, value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        if not (math.isfinite(value) and _EXCEL_SERIAL_MIN <= value <= _EXCEL_SERIAL_MAX):
            raise ValueError(f"อ่านวันที่ไม่ได้ (ตัวเลขไม่ใช่วันที่ของ Excel): {_quote(value)}")
        return _EXCEL_EPOCH + dt.timedelta(days=math.floor(value))
    if not isinstance(value, str):
        raise ValueError(f"อ่านวันที่ไม่ได้: {_quote(value)}")
    s = clean(to_arabic_digits(value)).lower()
    s = _WEEKDAY_PREFIX.sub("", s, count=1)
    s = _SPACES.sub(" ", _ERA.sub(" ", s)).strip()
    found = _match_date(s, month_first=False)
    if found is None:
        raise ValueError(f"อ่านวันที่ไม่ได้: {_quote(value)}")
    y, mo, d, rest = found
    if rest.strip(" ,.") and not ((t := _TIME.fullmatch(rest)) and _time_ok(t)):
        raise ValueError(f"อ่านวันที่ไม่ได้: {_quote(value)}")
    return _calendar_date(y, mo, d, value)


def _written_offset(tz: str) -> dt.tzinfo:
    if tz in ("z", "gmt", "utc"):
        return dt.UTC
    m = _OFFSET.search(tz)
    if not m:
        raise ValueError(tz)
    hours, minutes = int(m[2]), int(m[3] or 0)
    if hours > 14 or minutes > 59:
        raise ValueError(tz)
    delta = dt.timedelta(hours=hours, minutes=minutes)
    return dt.timezone(-delta if m[1] == "-" else delta)


def parse_timestamp(text: str, tz: dt.tzinfo) -> dt.datetime:
    """A Google Forms CSV timestamp in the downloader's locale, as an aware datetime in ``tz``.

    ``2024/12/13 8:15:30 PM GMT+7``, ``13/12/2024, 20:15:30``, ``13/12/2567 20:15:30``,
    ``12/13/2024 20:15:30`` (m/d only when the second number is over 12), RFC 3339. Without a
    written offset the time is in ``tz``; with one it is converted to ``tz``. ValueError (Thai)
    when unreadable.
    """
    if not isinstance(tz, dt.tzinfo):
        raise TypeError("tz must be a tzinfo")
    s = to_arabic_digits(clean(text)).lower()
    found = _match_date(s, month_first=True)
    t = _TIME.fullmatch(found[3]) if found else None
    if found is None or t is None or not _time_ok(t):
        raise ValueError(f"อ่านเวลาประทับไม่ได้: {_quote(text)}")
    y, mo, d, _ = found
    try:
        day = _calendar_date(y, mo, d, text)
    except ValueError as e:
        raise ValueError(f"อ่านเวลาประทับไม่ได้: {e}") from None
    hour = int(t["h"])
    if t["ap"]:
        hour = hour % 12 + (12 if t["ap"].startswith("p") else 0)
    micro = int((t["f"] or "")[:6].ljust(6, "0"))
    try:
        zone = _written_offset(t["tz"]) if t["tz"] else None
    except ValueError:
        raise ValueError(f"อ่านเขตเวลาไม่ได้: {_quote(text)}") from None
    naive = dt.datetime.combine(day, dt.time(hour, int(t["mi"]), int(t["s"] or 0), micro))
    if zone is None:
        return naive.replace(tzinfo=tz)
    return naive.replace(tzinfo=zone).astimezone(tz)


def format_thai_date(d: dt.date, *, short: bool = True) -> str:
    """``13 ธ.ค. 2567`` (short) or ``13 ธันวาคม 2567``: Arabic digits, BE year."""
    months = THAI_MONTHS_SHORT if short else THAI_MONTHS_FULL
    return f"{d.day} {months[d.month - 1]} {d.year + BE_OFFSET}"


# --- quarters -------------------------------------------------------------------------------

_Q_WORDS = {"หนึ่ง": 1, "สอง": 2, "สาม": 3, "สี่": 4}
_Q_VALUE = r"(หนึ่ง|สอง|สาม|สี่|[1-4])(?!\d)"
# "ไตรมาส 1-2", "Q1/2" name two quarters; "Q1-2568" names one (and a year).
_Q_NOT_RANGE = r"(?!\s*(?:[-–,/&+]|และ|ถึง|to)\s*(?:หนึ่ง|สอง|สาม|สี่|[1-4](?!\d)))"
_Q_MENTION = rf"(?:ไตร?มา[สศ]\s*(?:ที่)?|(?<![a-z])q|quarter)\s*{_Q_VALUE}"
_Q_NAMED = re.compile(_Q_MENTION + _Q_NOT_RANGE)
_Q_MENTIONED = re.compile(_Q_MENTION)
_Q_ALONE = re.compile(r"([1-4])\.?")
_Q_LONE_DIGIT = re.compile(r"[\s_\-]([1-4])$")
_EXTENSION = re.compile(r"\.(?=\d*[a-z])[a-z0-9]{1,5}$")
_DRIVE_DUPLICATE = re.compile(r"\s*\(\d{1,3}\)$")
_FORM_UPLOADER = re.compile(r"\s+-\s+[^-]+$")  # Forms appends " - <respondent name>"


def _named_quarter(s: str) -> int | None:
    found = {_Q_WORDS.get(m[1]) or int(m[1]) for m in _Q_NAMED.finditer(s)}
    return found.pop() if len(found) == 1 else None


def parse_quarter(value: object) -> int | None:
    """The quarter (1-4) a form answer or header cell names, or None when it names none.

    ``ไตรมาสที่ 1 (ต.ค. - ธ.ค. 2567)``, ``ไตรมาส ๒``, ``Q3``, ``q 4``, ``3``.
    """
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return int(value) if value in (1, 2, 3, 4) else None
    s = to_arabic_digits(clean(value)).lower()
    if m := _Q_ALONE.fullmatch(s):
        return int(m[1])
    return _named_quarter(s)


# Names cameras and phones give files: their trailing number counts pictures.
_CAMERA_NAME = re.compile(r"^(?:img|dsc|dscn|dcim|pxl|photo|image|screenshot|ภาพ|รูป)[\s_\-]*\d+$")


def quarter_in_name(name: str) -> int | None:
    """The quarter a file or folder name names: ``เกาะคา ไตรมาส1.xlsx``, ``อ.งาว Q1 (1).xlsx``,
    ``สบปราบ_๑.docx`` (a lone 1-4 at the end of the stem). Drive's " (1)" is not a quarter.
    """
    stem = to_arabic_digits(clean(name)).lower()
    stem = _EXTENSION.sub("", stem)
    while (m := _DRIVE_DUPLICATE.search(stem)) and m.start() > 0:
        stem = stem[: m.start()]
    if _Q_MENTIONED.search(stem):  # named, even if ambiguously: no other reading
        return _named_quarter(stem)
    if _CAMERA_NAME.match(stem):  # IMG_1, DSC-3, Screenshot_2: a camera's counter, not a quarter
        return None
    for candidate in (stem, _FORM_UPLOADER.sub("", stem)):
        if m := _Q_LONE_DIGIT.search(candidate):
            return int(m[1])
    return None


# --- phones and personal data ---------------------------------------------------------------

_PHONE_SPLIT = re.compile(r"\s*(?:[,;/\n]|หรือ|\bor\b)\s*", re.I)
_PHONE_LABEL = re.compile(
    r"^(?:โทรศัพท์มือถือ|โทรศัพท์|โทรสาร|เบอร์โทรศัพท์|เบอร์โทร|เบอร์|มือถือ|โทร|tel|mobile|phone|fax|mob)\s*[.:]?\s*",
    re.I,
)
_PHONE_CHARS = re.compile(r"\+?[0-9\s\-.()]+")
_VALID_PHONE = re.compile(r"0[689][0-9]{8}|0[2-7][0-9]{7}")  # mobile 10 digits, landline 9


def _one_phone(text: str) -> str | None:
    while m := _PHONE_LABEL.match(text):
        text = text[m.end() :]
    if not _PHONE_CHARS.fullmatch(text):
        return None
    digits = re.sub(r"[^0-9]", "", text)
    candidates = []
    if not text.startswith("+"):
        candidates.append(digits)
    if digits.startswith("66"):
        candidates.append(digits[2:])
    for d in candidates:
        d = d if d.startswith("0") else "0" + d  # Excel ate the leading zero
        if _VALID_PHONE.fullmatch(d):
            return d
    return None


def normalize_phone(value: object) -> str:
    """Thai phone numbers as digits with their leading zero ("081-234-5678" -> "0812345678").

    Several numbers come back joined with ", ". Anything unreadable comes back as the cleaned
    text, unchanged; this never raises.
    """
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = to_arabic_digits(clean(value))
    numbers: list[str] = []
    for part in _PHONE_SPLIT.split(text):
        part = part.strip()
        if not part or _PHONE_LABEL.fullmatch(part):
            continue
        one = _one_phone(part)
        if one is None:
            # "081-234-5678 089-876-5432": numbers side by side
            words = [_one_phone(w) for w in part.split()]
            if len(words) < 2 or None in words:
                return clean(value)
            numbers.extend(w for w in words if w)
        else:
            numbers.append(one)
    if not numbers:
        return clean(value)
    return ", ".join(dict.fromkeys(numbers))


_D = r"[0-9\u0E50-\u0E59]"
_SEP = r"[\s.\-()]{0,3}"
_EMAIL = re.compile(r"(?<![\w.+%-])([\w.+%-])[\w.+%-]*@([\w-]+(?:\.[\w-]+)+)")
_PHONE_IN_TEXT = re.compile(
    r"(?<![\w.,+/:])"
    rf"(?:\+?(?:66|๖๖){_SEP}(?:\(?[0๐]\)?{_SEP})?{_D}(?:{_SEP}{_D}){{7,8}}"  # +66 81 234 5678
    rf"|\(?[0๐]\)?[\s\-]?[2-9๒-๙](?:{_SEP}{_D}){{7,8}}"  # 081-234-5678, 02 123 4567
    rf"|[689๖๘๙]{_D}{{8}})"  # 812345678: Excel ate the zero
    rf"(?![\w:]|[.,]{_D})"
)


def _mask_phone(m: re.Match[str]) -> str:
    digits = to_arabic_digits(re.sub(r"[^0-9\u0E50-\u0E59]", "", m.group()))
    return "xxx-xxx-xx" + digits[-2:]


def mask_pii(text: str) -> str:
    """For logs: ``kokha@example.go.th`` -> ``k***@example.go.th``, phones -> ``xxx-xxx-xx78``.

    Dates, timestamps and ordinary numbers are left alone. Never raises.
    """
    text = text if isinstance(text, str) else str(text)
    text = _EMAIL.sub(lambda m: f"{m[1]}***@{m[2]}", text)
    return _PHONE_IN_TEXT.sub(_mask_phone, text)
