"""The Google fake works with the REAL clients (gspread, googleapiclient, google-auth)
over their real HTTP paths, validates requests against the bundled discovery documents,
and injects faults the clients can see. No test here touches the network.
"""

from __future__ import annotations

import http.client
import io
import json
import socket
from datetime import UTC, datetime, timedelta

import google_auth_httplib2
import gspread
import httplib2
import pytest
import requests
from googleapiclient.discovery import build
from googleapiclient.errors import HttpError
from googleapiclient.http import MediaIoBaseDownload

from gsync.testing import FakeGoogle, RewriteAdapter

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FOLDER = "application/vnd.google-apps.folder"
T0 = datetime(2024, 12, 1, 3, 0, tzinfo=UTC)


# --- helpers ------------------------------------------------------------------------------


def api_endpoint(service: str, base_url: str) -> str:
    """Discovery clients join the endpoint with the method's path, so Drive (servicePath
    ``drive/v3/``) needs it in the endpoint; Forms and Sheets have an empty servicePath."""
    return base_url + ("/drive/v3/" if service == "drive" else "/")


def discovery_client(fake: FakeGoogle, service: str, version: str, base_url: str):
    creds = fake.user_credentials(token_uri=base_url + "/token")
    http = google_auth_httplib2.AuthorizedHttp(creds, http=httplib2.Http(timeout=10))
    return build(
        service,
        version,
        http=http,
        static_discovery=True,
        client_options={"api_endpoint": api_endpoint(service, base_url)},
    )


def gspread_in_process(fake: FakeGoogle) -> gspread.Client:
    client = gspread.Client(auth=fake.user_credentials())
    fake.mount(client.http_client.session)
    return client


def gspread_over_server(fake: FakeGoogle, base_url: str) -> gspread.Client:
    """The gsync way: gspread's hard-coded https://sheets.googleapis.com URLs are rewritten
    to the endpoint; the token comes from ``token_uri`` = endpoint + /token."""
    client = gspread.Client(auth=fake.user_credentials(token_uri=base_url + "/token"))
    client.http_client.session.mount("https://", RewriteAdapter(base_url))
    return client


# --- Drive over the real server ------------------------------------------------------------


