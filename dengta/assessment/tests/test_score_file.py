"""``manage.py score_file``: a CSV of answer sets scored exactly as the engine scores them, bad rows explained
in their ``error`` column, bad files refused as a whole. No database.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from bench import scoring_bench
from dengta.assessment.management.commands.score_file import Command
from dengta.assessment.scoring.answers import parse_answers
from dengta.assessment.scoring.batch import BatchScorer
from dengta.assessment.scoring.csvfile import ENTERPRISE, plan_columns, score_stream
from dengta.assessment.scoring.definitions import canonical, compile_content, read_definition
from dengta.assessment.scoring.engine import score
from dengta.assessment.scoring.framework import Framework, format_points


def _framework() -> Framework:
    fw = compile_content(canonical(read_definition("miit-2024-manufacturing.rules.json").content))
    assert isinstance(fw, Framework)
    return fw


FW = _framework()
SCORER = BatchScorer(FW)
ITEMS = [i.code for i in FW.items]
SCENARIOS = [s.code for s in FW.scenarios]
NUMBERS = [n.code for n in FW.collected]
HEADER = [ENTERPRISE, *ITEMS, *SCENARIOS, *NUMBERS]
EXTRA = [
    "points_base",
    "points_mgmt",
    "points_results",
    "total",
    "scenarios_l0",
    "scenarios_l1",
    "scenarios_l2",
    "scenarios_l3",
    "scenarios_l4",
    "level",
    "framework_version",
    "error",
]

# 46.925 points (base 23.8, mgmt 14.625, results 8.5), as in the assessment tests' conftest.
LEVEL2 = {
    "base.equipment.network": "B;C",
    "base.equipment.digitization": "C",
    "base.equipment.connectivity": "C",
    "base.data.collection": "B;C;D;E;F;G;H;I;J",
    "base.systems.coverage": "C",
    "base.security.network": "B",
    "base.security.data": "B",
    "mgmt.planning.implementation": "D",
    "mgmt.planning.mechanism": "B;C",
    "mgmt.resources.talent": "B;C;D",
    "mgmt.resources.funding": "B",
    "results.green.energy": "B",
    "results.quality.yield": "B",
    "results.market.performance": "B",
    "results.market.value": "A",
}
CONSTRAINED = [s.code for s in FW.scenarios if s.constrained]
GUIDING = [s.code for s in FW.scenarios if not s.constrained]
LEVEL2_SCENARIOS = {code: ("2" if code in CONSTRAINED[:3] + GUIDING[:3] else "1") for code in SCENARIOS}


def row(name: str = "甲公司", **cells: str) -> dict[str, str]:
    """A valid row at 二级, with ``cells`` (column → text; dots in codes written as __) replaced."""
    out = {ENTERPRISE: name, **LEVEL2, **LEVEL2_SCENARIOS, **dict.fromkeys(NUMBERS, "")}
    out.update({k.replace("__", "."): v for k, v in cells.items()})
    return out


def csv_text(rows: list[dict[str, str]], header: list[str] = HEADER, delimiter: str = ",") -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    for r in rows:
        writer.writerow([r.get(h, "") for h in header])
    return buffer.getvalue()


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def run(source: Path, *args: str) -> tuple[list[dict[str, str]], str]:
    """Score ``source`` with the command; the output rows as dicts and what it printed."""
    target = source.with_name("out.csv")
    out = io.StringIO()
    call_command("score_file", *args, str(source), str(target), stdout=out)
    raw = target.read_bytes()
    assert raw.startswith("\ufeff".encode())  # UTF-8 with a BOM, so that Excel reads the Chinese
    reader = csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline=""))
    return list(reader), out.getvalue()


def engine_columns(cells: dict[str, str]) -> dict[str, str]:
    """The score columns as the engine gives them for the same cells."""
    parsed = parse_answers(
        FW,
        choices={c: cells[c] for c in ITEMS},
        scenarios={c: cells[c] for c in SCENARIOS},
        numbers={c: cells[c] for c in NUMBERS if c in cells},
    )
    assert parsed.ok, parsed.problems
    s = score(FW, parsed.answers)
    return {
        "points_base": format_points(s.dimension_points["base"]),
        "points_mgmt": format_points(s.dimension_points["mgmt"]),
        "points_results": format_points(s.dimension_points["results"]),
        "total": format_points(s.total),
        **{f"scenarios_l{k}": str(s.at_level[k]) for k in range(5)},
        "level": str(s.level),
        "framework_version": "2024.1",
        "error": "",
    }


def scores(out_row: dict[str, str]) -> dict[str, str]:
    return {k: out_row[k] for k in EXTRA}


# ---------------------------------------------------------------------------------------------------------
# Good files


def test_good_file_is_scored_as_the_engine_scores_it(tmp_path: Path) -> None:
    numbers = {
        "equipment_total": "40",
        "equipment_digital": "4",  # exactly 10 %: band A, whatever option was chosen
        "equipment_networked": "24",  # exactly 60 %: band D
        "revenue_last": "1200.50",
        "revenue_prior": "1000",
        "energy_last": "240.1",  # the same energy per revenue: 持平 (B)
        "energy_prior": "200",
    }
    rows = [
        row("甲公司"),
        row("乙公司", **numbers, base__equipment__digitization=""),
        row("丙公司", **dict.fromkeys(ITEMS, "A"), **dict.fromkeys(SCENARIOS, "0")),
    ]
    output, printed = run(write(tmp_path / "in.csv", csv_text(rows)))
    assert list(output[0]) == HEADER + EXTRA
    assert [r[ENTERPRISE] for r in output] == ["甲公司", "乙公司", "丙公司"]
    for given, got in zip(rows, output, strict=True):
        assert {k: got[k] for k in HEADER} == given  # the input cells as they were
        assert scores(got) == engine_columns(given)
    assert scores(output[0]) | {"framework_version": ""} == {
        "points_base": "23.8",
        "points_mgmt": "14.625",
        "points_results": "8.5",
        "total": "46.925",
        "scenarios_l0": "0",
        "scenarios_l1": "10",
        "scenarios_l2": "6",
        "scenarios_l3": "0",
        "scenarios_l4": "0",
        "level": "2",
        "framework_version": "",
        "error": "",
    }
    # 10 % → A (0 instead of C's 3), 60 % → D (4.5 instead of 3): 23.8 − 3 + 1.5 = 22.3
    assert output[1]["points_base"] == "22.3"
    assert output[2]["total"] == "0" and output[2]["level"] == "0" and output[2]["scenarios_l0"] == "16"
    assert "framework: miit-2024-manufacturing 2024.1; input encoding: utf-8" in printed
    assert (
        printed.strip().splitlines()[-1].startswith("score_file: rows=3 scored=3 errors=0 blank=0 seconds=")
    )


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_bom_and_gbk_are_read(tmp_path: Path, encoding: str) -> None:
    rows = [row("广州市天河区某某精密制造有限公司"), row("深圳（南山）电子")]
    output, printed = run(write(tmp_path / "in.csv", csv_text(rows), encoding))
    assert [r[ENTERPRISE] for r in output] == ["广州市天河区某某精密制造有限公司", "深圳（南山）电子"]
    assert all(r["error"] == "" and r["level"] == "2" for r in output)
    assert f"input encoding: {'gb18030' if encoding == 'gbk' else 'utf-8'}" in printed


def test_tab_separated_text_is_read(tmp_path: Path) -> None:
    output, _ = run(write(tmp_path / "in.txt", csv_text([row()], delimiter="\t")))
    assert output[0]["total"] == "46.925"


def test_chunks_give_the_same_scores_as_one_pass(tmp_path: Path) -> None:
    """Rows with decimals in one chunk and whole numbers in the next: each chunk picks its own scale."""
    rows = [
        row("a", equipment_total="3", equipment_networked="1"),
        row("b", revenue_last="1.25", revenue_prior="2.5", energy_last="0.25", energy_prior="1"),
        row("c", revenue_last="7", revenue_prior="7", energy_last="3", energy_prior="2"),
        row("d", revenue_last="1.0000001", revenue_prior="1", energy_last="1", energy_prior="1"),  # fallback
        row("e", base__data__collection="A"),
    ]
    text = csv_text(rows)
    results = []
    for chunk in (1, 2, 50_000):
        target = io.StringIO()
        summary = score_stream(FW, io.StringIO(text, newline=""), target, chunk=chunk)
        assert (summary.rows, summary.errors) == (5, 0)
        results.append(target.getvalue())
    assert results[0] == results[1] == results[2]
    output = list(csv.DictReader(io.StringIO(results[0], newline="")))
    for given, got in zip(rows, output, strict=True):
        assert scores(got) == engine_columns(given)
    # energy per revenue 0.2 after 0.4: down, C (7) instead of the chosen B (3.5)
    assert output[1]["points_results"] == "12"


def test_generated_file_matches_the_engine_row_by_row(tmp_path: Path) -> None:
    """300 random answer sets from the benchmark's generator, written as CSV, scored, checked one by one."""
    enc = scoring_bench.generate(SCORER, 300, seed=7)
    source = tmp_path / "generated.csv"
    scoring_bench.write_csv(SCORER, enc, source)
    output, printed = run(source)
    assert len(output) == 300 and "rows=300 scored=300 errors=0" in printed
    for got in output:
        assert scores(got) == engine_columns({k: got[k] for k in HEADER})
    assert {r["level"] for r in output} == {"0", "1", "2", "3", "4"}


