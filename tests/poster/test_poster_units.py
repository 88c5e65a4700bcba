"""The poster's pieces that are pure: links, word breaks, deadlines, the district's choice."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from gsync import poster, thaiwrap
from gsync.config import ConfigError, parse_settings
from gsync.poster import FormInfo, PosterError

KOKHA = "%E0%B9%80%E0%B8%81%E0%B8%B2%E0%B8%B0%E0%B8%84%E0%B8%B2"  # เกาะคา in UTF-8, by hand
FORM = "https://docs.google.com/forms/d/e/1FAIpQLSeXample/viewform"


def settings(form: dict[str, Any] | None = None, **more: Any) -> Any:
    data: dict[str, Any] = {
        "province": {"name": "ลำปาง", "fiscal_year": 2568},
        "districts": [{"name": "เกาะคา", "tambons": ["ศาลา"]},
                      {"name": "งาว", "tambons": ["หลวงเหนือ"], "aliases": ["อำเภองาว"], "emails": ["ngao@example.go.th"]}],
        "form": {"csv": "responses.csv", **(form or {})},
        "sheet": {"path": "master.xlsx"},
        **more,
    }
    return parse_settings(data)


@pytest.mark.parametrize(("base", "expected"), [
    (FORM, FORM + "?usp=pp_url&entry.1554894512=" + KOKHA),
    (FORM + "?usp=sf_link", FORM + "?usp=pp_url&entry.1554894512=" + KOKHA),
    (FORM + "?usp=pp_url&entry.99=x&hl=th", FORM + "?usp=pp_url&entry.1554894512=" + KOKHA + "&hl=th"),
    (FORM + "#start", FORM + "?usp=pp_url&entry.1554894512=" + KOKHA),
], ids=["plain", "share-link", "pasted-prefilled", "fragment"])
def test_prefilled_link(base: str, expected: str) -> None:
    assert poster.prefilled_url(base, 1554894512, "เกาะคา") == expected


def test_prefilled_link_encodes_spaces_and_ampersands() -> None:
    url = poster.prefilled_url(FORM, 7, "A & B")
    assert url == FORM + "?usp=pp_url&entry.7=A%20%26%20B"


def test_plain_link_drops_sharing_and_prefill() -> None:
    assert poster.plain_url(FORM + "?usp=pp_url&entry.5=x") == FORM
    assert poster.readable_url(FORM + "?usp=pp_url&entry.5=" + KOKHA) == FORM + "?usp=pp_url&entry.5=เกาะคา"


@pytest.mark.parametrize(("text", "expected"), [
    ("กำหนดส่งรายงาน", "กำหนด\u200bส่ง\u200bรายงาน"),
    ("ปีงบประมาณ พ.ศ. ๒๕๖๘", "ปีงบประมาณ พ.ศ. ๒๕๖๘"),
    ("ภายในธ.ค.", "ภายใน\u200bธ.ค."),
    ("Google Drive", "Google Drive"),
    ("ส่งแบบฟอร์ม (Google Form)", "ส่ง\u200bแบบฟอร์ม (Google Form)"),
    ("กำหนด\u200bส่ง", "กำหนด\u200bส่ง"),  # already broken: not doubled
], ids=["words", "abbreviation-and-digits", "abbreviation-glued", "latin", "mixed", "idempotent"])
def test_soft_breaks_between_thai_words(text: str, expected: str) -> None:
    assert thaiwrap.soft_breaks(text) == expected


def test_soft_breaks_never_change_the_letters() -> None:
    text = "ที่ ปี่ สุ ญ ฐ ผู้ใหญ่ น้ำ ศูนย์ผู้นำจิตอาสาพัฒนาชุมชน"
    assert thaiwrap.soft_breaks(text).replace("\u200b", "") == text


def test_deadlines_rule_and_pinned_dates() -> None:
    s = settings(deadlines={"q2": dt.date(2025, 3, 20)})
    got = [(d.quarter, d.date, d.pinned) for d in poster.deadlines(s)]
    assert got == [
        (1, dt.date(2024, 12, 13), False),  # the 15th is a Sunday: Friday the 13th
        (2, dt.date(2025, 3, 20), True),
        (3, dt.date(2025, 6, 13), False),
        (4, dt.date(2025, 9, 15), False),
    ]
    assert poster.thai_day(dt.date(2024, 12, 13)) == "วันศุกร์ที่ ๑๓ ธันวาคม ๒๕๖๗"


def test_offline_form_from_url_and_entry() -> None:
    info = poster.offline_form(settings({"url": FORM + "?usp=sf_link", "district_entry": "entry.1554894512"}))
    assert (info.url, info.entry, info.choices) == (FORM, 1554894512, None)


def test_offline_entry_read_from_a_pasted_prefilled_link() -> None:
    info = poster.offline_form(settings({"url": FORM + "?usp=pp_url&entry.2005620554=เกาะคา"}))
    assert (info.url, info.entry) == (FORM, 2005620554)


@pytest.mark.parametrize(("form", "message"), [
    ({}, "[form] url is missing"),
    ({"url": "https://forms.gle/AbC123", "district_entry": 5}, "forms.gle short link"),
    ({"url": FORM}, "[form] district_entry is missing"),
], ids=["no-url", "short-link", "no-entry"])
def test_offline_form_errors(form: dict[str, Any], message: str) -> None:
    with pytest.raises(PosterError, match=message.replace("[", r"\[").replace("]", r"\]")) as err:
        poster.offline_form(settings(form))
    assert err.value.exit_code == 2
    assert "\n" not in str(err.value)


def test_config_rejects_a_url_that_is_not_a_web_address() -> None:
    with pytest.raises(ConfigError, match=r"\[form\] url: must be a web address"):
        settings({"url": "docs.google.com/forms/d/e/x/viewform"})


def test_district_choice_is_the_forms_spelling() -> None:
    s = settings()
    info = FormInfo(url=FORM, entry=1, choices=("อ.เกาะคา", "อำเภองาว"), question="อำเภอ")
    assert poster.choice_for(s.district("เกาะคา"), info) == "อ.เกาะคา"
    assert poster.choice_for(s.district("งาว"), info) == "อำเภองาว"
    with pytest.raises(PosterError) as err:
        poster.choice_for(s.district("งาว"), FormInfo(url=FORM, entry=1, choices=("เกาะคา",), question="อำเภอ"))
    assert str(err.value) == (
        "[[districts]] งาว: the Form's drop-down \"อำเภอ\" has no choice \"งาว\", so its link would pre-fill "
        "nothing; add the choice to the Form or fix the district's name (choices: เกาะคา)"
    )


def test_plan_offline_pages_and_contacts() -> None:
    s = settings({"url": FORM, "district_entry": 42}, drive={"path": "inbox", "url": "https://drive.google.com/drive/folders/1X"})
    p = poster.plan(s, today=dt.date(2024, 11, 1))
    assert p.form_url == FORM and p.folder_url == "https://drive.google.com/drive/folders/1X"
    assert [(d.name, d.form_url, d.folder_url, d.emails) for d in p.districts] == [
        ("เกาะคา", FORM + "?usp=pp_url&entry.42=" + KOKHA, None, ()),
        ("งาว", FORM + "?usp=pp_url&entry.42=%E0%B8%87%E0%B8%B2%E0%B8%A7", None, ("ngao@example.go.th",)),
    ]


def test_qr_files_are_svg_and_png_with_thai_names() -> None:
    s = settings({"url": FORM, "district_entry": 42})
    files = poster.qr_files(poster.plan(s, today=dt.date(2024, 11, 1)))
    assert sorted(files) == ["district-01-เกาะคา.png", "district-01-เกาะคา.svg", "district-02-งาว.png",
                             "district-02-งาว.svg", "form.png", "form.svg"]
    assert files["form.png"].startswith(b"\x89PNG")
    assert b"<svg" in files["form.svg"][:200]


def test_a_page_too_full_for_a4_is_reported(caplog: pytest.LogCaptureFixture) -> None:
    many = [f"officer{i:02d}.community-development@example.go.th" for i in range(60)]
    s = settings({"url": FORM, "district_entry": 42})
    s = s.model_copy(update={"districts": [s.districts[0].model_copy(update={"emails": many})]})
    pdf = poster.render_pdf(poster.plan(s, today=dt.date(2024, 11, 1)))
    assert pdf.startswith(b"%PDF")
    assert [r.getMessage() for r in caplog.records if "too full" in r.getMessage()] == [
        "poster page(s) 2 are too full: text runs into the footer"]


def test_collections_are_read_when_the_config_has_them() -> None:
    from types import SimpleNamespace

    s = settings({"url": FORM, "district_entry": 4})
    centre = SimpleNamespace(id="centre_location", name="รายงานสถานที่ตั้งศูนย์", kind="register", due=dt.date(2024, 11, 22))
    with_collections = s.model_copy(update={"collections": [centre]})  # [[collections]] is another branch's key
    assert poster.plan(with_collections, today=dt.date(2024, 11, 1)).extras == (
        poster.Extra("รายงานสถานที่ตั้งศูนย์", dt.date(2024, 11, 22)),)
    assert poster.plan(s, today=dt.date(2024, 11, 1)).extras == ()
