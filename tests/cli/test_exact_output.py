'''What an operator reads, pinned whole (sqlite-utils style: `result.output == "..."`).

The WHOLE output of `gsync demo`, `gsync status`, `gsync doctor` and `gsync remind --dry-run` on
the demo province, judged at a fixed `--now`, so that any change to what an operator reads is a
visible diff in review. Each command has one block of expected text for stdout and one for stderr
(the log lines), written out below as the operator sees them.

Normalised, and only these, because they must vary from run to run:
  * the temporary folder the demo is built in is written `<tmp>`;
  * a log line's time stamp (`2026-12-06 23:27:44,097`) is written `<time>`;
  * the interpreter that runs gsync in the `next:` hint of `gsync demo` (it is
    `/path/to/python -m gsync` under pytest, `.venv/bin/gsync` for an operator) is written `<gsync>`;
  * spaces at the end of a line (the status table pads its last column) are dropped: invisible on a
    terminal, and an editor would strip them from the blocks below.

To re-pin after an intended change: run this file, read the diff pytest prints (the assertion
message holds the whole normalised output), check it is what an operator should read, and paste
it over the block.
'''

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from gsync.cli import main

NOW = "2025-04-20T09:00:00+07:00"  # the demo's own instant (gsync/demo.py NOW)
REMIND_NOW = "2025-03-17T09:00:00+07:00"  # Monday after the Q2 deadline (Fri 14 Mar 2568)

DEMO_OUT = """\
อำเภอ       Q1                        Q2                        Q3                        Q4
เมืองลำปาง  ส่งตรงเวลา                ส่งตรงเวลา                ยังไม่ถึงกำหนด            ยังไม่ถึงกำหนด
แม่เมาะ     ส่งตรงเวลา                ส่งล่าช้า                 ยังไม่ถึงกำหนด            ยังไม่ถึงกำหนด
เกาะคา      ส่งตรงเวลา ไม่ครบ         ส่งตรงเวลา                ยังไม่ถึงกำหนด            ยังไม่ถึงกำหนด
เสริมงาม    ส่งล่าช้า                 ยังไม่ส่ง (เลยกำหนด)      ยังไม่ถึงกำหนด            ยังไม่ถึงกำหนด
งาว         ส่งตรงเวลา                ยังไม่ส่ง (เลยกำหนด)      ยังไม่ถึงกำหนด            ยังไม่ถึงกำหนด
แจ้ห่ม      ยังไม่ส่ง (เลยกำหนด)      ยังไม่ส่ง (เลยกำหนด)      ยังไม่ถึงกำหนด            ยังไม่ถึงกำหนด
วังเหนือ    ส่งตรงเวลา ไม่ครบ         ยังไม่ส่ง (เลยกำหนด)      ยังไม่ถึงกำหนด            ยังไม่ถึงกำหนด
เถิน        ส่งตรงเวลา ไม่ครบ         ยังไม่ส่ง (เลยกำหนด)      ยังไม่ถึงกำหนด            ยังไม่ถึงกำหนด
แม่พริก     ส่งล่าช้า                 ยังไม่ส่ง (เลยกำหนด)      ยังไม่ถึงกำหนด            ยังไม่ถึงกำหนด
แม่ทะ       ยังไม่ส่ง (เลยกำหนด)      ยังไม่ส่ง (เลยกำหนด)      ยังไม่ถึงกำหนด            ยังไม่ถึงกำหนด
สบปราบ      ส่งตรงเวลา                ยังไม่ส่ง (เลยกำหนด)      ยังไม่ถึงกำหนด            ยังไม่ถึงกำหนด
ห้างฉัตร    ส่งตรงเวลา ไม่ครบ         ยังไม่ส่ง (เลยกำหนด)      ยังไม่ถึงกำหนด            ยังไม่ถึงกำหนด
เมืองปาน    ส่งตรงเวลา                ยังไม่ส่ง (เลยกำหนด)      ส่งตรงเวลา                ยังไม่ถึงกำหนด
Q1: ได้รับ 11/13 (85%), ตรงเวลา 9
Q2: ได้รับ 3/13 (23%), ตรงเวลา 2
Q3: ได้รับ 1 (ถึงกำหนดแล้ว 0/13: ยังไม่ถึงกำหนด)
Q4: ได้รับ 0 (ถึงกำหนดแล้ว 0/13: ยังไม่ถึงกำหนด)
ไฟล์/คำตอบที่ระบุอำเภอหรือไตรมาสไม่ได้: 2

master workbook: <tmp>/gsync-demo/master.xlsx
config:          gsync-demo/demo.toml
ณ 20 เม.ย. 2568 09:00 น. (2025-04-20T09:00:00+07:00)
next: <gsync> status --config gsync-demo/demo.toml --now 2025-04-20T09:00:00+07:00 --json
"""

