"""The two ways a reminder leaves: a LINE push message (Messaging API, line-bot-sdk v3) and SMTP.

A channel's `send` returns when the message was accepted, or raises, by what the caller does:
  Rejected     this recipient will never get it (a wrong LINE id, a refused address): record
               it as failed, go on with the others;
  Temporary    try again later (429, 5xx, no connection), after the bounded retries here;
  CredentialsRefused  the token or the SMTP login is refused: stop this channel (exit 2).
Tokens and passwords are never logged or put into an error message.
"""

from __future__ import annotations

import json
import logging
import smtplib
import ssl
import time
from collections.abc import Callable
from email.message import EmailMessage
from email.utils import formatdate
from typing import Any

from gsync.config import EmailCfg, LineCfg
from gsync.errors import GsyncError
from gsync.remind.outbox import Entry, message_id, retry_key
from gsync.remind.plan import mask_recipient

log = logging.getLogger(__name__)

LINE_TEXT_MAX = 5000  # characters in one LINE text message
MAX_WAIT = 30.0  # seconds, the longest single back-off


class Rejected(Exception):
    """This recipient cannot get this message."""


class Temporary(Exception):
    """Not now: the server is busy or unreachable."""


class CredentialsRefused(GsyncError):
    """The channel's credentials were refused: no reminder can go out on it."""

    exit_code = 2


Hook = Callable[[str], None]
Sleep = Callable[[float], None]


def _backoff(attempt: int, base: float, retry_after: str | None = None) -> float:
    if retry_after:
        try:
            return min(float(retry_after), MAX_WAIT)
        except ValueError:
            pass
    return min(base * (2 ** attempt), MAX_WAIT)


# --- LINE ----------------------------------------------------------------------------------


class LineChannel:
    name = "line"

    def __init__(self, cfg: LineCfg, token: str, *, sleep: Sleep = time.sleep) -> None:
        from linebot.v3.messaging import ApiClient, Configuration, MessagingApi

        conf = Configuration(access_token=token)
        conf.retries = 0  # type: ignore[assignment]  # retries are ours (bounded, with the same retry key)
        self.cfg, self.sleep = cfg, sleep
        self._client = ApiClient(conf)
        self.api = MessagingApi(self._client)
        self.api.line_base_path = cfg.endpoint  # every call goes to the configured scheme+host

    def close(self) -> None:
        self._client.close()

    def bot_info(self) -> Any:
        """`GET /v2/bot/info`: the Official Account the token belongs to (doctor)."""
        from linebot.v3.messaging.exceptions import ApiException

        try:
            return self.api.get_bot_info(_request_timeout=self.cfg.timeout)
        except ApiException as e:
            raise self._error(e, "check the token") from None

    def send(self, entry: Entry, hook: Hook = lambda s: None) -> str:
        """Push one text message. Returns a note for the outbox ("" or why it counts as sent)."""
        from linebot.v3.messaging import PushMessageRequest, TextMessage
        from linebot.v3.messaging.exceptions import ApiException
        from urllib3.exceptions import HTTPError

        text = entry.body if len(entry.body) <= LINE_TEXT_MAX else entry.body[: LINE_TEXT_MAX - 1] + "…"
        request = PushMessageRequest(to=entry.recipient, messages=[TextMessage(text=text)])
        key = retry_key(entry.key)
        last = ""
        last_headers: Any = None
        for attempt in range(self.cfg.max_retries + 1):
            if attempt:
                wait = _backoff(attempt - 1, self.cfg.retry_wait, _header(last_headers, "retry-after"))
                log.info("LINE: %s; trying again in %.1f s (%d/%d)", last, wait, attempt, self.cfg.max_retries)
                self.sleep(wait)
            last_headers = None
            try:
                self.api.push_message_with_http_info(request, x_line_retry_key=key, _request_timeout=self.cfg.timeout)
                return ""
            except ApiException as e:
                if e.status == 409:  # this retry key was accepted before: delivered once, already
                    accepted = _header(e.headers, "x-line-accepted-request-id") or "?"
                    return f"LINE ได้รับไปแล้วก่อนหน้านี้ (request {accepted})"
                if e.status == 429 or (e.status or 0) >= 500:
                    last, last_headers = f"HTTP {e.status} {_line_message(e)}", e.headers
                    continue
                raise self._error(e, f"recipient {mask_recipient(entry.recipient)}") from None
            except (HTTPError, OSError) as e:
                last = f"no connection to {self.cfg.endpoint} ({type(e).__name__})"
                continue
        raise Temporary(f"LINE: {last}; gave up after {self.cfg.max_retries + 1} tries")

    def _error(self, e: Any, what: str) -> Exception:
        status, msg = e.status, _line_message(e)
        if status in (401, 403):
            return CredentialsRefused(
                f"LINE refused the channel access token (HTTP {status} {msg}); issue a new long-lived token in "
                f"the LINE Developers console (Messaging API tab) and save it in [line] token_file")
        if status == 429 or (status or 0) >= 500:
            return Temporary(f"LINE: HTTP {status} {msg}")
        return Rejected(f"LINE HTTP {status}: {msg} ({what})")


