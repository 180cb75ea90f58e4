"""Our Rasa input channels (credentials.yml names them by class path).

- ``bot.channels.rest.SecureRestInput`` ("rest") and ``bot.channels.callback.SecureCallbackInput``
  ("callback"): client-chosen conversation ids bound to a server-issued session token.
- ``bot.channels.webchat.WebchatInput`` ("socketio"): the website widget.
- ``bot.channels.zalo.ZaloInput`` ("zalo") and ``bot.channels.facebook.FacebookInput``
  ("facebook"): signature-checked webhooks, answered once, processed in the background.

Rules shared by all of them are in :mod:`bot.channels.base`; docs/channels.md has the
settings, webhook URLs and how to connect a real Official Account and Page.
"""