DEMO_ERR = """\
<time> INFO gsync.sync: reading the master, the Form and the folder
<time> INFO gsync.sources.forms_csv: form CSV <tmp>/gsync-demo/responses.csv: 4 responses
<time> INFO gsync.sources.drive_folder: folder <tmp>/gsync-demo/inbox: 18 files
<time> INFO gsync.sync: checking and reading files: 21
<time> INFO gsync.sync: comparing and writing the master
<time> INFO gsync.sinks.workbook: wrote <tmp>/gsync-demo/master.xlsx (11 tab(s) changed: วิธีใช้, สถานะรายงาน, รายงาน, กิจกรรม, ศูนย์, ปัญหา, ไฟล์ที่ระบุไม่ได้, แบบฟอร์ม, อัตราการส่ง, หมายเหตุที่เก็บไว้, บันทึกการซิงก์)
<time> INFO gsync.sync: sync done: 52 reports, 6 problem(s), 2 unattributed, 16 file(s) parsed anew, 11 tab(s) changed; requests: ไม่มี (ออฟไลน์)
<time> INFO gsync: map: <tmp>/gsync-demo/master-centres.kml and <tmp>/gsync-demo/master-centres.csv (1 centres; import into Google My Maps)
"""

STATUS_OUT = """\
ณ 20 เม.ย. 2568 09:00 น. (2025-04-20T09:00:00+07:00)
อำเภอ       Q1                        Q2                        Q3                        Q4
เมืองลำปาง  ส่งตรงเวลา                ส่งตรงเวลา                ยังไม่ถึงกำหนด            ยังไม่ถึงกำหนด
แม่เมาะ     ส่งตรงเวลา                ส่งล่าช้า                 ยังไม่ถึงกำหนด            ยังไม่ถึงกำหนด
เกาะคา      ส่งตรงเวลา ไม่ครบ         ส่งตรงเวลา                ยังไม่ถึงกำหนด            ยังไม่ถึงกำหนด
เสริมงาม    ส่งล่าช้า                 ยังไม่ส่ง (เลยกำหนด)      ยังไม่ถึงกำหนด            ยังไม่ถึงกำหนด
งาว         ส่งตรงเวลา                ยังไม่ส่ง (เลยกำหนด)      ยังไม่ถึงกำหนด            ยังไม่ถึงกำหนด
แจ้ห่ม      ยังไม่ส่ง (เลยกำหนด)      ยังไม่ส่ง (เลยกำหนด)      ยังไม่ถึงกำหนด            ยังไม่ถึงกำหนด
วังเหนือ    ส่งตรงเวลา ไม่ครบ         ยังไม่ส่ง (เลยกำหนด)      ยังไม่ถึงกำหนด            ยังไม่ถึงกำหนด
เถิน        ส่งตรงเวลา ไม่ครบ         ยังไม่ส่ง (เลยกำหนด)      ยังไม่ถึงกำหนด            ยังไม่ถึงกำหนด
แม่พริก     ส่งล่าช้า                 ยังไม่ส่ง (เลยกำหนด)      ยังไม่ถึงกำหนด            ยังไม่ถึงกำหนด
แม่ทะ       ยังไม่ส่ง (เลยกำหนด)      ยังไม่ส่ง (เลยกำหนด)      ยังไม่ถึงกำหนด            ยังไม่ถึงกำหนด
สบปราบ      ส่งตรงเวลา                ยังไม่ส่ง (เลยกำหนด)      ยังไม่ถึงกำหนด            ยังไม่ถึงกำหนด
ห้างฉัตร    ส่งตรงเวลา ไม่ครบ         ยังไม่ส่ง (เลยกำหนด)      ยังไม่ถึงกำหนด            ยังไม่ถึงกำหนด
เมืองปาน    ส่งตรงเวลา                ยังไม่ส่ง (เลยกำหนด)      ส่งตรงเวลา                ยังไม่ถึงกำหนด
Q1: ได้รับ 11/13 (85%), ตรงเวลา 9
Q2: ได้รับ 3/13 (23%), ตรงเวลา 2
Q3: ได้รับ 1 (ถึงกำหนดแล้ว 0/13: ยังไม่ถึงกำหนด)
Q4: ได้รับ 0 (ถึงกำหนดแล้ว 0/13: ยังไม่ถึงกำหนด)
ไฟล์/คำตอบที่ระบุอำเภอหรือไตรมาสไม่ได้: 2
"""

