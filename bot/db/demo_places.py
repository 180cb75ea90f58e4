"""What the demo data adds to the places gazetteer: the fixture customers' places,
street names and hamlet words.

The places themselves (``PB_PROVINCES``, ``Place``, ``southern_places``: southern
wards with the old names they come from) are the gazetteer's
(:mod:`bot.domain.places`), re-exported here for the demo generator.
"""

from __future__ import annotations

from bot.domain.places import PB_PROVINCES, Place, southern_places

__all__ = ["FIXTURE_PLACES", "HAMLETS", "PB_PROVINCES", "STREETS", "Place", "southern_places"]

# The fixture customers' places (issue 3, DOMAIN.md "Places and time"); each is one of
# southern_places() (tests/domain/test_places.py checks it).
FIXTURE_PLACES: dict[str, Place] = {
    "05": Place("05", "Tây Ninh", "Thành phố Tây Ninh", "Phường 1", "Tây Ninh", "Phường Tân Ninh"),
    "11": Place("11", "Cần Thơ", "Quận Ninh Kiều", "Phường An Khánh", "Thành phố Cần Thơ", "Phường Tân An"),
    "14": Place("14", "Cà Mau", "Thành phố Cà Mau", "Phường 5", "Cà Mau", "Phường Tân Thành"),
}


# ------------------------------------------------------------------ street names

STREETS = (
    "Đường 30 Tháng 4",
    "Đường Cách Mạng Tháng Tám",
    "Đường Trần Hưng Đạo",
    "Đường Nguyễn Trãi",
    "Đường Lê Lợi",
    "Đường Hùng Vương",
    "Đường Nguyễn Văn Cừ",
    "Đường 3 Tháng 2",
    "Đường Lý Thường Kiệt",
    "Đường Nguyễn Thị Minh Khai",
    "Đường Phan Đình Phùng",
    "Đường Trần Phú",
    "Đường Võ Văn Kiệt",
    "Đường Mậu Thân",
    "Đường Lê Hồng Phong",
    "Đường Nguyễn Huệ",
)
HAMLETS = ("Ấp", "Khóm", "Khu phố")
