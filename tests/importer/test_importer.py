"""CSV import: formats, validation, all-or-nothing vs --skip-bad, upserts, big files.

Every test runs on SQLite and on PostgreSQL (when reachable) through ``clean_db_url``.
The clock is frozen at 27/11/2026 09:00 (Vietnam) so "in the future" checks are stable.
"""

from __future__ import annotations

import csv
import logging
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot import cli, clock
from bot.config import PROJECT_ROOT
from bot.db.models import (
    Customer,
    Feeder,
    Invoice,
    InvoiceLine,
    MeterReading,
    PlannedOutage,
    PlannedOutageWard,
    Station,
    planned_outage_stations,
)
from bot.db.session import session_scope
from bot.domain.tariff import compute_bill
from bot.importer import ImportReport, import_file

SAMPLES = PROJECT_ROOT / "data" / "demo"
CUSTOMERS_HEADER = "customer_code,name,phone,province,ward,station_code,feeder_code,reading_day,households"
READINGS_HEADER = "customer_code,reading_date,old_index,new_index"


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[None]:
    with clock.frozen("2026-11-27T09:00"):
        yield


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def run(kind: str, path: Path, url: str, **options: object) -> ImportReport:
    return import_file(kind, path, database_url=url, **options)


def count(url: str, table: object) -> int:
    with session_scope(url) as session:
        return session.execute(select(func.count()).select_from(table)).scalar_one()


def load_samples(url: str) -> list[ImportReport]:
    return [
        run(kind, SAMPLES / f"{kind}.csv", url) for kind in ("customers", "readings", "invoices", "outages")
    ]


def two_customers(tmp_path: Path, url: str) -> None:
    path = write(
        tmp_path / "customers.csv",
        CUSTOMERS_HEADER
        + "\nPB05010000011,Phạm Thị Hoa,0909000101,Tây Ninh,Phường Tân Ninh,PB0501-T901,PB0501-471,15,1"
        + "\nPB05010000012,Võ Văn Tám,0909000102,Tây Ninh,Phường Tân Ninh,PB0501-T901,,15,2\n",
    )
    assert run("customers", path, url).ok


# ----------------------------------------------------------------- sample files


def test_the_sample_files_load_in_order_and_again_change_nothing(clean_db_url: str) -> None:
    first = load_samples(clean_db_url)
    assert [(r.kind, r.read, r.inserted, r.rejected, r.committed) for r in first] == [
        ("customers", 4, 4, 0, True),
        ("readings", 12, 12, 0, True),
        ("invoices", 12, 12, 0, True),
        ("outages", 3, 3, 0, True),
    ]
    again = load_samples(clean_db_url)
    assert [(r.inserted, r.updated, r.unchanged, r.rejected) for r in again] == [
        (0, 0, 4, 0),
        (0, 0, 12, 0),
        (0, 0, 12, 0),
        (0, 0, 3, 0),
    ]
    assert count(clean_db_url, Customer) == 4
    assert count(clean_db_url, MeterReading) == 12
    assert count(clean_db_url, Invoice) == 12
    assert count(clean_db_url, PlannedOutage) == 3


