"""The `gsync` command: parse options, load the config, build adapters, call one function.

Exit codes (cron reads them):
  0  all good
  1  the run failed (nothing half-written; the next run starts from the last good state)
  2  bad usage or config (including a Form question the config does not know)
  3  another gsync run holds the lock; this one did nothing
  4  synced, but something a district sent could not be read or placed, and it is new since the
     last run: see the master's tabs "ปัญหา" and "ไฟล์ที่ระบุไม่ได้". The same old item does not
     raise 4 again on every run.

No traceback reaches an operator: every failure is one line on stderr (run with -v to see the
details of an unexpected one).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import logging
import os
import re
import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

# gsync uses no pydantic plugin: not scanning every installed package's entry points for one
# saves ~20 ms of every start (pydantic's documented switch; an operator's own setting wins)
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

from gsync import thai  # noqa: E402 - after the switch above
from gsync.config import ConfigError, Settings, check_paths, load_settings  # noqa: E402
from gsync.errors import GsyncError  # noqa: E402
from gsync.master.layout import STATUS_LABELS  # noqa: E402
from gsync.master.tables import REVIEW_LABELS  # noqa: E402
from gsync.sync import SyncResult  # noqa: E402

log = logging.getLogger("gsync")

EXIT_ATTENTION = 4


class MaskingFormatter(logging.Formatter):
    """Phones and emails never reach a log in clear: not in messages, not in tracebacks."""

    def format(self, record: logging.LogRecord) -> str:
        return thai.mask_pii(super().format(record))


LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_stamped = False  # set by main(): time stamps on the operator's lines (a timer's log)


def stamping() -> bool:
    """Time stamps on the lines gsync prints when nobody watches a terminal (cron or a systemd
    timer writing a log), as its log lines have. GSYNC_TIMESTAMPS=1 or 0 forces it on or off."""
    forced = os.environ.get("GSYNC_TIMESTAMPS", "").strip().lower()
    if forced in ("1", "yes", "true", "on"):
        return True
    if forced in ("0", "no", "false", "off"):
        return False
    return not sys.stderr.isatty()


def say(text: str, err: bool = False) -> None:
    """One line (or several) for the operator; time-stamped like the log lines when stamping."""
    if _stamped:
        stamp = dt.datetime.now().strftime("%Y-%m-%d %H:%M:%S,%f")[:-3]  # noqa: DTZ005 - as logging's asctime
        text = "\n".join(f"{stamp} {line}" if line else line for line in text.split("\n"))
    click.echo(text, err=err)


def _setup_logging(verbose: bool) -> None:
    global _stamped
    _stamped = stamping()
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(MaskingFormatter(LOG_FORMAT))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    for noisy in ("googleapiclient", "urllib3", "google.auth"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    sys.unraisablehook = _unraisable


def _unraisable(info: Any) -> None:
    """A library's object that fails while being collected (openpyxl's half-closed sheet writer
    after a full disk: "Exception ignored in: <generator ... get_stream>") is not news for the
    operator, who already has the run's one line: details with -v only."""
    log.debug("ignored while collecting %r: %s", info.object, info.exc_value,
              exc_info=(info.exc_type, info.exc_value, info.exc_traceback))


_LEADING_YEAR = re.compile(r"^\s*(\d{4})(?=\D|$)")


def _parse_now(value: str | None, settings: Settings) -> dt.datetime:
    """`--now` as an aware instant. A year above 2400 is Buddhist Era (a Thai operator types
    2568-04-20): it is read as such, and the CE date is logged so nobody is surprised."""
    if value is None:
        return dt.datetime.now(dt.UTC)
    text = thai.to_arabic_digits(value.strip())
    m = _LEADING_YEAR.match(text)
    if m and int(m.group(1)) > 2400:
        ce = int(m.group(1)) - thai.BE_OFFSET
        text = f"{ce:04d}{text[m.end(1):]}"
        log.info("--now %s is a Buddhist-Era date: read as %s", value, text)
    try:
        t = dt.datetime.fromisoformat(text)
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not an ISO 8601 date and time; write it like 2025-04-20T09:00 or 2568-04-20T09:00 (Buddhist Era)",
            param_hint="--now",
        ) from None
    return t if t.tzinfo else t.replace(tzinfo=settings.tz)


