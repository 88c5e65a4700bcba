"""`gsync doctor`'s reminder checks: the LINE token (GET /v2/bot/info), the SMTP login (no mail
is sent), and who has no contact to be reminded at. Reads only."""

from __future__ import annotations

import stat
from typing import Any

from gsync.config import ConfigError, Settings
from gsync.remind.channels import CredentialsRefused, EmailChannel, LineChannel, Rejected, Temporary
from gsync.remind.plan import PROVINCE, mask_recipient, recipients
from gsync.remind.run import read_secret


def checks(s: Settings, check: Any) -> list[Any]:
    """`check`: the doctor's Check type (ok, what, fix)."""
    if not s.reminders.enabled:
        return [check(True, "[reminders] enabled = false: gsync remind sends nothing")]
    out: list[Any] = []
    if s.line is None and s.email is None:
        return [check(True, "reminders: no channel configured",
                      "add a [line] and/or an [email] section to send reminders (see docs/admin.md, Reminders over LINE and email)")]
    if s.line is not None:
        out += _line(s, check)
    if s.email is not None:
        out += _email(s, check)
    out += _contacts(s, check)
    return out


def _secret(path: Any, key: str, check: Any) -> tuple[str | None, list[Any]]:
    try:
        value = read_secret(path, key)
    except ConfigError as e:
        return None, [check(False, str(e), f"create {path} with the secret on one line, then: chmod 600 {path}")]
    extra = []
    if path.stat().st_mode & (stat.S_IRGRP | stat.S_IROTH):
        extra.append(check(True, f"{key} {path} is readable by other users of this computer", f"run: chmod 600 {path}"))
    return value, extra


def _line(s: Settings, check: Any) -> list[Any]:
    assert s.line is not None
    token, out = _secret(s.line.token_file, "[line] token_file", check)
    if token is None:
        return out
    cfg = s.line.model_copy(update={"timeout": min(s.line.timeout, 10.0), "max_retries": 0})
    ch = LineChannel(cfg, token)
    try:
        info = ch.bot_info()
    except CredentialsRefused as e:
        return [*out, check(False, f"LINE token ({s.line.endpoint}): refused", str(e))]
    except (Temporary, Rejected) as e:
        return [*out, check(False, f"LINE Messaging API {s.line.endpoint}: {e}", "check the network, then run doctor again")]
    except Exception as e:  # noqa: BLE001 - no connection: the one line the operator needs
        return [*out, check(False, f"LINE Messaging API {s.line.endpoint}: cannot connect ({type(e).__name__})",
                            "check the network (and [line] endpoint if set), then run doctor again")]
    finally:
        ch.close()
    return [*out, check(True, f"LINE token: Official Account \"{info.display_name}\" ({info.basic_id})")]


def _email(s: Settings, check: Any) -> list[Any]:
    assert s.email is not None
    password = None
    out: list[Any] = []
    if s.email.password_file is not None:
        password, out = _secret(s.email.password_file, "[email] password_file", check)
        if password is None:
            return out
    c = s.email
    cfg = c.model_copy(update={"timeout": min(c.timeout, 15.0), "max_retries": 0})
    ch = EmailChannel(cfg, password)
    try:
        smtp = ch.connect()
        smtp.quit()
    except CredentialsRefused as e:
        return [*out, check(False, f"SMTP {c.host}:{c.port}: refused", str(e))]
    except Temporary as e:
        return [*out, check(False, f"SMTP {c.host}:{c.port}: {e}", "check [email] host and port and the network")]
    who = f"logged in as {mask_recipient(c.username)}" if c.username else "no login configured"
    tls = "TLS" if c.ssl else ("STARTTLS" if c.starttls else "no encryption")
    return [*out, check(True, f"SMTP {c.host}:{c.port} ({tls}): {who}; no mail sent")]


def _contacts(s: Settings, check: Any) -> list[Any]:
    out: list[Any] = []
    none = [d.name for d in s.districts if not any(recipients(s, d.name).values())]
    if none:
        out.append(check(True, f"{len(none)} of {len(s.districts)} district(s) have no contact for reminders: "
                               + ", ".join(none),
                         "add line = [...] and/or notify_emails = [...] (or emails) under their [[districts]]"))
    else:
        out.append(check(True, f"every district has a contact for reminders ({len(s.districts)})"))
    if s.reminders.summary_day is not None and not any(recipients(s, PROVINCE).values()):
        out.append(check(True, "nobody gets the summary to province staff",
                         "add staff_emails = [...] and/or staff_line = [...] under [province]"))
    return out
