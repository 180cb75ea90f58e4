"""Run the web app: `python -m bot.web` (port from WEB_PORT, default 8080)."""

from aiohttp import web

from bot.config import load_settings
from bot.logs import configure_logging
from bot.web.app import create_app


def main() -> None:
    configure_logging()
    settings = load_settings()
    web.run_app(create_app(settings), host=settings.web_host, port=settings.web_port, print=None)


if __name__ == "__main__":
    main()