def test_sample_rows_are_stored_as_documented(clean_db_url: str) -> None:
    load_samples(clean_db_url)
    with session_scope(clean_db_url) as session:
        lan = session.execute(select(Customer).where(Customer.code == "PB11190000903")).scalar_one()
        assert lan.phone == "0901234503"  # spaces removed
        assert lan.tariff_group == "residential"  # "sinh hoạt"
        assert (lan.old_district, lan.old_ward, lan.ward) == (
            "Quận Ninh Kiều",
            "Phường Tân An",
            "Phường Ninh Kiều",
        )
        assert lan.managing_unit == "PB1119"
        station = session.get(Station, lan.station_id)
        assert (station.code, station.name, station.ward) == (
            "PB1119-T901",
            "TBA Ninh Kiều 9",
            "Phường Ninh Kiều",
        )
        assert session.get(Feeder, station.feeder_id).code == "PB1119-473"

        reading = session.execute(
            select(MeterReading).where(
                MeterReading.customer_id == lan.id, MeterReading.reading_date == date(2026, 9, 8)
            )
        ).scalar_one()
        # No previous reading: the period starts the day after the same day a month before.
        assert (reading.period_start, reading.old_index, reading.new_index, reading.kwh) == (
            date(2026, 8, 9),
            3012,
            3130,
            118,
        )
        later = session.execute(
            select(MeterReading).where(
                MeterReading.customer_id == lan.id, MeterReading.reading_date == date(2026, 10, 8)
            )
        ).scalar_one()
        assert later.period_start == date(2026, 9, 9)  # the day after the previous reading

        invoice = session.execute(
            select(Invoice).where(Invoice.customer_id == lan.id, Invoice.period_end == date(2026, 11, 8))
        ).scalar_one()
        bill = compute_bill(126, date(2026, 10, 9), date(2026, 11, 8))
        assert (invoice.total, invoice.subtotal, invoice.vat_amount) == (
            bill.total,
            bill.subtotal,
            bill.vat_amount,
        )
        assert invoice.reading_id is not None and invoice.payment_channel == "bank"
        lines = (
            session.execute(
                select(InvoiceLine).where(InvoiceLine.invoice_id == invoice.id).order_by(InvoiceLine.tier)
            )
            .scalars()
            .all()
        )
        assert [(line.tier, line.kwh, line.unit_price, line.tariff_code) for line in lines] == [
            (line.tier, line.kwh, line.unit_price, line.tariff_code) for line in bill.lines
        ]
        assert sum(line.amount for line in lines) == invoice.subtotal

        outage = session.execute(
            select(PlannedOutage).where(PlannedOutage.code == "KH-MAU-0003")
        ).scalar_one()
        wards = (
            session.execute(select(PlannedOutageWard.ward).where(PlannedOutageWard.outage_id == outage.id))
            .scalars()
            .all()
        )
        assert sorted(wards) == ["Phường An Xuyên", "Phường Tân Thành"]
        assert outage.starts_at.hour == 7 and outage.starts_at.utcoffset().total_seconds() == 7 * 3600


# ----------------------------------------------------------- encodings, header


def test_utf8_with_bom_and_semicolons_is_accepted(tmp_path: Path, clean_db_url: str) -> None:
    path = write(
        tmp_path / "c.csv",
        "\ufeffCustomer_Code;Name;Province;Ward;Reading_Day\r\n"
        "PB05010000011;Nguyễn Thị Út;Tây Ninh;Phường Tân Ninh;15\r\n",
    )
    report = run("customers", path, clean_db_url)
    assert report.ok and report.inserted == 1
    with session_scope(clean_db_url) as session:
        assert session.execute(select(Customer.name)).scalar_one() == "Nguyễn Thị Út"


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [
        ("cp1258", "not UTF-8"),
        ("latin-1", "not UTF-8"),
        ("utf-16", "UTF-16"),  # with its BOM
        ("utf-16-le", "NUL bytes"),  # without a BOM
    ],
)
def test_other_encodings_are_refused_with_a_reason(
    tmp_path: Path, clean_db_url: str, encoding: str, expected: str
) -> None:
    # Text each codec can encode: cp1258 has "â", "ă", "à" precomposed, latin-1 has "é", "ü".
    name = {"cp1258": "Lê Văn Hà", "latin-1": "José Müller"}.get(encoding, "Trần Thị Hà")
    text = CUSTOMERS_HEADER + f"\nPB05010000011,{name},0909000101,Tây Ninh,Tân Ninh,,,15,1\n"
    if encoding == "latin-1":
        text = text.replace("Tây Ninh", "Tay Ninh")
    report = run("customers", write(tmp_path / "c.csv", text, encoding), clean_db_url)
    assert report.file_error is not None and expected in report.file_error
    assert "CSV UTF-8" in report.file_error
    assert not report.committed and count(clean_db_url, Customer) == 0


def test_a_bad_byte_deep_in_the_file_loads_nothing_even_with_skip_bad(
    tmp_path: Path, clean_db_url: str
) -> None:
    good = "".join(
        f"PB050100{n:05d},Khách {n},,Tây Ninh,Phường Tân Ninh,,,15,1\n" for n in range(1, 2501)
    ).encode()
    bad = "PB05010009999,Lê Văn Hà,,Tây Ninh,Tân Ninh,,,15,1\n".encode("cp1258")
    path = tmp_path / "c.csv"
    path.write_bytes((CUSTOMERS_HEADER + "\n").encode() + good + bad)
    report = run("customers", path, clean_db_url, skip_bad=True, rejects_path=tmp_path / "r.csv")
    assert (
        report.file_error and "line 2502" in report.file_error and "nothing was loaded" in report.file_error
    )
    assert count(clean_db_url, Customer) == 0  # the first chunks were rolled back


