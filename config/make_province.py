"""Write a province's [[districts]] block from GeoThai (CC-BY-4.0 administrative divisions).

    .venv/bin/pip install -e '.[province]' && .venv/bin/python config/make_province.py ลำปาง > districts.toml

Data: GeoThai (https://pypi.org/project/geothai/), licensed CC-BY-4.0. Credit "GeoThai".
"""

from __future__ import annotations

import sys

try:
    import geothai
except ImportError:  # the README's install has no GeoThai: say the one command that adds it
    sys.exit("make_province.py needs GeoThai: run  .venv/bin/pip install -e '.[province]'  and try again")


def districts_toml(province_name: str) -> str:
    province = next((p for p in geothai.provinces() if p.name_th == province_name), None)
    if province is None:
        names = ", ".join(sorted(p.name_th for p in geothai.provinces())[:5])
        sys.exit(f"no province named {province_name!r} in GeoThai; write its Thai name without จังหวัด, e.g. {names} ...")
    lines = [f"# {province.name_th}: districts and sub-districts from GeoThai (CC-BY-4.0), data {geothai.DATA_VERSION}", ""]
    for d in geothai.districts(province.code):
        tambons = [s.name_th for s in geothai.subdistricts(d.code)]
        lines.append("[[districts]]")
        lines.append(f'name = "{d.name_th}"')
        lines.append("tambons = [" + ", ".join(f'"{t}"' for t in tambons) + "]")
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.stdout.write(districts_toml(sys.argv[1] if len(sys.argv) > 1 else "ลำปาง"))
