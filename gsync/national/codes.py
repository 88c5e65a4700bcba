"""DOPA province and district codes with their Thai names, bundled from GeoThai.

Data: GeoThai (https://pypi.org/project/geothai/), licensed CC-BY-4.0. Credit: "GeoThai".
`python -m gsync.national.codes` regenerates gsync/data/dopa-codes.tsv (needs the `province` extra).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources

BANGKOK = "10"  # no Community Development office: not among the department's 76 provinces


@dataclass(frozen=True)
class Codes:
    provinces: dict[str, str]  # code -> Thai name
    districts: dict[str, dict[str, str]]  # province code -> district Thai name -> district code

    def province_code(self, name: str) -> str | None:
        name = name.strip().removeprefix("จังหวัด").strip()
        return next((c for c, n in self.provinces.items() if n == name), None)

    def district_code(self, province_code: str, district: str) -> str:
        """The DOPA code of a district by its Thai name ("" when GeoThai does not know the name)."""
        known = self.districts.get(province_code, {})
        name = district.strip().removeprefix("อำเภอ").strip()
        return known.get(name) or known.get("เมือง" + name) or ""

    def department_provinces(self) -> dict[str, str]:
        """The provinces the department expects a publication from (every one but Bangkok)."""
        return {c: n for c, n in self.provinces.items() if c != BANGKOK}


@functools.cache
def load() -> Codes:
    provinces: dict[str, str] = {}
    districts: dict[str, dict[str, str]] = {}
    text = resources.files("gsync").joinpath("data/dopa-codes.tsv").read_text(encoding="utf-8")
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        pcode, pname, dcode, dname = (line.split("\t") + ["", "", "", ""])[:4]
        provinces[pcode] = pname
        if dcode:
            districts.setdefault(pcode, {})[dname] = dcode
    return Codes(provinces, districts)


def _generate() -> str:  # pragma: no cover - run by hand with the `province` extra
    import geothai

    lines = [
        "# DOPA province and district codes with their Thai names, from GeoThai "
        f"(https://pypi.org/project/geothai/, data {geothai.DATA_VERSION}), licensed CC-BY-4.0. Credit: GeoThai.",
        "# Regenerate: .venv/bin/pip install -e '.[province]' && .venv/bin/python -m gsync.national.codes > gsync/data/dopa-codes.tsv",
        "# province_code\tprovince\tdistrict_code\tdistrict",
    ]
    for p in geothai.provinces():
        lines.append(f"{p.code}\t{p.name_th}\t\t")
        lines += [f"{p.code}\t{p.name_th}\t{d.code}\t{d.name_th}" for d in geothai.districts(p.code)]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":  # pragma: no cover
    import sys

    sys.stdout.write(_generate())
