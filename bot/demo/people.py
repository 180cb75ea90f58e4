"""Fictional people for the demo data: Vietnamese names and mobile numbers.

Every name and number is drawn at random from common parts; none is a real
customer's record. The fixture customers (bot/demo/fixtures.py) are fictional too.
"""

from __future__ import annotations

import random

# Family names with rough frequencies (Nguyễn is about 38%).
FAMILY_NAMES = (
    ("Nguyễn", 38),
    ("Trần", 11),
    ("Lê", 9),
    ("Phạm", 7),
    ("Huỳnh", 5),
    ("Võ", 4),
    ("Phan", 4),
    ("Trương", 2),
    ("Đặng", 2),
    ("Bùi", 2),
    ("Đỗ", 2),
    ("Hồ", 2),
    ("Ngô", 2),
    ("Dương", 2),
    ("Lý", 2),
    ("Đoàn", 1),
    ("Lâm", 1),
    ("Mai", 1),
    ("Tô", 1),
    ("Châu", 1),
    ("Thạch", 1),  # common among Khmer families in Trà Vinh, Sóc Trăng
)
MALE_MIDDLE = ("Văn", "Văn", "Văn", "Hoàng", "Minh", "Thanh", "Hữu", "Đức", "Quốc", "Công", "Tấn", "Phước")
FEMALE_MIDDLE = ("Thị", "Thị", "Thị", "Ngọc", "Thanh", "Kim", "Thu", "Mỹ", "Bích", "Hồng", "Thùy", "Diễm")
MALE_GIVEN = (
    "An",
    "Bảo",
    "Bình",
    "Cường",
    "Danh",
    "Dũng",
    "Duy",
    "Hải",
    "Hậu",
    "Hiếu",
    "Hòa",
    "Hùng",
    "Huy",
    "Khang",
    "Khoa",
    "Kiệt",
    "Lộc",
    "Long",
    "Luân",
    "Minh",
    "Nam",
    "Nghĩa",
    "Nhân",
    "Phát",
    "Phong",
    "Phúc",
    "Quang",
    "Sang",
    "Sơn",
    "Tài",
    "Tâm",
    "Tân",
    "Thắng",
    "Thành",
    "Thịnh",
    "Toàn",
    "Trí",
    "Trung",
    "Tuấn",
    "Vinh",
    "Vũ",
    "Đạt",
    "Út",
    "Tư",
    "Sáu",
    "Bảy",
)
FEMALE_GIVEN = (
    "Anh",
    "Bích",
    "Châu",
    "Diễm",
    "Dung",
    "Duyên",
    "Giang",
    "Hà",
    "Hạnh",
    "Hằng",
    "Hiền",
    "Hoa",
    "Hồng",
    "Hương",
    "Lan",
    "Linh",
    "Loan",
    "Mai",
    "My",
    "Nga",
    "Ngân",
    "Nhi",
    "Nhung",
    "Oanh",
    "Phương",
    "Quyên",
    "Tâm",
    "Thảo",
    "Thu",
    "Thủy",
    "Trang",
    "Trinh",
    "Tuyết",
    "Uyên",
    "Vân",
    "Vy",
    "Xuân",
    "Yến",
    "Út",
    "Ba",
    "Năm",
)
# Mobile prefixes in use (Viettel, VinaPhone, MobiFone, Vietnamobile).
MOBILE_PREFIXES = (
    "086",
    "096",
    "097",
    "098",
    "032",
    "033",
    "034",
    "035",
    "036",
    "037",
    "038",
    "039",
    "088",
    "091",
    "094",
    "081",
    "082",
    "083",
    "084",
    "085",
    "089",
    "090",
    "093",
    "070",
    "076",
    "077",
    "078",
    "079",
    "092",
    "056",
    "058",
)

_FAMILY, _FAMILY_WEIGHTS = zip(*FAMILY_NAMES, strict=True)


def person_name(rng: random.Random) -> str:
    family = rng.choices(_FAMILY, weights=_FAMILY_WEIGHTS)[0]
    if rng.random() < 0.5:
        return f"{family} {rng.choice(MALE_MIDDLE)} {rng.choice(MALE_GIVEN)}"
    return f"{family} {rng.choice(FEMALE_MIDDLE)} {rng.choice(FEMALE_GIVEN)}"


def mobile_number(rng: random.Random, avoid: frozenset[str] = frozenset()) -> str:
    while True:
        number = rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10_000_000):07d}"
        if number not in avoid:
            return number
