"""The `gsync` command: parse options, load the config, build adapters, call one function.

Exit codes (cron reads them):
  0  all good
  1  the run failed (nothing half-written; the next run starts from the last good state)
  2  bad usage or config (including a Form question the config does not know)
  3  another gsync run holds the lock; this one did nothing
  4  synced, but something a district sent could not be read or placed: see the master's
     tabs "ปัญหา" and "ไฟล์ที่ระบุไม่ได้"
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from gsync import thai
from gsync.config import ConfigError, Settings, load_settings
from gsync.errors import GsyncError
from gsync.lock import RunLock
from gsync.sinks.tables import STATUS_LABELS
from gsync.state import State
from gsync.sync import SyncResult

log = logging.getLogger("gsync")

EXIT_ATTENTION = 4


class MaskingFormatter(logging.Formatter):
    """Phones and emails never reach a log in clear: not in messages, not in tracebacks."""

    def format(self, record: logging.LogRecord) -> str:
        return thai.mask_pii(super().format(record))


def _setup_logging(verbose: bool) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(MaskingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    for noisy in ("googleapiclient", "urllib3", "google.auth"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def _parse_now(value: str | None, settings: Settings) -> dt.datetime:
    if value is None:
        return dt.datetime.now(dt.UTC)
    try:
        t = dt.datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not ISO 8601; e.g. 2025-01-10T08:00:00+07:00", param_hint="--now") from None
    return t if t.tzinfo else t.replace(tzinfo=settings.tz)


def config_option(f: Callable[..., Any]) -> Callable[..., Any]:
    f = click.option("--now", "now_text", metavar="ISO8601", help="Judge deadlines as of this instant (default: now).")(f)
    return click.option(
        "--config", "config_path", required=True, type=click.Path(path_type=Path),
        help="The province's TOML config, e.g. config/lampang-2568.toml.",
    )(f)


def handle_errors(f: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(f)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return f(*args, **kwargs)
        except ConfigError as e:
            click.echo(f"gsync: config error: {e}", err=True)
            sys.exit(2)
        except GsyncError as e:
            click.echo(f"gsync: {e}", err=True)
            sys.exit(e.exit_code)

    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-v", "--verbose", is_flag=True, help="Log debug detail (still masks phones and emails).")
@click.version_option(package_name="gsync")
def main(verbose: bool) -> None:
    """gsync: consolidate district quarterly reports into one master Sheet and flag late,
    missing and incomplete ones."""
    _setup_logging(verbose)


def _sync(settings: Settings, now: dt.datetime, *, dry_run: bool, full: bool = False) -> SyncResult:
    from gsync import adapters, sync

    state_path = None if dry_run and not settings.state.path.exists() else settings.state.path
    if full and state_path is not None and state_path.exists():
        log.info("--full: rebuilding the state from the sources (%s)", state_path)
        state_path.unlink()
    lock_path = settings.state.path.parent / "gsync.lock"
    with RunLock(lock_path):
        state = State(state_path)
        try:
            built = adapters.build(settings, state)
            return sync.run(
                settings, form=built.form, drive=built.drive, attachments=built.attachments, sink=built.sink,
                state=state, now=now, dry_run=dry_run, accounting=built.accounting,
            )
        finally:
            state.close()


@main.command("sync")
@config_option
@click.option("--dry-run", is_flag=True, help="Read and judge everything, write nothing.")
@click.option("--full", is_flag=True, help="Forget the saved state and rebuild it from the sources.")
@handle_errors
def sync_cmd(config_path: Path, now_text: str | None, dry_run: bool, full: bool) -> None:
    """Read the Form and the Drive folder, normalize, and write the master."""
    settings = load_settings(config_path)
    now = _parse_now(now_text, settings)
    result = _sync(settings, now, dry_run=dry_run, full=full)
    _print_summary(result, settings, dry_run)
    if result.needs_attention:
        sys.exit(EXIT_ATTENTION)


def _print_summary(result: SyncResult, settings: Settings, dry_run: bool) -> None:
    o = result.outcome
    where = settings.sheet.path or f"Google Sheet {settings.sheet.spreadsheet_id}"
    counts: dict[str, int] = {}
    for r in o.reports:
        counts[r.timeliness] = counts.get(r.timeliness, 0) + 1
    incomplete = sum(1 for r in o.reports if r.complete is False)
    parts = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
    verb = "would write" if dry_run else ("wrote" if result.tabs_changed else "unchanged")
    click.echo(f"{verb}: {where}")
    click.echo(f"reports: {len(o.reports)} ({parts}; incomplete {incomplete}); unattributed: {len(o.unattributed)}")


@main.command("status")
@config_option
@click.option("--json", "as_json", is_flag=True, help="Print the contract's JSON document.")
@handle_errors
def status_cmd(config_path: Path, now_text: str | None, as_json: bool) -> None:
    """Show every district's report status per quarter (reads, writes nothing)."""
    settings = load_settings(config_path)
    now = _parse_now(now_text, settings)
    result = _sync(settings, now, dry_run=True)
    if as_json:
        click.echo(json.dumps(status_document(settings, result), ensure_ascii=False, indent=2))
        return
    _print_table(settings, result)