def test_double_encoded_text_is_a_row_error(tmp_path: Path, clean_db_url: str) -> None:
    mojibake = "Trần Thị Bích".encode().decode("cp1252", errors="replace")
    path = write(
        tmp_path / "c.csv",
        CUSTOMERS_HEADER + f"\nPB05010000011,{mojibake},,Tây Ninh,Phường Tân Ninh,,,15,1\n",
    )
    report = run("customers", path, clean_db_url)
    assert [(e.line, e.column) for e in report.errors] == [(2, "name")]
    assert "double-encoded" in report.errors[0].reason


def test_missing_and_unknown_columns_are_listed(tmp_path: Path, clean_db_url: str) -> None:
    path = write(tmp_path / "r.csv", "customer_code,reading_date,old_idx,kwh\nPB05010000011,15/11/2026,1,2\n")
    report = run("readings", path, clean_db_url)
    assert report.file_error is not None
    assert "missing required column(s): old_index, new_index" in report.file_error
    assert "unknown column(s): old_idx" in report.file_error
    assert report.read == 0


def test_an_empty_file_is_refused(tmp_path: Path, clean_db_url: str) -> None:
    report = run("outages", write(tmp_path / "o.csv", "\n\n"), clean_db_url)
    assert report.file_error and "empty" in report.file_error


# ---------------------------------------------------------------- row errors


def test_every_bad_row_is_reported_and_nothing_loads_by_default(tmp_path: Path, clean_db_url: str) -> None:
    two_customers(tmp_path, clean_db_url)
    path = write(
        tmp_path / "r.csv",
        "customer_code,reading_date,old_index,new_index,kwh\n"
        "PB05010000011,15/10/2026,1.000,1.300,300\n"  # good
        "PB05010000011,2026-11-15,1.300,1.500,\n"  # ISO date
        "PB05010000012,15/11/2026,2.000,1.950,\n"  # impossible: new < old
        "PB05010000012,15/10/2026,1.800,2.000,250\n"  # kWh does not match the indexes
        "PB05010000099,15/11/2026,1,2,\n"  # unknown customer
        "PB05010000011,15/10/2026,1.000,1.300,\n"  # duplicate of line 2
        "PB05010000011,15/12/2026,1.500,1.600,\n"  # in the future
        "PB0501000001X,15/11/2026,12.34,5,\n",  # bad code, bad grouping
    )
    report = run("readings", path, clean_db_url)
    assert not report.committed and report.rejected == 7 and report.good == 1
    assert [(e.line, e.column) for e in report.errors] == [
        (3, "reading_date"),
        (4, "new_index"),
        (7, None),
        (8, "reading_date"),
        (9, "customer_code"),
        (9, "old_index"),
        (5, "kwh"),
        (6, "customer_code"),
    ]
    reasons = {(e.line, e.column): e.reason for e in report.errors}
    assert "dd/mm/yyyy" in reasons[(3, "reading_date")]
    assert "impossible reading" in reasons[(4, "new_index")] and "1.950" in reasons[(4, "new_index")]
    assert "already on line 2" in reasons[(7, None)]
    assert "in the future" in reasons[(8, "reading_date")]
    assert "1.234.567" in reasons[(9, "old_index")]
    assert "does not match" in reasons[(5, "kwh")]
    assert "unknown customer PB05010000099" in reasons[(6, "customer_code")]
    assert count(clean_db_url, MeterReading) == 0


