"""Reminders (`gsync remind`, contract section 7): tell districts what they owe, once.

plan.py       what is due now, per district and deadline item (pure)
templates.py  the Thai texts and their load-time checks (pure)
outbox.py     every message recorded before it is sent, marked after (SQLite)
channels.py   LINE Messaging API push and SMTP
history.py    the master's tab ประวัติการแจ้งเตือน (pure)
run.py        one run: judge, plan, record, send, mark, show
"""