def status_document(settings: Settings, result: SyncResult) -> dict[str, Any]:
    o = result.outcome
    return {
        "fiscal_year": settings.fiscal_year,
        "reports": [r.status_json() for r in o.reports],
        "unattributed": [
            {"source": u.source, "name": u.name, "reason": u.reason, "id": u.id,
             "received_at": u.received_at.astimezone(settings.tz).isoformat() if u.received_at else None}
            for u in o.unattributed
        ],
        "rates": [x.model_dump() for x in o.rates],
    }


def _print_table(settings: Settings, result: SyncResult) -> None:
    reports = result.outcome.reports
    width = max(len(d.name) for d in settings.districts) + 2
    click.echo("อำเภอ".ljust(width) + "".join(f"Q{q}".ljust(26) for q in (1, 2, 3, 4)))
    for d in settings.districts:
        cells = []
        for q in (1, 2, 3, 4):
            r = next(x for x in reports if x.district == d.name and x.quarter == q)
            text = STATUS_LABELS[r.timeliness] + (" ไม่ครบ" if r.complete is False else "")
            cells.append(text.ljust(26))
        click.echo(d.name.ljust(width) + "".join(cells))
    for x in result.outcome.rates:
        rate = "-" if x.reporting_rate is None else f"{100 * x.reporting_rate:.0f}%"
        click.echo(f"Q{x.quarter}: ได้รับ {x.received}/{x.expected} ({rate}), ตรงเวลา {x.on_time}")
    if result.outcome.unattributed:
        click.echo(f"ไฟล์/คำตอบที่ระบุอำเภอหรือไตรมาสไม่ได้: {len(result.outcome.unattributed)}")


@main.command("demo")
@click.option("--dir", "target", type=click.Path(path_type=Path), default=Path("gsync-demo"), show_default=True,
              help="Folder to create the example province in.")
@handle_errors
def demo_cmd(target: Path) -> None:
    """Create an example province (Form CSV, Drive folder) and sync it into a local master workbook."""
    from gsync import demo

    config_path, now = demo.build(target)
    settings = load_settings(config_path)
    result = _sync(settings, now, dry_run=False, full=True)
    _print_table(settings, result)
    click.echo("")
    click.echo(f"master workbook: {settings.sheet.path}")
    click.echo(f"config:          {config_path}  (judged as of {now.isoformat()})")
    click.echo(f"next: gsync status --config {config_path} --now {now.isoformat()} --json")


@main.command("doctor")
@click.option("--config", "config_path", required=True, type=click.Path(path_type=Path),
              help="The province's TOML config, e.g. config/lampang-2568.toml.")
@handle_errors
def doctor_cmd(config_path: Path) -> None:
    """Check the config, the credentials and access to the Form, the Drive folder and the
    master (reads only). Exit 0 when every check passes, 1 otherwise."""
    from gsync.doctor import format_checks, run_doctor

    settings = load_settings(config_path)
    checks = run_doctor(settings, None)
    for line in format_checks(checks):
        click.echo(line)
    failed = sum(1 for c in checks if not c.ok)
    click.echo(f"\n{len(checks) - failed} passed, {failed} failed" + ("" if failed else ": ready for gsync sync"))
    if failed:
        sys.exit(1)


@main.command("login")
@click.option("--client-secrets", type=click.Path(exists=True, dir_okay=False, path_type=Path), required=True,
              help="The OAuth client file (Desktop app) downloaded from the Cloud console.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=Path("authorized-user.json"),
              show_default=True, help="Where to save the token; point [google] credentials at it.")
@click.option("--no-browser", is_flag=True, help="Print the sign-in address instead of opening a browser.")
@handle_errors
def login_cmd(client_secrets: Path, out: Path, no_browser: bool) -> None:
    """Sign in with a Google user account instead of a service account (run once, by hand)."""
    from gsync.google.clients import login

    login(client_secrets, out, open_browser=not no_browser)
    click.echo(f"saved {out} (readable by you only); set [google] credentials = \"{out}\"")


@main.command("remind")
@config_option
@click.option("--dry-run", is_flag=True, help="Judge and plan, print the plan (in Thai); send and write nothing.")
@handle_errors
def remind_cmd(config_path: Path, now_text: str | None, dry_run: bool) -> None:
    """Remind districts of reports that are due, missing, incomplete or returned (LINE, email),
    and send the province staff a summary; each message once. Run it after sync on the same timer.

    Exit codes: 0 done (or nothing due); 1 some messages could not be sent now (kept, the next
    run sends them); 2 bad config, or the LINE token or the SMTP login was refused; 3 another
    remind run is going on (or a sync, while reports are judged); 4 a recipient was refused
    (recorded in the master's tab ประวัติการแจ้งเตือน).
    """
    from gsync.remind.report import print_delivery
    from gsync.remind.run import remind

    settings = load_settings(config_path)
    now = _parse_now(now_text, settings)
    if not settings.reminders.enabled:
        click.echo("reminders are off ([reminders] enabled = false); nothing sent")
        return
    delivery = remind(settings, now, dry_run=dry_run)
    print_delivery(delivery, settings, now, dry_run=dry_run, echo=click.echo)
    for reason in delivery.refused.values():
        click.echo(f"gsync: {reason}", err=True)
    if delivery.exit_code:
        sys.exit(delivery.exit_code)


if __name__ == "__main__":
    main()