def test_skip_bad_loads_the_good_rows_and_writes_the_rejects(tmp_path: Path, clean_db_url: str) -> None:
    two_customers(tmp_path, clean_db_url)
    path = write(
        tmp_path / "r.csv",
        READINGS_HEADER + "\n"
        "PB05010000011,15/10/2026,1.000,1.300\n"
        '"PB05010000012","15/11/2026","2.000","1.950"\n'
        "PB05010000012,15/10/2026,1.800,2.000\n",
    )
    rejects = tmp_path / "r.rejects.csv"
    report = run("readings", path, clean_db_url, skip_bad=True, rejects_path=rejects)
    assert report.committed and (report.inserted, report.rejected) == (2, 1)
    rows = list(csv.reader(rejects.open(encoding="utf-8-sig")))
    assert rows[0] == ["customer_code", "reading_date", "old_index", "new_index", "_line", "_reason"]
    assert rows[1][:5] == ["PB05010000012", "15/11/2026", "2.000", "1.950", "3"]
    assert rows[1][5].startswith("new_index: impossible reading")

    # The rejects file, fixed, imports as it is (columns starting with "_" are ignored).
    rows[1][3] = "2.150"
    with rejects.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows(rows)
    fixed = run("readings", rejects, clean_db_url)
    assert fixed.ok and fixed.inserted == 1
    assert count(clean_db_url, MeterReading) == 3


def test_sql_looking_text_is_stored_verbatim(tmp_path: Path, clean_db_url: str) -> None:
    name = "Robert'); DROP TABLE customers;--"
    address = '1" OR "1"="1; -- Ấp Long Hòa\n(hẻm 3)'
    path = tmp_path / "c.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["customer_code", "name", "address", "province", "ward", "reading_day"])
        writer.writerow(["PB05010000011", name, address, "Tây Ninh", "Phường Tân Ninh", "15"])
        writer.writerow(["PB05010000012", '=HYPERLINK("x")', "", "Tây Ninh", "Phường Tân Ninh", "15"])
    report = run("customers", path, clean_db_url)
    assert report.ok and report.inserted == 2
    with session_scope(clean_db_url) as session:
        stored = dict(session.execute(select(Customer.code, Customer.name)).all())
        assert stored == {"PB05010000011": name, "PB05010000012": '=HYPERLINK("x")'}
        assert (
            session.execute(select(Customer.address).where(Customer.code == "PB05010000011")).scalar_one()
            == address
        )


def test_reimport_with_changes_updates_only_what_changed(tmp_path: Path, clean_db_url: str) -> None:
    two_customers(tmp_path, clean_db_url)
    path = write(
        tmp_path / "customers.csv",
        CUSTOMERS_HEADER
        + "\nPB05010000011,Phạm Thị Hoa,0909 000 199,Tây Ninh,Phường Tân Ninh,PB0501-T901,PB0501-471,15,1"
        + "\nPB05010000012,Võ Văn Tám,0909000102,Tây Ninh,Phường Tân Ninh,PB0501-T901,,15,2"
        + "\nPB05010000013,Lê Thị Mai,,Tây Ninh,Phường Tân Ninh,PB0501-T902,PB0501-471,15,1\n",
    )
    report = run("customers", path, clean_db_url)
    assert (report.inserted, report.updated, report.unchanged) == (1, 1, 1)
    assert report.extra == {"stations created": 1}
    # A file without the phone column leaves phones alone.
    partial = write(
        tmp_path / "names.csv",
        "customer_code,name,province,ward,reading_day\n"
        "PB05010000011,Phạm Thị Hoa,Tây Ninh,Phường Tân Ninh,15\n",
    )
    assert run("customers", partial, clean_db_url).unchanged == 1
    with session_scope(clean_db_url) as session:
        phone = session.execute(select(Customer.phone).where(Customer.code == "PB05010000011")).scalar_one()
        assert phone == "0909000199"
        assert session.execute(select(func.count()).select_from(Station)).scalar_one() == 2


# ------------------------------------------------------------------ invoices


def test_invoice_totals_are_checked_against_the_tariff_engine(tmp_path: Path, clean_db_url: str) -> None:
    two_customers(tmp_path, clean_db_url)
    path = write(
        tmp_path / "i.csv",
        "customer_code,period_start,period_end,kwh,issue_date,total,payment_date\n"
        "PB05010000011,16/09/2026,15/10/2026,300,16/10/2026,798.660 đ,\n"
        "PB05010000011,16/10/2026,15/11/2026,300,16/11/2026,798.000,\n"  # wrong total
        "PB05010000012,16/10/2026,15/11/2026,300,16/11/2026,,20/11/2026\n"  # 2 households
        "PB05010000012,16/09/2026,15/10/2026,300,14/10/2026,,\n",  # issued before the period ends
    )
    report = run("invoices", path, clean_db_url)
    assert [(e.line, e.column) for e in report.errors] == [(5, "issue_date"), (3, "total")]
    assert "798.000 đ differs from the tariff engine's 798.660 đ" in report.errors[1].reason
    report = run("invoices", path, clean_db_url, skip_bad=True, rejects_path=tmp_path / "bad.csv")
    assert (report.inserted, report.rejected) == (2, 2)
    with session_scope(clean_db_url) as session:
        rows = session.execute(
            select(Invoice.kwh, Invoice.total, Invoice.due_date).order_by(Invoice.id)
        ).all()
    two_households = compute_bill(300, date(2026, 10, 16), date(2026, 11, 15), households=2).total
    assert rows == [(300, 798_660, date(2026, 10, 21)), (300, two_households, date(2026, 11, 21))]


