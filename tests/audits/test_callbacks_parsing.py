"""The pure half of the call-backs: reading lists, drawing samples, rates.
No database."""

import datetime
from decimal import Decimal

import pytest

from audits.callbacks import (
    Call,
    CustomerListError,
    callback_rates,
    parse_csv,
    parse_customer_list,
    parse_service_date,
    parse_xlsx,
    percentage,
    sample_positions,
)
from tests.audits.callbacks_helpers import xlsx_bytes

pytestmark = pytest.mark.usefixtures("english")

CHINESE = "姓名,联系方式,产品,服务日期\n张三,13800138000,空调,2026-01-05\n李四,13900139000,冰箱,2026/2/6\n"


# --- reading lists ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (CHINESE.encode("utf-8"), "utf-8-sig"),
        (b"\xef\xbb\xbf" + CHINESE.encode("utf-8"), "utf-8-sig"),
        (CHINESE.encode("gb18030"), "gb18030"),
    ],
    ids=["utf-8", "utf-8 with BOM", "gb18030"],
)
def test_a_csv_list_is_read_in_each_encoding(data, encoding):
    parsed = parse_csv(data)
    assert parsed.encoding == encoding
    assert [(r.row_number, r.name, r.contact, r.product, r.service_date) for r in parsed.rows] == [
        (2, "张三", "13800138000", "空调", datetime.date(2026, 1, 5)),
        (3, "李四", "13900139000", "冰箱", datetime.date(2026, 2, 6)),
    ]
    assert parsed.bad == []


def test_gb18030_text_that_is_not_utf8_is_decoded_as_gb18030():
    data = CHINESE.encode("gb18030")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert parse_csv(data).rows[0].name == "张三"


@pytest.mark.parametrize(
    "header",
    [
        "姓名,联系方式,产品,服务日期",
        "name,contact,product,service date",
        "Name,Contact,Product,Service_Date",
        "产品,服务日期,联系方式,姓名",  # any order
    ],
)
def test_chinese_and_english_headers_are_accepted_in_any_order(header):
    columns = header.split(",")
    values = {"姓名": "王五", "name": "王五", "联系方式": "0591-1234", "contact": "0591-1234",
              "产品": "热水器", "product": "热水器", "服务日期": "2026年3月1日", "service date": "2026年3月1日"}
    line = ",".join(values[c.lower().replace("_", " ")] for c in columns)
    (row,) = parse_csv(f"{header}\n{line}\n".encode()).rows
    assert (row.name, row.contact, row.product, row.service_date) == (
        "王五", "0591-1234", "热水器", datetime.date(2026, 3, 1)
    )


def test_a_list_without_a_header_row_is_refused():
    with pytest.raises(CustomerListError, match="The first row must name the columns") as caught:
        parse_csv("张三,13800138000,空调,2026-01-05\n".encode())
    assert "联系方式 / contact" in str(caught.value.message)


def test_a_header_missing_a_column_names_it():
    with pytest.raises(CustomerListError, match="not found: 产品 / product"):
        parse_csv(b"name,contact,service date\nA,1,2026-01-01\n")


def test_an_empty_list_is_refused():
    with pytest.raises(CustomerListError, match="no customers"):
        parse_csv("姓名,联系方式,产品,服务日期\n".encode())


def test_bad_rows_are_listed_with_their_row_number_and_reasons_and_kept_in_order():
    data = (
        "姓名,联系方式,产品,服务日期\n"
        "张三,13800138000,空调,2026-01-05\n"
        ",13900139000,冰箱,2026-01-06\n"
        "李四,,冰箱,2026-13-40\n"
        "\n"  # a blank line is no customer
        "王五,13700137000,,\n"
        "赵六,13600136000,洗衣机,昨天\n"
        "钱七,13500135000,洗衣机,20260107\n"
    ).encode()
    parsed = parse_csv(data)
    assert [(r.row_number, r.problems) for r in parsed.rows] == [
        (2, ()),
        (3, ("name_missing",)),
        (4, ("contact_missing", "date_invalid")),
        (6, ("date_missing",)),
        (7, ("date_invalid",)),
        (8, ()),
    ]
    assert [r.name for r in parsed.good] == ["张三", "钱七"]
    assert parsed.rows[4].service_date_text == "昨天"


def test_an_xlsx_list_is_read_with_dates_and_numbers():
    data = xlsx_bytes(
        [
            ["Name", "Contact", "Product", "Service date"],
            ["张三", 13800138000, "空调", datetime.datetime(2026, 1, 5)],
            ["李四", "13900139000", "冰箱", "2026-02-06"],
            [None, None, None, None],
            ["王五", None, "冰箱", "soon"],
        ]
    )
    parsed = parse_customer_list(data, "xlsx")
    assert parsed.kind == "xlsx"
    assert [(r.row_number, r.name, r.contact, r.service_date, r.problems) for r in parsed.rows] == [
        (2, "张三", "13800138000", datetime.date(2026, 1, 5), ()),
        (3, "李四", "13900139000", datetime.date(2026, 2, 6), ()),
        (5, "王五", "", None, ("contact_missing", "date_invalid")),
    ]


