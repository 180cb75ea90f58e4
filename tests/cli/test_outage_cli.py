"""`python -m bot outage ...`, the CSV import of outages and `python -m bot notify status`:
operators' changes queue the subscribers' notices at once; the same file imported again
queues nothing."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from bot import cli, clock
from bot.services import unit_of_work
from tests.notices.helpers import rows, subscribe

VN = clock.VN_TZ


def run(url: str, *args: str) -> int:
    return cli.main([*args, "--database-url", url])


@pytest.fixture
def world(outage_db: str) -> str:
    subscribe(outage_db, "callback", "an", "PB11020000102")  # station PB1102-T002
    subscribe(outage_db, "socketio", "binh", "PB11020000103")
    return outage_db


def test_add_queues_the_announcement_and_the_reminder(world: str, capsys) -> None:
    assert (
        run(
            world,
            "outage",
            "add",
            "--station",
            "PB1102-T002",
            "--start",
            "15/12/2026 07:30",
            "--end",
            "16:00",
            "--reason",
            "Thay máy biến áp",
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "Added planned outage KH-261215-0001 (15/12/2026 07:30 – 15/12/2026 16:00) on PB1102-T002." in out
    assert (
        "Notices queued: 2 announcement(s), 2 day-before reminder(s); announcement due 08/12/2026 08:00"
        in out
    )
    assert "reminder due 14/12/2026 08:00" in out
    queued = rows(world, event_ref="KH-261215-0001")
    assert sorted((r["conversation_id"], r["kind"]) for r in queued) == [
        ("an", "planned"),
        ("an", "reminder"),
        ("web:binh", "planned"),
        ("web:binh", "reminder"),
    ]
    with unit_of_work(world) as uow:
        outage = uow.outages.planned("KH-261215-0001")
        assert (
            outage.ends_at == datetime(2026, 12, 15, 16, 0, tzinfo=VN) and outage.reason == "Thay máy biến áp"
        )
        assert [(w.province, w.ward) for w in outage.wards] == [("Thành phố Cần Thơ", "Phường Tân An")]


def test_add_says_when_the_notice_is_late(world: str, capsys) -> None:
    assert (
        run(
            world,
            "outage",
            "add",
            "--station",
            "PB1102-T002",
            "--start",
            "29/11/2026 13:00",
            "--end",
            "17:00",
            "--reason",
            "Sửa chữa",
        )
        == 0
    )
    assert "less than the 5 days' notice the rules require: announced at once" in capsys.readouterr().out


def test_move_and_cancel_queue_corrections_for_those_told(world: str, capsys) -> None:
    run(
        world,
        "outage",
        "add",
        "--station",
        "PB1102-T002",
        "--start",
        "01/12/2026 07:30",
        "--end",
        "11:00",
        "--reason",
        "Bảo trì",
        "--code",
        "KH-TEST-1",
    )
    with unit_of_work(world) as uow:  # the announcements went out
        for row in uow.notices.event_rows("KH-TEST-1", ["planned"]):
            row.status = "sent"
    capsys.readouterr()
    assert run(world, "outage", "move", "KH-TEST-1", "--start", "02/12/2026 13:00", "--end", "17:00") == 0
    assert "Notices queued: 2 correction (new times)(s), 2 day-before reminder(s)" in capsys.readouterr().out
    assert run(world, "outage", "cancel", "KH-TEST-1") == 0
    out = capsys.readouterr().out
    assert "Cancelled planned outage KH-TEST-1" in out and "2 correction (cancelled)(s)" in out
    assert run(world, "outage", "cancel", "KH-TEST-1") == 1
    assert "is cancelled already" in capsys.readouterr().err
    assert run(world, "outage", "show", "KH-TEST-1") == 0
    shown = capsys.readouterr().out
    assert "Planned outage KH-TEST-1: cancelled" in shown and "correction (cancelled): pending 2" in shown


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (["--station", "NOPE", "--start", "01/12/2026 07:30", "--end", "11:00"], "no station 'NOPE'"),
        (
            ["--station", "PB1102-T002", "--start", "01/12/2026 07:30", "--end", "01/12/2026 07:00"],
            "the end must be after the start",
        ),
        (
            ["--station", "PB1102-T002", "--start", "20/11/2026 07:30", "--end", "11:00"],
            "would already be over",
        ),
        (
            ["--ward", "Phường Tân An", "--start", "01/12/2026 07:30", "--end", "11:00"],
            "wards need their province",
        ),
        (["--start", "01/12/2026 07:30", "--end", "11:00"], "an outage needs stations or wards"),
        (["--station", "PB1102-T002", "--start", "mai", "--end", "11:00"], "cannot read the time 'mai'"),
    ],
)
def test_bad_requests_are_refused_with_the_reason(world: str, capsys, args: list[str], error: str) -> None:
    assert run(world, "outage", "add", "--reason", "x", *args) == 1
    assert error in capsys.readouterr().err
    assert rows(world) == [] or all(r["event_ref"].startswith("KH2") for r in rows(world))


def test_list_shows_what_is_to_come(world: str, capsys) -> None:
    assert run(world, "outage", "list") == 0
    out = capsys.readouterr().out
    assert "KH26120301" in out and "KH26121001" in out and "KH26112701" in out  # under way: not over
    assert "KH26112901" in out  # cancelled, in the future


CSV = """code,starts_at,ends_at,reason,area,stations
CSV-1,{start},{end},Bảo trì đường dây,TBA Tân An 2,PB1102-T002
"""


def test_importing_outages_queues_notices_once_and_corrects_a_moved_one(
    world: str, tmp_path: Path, capsys
) -> None:
    path = tmp_path / "outages.csv"
    path.write_text(CSV.format(start="01/12/2026 07:30", end="01/12/2026 11:00"), encoding="utf-8")
    assert run(world, "import", "outages", str(path)) == 0
    assert "notices queued for subscribers:" in capsys.readouterr().out
    first = [(r["conversation_id"], r["kind"], r["version"]) for r in rows(world, event_ref="CSV-1")]
    assert sorted(first) == [
        ("an", "planned", 1),
        ("an", "reminder", 1),
        ("web:binh", "planned", 1),
        ("web:binh", "reminder", 1),
    ]
    assert run(world, "import", "outages", str(path)) == 0  # the same file again
    out = capsys.readouterr().out
    assert "unchanged 1" in out and "notices queued" not in out
    assert [(r["conversation_id"], r["kind"], r["version"]) for r in rows(world, event_ref="CSV-1")] == first
    with unit_of_work(world) as uow:
        for row in uow.notices.event_rows("CSV-1", ["planned"]):
            row.status = "sent"
    path.write_text(CSV.format(start="02/12/2026 07:30", end="02/12/2026 11:00"), encoding="utf-8")
    assert run(world, "import", "outages", str(path)) == 0
    moved = rows(world, event_ref="CSV-1", kind="moved")
    assert sorted(r["conversation_id"] for r in moved) == ["an", "web:binh"]
    assert moved[0]["previous_starts_at"] == datetime(2026, 12, 1, 7, 30, tzinfo=VN)


def test_notify_status_shows_counts_by_channel(world: str, capsys) -> None:
    run(
        world,
        "outage",
        "add",
        "--station",
        "PB1102-T002",
        "--start",
        "01/12/2026 07:30",
        "--end",
        "11:00",
        "--reason",
        "Bảo trì",
    )
    capsys.readouterr()
    assert run(world, "notify", "status") == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split()[:4] == ["CHANNEL", "PENDING", "SENDING", "SENT"]
    callback = next(line for line in out if line.startswith("callback"))
    assert callback.split()[1] == "2" and callback.split()[-1] == "1"  # 2 pending, 1 subscriber
