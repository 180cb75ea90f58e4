import io
import logging

import structlog
from sqlalchemy.exc import OperationalError

from bot.logs import (
    PersonalDataFilter,
    configure_structlog,
    effective_level,
    format_exception,
    install_record_factory,
    mask_phones,
    sanitize,
)


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


# ---------------------------------------------------------------- every process, every logger

PHONE = "0908111321"
NAME = "Nguyễn Thị Minh Khai"


def _own_handler_logger(name: str) -> tuple[logging.Logger, io.StringIO]:
    """A logger with its own handler and formatter, as Sanic configures its loggers."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    logger = logging.getLogger(name)
    logger.handlers[:] = [handler]
    logger.propagate = False
    logger.setLevel(logging.DEBUG)
    return logger, stream


def test_records_are_masked_at_creation_whatever_handler_writes_them() -> None:
    install_record_factory()
    logger, stream = _own_handler_logger("test.own_handler")
    logger.error("GET /conversations/%s/tracker?token=%s", PHONE, "s3cr3t-token")
    line = stream.getvalue()
    assert PHONE not in line and "s3cr3t-token" not in line
    assert "***21" in line and "token=***" in line


def test_tracebacks_carry_no_local_variables_and_are_masked() -> None:
    install_record_factory()
    logger, stream = _own_handler_logger("test.traceback")

    def lookup(customer_name: str, phone: str) -> None:
        raise ValueError(f"no customer for {phone}")

    try:
        lookup(NAME, PHONE)
    except ValueError:
        logger.exception("lookup failed")
    text = stream.getvalue()
    assert "Traceback" in text and "lookup" in text
    assert NAME not in text, "local variables must not be rendered"
    assert PHONE not in text and "***21" in text


def test_sql_parameters_never_reach_a_log_line() -> None:
    error = OperationalError(
        "SELECT * FROM customers WHERE phone = ? AND name = ?", (PHONE, NAME), Exception("database is locked")
    )
    rendered = format_exception(error)
    assert NAME not in rendered and PHONE not in rendered
    assert "[parameters hidden]" in rendered and "database is locked" in rendered
    assert NAME not in sanitize(str(error))


def test_structlog_error_events_drop_message_text_and_mask_the_rest(caplog) -> None:
    install_record_factory()
    configure_structlog(logging.INFO)
    logger = structlog.get_logger("rasa.core.channels.rest")
    with caplog.at_level(logging.INFO):
        logger.error("rest.message.received.failure", text=f"Tôi là {NAME}, số {PHONE}", sender_id=PHONE)
        logger.info("processor.slots", customer_code="PB01010000101")
    text = caplog.text
    assert "rest.message.received.failure" in text
    assert NAME not in text and PHONE not in text
    assert "text='<redacted" in text and "***21" in text
    assert "PB01010000101" in text, "customer codes may be logged"


def test_structlog_exceptions_render_without_locals(caplog) -> None:
    install_record_factory()
    configure_structlog(logging.INFO)
    logger = structlog.get_logger("rasa.test")

    def handle(user_message: str) -> None:
        raise RuntimeError("boom")

    with caplog.at_level(logging.INFO):
        try:
            handle(f"{NAME} {PHONE}")
        except RuntimeError:
            logger.exception("processor.failure")
    assert "RuntimeError: boom" in caplog.text
    assert NAME not in caplog.text and PHONE not in caplog.text


def test_production_never_logs_below_info(monkeypatch) -> None:
    monkeypatch.setenv("BOT_ENV", "production")
    assert effective_level("DEBUG") == logging.INFO
    assert effective_level("WARNING") == logging.WARNING
    monkeypatch.setenv("BOT_ENV", "development")
    assert effective_level("DEBUG") == logging.DEBUG


def test_an_event_rasa_logs_per_failed_item_is_logged_once_a_minute(caplog, monkeypatch) -> None:
    import bot.logs

    monkeypatch.setattr(bot.logs, "_repeats", {})
    install_record_factory()
    configure_structlog(logging.INFO)
    logger = structlog.get_logger("rasa.core.brokers.pika")
    with caplog.at_level(logging.INFO):
        for _ in range(200):
            logger.error("pika.events.publish.failed", host="127.0.0.1", rasa_event={"text": NAME})
    lines = [r.getMessage() for r in caplog.records if "pika.events.publish.failed" in r.getMessage()]
    assert len(lines) == 1 and NAME not in lines[0]
    monkeypatch.setattr(bot.logs, "REPEAT_WINDOW_S", 0.0)
    with caplog.at_level(logging.INFO):
        logger.error("pika.events.publish.failed", host="127.0.0.1")
    assert "199 more since the previous line" in caplog.text


def test_a_line_that_cannot_be_sanitized_is_dropped_not_written_in_clear(monkeypatch) -> None:
    import bot.logs

    install_record_factory()
    logger, stream = _own_handler_logger("test.unsanitizable")

    def broken(_text: str) -> str:
        raise ImportError("sys.meta_path is None, Python is likely shutting down")

    monkeypatch.setattr(bot.logs, "sanitize", broken)
    logger.error("customer %s", PHONE)
    assert PHONE not in stream.getvalue() and "could not be sanitized" in stream.getvalue()