def as_of_line(now: dt.datetime, settings: Settings) -> str:
    """The instant a command judged deadlines at, in Thai (Buddhist Era) and ISO 8601."""
    local = now.astimezone(settings.tz)
    return f"ณ {thai.format_thai_date(local.date())} {local:%H:%M} น. ({local.isoformat(timespec='seconds')})"


def _load(config_path: Path) -> Settings:
    settings = load_settings(config_path)
    check_paths(settings)
    return settings


def config_option(f: Callable[..., Any]) -> Callable[..., Any]:
    f = click.option("--now", "now_text", metavar="ISO8601", help="Judge deadlines as of this instant (default: now).")(f)
    return click.option(
        "--config", "config_path", required=True, type=click.Path(path_type=Path),
        help="The province's TOML config, e.g. config/lampang-2568.toml.",
    )(f)


def handle_errors(f: Callable[..., Any]) -> Callable[..., Any]:
    """Every failure is one line with its exit code; a traceback only with -v, and masked."""

    @functools.wraps(f)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return f(*args, **kwargs)
        except ConfigError as e:
            _fail(f"config error: {e}", 2)
        except GsyncError as e:
            _fail(str(e), e.exit_code)
        except click.exceptions.Exit:
            raise
        except click.ClickException:
            raise
        except BrokenPipeError:  # `gsync status | head`: the reader left, nothing to say
            sys.stderr.close()
            sys.exit(1)
        except OSError as e:
            log.debug("details", exc_info=True)
            where = f" {e.filename}" if e.filename else ""
            _fail(f"cannot read or write{where}: {e.strerror or e}; check that the path exists and that the "
                  "user gsync runs as may write there", 1)
        except sqlite3.Error as e:
            log.debug("details", exc_info=True)
            _fail(f"the state database failed ({e}); check the [state] path's folder, or rerun with --full", 1)
        except Exception as e:  # noqa: BLE001 - the last line of defence: never a traceback at 7 a.m.
            log.debug("details", exc_info=True)
            _fail(f"unexpected error ({type(e).__name__}: {e}); nothing was half-written. Rerun with -v "
                  "for the details and report them", 1)

    return wrapper


def _fail(message: str, code: int) -> None:
    say(thai.mask_pii(f"gsync: {message}"), err=True)
    sys.exit(code)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-v", "--verbose", is_flag=True, help="Log debug detail (still masks phones and emails).")
@click.version_option(package_name="gsync")
def main(verbose: bool) -> None:
    """gsync: consolidate district quarterly reports into one master Sheet and flag late,
    missing and incomplete ones."""
    _setup_logging(verbose)


def _sync(settings: Settings, now: dt.datetime, *, dry_run: bool, full: bool = False,
          accept_drop: bool = False) -> SyncResult:
    from gsync import runner

    def beside_master(result: SyncResult) -> None:  # the centres map, beside the offline master
        if settings.sheet.path is not None:
            _write_map(settings, result, now, None, quiet=True)
        if settings.national is not None:  # the national publication (never raises)
            from gsync.national.publish import after_sync

            after_sync(settings, result, now)

    return runner.sync(settings, now, dry_run=dry_run, full=full, accept_drop=accept_drop, on_written=beside_master)


@main.command("sync")
@config_option
@click.option("--dry-run", is_flag=True, help="Read and judge everything, write nothing.")
@click.option("--full", is_flag=True, help="Forget the saved state and rebuild it from the sources.")
@click.option("--accept-drop", is_flag=True,
              help="Write even though the folder or the Form yields far fewer files/responses than the last run.")
@handle_errors
def sync_cmd(config_path: Path, now_text: str | None, dry_run: bool, full: bool, accept_drop: bool) -> None:
    """Read the Form and the Drive folder, normalize, and write the master."""
    settings = _load(config_path)
    now = _parse_now(now_text, settings)
    say(as_of_line(now, settings))
    result = _sync(settings, now, dry_run=dry_run, full=full, accept_drop=accept_drop)
    _print_summary(result, settings, dry_run)
    if result.new_attention:
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
    say(f"{verb}: {where}")
    say(f"reports: {len(o.reports)} ({parts}; incomplete {incomplete}); unattributed: {len(o.unattributed)}")
    if result.attention:
        say(f"needs attention: {len(result.attention)} item(s) gsync could not read or place, "
                   f"{len(result.new_attention)} new since the last run (see the tabs ปัญหา and ไฟล์ที่ระบุไม่ได้)")


