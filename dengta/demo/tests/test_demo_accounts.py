"""The demo-login table lines up on screen although the organisation names are Chinese (double width)."""

from __future__ import annotations

from dengta.demo.management.commands.demo_accounts import aligned, display_width


def test_display_width_counts_cjk_twice() -> None:
    assert display_width("demo") == 4
    assert display_width("工业和信息化部") == 14
    assert display_width("宁波（计划单列市）") == 18  # full-width brackets too


def test_columns_start_at_the_same_screen_column() -> None:
    rows = [
        ("demo-ministry", "部委项目管理人员", "工业和信息化部中小企业局"),
        ("demo-city", "Ningbo staff", "宁波市经济和信息化局"),
        ("demo-enterprise", "企业管理员", "宁波专精特新企业"),
    ]
    lines = aligned(rows)
    # The third column begins at the same screen column on every line.
    starts = {display_width(line[: line.index(row[2])]) for line, row in zip(lines, rows, strict=True)}
    assert len(starts) == 1
    seconds = {display_width(line[: line.index(row[1])]) for line, row in zip(lines, rows, strict=True)}
    assert len(seconds) == 1
