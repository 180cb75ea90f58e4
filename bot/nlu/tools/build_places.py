"""Build bot/nlu/resources/places.json, the gazetteer of the area entity.

Run by hand when the administrative data packages change:
``python -m bot.nlu.tools.build_places``. It reads the current provinces and wards
from ``vietnam-provinces`` and the pre-2025 provinces, districts and wards from
``vietnam-address-converter``'s tables (its slow converter index is never built),
keeps the southern provinces and writes names only: resolving an old name to the
current ward is the services' job.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from bot.nlu.core.resources import DEFAULT_RESOURCES_DIR, PLACES_FILE

NEW_SOUTHERN = {
    "Khánh Hòa", "Lâm Đồng", "Đồng Nai", "Thành phố Hồ Chí Minh", "Tây Ninh", "Đồng Tháp",
    "Vĩnh Long", "An Giang", "Thành phố Cần Thơ", "Cà Mau",
}
OLD_SOUTHERN = {
    "An Giang", "Bình Thuận", "Đắk Nông", "Lâm Đồng", "Bình Dương", "Trà Vinh",
    "Bà Rịa-Vũng Tàu", "Hồ Chí Minh", "Đồng Tháp", "Long An", "Tiền Giang", "Cần Thơ",
    "Bến Tre", "Ninh Thuận", "Bình Phước", "Bạc Liêu", "Đồng Nai", "Hậu Giang",
    "Kiên Giang", "Sóc Trăng", "Cà Mau", "Vĩnh Long", "Tây Ninh", "Khánh Hòa",
}
_TYPES = ("Thành phố", "Thị trấn", "Thị xã", "Đặc khu", "Phường", "Quận", "Huyện", "Tỉnh", "Xã")


def split_type(name_with_type: str) -> tuple[str, str]:
    """``Phường An Khánh`` -> (``Phường``, ``An Khánh``)."""
    for kind in _TYPES:
        if name_with_type.lower().startswith(kind.lower() + " "):
            return kind, name_with_type[len(kind) + 1 :].strip()
    return "", name_with_type.strip()


def _province_name(name: str) -> str:
    return re.sub(r"^(Thành phố|Tỉnh)\s+", "", name, flags=re.IGNORECASE).strip()


def build() -> dict[str, object]:
    from vietnam_address_converter import data as old
    from vietnam_provinces import NESTED_DIVISIONS_JSON_PATH

    provinces: set[str] = set()
    wards: set[tuple[str, str]] = set()
    districts: set[tuple[str, str]] = set()

    for province in json.loads(Path(NESTED_DIVISIONS_JSON_PATH).read_text(encoding="utf-8")):
        if province["name"] not in NEW_SOUTHERN:
            continue
        provinces.add(_province_name(province["name"]))
        for ward in province.get("wards", []):
            wards.add(split_type(ward["name"]))

    for row in old.mapping["rows"]:
        province = _province_name(row["old"]["province_name"])
        if province not in OLD_SOUTHERN:
            continue
        provinces.add(province.replace("-", " - ") if "-" in province else province)
        districts.add(split_type(row["old"]["district_name"]))
        wards.add(split_type(row["old"]["ward_name"]))

    def rows(items: set[tuple[str, str]]) -> list[str]:
        return [f"{kind}|{name}" for kind, name in sorted(items) if name]

    return {
        "provinces": sorted(provinces),
        "districts": rows(districts),
        "wards": rows(wards),
    }


def main() -> None:
    target = DEFAULT_RESOURCES_DIR / PLACES_FILE
    data = build()
    lines = ",\n".join(
        f"{json.dumps(key)}: [\n" + ",\n".join(json.dumps(v, ensure_ascii=False) for v in values) + "\n]"
        for key, values in data.items()
    )
    target.write_text("{\n" + lines + "\n}\n", encoding="utf-8")
    print(
        f"wrote {target}: {len(data['provinces'])} provinces, "
        f"{len(data['districts'])} districts, {len(data['wards'])} wards"
    )


if __name__ == "__main__":
    main()