STATUS_ERR = """\
<time> INFO gsync.sync: reading the master, the Form and the folder
<time> INFO gsync.sources.forms_csv: form CSV <tmp>/gsync-demo/responses.csv: 4 responses
<time> INFO gsync.sources.drive_folder: folder <tmp>/gsync-demo/inbox: 18 files
<time> INFO gsync.sync: checking and reading files: 21
"""

DOCTOR_OUT = """\
✓ config <tmp>/gsync-demo/demo.toml: province ลำปาง, fiscal year 2568, 13 district(s)
✓ [form] csv <tmp>/gsync-demo/responses.csv: 4 response row(s), 14 column(s)
✓     question "อำเภอ" → district
✓     question "ไตรมาส" → quarter
✓     question "ชื่อ-สกุล ผู้รายงาน" → reporter
✓     question "ตำแหน่ง" → position
✓     question "เบอร์โทรศัพท์" → phone
✓     question "จำนวนศูนย์ที่ดำเนินกิจกรรมในไตรมาสนี้ (แห่ง)" → centres_active
✓     question "จำนวนกิจกรรมที่ดำเนินการ (ครั้ง)" → activities
✓     question "จำนวนผู้เข้าร่วมกิจกรรมรวม (คน)" → participants
✓     question "แนบแบบรายงานผลการดำเนินงาน" → report_files
✓     question "แนบภาพถ่ายกิจกรรม" → photos
✓     question "ปัญหา/อุปสรรค" → problems
✓     question "ข้อเสนอแนะ" → suggestions
✓ [drive] path <tmp>/gsync-demo/inbox: a folder with 18 file(s)
✓ [sheet] path <tmp>/gsync-demo/master.xlsx: the master workbook can be written
✓ [state] path <tmp>/gsync-demo/.gsync/state.sqlite: gsync's state can be written
✓ reminders: no channel configured
    ! add a [line] and/or an [email] section to send reminders (see docs/admin.md, Reminders over LINE and email)

18 passed, 0 failed: ready for gsync sync
"""

DOCTOR_ERR = ""