def test_drive_list_download_export_changes_over_server(google_server):
    fake, base_url = google_server
    folder = fake.drive_add_folder("รายงานไตรมาส", created_time=T0)
    sub = fake.drive_add_folder("archive", folder, created_time=T0)
    names = [f"district-{i:02d}.xlsx" for i in range(7)]
    for i, name in enumerate(names):
        fake.drive_add_file(
            name,
            f"file {i}".encode(),
            folder,
            created_time=T0 + timedelta(minutes=i),
            uploader_email=f"d{i}@example.go.th",
        )
    trashed = fake.drive_add_file("old.xlsx", b"old", folder, created_time=T0)
    fake.drive_trash(trashed)
    fake.drive_add_file("elsewhere.xlsx", b"x", None, created_time=T0)
    big = bytes(range(256)) * 12  # 3072 bytes -> 3 ranged chunks of 1024
    big_id = fake.drive_add_file("big.xlsx", big, sub, created_time=T0)
    gsheet = fake.drive_add_google_sheet("form answers", folder, export_xlsx_bytes=b"PK-xlsx")

    drive = discovery_client(fake, "drive", "v3", base_url)
    q = f"'{folder}' in parents and trashed = false and mimeType != '{FOLDER}'"
    request = drive.files().list(
        q=q,
        pageSize=3,
        orderBy="createdTime",
        supportsAllDrives=True,
        includeItemsFromAllDrives=True,
        fields="nextPageToken, files(id, name, md5Checksum, size, modifiedTime, owners(emailAddress))",
    )
    seen = []
    while request is not None:
        page = drive.files().list_next(request, response := request.execute())
        seen.extend(response["files"])
        request = page
    assert [f["name"] for f in seen] == [*names, "form answers"]  # orderBy=createdTime
    assert fake.count("drive.files.list") == 3  # 8 files, pageSize 3
    first = next(f for f in seen if f["name"] == names[0])
    assert first["owners"] == [{"emailAddress": "d0@example.go.th"}]
    assert first["size"] == "6" and len(first["md5Checksum"]) == 32
    assert "mimeType" not in first  # only the requested fields come back

    # without fields= Drive v3 returns only kind/id/name/mimeType
    bare = drive.files().get(fileId=big_id).execute()
    assert set(bare) == {"kind", "id", "name", "mimeType"}

    # ranged media download
    buf = io.BytesIO()
    downloader = MediaIoBaseDownload(buf, drive.files().get_media(fileId=big_id), chunksize=1024)
    done = False
    while not done:
        _, done = downloader.next_chunk()
    assert buf.getvalue() == big
    assert [c.status for c in fake.calls("drive.files.get")][-3:] == [206, 206, 206]

    # export of a native Google Sheet
    assert drive.files().export(fileId=gsheet, mimeType=XLSX).execute() == b"PK-xlsx"
    with pytest.raises(HttpError) as err:
        drive.files().export(fileId=big_id, mimeType=XLSX).execute()
    assert (
        err.value.status_code == 403
        and err.value.reason == "Export only supports Docs Editors files."
    )

    # changes after a new upload
    token = drive.changes().getStartPageToken().execute()["startPageToken"]
    new_id = fake.drive_add_file("late.xlsx", b"late", folder, uploader_email="d9@example.go.th")
    fake.drive_update_file(seen[0]["id"], b"re-upload")
    changes = (
        drive.changes()
        .list(
            pageToken=token,
            fields="newStartPageToken,nextPageToken,changes(fileId,removed,file(name,parents,version))",
        )
        .execute()
    )
    assert [c["fileId"] for c in changes["changes"]] == [new_id, seen[0]["id"]]
    assert changes["changes"][0]["file"]["parents"] == [folder]
    assert changes["changes"][1]["file"]["version"] == "2"
    assert int(changes["newStartPageToken"]) > int(token)
    again = drive.changes().list(pageToken=changes["newStartPageToken"]).execute()
    assert again["changes"] == []

    about = drive.about().get(fields="user(emailAddress)").execute()
    assert about == {"user": {"emailAddress": fake.account_email}}
    assert fake.token_requests[0]["grant_type"] == "refresh_token"
    assert fake.violations == []
    drive._http.close()


def test_drive_q_language_shared_drives_and_access(google_fake):
    fake = google_fake
    shared = fake.drive_add_shared_drive("District reports")
    folder = fake.drive_add_folder("Q1", shared)
    in_shared = fake.drive_add_file("a.xlsx", b"a", folder)
    mine = fake.drive_add_folder("mine")
    old = fake.drive_add_file("old.docx", b"o", mine, modified_time="2024-11-01T00:00:00Z")
    new = fake.drive_add_file("new.docx", b"n", mine, modified_time="2024-12-05T00:00:00Z")

    drive = build("drive", "v3", http=fake.httplib2_http(authorized=True), static_discovery=True)
    files = drive.files()
    # shared-drive items need supportsAllDrives (+ includeItemsFromAllDrives to list)
    with pytest.raises(HttpError) as err:
        files.get(fileId=in_shared).execute()
    assert err.value.status_code == 404
    assert files.get(fileId=in_shared, supportsAllDrives=True).execute()["name"] == "a.xlsx"
    listed = files.list(q=f"'{folder}' in parents").execute()["files"]
    assert listed == []
    listed = files.list(
        q=f"'{folder}' in parents",
        corpora="drive",
        driveId=shared,
        includeItemsFromAllDrives=True,
        supportsAllDrives=True,
    ).execute()["files"]
    assert [f["id"] for f in listed] == [in_shared]

    q = f"'{mine}' in parents and (modifiedTime > '2024-12-01T00:00:00' or name contains 'nothing')"
    assert [f["id"] for f in files.list(q=q).execute()["files"]] == [new]
    q = f"'{mine}' in parents and not name = 'new.docx'"
    assert [f["id"] for f in files.list(q=q).execute()["files"]] == [old]
    with pytest.raises(HttpError) as err:
        files.list(q="title = 'x'").execute()  # Drive v2 syntax
    assert err.value.status_code == 400

    fake.revoke_access(mine)  # the folder is no longer shared with the service account
    with pytest.raises(HttpError) as err:
        files.get(fileId=new).execute()
    assert err.value.status_code == 404
    with pytest.raises(HttpError) as err:
        files.list(q=f"'{mine}' in parents").execute()
    assert err.value.status_code == 404 and err.value.reason == f"File not found: {mine}."
    assert json.loads(err.value.content)["error"]["errors"][0]["reason"] == "notFound"
    with pytest.raises(HttpError) as err:
        files.get_media(fileId=folder, supportsAllDrives=True).execute()
    assert err.value.status_code == 403  # folders can't be downloaded


