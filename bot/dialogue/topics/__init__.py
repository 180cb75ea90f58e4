"""Topic handlers: each answers one kind of question (or asks what it needs).

A handler is ``handle(ctx, question) -> Asked | None``: it says its answer through
``ctx.say`` and records what the customer now sees in ``ctx.state``; when something is
missing it asks for it (``ctx.ask``) and returns the :class:`~bot.dialogue.context.Asked`.
"""