# ---------------------------------------------------------------------------------------------------------
# Bad rows: an error naming the column, empty score columns, the other rows scored


BAD_CELLS = [
    (
        {"base.equipment.network": "A;B"},
        "base.equipment.network: “网络建设”选了“无”（A）就不能再选其他选项",
    ),
    ({"base.systems.coverage": "B;C"}, "base.systems.coverage: “信息系统”是单选题，只能选一个选项"),
    ({"base.security.data": "Z"}, "base.security.data: “数据安全”没有选项 Z，可选 A, B, C, D, E"),
    ({"base.security.data": "B;B"}, "base.security.data: “数据安全”的选项重复"),
    ({"quality": "5"}, "quality: 场景“质量管理”的等级应为 0–4 的整数，收到“5”"),
    ({"quality": "2.5"}, "quality: 场景“质量管理”的等级应为 0–4 的整数，收到“2.5”"),
    ({"quality": ""}, "quality: 为空，请填写"),
    ({"base.systems.coverage": ""}, "base.systems.coverage: 为空，请填写选项"),
    ({"enterprise": " "}, "enterprise: 为空，请填写"),
    ({"equipment_total": "-3"}, "equipment_total: “生产设备总数”不能为负数"),
    ({"equipment_total": "3.5"}, "equipment_total: “生产设备总数”应为整数"),
    ({"pass_rate": "100.5"}, "pass_rate: “改造后月均产品合格率”不能大于 100"),
    ({"revenue_last": "十万"}, "revenue_last: “上年营业收入”应为数字，收到“十万”"),
    (
        {"equipment_total": "10", "equipment_networked": "12"},
        "equipment_networked, equipment_total: “实现联网的生产设备数”（12）不能多于“生产设备总数”（10）",
    ),
    ({"equipment_total": "0", "equipment_digital": "0"}, "equipment_total: “生产设备总数”为 0，无法计算比率"),
    (
        {"revenue_last": "0", "revenue_prior": "5", "employees_last": "3", "employees_prior": "3"},
        "revenue_last: “上年营业收入”为 0，无法计算",
    ),
]