# --- Forms -------------------------------------------------------------------------------------


def test_forms_get_paginated_responses_and_filter(google_server):
    fake, base_url = google_server
    form_id, qids = fake.forms_create(
        "รายงานผลการดำเนินงาน",
        [
            {"title": "อำเภอ", "kind": "dropdown", "options": ["เมือง", "เกาะคา"], "required": True},
            {"title": "ไตรมาส", "kind": "choice", "options": ["1", "2", "3", "4"]},
            {"title": "หมายเหตุ", "kind": "paragraph"},
            {"title": "ไฟล์รายงาน", "kind": "file"},
        ],
    )
    forms = discovery_client(fake, "forms", "v1", base_url)
    assert forms.forms().responses().list(formId=form_id).execute() == {}  # like Google

    for i in range(5):
        fake.forms_add_response(
            form_id,
            {
                qids["อำเภอ"]: "เมือง",
                qids["ไตรมาส"]: "1",
                qids["ไฟล์รายงาน"]: [
                    {"fileId": f"F{i}", "fileName": f"r{i}.xlsx", "mimeType": XLSX}
                ],
            },
            email=f"d{i}@example.go.th",
            create_time=T0 + timedelta(days=i),
        )
    form = forms.forms().get(formId=form_id).execute()
    assert form["info"]["title"] == "รายงานผลการดำเนินงาน"
    q0 = form["items"][0]["questionItem"]["question"]
    assert q0["questionId"] == qids["อำเภอ"]
    assert q0["choiceQuestion"]["type"] == "DROP_DOWN"
    assert "fileUploadQuestion" in form["items"][3]["questionItem"]["question"]

    responses, token, pages = [], None, 0
    while True:
        page = forms.forms().responses().list(formId=form_id, pageSize=2, pageToken=token).execute()
        responses.extend(page.get("responses", []))
        pages += 1
        token = page.get("nextPageToken")
        if not token:
            break
    assert pages == 3 and len(responses) == 5
    answer = responses[0]["answers"][qids["ไฟล์รายงาน"]]["fileUploadAnswers"]["answers"][0]
    assert answer == {"fileId": "F0", "fileName": "r0.xlsx", "mimeType": XLSX}
    assert responses[0]["answers"][qids["อำเภอ"]]["textAnswers"]["answers"] == [{"value": "เมือง"}]
    assert qids["หมายเหตุ"] not in responses[0]["answers"]  # unanswered -> absent

    since = (T0 + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M:%SZ")
    later = forms.forms().responses().list(formId=form_id, filter=f"timestamp >= {since}").execute()
    assert len(later["responses"]) == 2
    later = forms.forms().responses().list(formId=form_id, filter=f"timestamp > {since}").execute()
    assert len(later["responses"]) == 1
    one = (
        forms.forms()
        .responses()
        .get(formId=form_id, responseId=responses[0]["responseId"])
        .execute()
    )
    assert one["respondentEmail"] == "d0@example.go.th"

    fake.forms_rename_question(form_id, qids["ไตรมาส"], "ไตรมาสที่")
    fake.forms_delete_question(form_id, qids["หมายเหตุ"])
    items = forms.forms().get(formId=form_id).execute()["items"]
    assert [i["title"] for i in items] == ["อำเภอ", "ไตรมาสที่", "ไฟล์รายงาน"]
    with pytest.raises(HttpError) as err:
        forms.forms().responses().list(formId=form_id, filter="createTime > 2024").execute()
    assert err.value.status_code == 400
    forms._http.close()


# --- gspread -----------------------------------------------------------------------------------


def test_gspread_in_process_values_and_batch_update(google_fake):
    fake = google_fake
    sid = fake.sheets_create("Master")
    gc = gspread_in_process(fake)
    sh = gc.open_by_key(sid)
    assert sh.title == "Master"
    ws = sh.add_worksheet("ชื่อ แท็บ", rows=10, cols=6)
    assert [w.title for w in sh.worksheets()] == ["Sheet1", "ชื่อ แท็บ"]

    link = '=HYPERLINK("x")'
    ws.batch_update([{"range": "A1:C1", "values": [["อำเภอ", "จำนวน", link]]}], raw=True)
    assert fake.sheet_formulas(sid, "ชื่อ แท็บ") == {}  # RAW: text, not a formula
    assert fake.sheet_values(sid, "ชื่อ แท็บ") == [["อำเภอ", "จำนวน", link]]
    ws.batch_update(
        [{"range": "A2:C2", "values": [["เมือง", "1,200", link]]}],
        value_input_option=gspread.utils.ValueInputOption.user_entered,
    )
    assert fake.sheet_formulas(sid, "ชื่อ แท็บ") == {"C2": link}  # formula injection visible
    assert fake.sheet_cell(sid, "ชื่อ แท็บ", "B2").value == 1200.0

    got = ws.batch_get(["A1:C2", "B2"], value_render_option="UNFORMATTED_VALUE")
    assert got[0] == [["อำเภอ", "จำนวน", link], ["เมือง", 1200, "x"]]
    assert got[1] == [[1200]]
    assert got[0].range == "'ชื่อ แท็บ'!A1:C2"
    assert ws.get("C2", value_render_option="FORMULA") == [[link]]
    assert ws.get_all_values() == [["อำเภอ", "จำนวน", link], ["เมือง", "1,200", "x"]]

    ws.batch_clear(["C1:C2"])
    assert fake.sheet_values(sid, "ชื่อ แท็บ") == [["อำเภอ", "จำนวน"], ["เมือง", "1,200"]]

    # writes beyond the grid fail like Google until the sheet is resized
    with pytest.raises(gspread.exceptions.APIError) as err:
        ws.update([["x"]] * 3, "A9")
    assert err.value.code == 400 and "exceeds grid limits" in str(err.value)
    ws.resize(rows=20)
    ws.update([["x"]] * 3, "A9")
    ws.append_rows([["append", 1]], value_input_option="RAW")  # fills the blank row 3
    assert fake.sheet_values(sid, "ชื่อ แท็บ")[2] == ["append", "1"]

    sh.batch_update(
        {
            "requests": [
                {
                    "addConditionalFormatRule": {
                        "index": 0,
                        "rule": {
                            "ranges": [
                                {
                                    "sheetId": ws.id,
                                    "startRowIndex": 1,
                                    "startColumnIndex": 1,
                                    "endColumnIndex": 2,
                                }
                            ],
                            "booleanRule": {
                                "condition": {
                                    "type": "NUMBER_LESS",
                                    "values": [{"userEnteredValue": "1"}],
                                },
                                "format": {
                                    "backgroundColor": {"red": 1, "green": 0.8, "blue": 0.8}
                                },
                            },
                        },
                    }
                },
                {
                    "updateDimensionProperties": {
                        "range": {
                            "sheetId": ws.id,
                            "dimension": "COLUMNS",
                            "startIndex": 0,
                            "endIndex": 1,
                        },
                        "properties": {"pixelSize": 240},
                        "fields": "pixelSize",
                    }
                },
            ]
        }
    )
    ws.freeze(rows=1)
    meta = sh.fetch_sheet_metadata()
    tab = next(s for s in meta["sheets"] if s["properties"]["title"] == "ชื่อ แท็บ")
    assert tab["properties"]["gridProperties"] == {
        "rowCount": 20,
        "columnCount": 6,
        "frozenRowCount": 1,
    }
    assert tab["conditionalFormats"][0]["booleanRule"]["condition"]["type"] == "NUMBER_LESS"
    assert fake.sheet(sid, "ชื่อ แท็บ").col_meta[0]["pixelSize"] == 240

    sh.del_worksheet(sh.sheet1)
    assert [w.title for w in sh.worksheets()] == ["ชื่อ แท็บ"]
    counts = fake.counts("sheets.")
    assert counts["sheets.spreadsheets.values.batchUpdate"] == 2
    assert counts["sheets.spreadsheets.values.batchGet"] == 1
    assert counts["sheets.spreadsheets.values.batchClear"] == 1
    assert counts["sheets.spreadsheets.values.append"] == 1
    assert fake.writes() == fake.count("sheets.", method="POST") + fake.count(
        "sheets.", method="PUT"
    )
    assert fake.violations == []


def test_gspread_over_server_with_rewrite_adapter(google_server):
    fake, base_url = google_server
    sid = fake.sheets_create("Master", tabs=["สรุป"], rows=5, cols=3)
    fake.sheet_set_cell(sid, "สรุป", "A1", "typed by staff")
    gc = gspread_over_server(fake, base_url)
    ws = gc.open_by_key(sid).worksheet("สรุป")
    assert ws.row_count == 5 and ws.col_count == 3
    assert ws.acell("A1").value == "typed by staff"
    ws.update([["=1+1", "TRUE", "2024-12-01"]], "A2", raw=False)
    assert ws.get("A2:C2", value_render_option="UNFORMATTED_VALUE") == [[2, True, 45627]]
    assert ws.get("A2:C2") == [["2", "TRUE", "2024-12-01"]]
    with pytest.raises(gspread.exceptions.SpreadsheetNotFound):
        gc.open_by_key("no-such-spreadsheet")
    # the token came from the fake's /token over HTTP, gspread's own URLs were rewritten
    assert fake.count("oauth2.token") == 1
    assert all(c.path.startswith("/v4/spreadsheets") for c in fake.calls("sheets."))
    gc.http_client.session.close()


def test_sheets_batch_update_is_atomic_and_limits(google_fake):
    fake = google_fake
    sid = fake.sheets_create("Master")
    sh = gspread_in_process(fake).open_by_key(sid)
    with pytest.raises(gspread.exceptions.APIError) as err:
        sh.batch_update(
            {
                "requests": [
                    {"addSheet": {"properties": {"title": "ok"}}},
                    {"deleteSheet": {"sheetId": 999}},
                ]
            }
        )
    assert "Invalid requests[1].deleteSheet" in str(err.value)
    assert [w.title for w in sh.worksheets()] == ["Sheet1"]  # nothing applied
    with pytest.raises(gspread.exceptions.APIError) as err:
        sh.add_worksheet("huge", rows=400_000, cols=26)
    assert "10000000 cells" in str(err.value)
    with pytest.raises(gspread.exceptions.APIError) as err:
        sh.batch_update({"requests": [{"sortRange": {}}, {"randomizeRange": {}}]})
    assert "not implemented" in str(err.value)


def test_formatting_notes_rows_and_append_semantics(google_fake):
    import gspread_formatting as gf

    fake = google_fake
    sid = fake.sheets_create("Master")
    sh = gspread_in_process(fake).open_by_key(sid)
    ws = sh.sheet1
    ws.update([["อำเภอ", "สถานะ"], ["เมือง", "ok"], ["งาว", "late"]], "A1")

    gf.format_cell_range(ws, "A1:B1", gf.CellFormat(textFormat=gf.TextFormat(bold=True)))
    gf.set_frozen(ws, rows=1)
    gf.set_column_width(ws, "A", 250)
    assert gf.get_user_entered_format(ws, "B1").textFormat.bold is True
    assert gf.get_user_entered_format(ws, "B2") is None
    assert gf.get_frozen_row_count(ws) == 1
    rule = gf.DataValidationRule(
        gf.BooleanCondition("ONE_OF_LIST", ["ok", "late"]), showCustomUi=True
    )
    gf.set_data_validation_for_cell_range(ws, "B2:B100", rule)
    assert gf.get_data_validation_rule(ws, "B7").condition.type == "ONE_OF_LIST"
    rules = gf.get_conditional_format_rules(ws)
    rules.append(
        gf.ConditionalFormatRule(
            ranges=[gf.GridRange.from_a1_range("B2:B100", ws)],
            booleanRule=gf.BooleanRule(
                condition=gf.BooleanCondition("TEXT_EQ", ["late"]),
                format=gf.CellFormat(backgroundColor=gf.Color(1, 0.8, 0.8)),
            ),
        )
    )
    rules.save()
    assert len(fake.sheet(sid, "Sheet1").conditional_formats) == 1
    rules = gf.get_conditional_format_rules(ws)
    rules.clear()
    rules.save()
    assert fake.sheet(sid, "Sheet1").conditional_formats == []

    ws.update_note("A2", "ตรวจแล้ว")
    assert ws.get_note("A2") == "ตรวจแล้ว"
    ws.insert_rows([["แจ้ห่ม", "missing"]], 2)  # insertDimension + append into the gap
    ws.append_rows([["วังเหนือ", "ok"]])
    ws.delete_rows(3)
    assert ws.get_all_values() == [
        ["อำเภอ", "สถานะ"],
        ["แจ้ห่ม", "missing"],
        ["งาว", "late"],
        ["วังเหนือ", "ok"],
    ]
    assert fake.sheet(sid, "Sheet1").props["gridProperties"]["rowCount"] == 1000

    # a blank row inside the data is where values.append writes next, like Google
    ws.batch_clear(["A3:B3"])
    ws.append_rows([["เกาะคา", "ok"]])
    assert ws.col_values(1) == ["อำเภอ", "แจ้ห่ม", "เกาะคา", "วังเหนือ"]
    assert fake.violations == []


def test_service_account_jwt_flow_in_process(google_fake):
    fake = google_fake
    sid = fake.sheets_create("Master")
    gc = gspread.service_account_from_dict(fake.service_account_info())
    fake.mount(gc.http_client.session)
    assert gc.open_by_key(sid).sheet1.get_all_values() == [[]]  # gspread pads a missing "values"
    assert fake.token_requests[-1]["iss"] == fake.account_email
    assert "spreadsheets" in fake.token_requests[-1]["scope"]
    fake.expire_tokens()  # a 401 makes google-auth refresh and retry transparently
    assert gc.open_by_key(sid).title == "Master"
    assert fake.count("oauth2.token") == 2


# --- discovery validation ---------------------------------------------------------------------


def test_discovery_rejects_bad_requests(google_server):
    fake, base_url = google_server
    sid = fake.sheets_create("Master")
    auth = fake.auth_headers()
    with requests.Session() as s:
        r = s.get(f"{base_url}/drive/v3/files", params={"pageSize": 10, "bogus": 1}, headers=auth)
        assert (
            r.status_code == 400
            and "unknown query parameter 'bogus'" in r.json()["error"]["message"]
        )
        r = s.post(
            f"{base_url}/v4/spreadsheets/{sid}/values:batchUpdate",
            json={"valueInputOption": "RAW", "data": [], "bogusField": 1},
            headers=auth,
        )
        assert r.status_code == 400 and "unknown field 'bogusField'" in r.json()["error"]["message"]
        r = s.post(
            f"{base_url}/v4/spreadsheets/{sid}:batchUpdate",
            json={
                "requests": [
                    {
                        "repeatCell": {
                            "range": {"sheetId": 0},
                            "cell": {"userEnteredFormat": {"textFormt": {}}},
                            "fields": "*",
                        }
                    }
                ]
            },
            headers=auth,
        )
        assert r.status_code == 400 and "textFormt" in r.json()["error"]["message"]
        r = s.put(
            f"{base_url}/v4/spreadsheets/{sid}/values/A1",
            params={"valueInputOption": "COOKED"},
            json={"values": [["x"]]},
            headers=auth,
        )
        assert r.status_code == 400 and "COOKED" in r.json()["error"]["message"]
        r = s.get(f"{base_url}/drive/v3/files", params={"pageSize": "ten"}, headers=auth)
        assert r.status_code == 400
        r = s.get(f"{base_url}/drive/v3/files", params={"fields": "files(id,nme)"}, headers=auth)
        assert r.status_code == 400 and "files.nme" in r.text
        fid = fake.drive_add_file("r.xlsx", b"abc", None)
        r = s.get(
            f"{base_url}/download/drive/v3/files/{fid}", params={"alt": "media"}, headers=auth
        )
        assert r.status_code == 200 and r.content == b"abc"  # the media download service path
        r = s.get(f"{base_url}/files", headers=auth)  # forgot the /drive/v3 service path
        assert r.status_code == 400
        r = s.get(f"{base_url}/drive/v3/files")  # no token
        assert r.status_code == 401 and r.json()["error"]["status"] == "UNAUTHENTICATED"
    assert len(fake.violations) == 7
    assert fake.sheet_values(sid, "Sheet1") == []
    fake.violations.clear()


# --- faults --------------------------------------------------------------------------------------


def test_429_with_retry_after_reaches_both_clients(google_server):
    fake, base_url = google_server
    sid = fake.sheets_create("Master")
    drive = discovery_client(fake, "drive", "v3", base_url)
    fake.inject(r"^drive\.files\.list$", status=429, retry_after="7")
    with pytest.raises(HttpError) as err:
        drive.files().list().execute()
    assert err.value.status_code == 429 and err.value.resp["retry-after"] == "7"
    assert json.loads(err.value.content)["error"]["status"] == "RESOURCE_EXHAUSTED"
    assert drive.files().list().execute()["files"][0]["id"] == sid  # times=1: next one works

    fake.inject("drive.files.get", status=403, reason="userRateLimitExceeded")
    with pytest.raises(HttpError) as err:
        drive.files().get(fileId=sid).execute()
    assert err.value.error_details[0]["reason"] == "userRateLimitExceeded"
    assert err.value.error_details[0]["domain"] == "usageLimits"

    gc = gspread_over_server(fake, base_url)
    ws = gc.open_by_key(sid).sheet1
    fake.inject("values.batchGet", status=429, retry_after="30")
    with pytest.raises(gspread.exceptions.APIError) as err:
        ws.batch_get(["A1"])
    assert err.value.code == 429 and err.value.response.headers["Retry-After"] == "30"
    for status in (500, 503):
        fake.inject("values.batchUpdate", status=status)
        with pytest.raises(gspread.exceptions.APIError) as err:
            ws.batch_update([{"range": "A1", "values": [["x"]]}])
        assert err.value.code == status
    assert fake.sheet_values(sid, "Sheet1") == []
    drive._http.close()
    gc.http_client.session.close()


def test_dropped_connections_raise_on_every_transport(google_server):
    fake, base_url = google_server
    sid = fake.sheets_create("Master")
    gc = gspread_over_server(fake, base_url)
    sh = gc.open_by_key(sid)
    fake.inject("values.batchGet", drop=True)
    with pytest.raises(requests.exceptions.ConnectionError):
        sh.values_batch_get(["A1"])
    assert sh.values_batch_get(["A1"])["valueRanges"][0]["range"] == "Sheet1!A1"

    drive = discovery_client(fake, "drive", "v3", base_url)
    fake.inject("drive.files.get", drop=True, times=3)  # httplib2 silently retries once
    with pytest.raises((ConnectionError, http.client.HTTPException, httplib2.HttpLib2Error)):
        drive.files().get(fileId=sid).execute()
    fake.clear_faults()

    in_proc = gspread_in_process(fake).open_by_key(sid)
    fake.inject("values.batchGet", drop=True)
    with pytest.raises(requests.exceptions.ConnectionError):
        in_proc.values_batch_get(["A1"])
    plain = build("drive", "v3", http=fake.httplib2_http(authorized=True), static_discovery=True)
    fake.inject("drive.files.get", drop=True)
    with pytest.raises(ConnectionResetError):
        plain.files().get(fileId=sid).execute()
    drive._http.close()
    gc.http_client.session.close()


def test_truncated_media_download_and_resume(google_server, monkeypatch):
    fake, base_url = google_server
    monkeypatch.setattr("googleapiclient.http.time.sleep", lambda s: None)  # retry backoff
    data = b"0123456789" * 300
    fid = fake.drive_add_file("r.xlsx", data, None)
    drive = discovery_client(fake, "drive", "v3", base_url)
    buf = io.BytesIO()
    downloader = MediaIoBaseDownload(buf, drive.files().get_media(fileId=fid), chunksize=1000)
    downloader.next_chunk()
    fake.inject("drive.files.get", after_bytes=100)
    with pytest.raises((http.client.IncompleteRead, ConnectionError, httplib2.HttpLib2Error)):
        downloader.next_chunk()
    done = False
    while not done:  # httplib2's pooled socket was reset: the retry reconnects
        _, done = downloader.next_chunk(num_retries=2)
    assert buf.getvalue() == data

    fake.inject("drive.files.get", after_bytes=10)
    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        gspread_in_process(fake).http_client.request(
            "get", f"https://www.googleapis.com/drive/v3/files/{fid}", params={"alt": "media"}
        )
    drive._http.close()


def test_quota_and_virtual_latency(google_fake):
    fake = google_fake
    sid = fake.sheets_create("Master")
    now = [0.0]
    fake.quota(per_minute_writes=2, per_minute_reads=100, clock=lambda: now[0])
    fake.virtual_time = True
    fake.latency = 0.25
    sh = gspread_in_process(fake).open_by_key(sid)
    ws = sh.sheet1
    ws.update([["a"]], "A1")
    ws.update([["b"]], "A2")
    with pytest.raises(gspread.exceptions.APIError) as err:
        ws.update([["c"]], "A3")
    assert err.value.code == 429 and "Write requests per minute" in str(err.value)
    now[0] = 61.0
    ws.update([["c"]], "A3")
    assert fake.sheet_values(sid, "Sheet1") == [["a"], ["b"], ["c"]]
    assert fake.simulated_seconds == pytest.approx(0.25 * len(fake.requests))
    assert fake.count("sheets.", status=429) == 1


def test_export_size_limit(google_fake):
    fake = google_fake
    gsheet = fake.drive_add_google_sheet(
        "huge", None, export_xlsx_bytes=b"x" * (10 * 1024 * 1024 + 1)
    )
    drive = build("drive", "v3", http=fake.httplib2_http(authorized=True), static_discovery=True)
    with pytest.raises(HttpError) as err:
        drive.files().export(fileId=gsheet, mimeType=XLSX).execute()
    assert err.value.status_code == 403
    assert err.value.error_details[0]["reason"] == "exportSizeLimitExceeded"
    sid = fake.sheets_create("live")
    fake.sheet_set_cell(sid, "Sheet1", "B1", "42")
    csv_bytes = drive.files().export(fileId=sid, mimeType="text/csv").execute()
    assert csv_bytes == b",42\n"


# --- no network ---------------------------------------------------------------------------------


def test_socket_fixture_blocks_real_network():
    with pytest.raises(RuntimeError, match="network access in tests"):
        socket.create_connection(("8.8.8.8", 53), timeout=1)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        with pytest.raises(RuntimeError, match="network access in tests"):
            s.connect(("8.8.8.8", 53))
    with pytest.raises(RuntimeError, match="network access in tests"):
        requests.get("https://www.googleapis.com/drive/v3/files", timeout=1)