def test_invoice_kwh_must_match_the_meter_reading(tmp_path: Path, clean_db_url: str) -> None:
    two_customers(tmp_path, clean_db_url)
    readings = write(tmp_path / "r.csv", READINGS_HEADER + "\nPB05010000011,15/10/2026,1.000,1.300\n")
    assert run("readings", readings, clean_db_url).ok
    invoices = write(
        tmp_path / "i.csv",
        "customer_code,period_start,period_end,kwh,issue_date\nPB05010000011,16/09/2026,15/10/2026,250,16/10/2026\n",
    )
    report = run("invoices", invoices, clean_db_url)
    assert "differs from the meter reading of 15/10/2026 (300 kWh)" in report.errors[0].reason


# ------------------------------------------------------------------- outages


def test_outages_check_stations_and_notice_and_relink_on_change(tmp_path: Path, clean_db_url: str) -> None:
    two_customers(tmp_path, clean_db_url)
    header = "code,starts_at,ends_at,reason,province,wards,stations,announced_at\n"
    path = write(
        tmp_path / "o.csv",
        header
        + "KH01,03/12/2026 07:30,03/12/2026 16:00,bảo trì,Tây Ninh,Phường Tân Ninh,PB0501-T901,"
        + "25/11/2026 09:00\n"
        + "KH02,01/12/2026 07:30,01/12/2026 16:00,thay máy biến áp,,,PB0501-T901,27/11/2026 08:00\n"
        + "KH03,01/12/2026 07:30,01/12/2026 06:00,x,,,PB0501-T999,\n",
    )
    report = run("outages", path, clean_db_url, skip_bad=True, rejects_path=tmp_path / "bad.csv")
    assert (report.inserted, report.rejected) == (2, 1)
    assert {(e.line, e.column) for e in report.errors} == {(4, "ends_at")}
    assert [(w.line, w.column) for w in report.warnings] == [(3, "announced_at")]
    assert "less than the 5 days" in report.warnings[0].reason

    unknown = write(tmp_path / "o2.csv", header + "KH04,03/12/2026 07:30,03/12/2026 09:00,x,,,PB0501-T999,\n")
    assert "unknown station(s): PB0501-T999" in run("outages", unknown, clean_db_url).errors[0].reason

    moved = write(
        tmp_path / "o3.csv",
        header + "KH01,03/12/2026 07:30,03/12/2026 16:00,bảo trì,,,PB0501-T901,25/11/2026 09:00\n",
    )
    report = run("outages", moved, clean_db_url)
    assert (report.updated, report.unchanged) == (1, 0)
    assert count(clean_db_url, PlannedOutageWard) == 0  # the ward list was replaced (now empty)
    assert count(clean_db_url, planned_outage_stations) == 2


# ----------------------------------------------------------------- CLI, logs