@pytest.mark.parametrize(("cells", "message"), BAD_CELLS)
def test_invalid_cell_gives_an_error_and_no_score(
    tmp_path: Path, cells: dict[str, str], message: str
) -> None:
    bad = {**row("坏行"), **cells}
    output, printed = run(write(tmp_path / "in.csv", csv_text([row("好行"), bad, row("好行2")])))
    good1, got, good2 = output
    assert got["error"].startswith(message), got["error"]
    assert {k: got[k] for k in EXTRA[:-2]} == dict.fromkeys(EXTRA[:-2], "")  # never a guess
    assert got["framework_version"] == "2024.1"
    assert {k: got[k] for k in HEADER} == bad  # the cells as they were
    assert good1["total"] == good2["total"] == "46.925" and good1["error"] == good2["error"] == ""
    assert "rows=3 scored=2 errors=1" in printed


def test_several_problems_in_one_row_are_all_listed_in_column_order(tmp_path: Path) -> None:
    bad = row(**{"base.equipment.network": "A;C", "quality": "9", "equipment_total": "-1"})
    output, _ = run(write(tmp_path / "in.csv", csv_text([bad])))
    parts = output[0]["error"].split(" | ")
    assert [p.split(":")[0] for p in parts] == ["base.equipment.network", "quality", "equipment_total"]


def test_empty_derived_item_is_fine_when_its_numbers_are_given(tmp_path: Path) -> None:
    rows = [
        row("数字化率", base__equipment__digitization="", equipment_total="10", equipment_digital="7"),
        row("缺一个数", base__equipment__digitization="", equipment_total="10"),
    ]
    output, _ = run(write(tmp_path / "in.csv", csv_text(rows)))
    assert output[0]["error"] == "" and output[0]["points_base"] == "26.8"  # 70 % → E (6) instead of C (3)
    assert output[1]["error"].startswith("base.equipment.digitization: 为空")
    assert output[1]["total"] == ""


def test_extra_cells_beyond_the_header(tmp_path: Path) -> None:
    text = csv_text([row("a"), row("b")])
    lines = text.split("\r\n")
    lines[1] += ",,"  # empty trailing cells (Excel leaves them): fine
    lines[2] += ",oops"
    output, printed = run(write(tmp_path / "in.csv", "\r\n".join(lines)))
    assert output[0]["error"] == "" and output[0]["total"] == "46.925"
    assert output[1]["error"].startswith("这一行有 46 个单元格，表头只有 45 列") and output[1]["total"] == ""
    assert "rows=2 scored=1 errors=1" in printed


