"""`gsync poster` on the demo province (offline): every QR code scans to the right link."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from gsync import demo
from gsync.cli import main
from tests.poster.support import base, decode, qr_pages, query

FORM = "https://docs.google.com/forms/d/e/1FAIpQLSfGsyncDemoLampang2568-ExampleFormLinkOnly/viewform"
FOLDER = "https://drive.google.com/drive/folders/1GsyncDemoLampang2568ExampleFolderOnly"
ENTRY = "entry.1554894512"
LAMPANG = ["เมืองลำปาง", "แม่เมาะ", "เกาะคา", "เสริมงาม", "งาว", "แจ้ห่ม", "วังเหนือ", "เถิน", "แม่พริก",
           "แม่ทะ", "สบปราบ", "ห้างฉัตร", "เมืองปาน"]


@pytest.fixture(scope="module")
def demo_poster(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path, str]:
    root = tmp_path_factory.mktemp("poster")
    config, _ = demo.build(root / "demo")
    out, images = root / "out" / "poster.pdf", root / "qr"
    result = CliRunner().invoke(main, ["poster", "--config", str(config), "--out", str(out), "--images", str(images)])
    assert result.exit_code == 0, result.output + result.stderr
    assert "too full" not in result.stderr  # no page's text runs into its footer
    return config, out, images, result.output


def test_page_one_holds_the_form_and_the_folder(demo_poster, tmp_path) -> None:  # type: ignore[no-untyped-def]
    _, out, _, _ = demo_poster
    pages = qr_pages(out, tmp_path)
    assert len(pages) == 1 + 13
    assert pages[0] == [FORM, FOLDER]


def test_each_district_page_holds_its_own_prefilled_link(demo_poster, tmp_path) -> None:  # type: ignore[no-untyped-def]
    _, out, _, _ = demo_poster
    pages = qr_pages(out, tmp_path)[1:]
    assert len(pages) == len(LAMPANG)
    for district, links in zip(LAMPANG, pages, strict=True):
        assert len(links) == 1, district  # offline: no sub-folder links
        assert base(links[0]) == FORM
        assert query(links[0]) == {"usp": "pp_url", ENTRY: district}


def test_images_are_the_same_codes_as_svg_and_png(demo_poster) -> None:  # type: ignore[no-untyped-def]
    _, _, images, _ = demo_poster
    names = sorted(p.name for p in images.iterdir())
    assert len(names) == 2 * (2 + 13)
    assert decode(images / "form.png") == [FORM]
    assert decode(images / "folder.png") == [FOLDER]
    kokha = images / "district-03-เกาะคา.png"
    assert [query(u)[ENTRY] for u in decode(kokha)] == ["เกาะคา"]
    assert (images / "district-03-เกาะคา.svg").read_text(encoding="utf-8").lstrip().startswith("<?xml")


def test_summary_lists_every_link(demo_poster) -> None:  # type: ignore[no-untyped-def]
    _, out, _, output = demo_poster
    assert f"wrote {out} (14 pages" in output
    assert f"แบบฟอร์ม: {FORM}" in output
    assert output.count(ENTRY) == 13


def _without_form_url(config: Path) -> None:
    text = config.read_text(encoding="utf-8")
    config.write_text("\n".join(line for line in text.splitlines() if not line.startswith("url = \"https://docs")),
                      encoding="utf-8")


def test_offline_config_without_form_url_fails_and_keeps_the_old_pdf(tmp_path) -> None:  # type: ignore[no-untyped-def]
    config, _ = demo.build(tmp_path / "demo")
    _without_form_url(config)
    out = tmp_path / "poster.pdf"
    out.write_bytes(b"the poster printed last month")
    result = CliRunner().invoke(main, ["poster", "--config", str(config), "--out", str(out), "--images",
                                       str(tmp_path / "qr")])
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        f"gsync: {config.resolve()}: [form] url is missing: the Form is read offline, so gsync cannot ask Google "
        "for its link; add url = \"https://docs.google.com/forms/d/e/.../viewform\" (the Form's Send > link) "
        "under [form]"
    ]
    assert out.read_bytes() == b"the poster printed last month"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["demo", "poster.pdf"]  # no temp file, no images


def test_poster_without_its_extra_says_what_to_install(tmp_path) -> None:  # type: ignore[no-untyped-def]
    config, _ = demo.build(tmp_path / "demo")
    # A fresh machine with only `pip install -e .`: the poster's libraries cannot be imported.
    code = (
        "import sys\n"
        "for name in ('fpdf', 'uharfbuzz', 'segno', 'pythainlp', 'fontpkg_sarabun'): sys.modules[name] = None\n"
        "from gsync.cli import main\n"
        f"main(['poster', '--config', {str(config)!r}, '--out', {str(tmp_path / 'p.pdf')!r}])\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "gsync: gsync poster needs fpdf2, uharfbuzz, segno, pythainlp, fontpkg-sarabun; install them with: "
        "pip install -e '.[poster]'"
    ]
    assert not (tmp_path / "p.pdf").exists()