REMIND_OUT = """\
แผนการแจ้งเตือน ณ 17 มี.ค. 2568 09:00 (ทดลอง: ไม่ส่งข้อความจริง ไม่บันทึกสิ่งใด)
! ยังไม่ได้ตั้งค่าช่องทาง LINE (ส่วน [line] ในไฟล์ตั้งค่า): รอบจริงจะยังไม่ส่งทางนี้
! ยังไม่ได้ตั้งค่าช่องทาง อีเมล (ส่วน [email] ในไฟล์ตั้งค่า): รอบจริงจะยังไม่ส่งทางนี้
! อำเภอเสริมงาม ไม่มีผู้รับเลย (ไม่มี line, emails หรือ notify_emails): รอบจริงจะไม่แจ้งอำเภอนี้
! อำเภอแจ้ห่ม ไม่มีผู้รับเลย (ไม่มี line, emails หรือ notify_emails): รอบจริงจะไม่แจ้งอำเภอนี้
! อำเภอเถิน ไม่มีผู้รับเลย (ไม่มี line, emails หรือ notify_emails): รอบจริงจะไม่แจ้งอำเภอนี้
! อำเภอแม่พริก ไม่มีผู้รับเลย (ไม่มี line, emails หรือ notify_emails): รอบจริงจะไม่แจ้งอำเภอนี้
! อำเภอสบปราบ ไม่มีผู้รับเลย (ไม่มี line, emails หรือ notify_emails): รอบจริงจะไม่แจ้งอำเภอนี้
! อำเภอห้างฉัตร ไม่มีผู้รับเลย (ไม่มี line, emails หรือ notify_emails): รอบจริงจะไม่แจ้งอำเภอนี้
! อำเภอเมืองปาน ไม่มีผู้รับเลย (ไม่มี line, emails หรือ notify_emails): รอบจริงจะไม่แจ้งอำเภอนี้
(รายการด้านล่างแสดงผู้รับของทุกช่องทาง รวมช่องทางที่ยังไม่ได้ตั้งค่า)
- อำเภอแม่เมาะ · ไตรมาสที่ 2 (ม.ค. - มี.ค. 2568) · หลังกำหนด 1 วัน · LINE ถึง U12…ef
- อำเภอแม่เมาะ · ไตรมาสที่ 2 (ม.ค. - มี.ค. 2568) · หลังกำหนด 1 วัน · อีเมล ถึง s***@example.go.th
- อำเภอเกาะคา · ไตรมาสที่ 1 (ต.ค. - ธ.ค. 2567) · หลังกำหนด 1 วัน · LINE ถึง U4a…4b
- อำเภอเกาะคา · ไตรมาสที่ 1 (ต.ค. - ธ.ค. 2567) · หลังกำหนด 1 วัน · อีเมล ถึง s***@example.go.th
- อำเภองาว · ไตรมาสที่ 2 (ม.ค. - มี.ค. 2568) · หลังกำหนด 1 วัน · LINE ถึง U9f…a0
- อำเภอวังเหนือ · ไตรมาสที่ 1 (ต.ค. - ธ.ค. 2567) · หลังกำหนด 1 วัน · อีเมล ถึง w***@example.go.th
- อำเภอวังเหนือ · ไตรมาสที่ 2 (ม.ค. - มี.ค. 2568) · หลังกำหนด 1 วัน · อีเมล ถึง w***@example.go.th
- อำเภอแม่ทะ · ไตรมาสที่ 1 (ต.ค. - ธ.ค. 2567) · หลังกำหนด 1 วัน · อีเมล ถึง m***@example.go.th
- อำเภอแม่ทะ · ไตรมาสที่ 2 (ม.ค. - มี.ค. 2568) · หลังกำหนด 1 วัน · อีเมล ถึง m***@example.go.th
- เจ้าหน้าที่จังหวัด (สรุป) · ไตรมาสที่ 1 (ต.ค. - ธ.ค. 2567) · สรุปถึงจังหวัด (หลังกำหนด 7 วัน) · LINE ถึง C7a…f9
- เจ้าหน้าที่จังหวัด (สรุป) · ไตรมาสที่ 1 (ต.ค. - ธ.ค. 2567) · สรุปถึงจังหวัด (หลังกำหนด 7 วัน) · อีเมล ถึง c***@example.go.th
รวม 11 ข้อความ (LINE 4, อีเมล 7)

──── ข้อความถึงอำเภอแม่เมาะ (ไตรมาสที่ 2 (ม.ค. - มี.ค. 2568)) ────
เรื่อง ติดตามรายงานผลการดำเนินงานศูนย์ผู้นำจิตอาสาพัฒนาชุมชน ไตรมาสที่ 2 (ม.ค. - มี.ค. 2568)
เรียน พัฒนาการอำเภอแม่เมาะ

รายงานผลการดำเนินงานศูนย์ผู้นำจิตอาสาพัฒนาชุมชน ไตรมาสที่ 2 (ม.ค. - มี.ค. 2568) ครบกำหนดส่งเมื่อวันที่ 14 มีนาคม 2568 (เลยกำหนดมาแล้ว 3 วัน) ขณะนี้จังหวัดยังไม่ได้รับรายงานของอำเภอแม่เมาะ

จึงขอความอนุเคราะห์ส่งรายงานโดยเร็ว ผ่านช่องทางต่อไปนี้
- แบบฟอร์มรายงาน: https://docs.google.com/forms/d/e/1FAIpQLSfGsyncDemoLampang2568-ExampleFormLinkOnly/viewform?usp=pp_url&entry.1554894512=%E0%B9%81%E0%B8%A1%E0%B9%88%E0%B9%80%E0%B8%A1%E0%B8%B2%E0%B8%B0
- โฟลเดอร์ส่งไฟล์รายงาน (QR code): https://drive.google.com/drive/folders/1GsyncDemoLampang2568ExampleFolderOnly

จึงเรียนมาเพื่อโปรดพิจารณาดำเนินการ

สำนักงานพัฒนาชุมชนจังหวัดลำปาง
(ข้อความอัตโนมัติจากระบบติดตามรายงาน หากท่านดำเนินการแล้ว ขออภัยมา ณ ที่นี้)

──── ข้อความถึงอำเภอเกาะคา (ไตรมาสที่ 1 (ต.ค. - ธ.ค. 2567)) ────
เรื่อง ขอความอนุเคราะห์แก้ไขรายงานผลการดำเนินงานศูนย์ผู้นำจิตอาสาพัฒนาชุมชน ไตรมาสที่ 1 (ต.ค. - ธ.ค. 2567)
เรียน พัฒนาการอำเภอเกาะคา

จังหวัดได้รับรายงาน ไตรมาสที่ 1 (ต.ค. - ธ.ค. 2567) ของอำเภอเกาะคาแล้ว ขอขอบคุณ จากการตรวจสอบพบว่ารายงานยังไม่ครบถ้วน ดังนี้
- จำนวนผู้เข้าร่วมที่กรอกในแบบฟอร์ม (1,000) ไม่ตรงกับในไฟล์รายงาน (961)

จึงขอความอนุเคราะห์แก้ไขและส่งรายงานฉบับปรับปรุงอีกครั้ง (กำหนดส่งเดิม 13 ธันวาคม 2567) ผ่านช่องทางต่อไปนี้
- แบบฟอร์มรายงาน: https://docs.google.com/forms/d/e/1FAIpQLSfGsyncDemoLampang2568-ExampleFormLinkOnly/viewform?usp=pp_url&entry.1554894512=%E0%B9%80%E0%B8%81%E0%B8%B2%E0%B8%B0%E0%B8%84%E0%B8%B2
- โฟลเดอร์ส่งไฟล์รายงาน (QR code): https://drive.google.com/drive/folders/1GsyncDemoLampang2568ExampleFolderOnly

จึงเรียนมาเพื่อโปรดพิจารณาดำเนินการ

สำนักงานพัฒนาชุมชนจังหวัดลำปาง
(ข้อความอัตโนมัติจากระบบติดตามรายงาน หากท่านดำเนินการแล้ว ขออภัยมา ณ ที่นี้)

──── ข้อความถึงเจ้าหน้าที่จังหวัด (ไตรมาสที่ 1 (ต.ค. - ธ.ค. 2567)) ────
สรุปไตรมาสที่ 1: ได้รับ 11/13 · ล่าช้า 2 · ยังไม่ส่ง 2 · ไม่ครบ 4 · ส่งคืน 0
เรื่อง สรุปการส่งรายงาน ไตรมาสที่ 1 (ต.ค. - ธ.ค. 2567) (ครบกำหนด 13 ธ.ค. 2567)
เรียน เจ้าหน้าที่ผู้รับผิดชอบงานศูนย์ผู้นำจิตอาสาพัฒนาชุมชน

ครบกำหนดส่งมาแล้ว 94 วัน ได้รับรายงานครบถ้วน 7 จาก 13 อำเภอ

ยังไม่ส่ง 2 อำเภอ
- แจ้ห่ม, แม่ทะ

ส่งแล้วแต่ยังไม่ครบถ้วน 4 อำเภอ
- เกาะคา: จำนวนผู้เข้าร่วมที่กรอกในแบบฟอร์ม (1,000) ไม่ตรงกับในไฟล์รายงาน (961)
- วังเหนือ: ไม่มีไฟล์แบบรายงานผลการดำเนินงานที่อ่านได้
- เถิน: วันที่ 5 ม.ค. 2568 อยู่นอกไตรมาสที่ 1 (1 ต.ค. 2567 ถึง 31 ธ.ค. 2567) (และอีก 1 รายการ)
- ห้างฉัตร: ไม่มีไฟล์แบบรายงานผลการดำเนินงานที่อ่านได้

ส่งคืนให้แก้ไข 0 อำเภอ
- ไม่มี

รายละเอียดอยู่ในแท็บ "สถานะรายงาน" และ "ปัญหา" ของสมุดงานหลัก
<tmp>/gsync-demo/master.xlsx
(ข้อความอัตโนมัติจากระบบติดตามรายงาน)
"""