@main.command("status")
@config_option
@click.option("--json", "as_json", is_flag=True, help="Print the contract's JSON document.")
@handle_errors
def status_cmd(config_path: Path, now_text: str | None, as_json: bool) -> None:
    """Show every district's report status per quarter (reads, writes nothing)."""
    settings = _load(config_path)
    now = _parse_now(now_text, settings)
    click.echo(as_of_line(now, settings), err=as_json)
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
        "collections": [c.status_json() for c in o.collections],
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
            text += f" {REVIEW_LABELS[r.review]}" if r.review else ""
            cells.append(text.ljust(26))
        click.echo(d.name.ljust(width) + "".join(cells))
    for x in result.outcome.rates:
        if x.not_yet_due:
            click.echo(f"Q{x.quarter}: ได้รับ {x.received} (ถึงกำหนดแล้ว {x.due}/{x.districts}: ยังไม่ถึงกำหนด)")
            continue
        rate = "-" if x.reporting_rate is None else f"{100 * x.reporting_rate:.0f}%"
        click.echo(f"Q{x.quarter}: ได้รับ {x.received}/{x.expected} ({rate}), ตรงเวลา {x.on_time}")
    if result.outcome.unattributed:
        click.echo(f"ไฟล์/คำตอบที่ระบุอำเภอหรือไตรมาสไม่ได้: {len(result.outcome.unattributed)}")


def _write_map(settings: Settings, result: SyncResult, now: dt.datetime, out: Path | None, *, quiet: bool = False) -> None:
    from gsync import maps
    from gsync.atomic import atomic_write

    quarter, points = maps.points(settings, result.outcome, now)
    if quiet and not points:
        return
    if out is None:
        base = settings.sheet.path or (settings.source_file or Path("centres.toml")).with_name("master.xlsx")
        out = base.with_name(base.stem + "-centres.kml")
    try:
        for path, data in ((out, maps.kml(settings, quarter, points)),
                           (out.with_suffix(".csv"), maps.csv_text(points).encode("utf-8-sig"))):
            atomic_write(path, data)
    except OSError as e:
        message = f"cannot write the centres map {out}: {e.strerror}; check the folder exists and is writable"
        if quiet:  # the sync itself succeeded: the map waits for the next run
            log.warning("%s", message)
            return
        raise click.ClickException(message) from None
    line = f"map: {out} and {out.with_suffix('.csv')} ({len(points)} centres; import into Google My Maps)"
    if quiet:
        log.info("%s", line)
    else:
        click.echo(line)


@main.command("map")
@config_option
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Where to write the KML (the CSV goes beside it). Default: beside the master workbook.")
@handle_errors
def map_cmd(config_path: Path, now_text: str | None, out: Path | None) -> None:
    """Write the centres from the registers as a KML and a CSV for Google My Maps / Google Earth."""
    settings = load_settings(config_path)
    now = _parse_now(now_text, settings)
    result = _sync(settings, now, dry_run=True)
    _write_map(settings, result, now, out)


@main.command("demo")
@click.option("--dir", "target", type=click.Path(path_type=Path), default=Path("gsync-demo"), show_default=True,
              help="Folder to create the example province in.")
@handle_errors
def demo_cmd(target: Path) -> None:
    """Create an example province (Form CSV, Drive folder) and sync it into a local master workbook."""
    from gsync import demo

    config_path, now = demo.build(target)
    settings = _load(config_path)
    result = _sync(settings, now, dry_run=False, full=True)
    _print_table(settings, result)
    click.echo("")
    click.echo(f"master workbook: {settings.sheet.path}")
    click.echo(f"config:          {config_path}")
    click.echo(as_of_line(now, settings))
    click.echo(f"next: {_self_command()} status --config {config_path} --now {now.isoformat()} --json")


