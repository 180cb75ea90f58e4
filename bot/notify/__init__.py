"""The notifier: the process that sends outage notices (``python -m bot notify run``).

- :mod:`bot.notify.notifier`: one round = find new and changed events (queue their
  notices), take over notices interrupted by a stopped notifier, send what is due;
  ``run`` repeats rounds, ``send-due`` runs one.
- :mod:`bot.notify.routes`: how a notice reaches each channel — Zalo and Messenger through
  their platform clients, the website widget and the callback channel through Rasa's HTTP
  API (a bot event appended to the conversation with ``output_channel``).
- :mod:`bot.notify.pacing`: per-channel rate limits.

What to send and what was sent are the services' (:mod:`bot.services.notice_sync`,
:mod:`bot.services.notice_delivery`); the words are :mod:`bot.wording.notices`.
"""