def test_cli_import_reports_counts_and_exit_codes(
    tmp_path: Path, clean_db_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.setenv("DATABASE_URL", clean_db_url)
    assert cli.main(["import", "customers", str(SAMPLES / "customers.csv")]) == 0
    assert "read 4, inserted 4, updated 0, unchanged 0, rejected 0" in capsys.readouterr().out

    bad = write(tmp_path / "r.csv", READINGS_HEADER + "\nPB05190000901,15/11/2026,9,1\nPB05190000901,x,1,2\n")
    assert cli.main(["import", "readings", str(bad)]) == 1
    captured = capsys.readouterr()
    assert "line 2, column new_index" in captured.err and "line 3, column reading_date" in captured.err
    assert "nothing loaded: 2 bad row(s) of 2" in captured.out

    assert cli.main(["import", "readings", str(bad), "--skip-bad"]) == 1  # nothing good to load
    assert (tmp_path / "r.rejects.csv").exists()

    mixed = write(
        tmp_path / "m.csv", READINGS_HEADER + "\nPB05190000901,15/11/2026,1,9\nPB05190000901,x,1,2\n"
    )
    assert (
        cli.main(["import", "readings", str(mixed), "--skip-bad", "--rejects", str(tmp_path / "x.csv")]) == 2
    )
    assert "1 rejected row(s) written to" in capsys.readouterr().out

    latin = write(tmp_path / "l.csv", READINGS_HEADER + "\nPB05190000901,15/11/2026,1,9 đ\n", "cp1258")
    assert cli.main(["import", "readings", str(latin)]) == 1
    assert "not UTF-8" in capsys.readouterr().err


def test_logs_hold_no_names_or_phones(
    tmp_path: Path, clean_db_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    load_samples(clean_db_url)
    text = caplog.text
    assert "0901234501" not in text and "Phạm Thị Hoa" not in text
    assert "import customers: read=4" in text


# ---------------------------------------------------------------- 100k rows


def test_a_100k_row_readings_file_streams_in_chunks(tmp_path: Path, clean_db_url: str) -> None:
    customers, months = 5_000, 20
    with (tmp_path / "c.csv").open("w", encoding="utf-8") as handle:
        handle.write("customer_code,name,province,ward,reading_day\n")
        for n in range(customers):
            handle.write(f"PB0501{n:07d},Khách hàng {n},Tây Ninh,Phường Tân Ninh,10\n")
    assert run("customers", tmp_path / "c.csv", clean_db_url).inserted == customers

    path = tmp_path / "readings.csv"
    with path.open("w", encoding="utf-8") as handle:
        handle.write("customer_code,reading_date,old_index,new_index,source\n")
        for n in range(customers):
            index = 1_000 + n
            for month in range(months):
                year, month_number = 2025 + (month + 3) // 12, (month + 3) % 12 + 1
                handle.write(
                    f"PB0501{n:07d},10/{month_number:02d}/{year},{index},{index + 150 + month},read\n"
                )
                index += 150 + month
    started = time.perf_counter()
    report = run("readings", path, clean_db_url)
    seconds = time.perf_counter() - started
    print(f"\n100k readings import on {clean_db_url.split(':')[0]}: {seconds:.1f} s")
    assert report.ok and (report.read, report.inserted) == (100_000, 100_000)
    assert count(clean_db_url, MeterReading) == 100_000

    started = time.perf_counter()
    again = run("readings", path, clean_db_url)
    print(f"re-import (all unchanged): {time.perf_counter() - started:.1f} s")
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 100_000)
    with session_scope(clean_db_url) as session:
        starts = (
            session.execute(
                select(MeterReading.period_start)
                .join(Customer)
                .where(Customer.code == "PB05010000007")
                .order_by(MeterReading.reading_date)
            )
            .scalars()
            .all()
        )
    assert starts[:2] == [date(2025, 3, 11), date(2025, 4, 11)]  # chained within the file


def test_a_corrected_invoice_replaces_its_lines(tmp_path: Path, clean_db_url: str) -> None:
    two_customers(tmp_path, clean_db_url)
    header = "customer_code,period_start,period_end,kwh,issue_date,payment_date,payment_channel\n"
    first = write(tmp_path / "i1.csv", header + "PB05010000011,16/09/2026,15/10/2026,200,16/10/2026,,\n")
    assert run("invoices", first, clean_db_url).inserted == 1
    corrected = write(
        tmp_path / "i2.csv", header + "PB05010000011,16/09/2026,15/10/2026,300,16/10/2026,18/10/2026,momo\n"
    )
    report = run("invoices", corrected, clean_db_url)
    assert (report.inserted, report.updated, report.unchanged) == (0, 1, 0)
    with session_scope(clean_db_url) as session:
        invoice = session.execute(select(Invoice)).scalar_one()
        lines = (
            session.execute(select(InvoiceLine).where(InvoiceLine.invoice_id == invoice.id)).scalars().all()
        )
    assert (invoice.kwh, invoice.total, invoice.payment_channel) == (300, 798_660, "momo")
    assert sorted(line.tier for line in lines) == [1, 2, 3, 4]
    assert sum(line.amount for line in lines) == invoice.subtotal