def _header(headers: Any, name: str) -> str | None:
    if not headers:
        return None
    for k, v in dict(headers).items():
        if k.lower() == name:
            return str(v)
    return None


def _line_message(e: Any) -> str:
    try:
        data = json.loads(e.body or b"{}")
        msg = str(data.get("message") or e.reason or "")
        details = data.get("details") or []
        if details:
            msg += ": " + "; ".join(str(d.get("message", "")) for d in details if isinstance(d, dict))
        return msg
    except (ValueError, AttributeError, TypeError):
        return str(e.reason or "")


# --- SMTP ----------------------------------------------------------------------------------


class EmailChannel:
    name = "email"

    def __init__(self, cfg: EmailCfg, password: str | None, *, sleep: Sleep = time.sleep) -> None:
        self.cfg, self.password, self.sleep = cfg, password, sleep
        self._smtp: smtplib.SMTP | None = None
        self.domain = cfg.sender.rsplit("@", 1)[-1] if "@" in cfg.sender else ""

    def connect(self) -> smtplib.SMTP:
        """Connect, STARTTLS, log in (no mail sent). Raises CredentialsRefused or Temporary."""
        c = self.cfg
        where = f"{c.host}:{c.port}"
        try:
            context = ssl.create_default_context(cafile=str(c.ca_file) if c.ca_file else None)
        except (OSError, ssl.SSLError) as e:
            raise CredentialsRefused(f"[email] ca_file {c.ca_file}: cannot be used ({type(e).__name__}); "
                                     "give the PEM file of the mail server's CA") from None
        try:
            smtp: smtplib.SMTP
            if c.ssl:
                smtp = smtplib.SMTP_SSL(c.host, c.port, timeout=c.timeout, context=context)
            else:
                smtp = smtplib.SMTP(c.host, c.port, timeout=c.timeout)
            smtp.ehlo()
            if c.starttls and not c.ssl:
                if not smtp.has_extn("starttls"):
                    smtp.close()
                    raise CredentialsRefused(f"SMTP server {where} does not offer STARTTLS; set [email] starttls = false "
                                             "only if the server is on a trusted network, or use ssl = true and port 465")
                smtp.starttls(context=context)
                smtp.ehlo()
            if c.username:
                smtp.login(c.username, self.password or "")
        except smtplib.SMTPAuthenticationError as e:
            raise CredentialsRefused(
                f"SMTP server {where} refused the login of {mask_recipient(c.username or '')} ({e.smtp_code}); "
                "check [email] username and the password in [email] password_file") from None
        except smtplib.SMTPNotSupportedError:
            raise CredentialsRefused(f"SMTP server {where} does not support login (AUTH); remove [email] username "
                                     "or use the server's submission port") from None
        except ssl.SSLError as e:
            raise CredentialsRefused(f"SMTP server {where}: TLS failed ({e.reason}); check [email] port, starttls and ssl, "
                                     "and [email] ca_file if the server's certificate comes from the office's own CA") from None
        except (smtplib.SMTPException, OSError) as e:
            raise Temporary(f"cannot reach the SMTP server {where} ({type(e).__name__}: {_smtp_text(e)})") from None
        return smtp

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (smtplib.SMTPException, OSError):
                self._smtp.close()
            self._smtp = None

    def send(self, entry: Entry, hook: Hook = lambda s: None) -> str:
        msg = EmailMessage()
        msg["From"] = self.cfg.sender
        msg["To"] = entry.recipient
        msg["Subject"] = entry.subject.removeprefix("เรื่อง ").strip()
        msg["Date"] = formatdate(localtime=False, usegmt=True)
        msg["Message-ID"] = message_id(entry.key, self.domain)
        msg["Auto-Submitted"] = "auto-generated"
        msg.set_content(entry.body, charset="utf-8", cte="base64")  # Thai lines exceed SMTP's 998 bytes
        data = msg.as_bytes(policy=msg.policy.clone(linesep="\r\n"))  # smtplib.data() sends bytes as they are
        last = ""
        for attempt in range(self.cfg.max_retries + 1):
            if attempt:
                wait = _backoff(attempt - 1, self.cfg.retry_wait)
                log.info("SMTP: %s; trying again in %.1f s (%d/%d)", last, wait, attempt, self.cfg.max_retries)
                self.sleep(wait)
            try:
                if self._smtp is None:
                    self._smtp = self.connect()
                smtp = self._smtp
                code, resp = smtp.mail(self.cfg.sender, ["SMTPUTF8"] if _needs_utf8(entry.recipient) and smtp.has_extn("smtputf8") else [])
                if code != 250:
                    smtp.rset()
                    if code >= 500:
                        raise CredentialsRefused(f"SMTP server refused the sender {self.cfg.sender} ({code} "
                                                 f"{_smtp_text(resp)}); check [email] sender")
                    last = f"{code} {_smtp_text(resp)}"
                    continue
                code, resp = smtp.rcpt(entry.recipient)
                if code not in (250, 251):
                    smtp.rset()
                    if code >= 500:
                        raise Rejected(f"SMTP {code}: {_smtp_text(resp)} (recipient {mask_recipient(entry.recipient)})")
                    last = f"{code} {_smtp_text(resp)}"
                    continue
                hook("smtp_data")
                code, resp = smtp.data(data)
                if code == 250:
                    return ""
                if code >= 500:
                    raise Rejected(f"SMTP {code}: {_smtp_text(resp)} (message refused)")
                last = f"{code} {_smtp_text(resp)}"
            except (smtplib.SMTPServerDisconnected, smtplib.SMTPResponseException, OSError) as e:
                if isinstance(e, smtplib.SMTPResponseException) and e.smtp_code >= 500:
                    raise Rejected(f"SMTP {e.smtp_code}: {_smtp_text(e.smtp_error)}") from None
                last = f"{type(e).__name__}: {_smtp_text(e)}"
                if self._smtp is not None:
                    self._smtp.close()
                self._smtp = None
            except Temporary as e:
                last = str(e)
                self._smtp = None
        raise Temporary(f"SMTP: {last}; gave up after {self.cfg.max_retries + 1} tries")


def _needs_utf8(address: str) -> bool:
    return not address.isascii()


def _smtp_text(x: object) -> str:
    if isinstance(x, bytes):
        return x.decode("utf-8", "replace").replace("\n", " ").strip()
    if isinstance(x, smtplib.SMTPResponseException):
        return _smtp_text(x.smtp_error)
    return str(x).replace("\n", " ").strip()
