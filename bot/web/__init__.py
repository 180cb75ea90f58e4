"""The aiohttp web app: health now; the widget page, agent desk and handoff API later."""