def _self_command() -> str:
    """How to run gsync again exactly as it was started (`.venv/bin/gsync` after the README's
    install, which is not on PATH), so a printed hint works when pasted."""
    argv0 = Path(sys.argv[0])
    if argv0.name == "gsync" and argv0.exists():
        return str(argv0) if argv0.parent != Path(".") else f"./{argv0}"
    return f"{Path(sys.executable)} -m gsync"


@main.command("doctor")
@click.option("--config", "config_path", required=True, type=click.Path(path_type=Path),
              help="The province's TOML config, e.g. config/lampang-2568.toml.")
@handle_errors
def doctor_cmd(config_path: Path) -> None:
    """Check the config, the credentials and access to the Form, the Drive folder and the
    master (reads only). Exit 0 when every check passes, 1 otherwise."""
    from gsync.doctor import Check, format_checks, run_doctor
    from gsync.national.doctor import is_national_config, province_checks, run_national_doctor

    ready = "gsync sync"
    if is_national_config(config_path):  # the department's national.toml (docs/national.md)
        checks, ready = run_national_doctor(config_path, Check), "gsync national"
    else:
        settings = load_settings(config_path)
        checks = run_doctor(settings, None) + province_checks(settings, Check)
    for line in format_checks(checks):
        click.echo(line)
    failed = sum(1 for c in checks if not c.ok)
    click.echo(f"\n{len(checks) - failed} passed, {failed} failed" + ("" if failed else f": ready for {ready}"))
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


@main.command("poster")
@click.option("--config", "config_path", required=True, type=click.Path(path_type=Path),
              help="The province's TOML config, e.g. config/lampang-2568.toml.")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The PDF to write, e.g. poster.pdf.")
@click.option("--images", "images", type=click.Path(file_okay=False, path_type=Path),
              help="Also write every QR code as SVG and PNG into this folder (for pasting into the letter).")
@handle_errors
def poster_cmd(config_path: Path, out: Path, images: Path | None) -> None:
    """Make the A4 PDF of QR codes: page 1 for the province's letter (the Form, the Drive folder,
    the year's deadlines), then one page per district whose code opens the Form with that
    district already chosen."""
    from gsync import poster

    poster.require_extra()
    for noisy in ("fontTools", "fpdf"):  # font subsetting chatter
        logging.getLogger(noisy).setLevel(logging.WARNING)
    settings = load_settings(config_path)
    google = None
    if (settings.form and settings.form.form_id) or (settings.drive and settings.drive.folder_id):
        from gsync import runner

        google = runner.google_clients(settings)
    today = dt.datetime.now(dt.UTC).astimezone(settings.tz).date()
    plan = poster.plan(settings, google, today=today)
    for note in plan.notes:
        log.warning("%s", note)
    written = poster.write(plan, out, images)
    click.echo(f"wrote {out} ({1 + len(plan.districts)} pages: the province, then {len(plan.districts)} districts)")
    if images is not None:
        click.echo(f"wrote {len(written) - 1} QR images into {images}")
    for what, link in poster.links(plan):
        click.echo(f"  {what}: {link}")


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
        say("reminders are off ([reminders] enabled = false); nothing sent")
        return
    delivery = remind(settings, now, dry_run=dry_run)
    print_delivery(delivery, settings, now, dry_run=dry_run, echo=click.echo if dry_run else say)
    for reason in delivery.refused.values():
        say(f"gsync: {reason}", err=True)
    if delivery.exit_code:
        sys.exit(delivery.exit_code)


@main.command("national")
@click.option("--config", "config_path", required=True, type=click.Path(path_type=Path),
              help="The department's national.toml ([national], [sheet], [bigquery]).")
@click.option("--now", "now_text", metavar="ISO8601", help="Judge staleness as of this instant (default: now).")
@click.option("--json", "as_json", is_flag=True, help="Print the national JSON document.")
@handle_errors
def national_cmd(config_path: Path, now_text: str | None, as_json: bool) -> None:
    """Roll up every province's publication: rates per province and quarter, the nation, the
    missing districts (and the national summary workbook, BigQuery, when configured).
    Exit 4 when a publication could not be taken in (the province keeps its previous figures)."""
    from gsync.national.cli import national

    sys.exit(national(config_path, now_text, as_json, parse_now=_parse_now))


if __name__ == "__main__":
    main()
