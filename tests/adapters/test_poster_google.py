"""`gsync poster` against the Google fake: the real googleapiclient reads the Form (forms.get) and
lists the Drive folder; every QR code on the rendered pages decodes to the right link."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from gsync.cli import main
from gsync.testing.province import demo_on_fake
from tests.poster.support import base, qr_pages, query

LAMPANG = ["เมืองลำปาง", "แม่เมาะ", "เกาะคา", "เสริมงาม", "งาว", "แจ้ห่ม", "วังเหนือ", "เถิน", "แม่พริก",
           "แม่ทะ", "สบปราบ", "ห้างฉัตร", "เมืองปาน"]
# the demo's QR folder has top-level folders for these districts (and one named "ไตรมาส 1")
WITH_FOLDER = {"เมืองลำปาง", "เกาะคา", "เสริมงาม", "เถิน", "ห้างฉัตร"}
FOLDER_MIME = "application/vnd.google-apps.folder"


@pytest.fixture()
def province(google_server: tuple[Any, str], tmp_path: Path) -> dict[str, Any]:
    fake, base_url = google_server
    config, ids = demo_on_fake(fake, base_url, tmp_path)
    return {"fake": fake, "ids": ids, "config": config, "out": tmp_path / "poster.pdf", "tmp": tmp_path}


def run(p: dict[str, Any]) -> Any:
    return CliRunner().invoke(main, ["poster", "--config", str(p["config"]), "--out", str(p["out"])])


def subfolders(fake: Any, root: str) -> dict[str, str]:
    return {f.name: f.id for f in fake.drive.files.values() if f.mime_type == FOLDER_MIME and f.parents == [root]}


def test_every_code_decodes_to_the_forms_and_folders_links(province: dict[str, Any]) -> None:
    fake, ids = province["fake"], province["ids"]
    result = run(province)
    assert result.exit_code == 0, result.output + result.stderr
    assert "too full" not in result.stderr  # the Form's title adds a line to page 1: it still fits
    assert fake.count("forms.forms.get") == 1
    assert fake.count("drive.files.list") == 1

    pages = qr_pages(province["out"], province["tmp"] / "png")
    form = f"https://docs.google.com/forms/d/e/{ids['form_id']}/viewform"  # the fake's responderUri
    assert pages[0] == [form, f"https://drive.google.com/drive/folders/{ids['folder_id']}"]

    qid = ids["question_ids"]["อำเภอ"]  # hexadecimal, as the Forms API gives it
    entry = f"entry.{int(qid, 16)}"
    folders = subfolders(fake, ids["folder_id"])
    assert WITH_FOLDER < set(folders)
    assert len(pages) == 1 + len(LAMPANG)
    for district, links in zip(LAMPANG, pages[1:], strict=True):
        assert base(links[0]) == form
        assert query(links[0]) == {"usp": "pp_url", entry: district}, district
        if district in WITH_FOLDER:
            assert links[1:] == [f"https://drive.google.com/drive/folders/{folders[district]}"], district
        else:
            assert links[1:] == [], district


def test_entry_number_is_the_decimal_of_the_question_id() -> None:
    # Google's pre-filled links name a question by its id read as a hexadecimal number.
    from gsync.poster import prefilled_url

    assert int("5ccd2a30", 16) == 1556949552
    assert prefilled_url("https://x/viewform", int("5ccd2a30", 16), "งาว").startswith("https://x/viewform?usp=pp_url&entry.1556949552=")


def test_choice_spelled_differently_in_the_form_is_prefilled_as_the_form_spells_it(province: dict[str, Any]) -> None:
    fake, ids = province["fake"], province["ids"]
    qid = ids["question_ids"]["อำเภอ"]
    fake.forms_set_options(ids["form_id"], qid, ["อ." + d for d in LAMPANG])
    result = run(province)
    assert result.exit_code == 0, result.output + result.stderr
    pages = qr_pages(province["out"], province["tmp"] / "png")
    assert [query(links[0])[f"entry.{int(qid, 16)}"] for links in pages[1:]] == ["อ." + d for d in LAMPANG]


def test_dropdown_without_a_configured_district_fails_and_writes_nothing(province: dict[str, Any]) -> None:
    fake, ids = province["fake"], province["ids"]
    fake.forms_set_options(ids["form_id"], ids["question_ids"]["อำเภอ"], [d for d in LAMPANG if d != "งาว"])
    result = run(province)
    assert result.exit_code == 2
    choices = ", ".join(d for d in LAMPANG if d != "งาว")
    assert result.stderr.strip().splitlines() == [
        "gsync: [[districts]] งาว: the Form's drop-down \"อำเภอ\" has no choice \"งาว\", so its link would "
        f"pre-fill nothing; add the choice to the Form or fix the district's name (choices: {choices})"
    ]
    assert not province["out"].exists()
    assert fake.count("drive.files.list") == 0  # stopped before listing the folder


def test_form_without_a_district_question_fails(province: dict[str, Any]) -> None:
    fake, ids = province["fake"], province["ids"]
    fake.forms_delete_question(ids["form_id"], ids["question_ids"]["อำเภอ"])
    result = run(province)
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        f"gsync: [form] form_id {ids['form_id']}: the Form has no district question \"อำเภอ\"; set "
        "[form.questions] district = \"<its title>\" or [form.question_ids] district = \"<its id>\""
    ]
    assert not province["out"].exists()


def test_district_question_renamed_is_found_through_the_config(province: dict[str, Any]) -> None:
    fake, ids = province["fake"], province["ids"]
    qid = ids["question_ids"]["อำเภอ"]
    fake.forms_rename_question(ids["form_id"], qid, "อำเภอที่รายงาน")
    text = province["config"].read_text(encoding="utf-8")
    province["config"].write_text(text.replace("[sheet]", "[form.questions]\ndistrict = \"อำเภอที่รายงาน\"\n\n[sheet]", 1),
                                  encoding="utf-8")
    result = run(province)
    assert result.exit_code == 0, result.output + result.stderr
    pages = qr_pages(province["out"], province["tmp"] / "png")
    assert query(pages[3][0]) == {"usp": "pp_url", f"entry.{int(qid, 16)}": "เกาะคา"}


def test_form_the_account_cannot_read_is_exit_1_in_one_line(province: dict[str, Any]) -> None:
    fake, ids = province["fake"], province["ids"]
    fake.revoke_access(ids["form_id"])
    result = run(province)
    assert result.exit_code == 1
    [line] = [x for x in result.stderr.splitlines() if x.startswith("gsync:")]  # (googleapiclient logs its own)
    assert line.startswith(f"gsync: [form] form_id {ids['form_id']}: Google Forms forms.get: permission denied (403")
    assert "Traceback" not in result.output + result.stderr
    assert not province["out"].exists()