def test_an_xlsx_list_with_chinese_headers_below_a_blank_row_keeps_sheet_row_numbers():
    data = xlsx_bytes([[], ["姓名", "联系方式", "产品", "服务日期"], ["张三", "1", "空调", "2026.1.5"]])
    (row,) = parse_xlsx(data).rows
    assert (row.row_number, row.service_date) == (3, datetime.date(2026, 1, 5))


def test_a_damaged_workbook_is_refused():
    with pytest.raises(CustomerListError, match="cannot be opened"):
        parse_xlsx(b"PK\x03\x04 not really a workbook")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-01-05", datetime.date(2026, 1, 5)),
        ("2026/1/5", datetime.date(2026, 1, 5)),
        ("2026.01.05", datetime.date(2026, 1, 5)),
        ("2026年1月5日", datetime.date(2026, 1, 5)),
        ("20260105", datetime.date(2026, 1, 5)),
        ("2026-01-05 14:30", datetime.date(2026, 1, 5)),
        (datetime.datetime(2026, 1, 5, 9), datetime.date(2026, 1, 5)),
        (datetime.date(2026, 1, 5), datetime.date(2026, 1, 5)),
        ("2026-02-30", None),
        ("05/01/2026", None),
        ("", None),
        (None, None),
    ],
)
def test_dates_of_service(value, expected):
    assert parse_service_date(value) == expected


# --- the sample ------------------------------------------------------------------


def test_the_same_seed_draws_the_same_positions():
    positions = list(range(1, 31))
    first = sample_positions(positions, 10, seed=20261207)
    assert first == sample_positions(positions, 10, seed=20261207)
    assert len(set(first)) == 10 and set(first) <= set(positions)
    assert sample_positions(positions, 10, seed=20261208) != first


def test_the_draw_is_pythons_random_sample_over_the_positions_in_order():
    """Pinned, so a change of the algorithm (or of Python's) is noticed."""
    import random

    positions = list(range(1, 31))
    expected = random.Random(42).sample(positions, 12)
    assert sample_positions(positions, 12, seed=42) == expected
    assert sample_positions(positions, 12, seed=42) == [21, 4, 1, 24, 9, 8, 25, 5, 29, 18, 3, 19]


def test_fewer_rows_than_the_size_gives_all_of_them():
    assert sorted(sample_positions([1, 2, 3, 4, 5], 10, seed=7)) == [1, 2, 3, 4, 5]


def test_positions_out_of_order_are_refused():
    with pytest.raises(ValueError, match="uploaded order"):
        sample_positions([2, 1, 3], 10, seed=1)


# --- the rates -------------------------------------------------------------------


def test_rates_on_a_worked_example_with_unreached_calls():
    """12 calls: 3 not reached; of the 9 reached, 7 rate 4 or 5 and 5 were
    resolved at first contact. Satisfaction 7/9 = 77.777…% → 77.78;
    first-time resolution 5/9 = 55.555…% → 55.56. The unreached are counted,
    not rated (7/12 would be 58.33)."""
    calls = [
        Call(True, 5, True),
        Call(True, 5, True),
        Call(True, 4, True),
        Call(True, 4, False),
        Call(True, 4, True),
        Call(True, 5, False),
        Call(True, 4, True),
        Call(True, 3, False),
        Call(True, 1, False),
        Call(False),
        Call(False),
        Call(False),
    ]
    rates = callback_rates(calls)
    assert (rates.calls, rates.reached, rates.unreached, rates.satisfied, rates.resolved) == (12, 9, 3, 7, 5)
    assert rates.satisfaction == Decimal("77.78")
    assert rates.first_time_resolution == Decimal("55.56")


def test_no_reached_call_has_no_rates():
    rates = callback_rates([Call(False), Call(False)])
    assert (rates.unreached, rates.satisfaction, rates.first_time_resolution) == (2, None, None)


@pytest.mark.parametrize(
    ("part", "whole", "expected"),
    [
        (1, 8, Decimal("12.50")),  # exactly representable
        (1, 3, Decimal("33.33")),
        (2, 3, Decimal("66.67")),
        (1, 16, Decimal("6.25")),
        (1, 1600, Decimal("0.06")),  # 0.0625 → half up
        (1, 800, Decimal("0.13")),  # 0.125 → half up, not to even
        (10, 10, Decimal("100.00")),
        (0, 10, Decimal("0.00")),
        (1, 0, None),
    ],
)
def test_percentages_round_half_up_exactly(part, whole, expected):
    assert percentage(part, whole) == expected
