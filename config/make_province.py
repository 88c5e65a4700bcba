"""Write a province's [[districts]] block from GeoThai (CC-BY-4.0 administrative divisions).

    pip install geothai && python config/make_province.py ลำปาง > districts.toml

Data: GeoThai (https://pypi.org/project/geothai/), licensed CC-BY-4.0. Credit "GeoThai".
"""

from __future__ import annotations

import sys

import geothai


def districts_toml(province_name: str) -> str:
    province = next(p for p in geothai.provinces() if p.name_th == province_name)
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
