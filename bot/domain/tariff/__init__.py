"""The residential tariff: schedule types (:mod:`.model`), reading ``data/tariffs.yml``
(:mod:`.loader`) and the bill from kWh and dates (:mod:`.engine`).

The names below are the package's public interface; import them from here.
"""

from bot.domain.tariff.engine import (
    Bill,
    BillLine,
    BillSegment,
    VatLine,
    compute_bill,
    days_in_month_before,
    prorated_widths,
    split_kwh_by_days,
)
from bot.domain.tariff.loader import (
    DEFAULT_TARIFF_FILE,
    clear_schedule_cache,
    load_schedule,
    schedule_from_dict,
)
from bot.domain.tariff.model import (
    TariffDataError,
    TariffSchedule,
    TariffVersion,
    Tier,
    VatPeriod,
    VatSplitPolicy,
    ratio_half_up,
    round_half_up,
)

__all__ = [
    "DEFAULT_TARIFF_FILE",
    "Bill",
    "BillLine",
    "BillSegment",
    "TariffDataError",
    "TariffSchedule",
    "TariffVersion",
    "Tier",
    "VatLine",
    "VatPeriod",
    "VatSplitPolicy",
    "clear_schedule_cache",
    "compute_bill",
    "days_in_month_before",
    "load_schedule",
    "prorated_widths",
    "ratio_half_up",
    "round_half_up",
    "schedule_from_dict",
    "split_kwh_by_days",
]