def test_blank_lines_are_skipped_and_counted(tmp_path: Path) -> None:
    text = csv_text([row("a"), row("b")])
    lines = text.split("\r\n")
    text = "\r\n".join([lines[0], lines[1], "", "," * 10, lines[2], ""])
    output, printed = run(write(tmp_path / "in.csv", text))
    assert [r[ENTERPRISE] for r in output] == ["a", "b"]
    assert "rows=2 scored=2 errors=0 blank=2" in printed


# ---------------------------------------------------------------------------------------------------------
# Bad files: refused as a whole, naming what is wrong


def test_missing_columns_are_named(tmp_path: Path) -> None:
    header = [h for h in HEADER if h not in ("base.security.data", "hr", ENTERPRISE)]
    with pytest.raises(CommandError, match=r"缺少列：enterprise, base\.security\.data, hr$"):
        run(write(tmp_path / "in.csv", csv_text([row()], header=header)))
    assert not (tmp_path / "out.csv").exists()


def test_unknown_columns_are_named_with_a_suggestion(tmp_path: Path) -> None:
    header = [*HEADER, "base.equipment.netwrk", "备注"]
    with pytest.raises(CommandError) as caught:
        run(write(tmp_path / "in.csv", csv_text([row()], header=header)))
    message = str(caught.value)
    assert "未知的列：base.equipment.netwrk (→ base.equipment.network?), 备注" in message


def test_number_columns_are_optional_but_repeated_columns_are_not(tmp_path: Path) -> None:
    output, _ = run(write(tmp_path / "in.csv", csv_text([row()], header=[ENTERPRISE, *ITEMS, *SCENARIOS])))
    assert output[0]["total"] == "46.925"
    with pytest.raises(CommandError, match=r"重复的列：quality"):
        run(write(tmp_path / "in2.csv", csv_text([row()], header=[*HEADER, "quality"])))


def test_column_without_a_name_is_copied_through(tmp_path: Path) -> None:
    output, _ = run(write(tmp_path / "in.csv", csv_text([row() | {"": "note"}], header=[*HEADER, ""])))
    assert output[0]["total"] == "46.925"
    assert output[0][""] == "note"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "文件是空的"),
        (b"PK\x03\x04rest of a zip", "这是 Excel 工作簿"),
        (b"enterprise\xff\xfe\x80,x\r\n", "无法识别文件的文字编码"),
        ("enterprise,".encode("utf-16"), "空字节"),  # UTF-16, as some tools save "Unicode text"
        ("enterprise,".encode("utf-16-le"), "空字节"),
        (b"\r\n\r\n", "没有表头"),
    ],
)
def test_unreadable_files_are_refused(tmp_path: Path, data: bytes, message: str) -> None:
    source = tmp_path / "in.csv"
    source.write_bytes(data)
    with pytest.raises(CommandError, match=message):
        run(source)


def test_frameworks_and_paths(tmp_path: Path) -> None:
    source = write(tmp_path / "in.csv", csv_text([row()]))
    with pytest.raises(CommandError, match="unknown framework 'miit-2099'"):
        call_command("score_file", "--framework", "miit-2099", str(source), str(tmp_path / "o.csv"))
    with pytest.raises(CommandError, match="miit-2022 has no items and scenarios"):
        call_command("score_file", "--framework", "miit-2022", str(source), str(tmp_path / "o.csv"))
    with pytest.raises(CommandError, match="no such file"):
        call_command("score_file", str(tmp_path / "nothing.csv"), str(tmp_path / "o.csv"))
    with pytest.raises(CommandError, match="输出文件不能与输入文件相同"):
        call_command("score_file", str(source), str(source))
    assert source.read_bytes().startswith(b"enterprise,")  # not truncated


def test_exit_codes(tmp_path: Path, capsys: Any) -> None:
    """0 when the file was processed (even with row errors), 1 when it was refused."""
    source = write(tmp_path / "in.csv", csv_text([row(), row(quality="7")]))
    # Returning normally from run_from_argv is exit code 0 (manage.py exits 1 only through SystemExit).
    Command().run_from_argv(["manage.py", "score_file", str(source), str(tmp_path / "o.csv")])
    assert "rows=2 scored=1 errors=1" in capsys.readouterr().out
    refused = write(tmp_path / "bad.csv", csv_text([row()], header=HEADER[:-20]))
    with pytest.raises(SystemExit) as exited:
        Command().run_from_argv(["manage.py", "score_file", str(refused), str(tmp_path / "o2.csv")])
    assert exited.value.code == 1
    assert "缺少列" in capsys.readouterr().err


def test_plan_maps_columns_in_any_order() -> None:
    header = list(reversed(HEADER))
    plan = plan_columns(SCORER, header)
    assert plan.enterprise == len(HEADER) - 1
    assert plan.items[SCORER.item_index["base.equipment.network"]] == header.index("base.equipment.network")
    assert len(plan.numbers) == len(NUMBERS)
