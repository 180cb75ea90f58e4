import logging

from bot.logs import PersonalDataFilter, mask_phones


def test_phone_numbers_are_masked_in_every_form() -> None:
    for phone in ("0908111321", "0908 111 321", "+84908111321", "84-908-111-321"):
        masked = mask_phones(f"khách {phone} gọi")
        assert "111" not in masked and masked.endswith("***21 gọi"), masked


def test_codes_amounts_and_dates_are_left_alone() -> None:
    text = "PB05010000001 nợ 798.660 đ hạn 15/10/2026 1321"
    assert mask_phones(text) == text


def test_filter_masks_formatted_log_records(caplog) -> None:
    logger = logging.getLogger("test.pii")
    logger.addFilter(PersonalDataFilter())
    with caplog.at_level(logging.INFO, logger="test.pii"):
        logger.info("verification for %s", "0939222654")
    assert "0939222654" not in caplog.text
    assert "***54" in caplog.text
