"""``studyportal ledger``: members' exported study records merged into one 学习台账 per branch, as CSV and as Excel."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

from openpyxl import load_workbook

from tests.helpers import run_cli

HEAD = "姓名,支部,材料,类别,学完日期,学时,年度目标"


def export(folder: Path, name: str, *rows: str, head: str = HEAD, encoding: str = "utf-8-sig") -> Path:
    """A file as the curriculum page's 导出表格 writes it: UTF-8 with a byte-order mark, CRLF lines."""
    path = folder / name
    path.write_bytes("\r\n".join([head, *rows, ""]).encode(encoding))
    return path


def members(tmp: Path) -> list[str]:
    """Three members of two branches; 张三 exported twice (the second file repeats the first and adds a row)."""
    zhang = ["张三,第一支部,学习新党章,学习材料,2026-03-02,2,32", '张三,第一支部,"义务,权利",学习材料,2026-03-09,1.5,32']
    export(tmp, "zhang-march.csv", *zhang)
    export(tmp, "zhang-april.csv", *zhang, "张三,第一支部,入党誓词,党课提纲,2026-04-01,1,32")
    export(tmp, "li.csv", "李四,第二支部,学习新党章,学习材料,2026-03-05,2,56")
    export(tmp, "wang.csv", "王五,第一支部,学习新党章,学习材料,2026-05-01,2,32")
    return ["zhang-march.csv", "zhang-april.csv", "li.csv", "wang.csv"]


