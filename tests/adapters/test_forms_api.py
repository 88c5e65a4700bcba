"""ApiFormSource against the Google fake (real googleapiclient over a loopback HTTP server)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from gsync import demo
from gsync.errors import ConfigMismatch, SourceError
from gsync.sources.forms_api import ApiFormSource
from gsync.state import State
from gsync.testing.province import api_settings, google_clients

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
T0 = dt.datetime(2024, 12, 10, 2, 0, tzinfo=dt.UTC)


def lampang_form(fake: Any, *, extra: list[dict[str, Any]] | None = None) -> tuple[str, dict[str, str]]:
    questions: list[dict[str, Any]] = []
    for title in demo.QUESTION_TITLES:
        if title == "อำเภอ":
            questions.append({"title": title, "kind": "dropdown", "options": list(demo.lampang_districts())})
        elif title == "ไตรมาส":
            questions.append({"title": title, "kind": "choice", "options": list(demo.QUARTER_CHOICES.values())})
        elif title.startswith("แนบ"):
            questions.append({"title": title, "kind": "file"})
        else:
            questions.append({"title": title, "kind": "text"})
    return fake.forms_create("แบบรายงาน", questions + (extra or []))


def answers(q: dict[str, str], district: str = "เกาะคา", quarter: int = 1, **more: Any) -> dict[str, Any]:
    out = {
        q["อำเภอ"]: district,
        q["ไตรมาส"]: demo.QUARTER_CHOICES[quarter],
        q["ชื่อ-สกุล ผู้รายงาน"]: "นายประเสริฐ  ทองดี",
        q["เบอร์โทรศัพท์"]: "054-123456",
    }
    out.update(more)
    return out


def source(base_url: str, form_id: str, state: State, **settings: Any) -> ApiFormSource:
    return ApiFormSource(google_clients(base_url), api_settings(form_id=form_id, **settings), state)


def test_maps_questions_by_title_and_builds_responses(google_server):
    fake, base_url = google_server
    form_id, q = lampang_form(fake, extra=[{"title": "ความพึงพอใจ", "kind": "checkbox", "options": ["ดี", "ดีมาก"]}])
    files = [{"fileId": "1FileA", "fileName": "รายงาน เกาะคา.xlsx", "mimeType": XLSX},
             {"fileId": "1FileB", "fileName": "ส่วนที่ 2.xlsx", "mimeType": XLSX}]
    photo = [{"fileId": "1Photo", "fileName": "ภาพ.jpg", "mimeType": "image/jpeg"}]
    more = {q["แนบแบบรายงานผลการดำเนินงาน"]: files, q["แนบภาพถ่ายกิจกรรม"]: photo,
            q["ความพึงพอใจ"]: ["ดี", "ดีมาก"], q["จำนวนผู้เข้าร่วมกิจกรรมรวม (คน)"]: "1,250"}
    rid = fake.forms_add_response(form_id, answers(q, **more), email="KoKha.CDD@Example.go.th", create_time=T0,
                                  last_submitted_time=T0 + dt.timedelta(minutes=5))

    state = State(None)
    [resp] = source(base_url, form_id, state).responses()

    assert resp.id == rid
    assert resp.created_at == T0 and resp.created_at.tzinfo is not None
    assert resp.last_submitted_at == T0 + dt.timedelta(minutes=5)
    assert resp.email == "kokha.cdd@example.go.th"
    assert resp.answers["district"] == "เกาะคา"
    assert resp.answers["quarter"] == demo.QUARTER_CHOICES[1]
    assert resp.answers["reporter"] == "นายประเสริฐ ทองดี"  # cleaned
    assert resp.answers["participants"] == "1,250"
    assert resp.answers["position"] == ""  # unanswered: present and empty, like the CSV
    assert resp.answers["report_files"] == "1FileA, 1FileB"
    assert [(f.id, f.name, f.mime_type, f.channel, f.received_at) for f in resp.report_files] == [
        ("1FileA", "รายงาน เกาะคา.xlsx", XLSX, "form", T0), ("1FileB", "ส่วนที่ 2.xlsx", XLSX, "form", T0)]
    assert [f.id for f in resp.photo_files] == ["1Photo"]
    assert resp.report_files[0].version == "upload:1FileA"  # stable: sync's cache downloads it once
    assert resp.extra == {"ความพึงพอใจ": "ดี, ดีมาก"}
    assert fake.count("forms.forms.get") == 1
    assert state.get_json(f"forms:{form_id}:responses")["responses"][rid]["responseId"] == rid


def test_pinned_question_id_wins_over_title(google_server):
    fake, base_url = google_server
    form_id, q = lampang_form(fake, extra=[{"title": "อำเภอที่รายงาน", "kind": "text"}])
    fake.forms_add_response(form_id, answers(q, **{q["อำเภอที่รายงาน"]: "งาว"}), create_time=T0)

    by_title = source(base_url, form_id, State(None)).responses()[0]
    assert by_title.answers["district"] == "เกาะคา"
    assert by_title.extra == {"อำเภอที่รายงาน": "งาว"}

    pinned = source(base_url, form_id, State(None), form={"form_id": form_id,
                    "question_ids": {"district": q["อำเภอที่รายงาน"]}}).responses()[0]
    assert pinned.answers["district"] == "งาว"
    assert pinned.extra == {"อำเภอ": "เกาะคา"}

    with pytest.raises(ConfigMismatch, match="question_ids"):
        source(base_url, form_id, State(None), form={"form_id": form_id,
               "question_ids": {"district": "deadbeef"}}).responses()


def test_renamed_question_stops_the_run_naming_old_and_new_title(google_server):
    fake, base_url = google_server
    form_id, q = lampang_form(fake)
    fake.forms_add_response(form_id, answers(q), create_time=T0)
    state = State(None)
    source(base_url, form_id, state).responses()
    state.commit()
    before = state.get(f"forms:{form_id}:responses")

    fake.forms_rename_question(form_id, q["ไตรมาส"], "ไตรมาสที่รายงาน")
    fake.forms_add_response(form_id, answers(q, quarter=2), create_time=T0 + dt.timedelta(days=1))
    fake.reset_log()
    with pytest.raises(ConfigMismatch) as err:
        source(base_url, form_id, state).responses()
    message = str(err.value)
    assert '"ไตรมาส"' in message and "(field quarter)" in message
    assert 'The closest question is "ไตรมาสที่รายงาน"' in message
    assert f'[form.question_ids] quarter = "{q["ไตรมาส"]}"' in message  # known id: the exact fix
    assert err.value.exit_code == 2
    assert fake.count("forms.forms.responses.list") == 0  # stopped before reading anything
    state.commit()  # nothing was staged
    assert state.get(f"forms:{form_id}:responses") == before


def test_deleted_question_stops_the_run_unless_configured_away(google_server):
    fake, base_url = google_server
    form_id, q = lampang_form(fake)
    fake.forms_add_response(form_id, answers(q), create_time=T0)
    fake.forms_delete_question(form_id, q["เบอร์โทรศัพท์"])
    state = State(None)
    with pytest.raises(ConfigMismatch) as err:
        source(base_url, form_id, state).responses()
    assert 'no question "เบอร์โทรศัพท์" (field phone)' in str(err.value)
    assert 'set [form.questions] phone = ""' in str(err.value)
    assert state.get(f"forms:{form_id}:responses") is None

    settings = {"form": {"form_id": form_id, "questions": {"phone": ""}}}
    [resp] = source(base_url, form_id, state, **settings).responses()
    assert "phone" not in resp.answers
    assert resp.extra == {f"question {q['เบอร์โทรศัพท์']}": "054-123456"}  # old answer kept, not dropped


def test_pagination_over_several_pages(google_server):
    fake, base_url = google_server
    fake.forms.max_page_size = 3  # the server caps pages, as Google does at 5000
    form_id, q = lampang_form(fake)
    ids = [fake.forms_add_response(form_id, answers(q), create_time=T0 + dt.timedelta(hours=i)) for i in range(8)]
    out = source(base_url, form_id, State(None)).responses()
    assert [r.id for r in out] == ids
    calls = fake.calls("forms.forms.responses.list")
    assert len(calls) == 3
    assert "pageToken" not in calls[0].query and all("pageToken" in c.query for c in calls[1:])


def test_incremental_second_run_asks_only_for_new_responses(google_server):
    fake, base_url = google_server
    form_id, q = lampang_form(fake)
    first = [fake.forms_add_response(form_id, answers(q, district=d), create_time=T0 + dt.timedelta(hours=i))
             for i, d in enumerate(["เกาะคา", "งาว", "เถิน"])]
    state = State(None)
    assert len(source(base_url, form_id, state).responses()) == 3
    assert "filter" not in fake.calls("forms.forms.responses.list")[0].query
    state.commit()

    new = fake.forms_add_response(form_id, answers(q, district="แม่ทะ"), create_time=T0 + dt.timedelta(days=1))
    fake.reset_log()
    out = source(base_url, form_id, state).responses()
    assert [r.id for r in out] == [*first, new]
    assert [r.answers["district"] for r in out] == ["เกาะคา", "งาว", "เถิน", "แม่ทะ"]
    [call] = fake.calls("forms.forms.responses.list")
    assert call.query["filter"] == ["timestamp >= 2024-12-10T04:00:00Z"]  # the newest seen, whole seconds
    assert fake.counts("forms.") == {"forms.forms.responses.list": 1}  # issue 13: forms.get only when the Form changed
    state.commit()

    fake.reset_log()
    again = source(base_url, form_id, state).responses()  # nothing new
    assert [r.id for r in again] == [*first, new]
    assert fake.calls("forms.forms.responses.list")[0].query["filter"] == ["timestamp >= 2024-12-11T02:00:00Z"]


def test_uncommitted_run_is_read_again(google_server):
    fake, base_url = google_server
    form_id, q = lampang_form(fake)
    fake.forms_add_response(form_id, answers(q), create_time=T0)
    state = State(None)
    source(base_url, form_id, state).responses()
    state.discard()  # the sync failed before writing the master
    fake.reset_log()
    assert len(source(base_url, form_id, state).responses()) == 1
    assert "filter" not in fake.calls("forms.forms.responses.list")[0].query


def test_edited_response_replaces_the_old_one(google_server):
    fake, base_url = google_server
    form_id, q = lampang_form(fake)
    old_file = {"fileId": "1Old", "fileName": "v1.xlsx", "mimeType": XLSX}
    rid = fake.forms_add_response(form_id, answers(q, **{q["แนบแบบรายงานผลการดำเนินงาน"]: [old_file]}),
                                  create_time=T0)
    other = fake.forms_add_response(form_id, answers(q, district="งาว"), create_time=T0 + dt.timedelta(hours=1))
    state = State(None)
    source(base_url, form_id, state).responses()
    state.commit()

    edited_at = T0 + dt.timedelta(days=3)
    new_file = {"fileId": "1New", "fileName": "v2.xlsx", "mimeType": XLSX}
    fake.forms_edit_response(form_id, rid, answers(q, quarter=2, **{q["แนบแบบรายงานผลการดำเนินงาน"]: [old_file, new_file]}),
                             last_submitted_time=edited_at)
    out = {r.id: r for r in source(base_url, form_id, state).responses()}
    assert set(out) == {rid, other}
    edited = out[rid]
    assert edited.answers["quarter"] == demo.QUARTER_CHOICES[2]
    assert edited.created_at == T0 and edited.last_submitted_at == edited_at
    # the file that was there keeps its receipt; the one added by the edit came with the edit
    assert {f.id: f.received_at for f in edited.report_files} == {"1Old": T0, "1New": edited_at}


def test_unknown_form_says_which_id_to_use(google_server):
    fake, base_url = google_server
    with pytest.raises(SourceError, match="edit URL"):
        source(base_url, "1FAIpQLSfNoSuchForm", State(None)).responses()
    form_id, _ = lampang_form(fake)
    fake.revoke_access(form_id)
    with pytest.raises(SourceError, match="permission denied"):
        source(base_url, form_id, State(None)).responses()


def test_demo_province_form_reads_like_its_csv(google_server, tmp_path):
    from gsync.sources.forms_csv import CsvFormSource
    from gsync.testing.province import load_demo_into_fake

    fake, base_url = google_server
    demo.build(tmp_path / "demo")
    ids = load_demo_into_fake(fake, tmp_path / "demo")
    api = source(base_url, ids["form_id"], State(None)).responses()
    settings = api_settings(form_id=ids["form_id"])
    offline = CsvFormSource(tmp_path / "demo" / "responses.csv", settings.form.questions, settings.tz).responses()

    def comparable(r: Any) -> tuple[Any, ...]:
        answers = {k: v for k, v in r.answers.items() if k != "report_files"}
        return r.created_at, r.email, answers, r.extra

    assert sorted(map(comparable, api)) == sorted(map(comparable, offline))
    files = {r.answers["district"]: [f.id for f in r.report_files] for r in api}
    # the same file through both channels where the QR folder has exactly one; else the Form's own upload
    assert files["เมืองลำปาง"] == [ids["files"]["เมืองลำปาง/รายงานไตรมาส1 เมืองลำปาง.xlsx"]]
    assert files["อ.เกาะคา"] == [ids["files"]["เกาะคา ไตรมาส1.xlsx"]]
    assert files["แม่ทะ"] == ["1MaethaQ1xlsxAbCdE"] and files["วังเหนือ"] == []
    assert fake.drive_file("1MaethaQ1xlsxAbCdE").parents[0] != ids["folder_id"]