REMIND_ERR = """\
<time> INFO gsync.sync: reading the master, the Form and the folder
<time> INFO gsync.sources.forms_csv: form CSV <tmp>/gsync-demo/responses.csv: 4 responses
<time> INFO gsync.sources.drive_folder: folder <tmp>/gsync-demo/inbox: 18 files
<time> INFO gsync.sync: as of 2025-03-17T09:00:00+07:00: 2 response(s) and file(s) that arrived later are not counted
<time> INFO gsync.sync: checking and reading files: 19
"""

# 2026-12-06 23:27:44,097 as logging writes it, or ISO 8601 with an offset (2026-12-06T23:27:44+07:00)
_TIME_STAMP = re.compile(r"^\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(?:[,.]\d+)?(?:Z|[+-]\d\d:?\d\d)? ", flags=re.M)


def _normalise(text: str, tmp: Path) -> str:
    text = text.replace(str(tmp), "<tmp>")
    text = text.replace(f"{sys.executable} -m gsync", "<gsync>")
    text = _TIME_STAMP.sub("<time> ", text)
    return "".join(line.rstrip() + "\n" for line in text.splitlines())


def _gsync(tmp: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, _normalise(result.stdout, tmp), _normalise(result.stderr, tmp)


def _pinned(name: str, got: str, expected: str) -> None:
    assert got == expected, f"the {name} changed; if on purpose, paste this over it:\n{got}"


@pytest.fixture()
def demo_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The demo built in a fresh folder, run from its parent as an operator would."""
    monkeypatch.chdir(tmp_path)
    code, _, _ = _gsync(tmp_path, "demo", "--dir", "gsync-demo")
    assert code == 0
    return tmp_path


def test_gsync_demo_prints_exactly_this(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = _gsync(tmp_path, "demo", "--dir", "gsync-demo")
    assert code == 0
    _pinned("output of gsync demo", out, DEMO_OUT)
    _pinned("log of gsync demo", err, DEMO_ERR)


def test_gsync_status_prints_exactly_this(demo_dir: Path) -> None:
    code, out, err = _gsync(demo_dir, "status", "--config", "gsync-demo/demo.toml", "--now", NOW)
    assert code == 0
    _pinned("output of gsync status", out, STATUS_OUT)
    _pinned("log of gsync status", err, STATUS_ERR)


def test_gsync_doctor_prints_exactly_this(demo_dir: Path) -> None:
    code, out, err = _gsync(demo_dir, "doctor", "--config", "gsync-demo/demo.toml")
    assert code == 0
    _pinned("output of gsync doctor", out, DOCTOR_OUT)
    _pinned("log of gsync doctor", err, DOCTOR_ERR)


def test_gsync_remind_dry_run_prints_exactly_this(demo_dir: Path) -> None:
    code, out, err = _gsync(demo_dir, "remind", "--config", "gsync-demo/demo.toml", "--now", REMIND_NOW, "--dry-run")
    assert code == 0
    _pinned("output of gsync remind --dry-run", out, REMIND_OUT)
    _pinned("log of gsync remind --dry-run", err, REMIND_ERR)