def test_the_csv_ledger_has_every_record_once_sorted_by_branch_then_name(tmp_path):
    result = run_cli("ledger", *members(tmp_path), "--out", "台账.csv", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "4 个文件：5 条记录，去掉重复 2 条，2 个支部、3 人" in result.stdout
    data = (tmp_path / "台账.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf"), "a byte-order mark, so Excel reads the Chinese"
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows[0] == ["支部", "姓名", "材料", "类别", "学完日期", "学时", "年度目标"]
    assert [(r[0], r[1], r[2]) for r in rows[1:]] == [
        ("第一支部", "张三", "学习新党章"),
        ("第一支部", "张三", "义务,权利"),
        ("第一支部", "张三", "入党誓词"),
        ("第一支部", "王五", "学习新党章"),
        ("第二支部", "李四", "学习新党章"),
    ]
    assert rows[5][6] == "56", "a secretary's target travels with the record"


def test_the_excel_ledger_has_a_sheet_per_branch_with_each_members_total_against_the_target(tmp_path):
    result = run_cli("ledger", *members(tmp_path), "-o", "out/台账.xlsx", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    book = load_workbook(tmp_path / "out" / "台账.xlsx")
    assert book.sheetnames == ["第一支部", "第二支部"]
    first = list(book["第一支部"].iter_rows(values_only=True))
    assert first[0][0] == "第一支部 学习台账" and first[1] == ("姓名", "材料", "类别", "学完日期", "学时")
    assert [(r[0], r[1], r[3].date(), r[4]) for r in first[2:6]] == [
        ("张三", "学习新党章", dt.date(2026, 3, 2), 2),
        ("张三", "义务,权利", dt.date(2026, 3, 9), 1.5),
        ("张三", "入党誓词", dt.date(2026, 4, 1), 1),
        ("王五", "学习新党章", dt.date(2026, 5, 1), 2),
    ]
    at = next(i for i, r in enumerate(first) if r[0] == "姓名" and r[1] == "合计学时")
    assert first[at + 1 : at + 3] == [("张三", 4.5, 32, 27.5, "否"), ("王五", 2, 32, 30, "否")], "by name, not by hours: no ranking"
    second = list(book["第二支部"].iter_rows(values_only=True))
    assert ("李四", 2, 56, 54, "否") in second


def test_a_year_keeps_only_that_years_records_and_a_missing_target_takes_the_default(tmp_path):
    export(
        tmp_path,
        "old.csv",
        "赵六,第三支部,学习新党章,学习材料,2025-12-31,2",
        "赵六,第三支部,入党誓词,党课提纲,2026-01-02,3",
        head=HEAD[:-5],
    )
    result = run_cli("ledger", "old.csv", "--year", "2026", "--target", "56", "-o", "l.xlsx", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    rows = list(load_workbook(tmp_path / "l.xlsx")["第三支部"].iter_rows(values_only=True))
    assert ("赵六", 3, 56, 53, "否") in rows and not any(r[1] == "学习新党章" for r in rows)


def test_a_folder_stands_for_its_csv_files_and_a_gbk_file_from_excel_is_read(tmp_path):
    folder = tmp_path / "收上来的"
    folder.mkdir()
    export(folder, "a.csv", "张三,第一支部,学习新党章,学习材料,2026-03-02,2,32")
    export(folder, "excel.csv", "李四,第二支部,入党誓词,党课提纲,2026/3/5,1,32", encoding="gb18030")
    result = run_cli("ledger", "收上来的", "-o", "l.csv", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    text = (tmp_path / "l.csv").read_text(encoding="utf-8-sig")
    assert "第二支部,李四,入党誓词,党课提纲,2026-03-05,1,32" in text


def test_malformed_files_are_named_with_line_and_column_in_chinese_and_nothing_is_written(tmp_path):
    export(tmp_path, "cols.csv", "张三,第一支部,学习新党章", head="姓名,支部,材料")
    export(
        tmp_path,
        "rows.csv",
        "张三,第一支部,学习新党章,学习材料,2026-02-30,2,32",
        "李四,第一支部,入党誓词,党课提纲,2026-03-01,两小时,32",
        "王五,第一支部",
    )
    (tmp_path / "latin.csv").write_bytes(HEAD.encode("utf-8") + b"\r\n\xff\xfe\x00\x01\x02\x00" * 20)
    (tmp_path / "book.csv").write_bytes(b"PK\x03\x04" + b"\0" * 40)
    result = run_cli("ledger", "cols.csv", "rows.csv", "latin.csv", "book.csv", "missing.csv", "-o", "l.xlsx", cwd=tmp_path)
    assert result.returncode == 1
    err = result.stderr
    assert "cols.csv:1:1: error(错误): 表头缺少列：类别、学完日期、学时" in err
    assert "rows.csv:2:5: error(错误): 字段 学完日期：“2026-02-30”不是日期" in err
    assert "rows.csv:3:6: error(错误): 字段 学时：“两小时”不是 0 到 100 之间的数" in err
    assert "rows.csv:4:1: error(错误): 这一行只有 2 列" in err
    assert "latin.csv:2:1: error(错误): 文件不是 UTF-8 或 GBK 编码的文本" in err
    assert "book.csv: error(错误): 这是 Excel 表格文件（.xlsx），不是 CSV" in err
    assert "missing.csv: error(错误): 找不到这个文件" in err
    assert "没有生成台账" in err and "Traceback" not in err
    assert not (tmp_path / "l.xlsx").exists(), "no half ledger that would undercount someone"


def test_an_output_that_is_neither_csv_nor_xlsx_is_refused(tmp_path):
    export(tmp_path, "a.csv", "张三,第一支部,学习新党章,学习材料,2026-03-02,2,32")
    result = run_cli("ledger", "a.csv", "-o", "台账.xls", cwd=tmp_path)
    assert result.returncode == 1 and "要以 .xlsx（Excel）或 .csv 结尾" in result.stderr


def test_a_cell_that_starts_like_a_formula_stays_text_in_excel_and_in_the_csv(tmp_path):
    # the portal's export writes such a cell with a leading ' (assets/site/record.js); a hand-made file may not
    export(
        tmp_path,
        "a.csv",
        """"'=HYPERLINK(""http://x"")",第一支部,学习新党章,学习材料,2026-03-02,2,32""",
        '张三,第一支部,"=1+1",学习材料,2026-03-02,2,32',
    )
    assert run_cli("ledger", "a.csv", "-o", "l.xlsx", cwd=tmp_path).returncode == 0
    sheet = load_workbook(tmp_path / "l.xlsx")["第一支部"]
    assert (sheet["A3"].value, sheet["A3"].data_type) == ('=HYPERLINK("http://x")', "s")
    assert (sheet["B4"].value, sheet["B4"].data_type) == ("=1+1", "s")
    assert run_cli("ledger", "a.csv", "-o", "l.csv", cwd=tmp_path).returncode == 0
    rows = list(csv.reader(io.StringIO((tmp_path / "l.csv").read_text(encoding="utf-8-sig"), newline="")))
    assert rows[1][:3] == ["第一支部", '\'=HYPERLINK("http://x")', "学习新党章"] and rows[2][2] == "'=1+1"
