"""Run the web app: `python -m bot.web` (port from WEB_PORT, default 8080).

Exit code 78 (not restarted by the supervisor) when BOT_ENV is unknown or, in
production, OPERATOR_TOKEN is set but weak (unset: the detailed health page refuses
everyone).
"""

import logging
import sys

from aiohttp import web

from bot.config import load_settings
from bot.logs import configure_logging
from bot.tokens import EXIT_CONFIG, OPERATOR_TOKEN, secret_problem
from bot.web.app import create_app

log = logging.getLogger("bot.web")


def main() -> int:
    configure_logging()
    try:
        settings = load_settings()
    except ValueError as error:
        log.error("refusing to start: %s", error)
        return EXIT_CONFIG
    if settings.is_production and settings.operator_token:
        problem = secret_problem(settings.operator_token, strict=True)
        if problem:
            log.error("refusing to start: %s %s", OPERATOR_TOKEN, problem)
            return EXIT_CONFIG
    log.info("web app on %s:%d", settings.web_host, settings.web_port)
    app = create_app(settings, desk_background=True)  # the desk reads Rasa's events here
    web.run_app(app, host=settings.web_host, port=settings.web_port, print=None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
