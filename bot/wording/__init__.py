"""What customers (and agents) read: Vietnamese templates that render service results.

One module per topic (:mod:`.billing`, :mod:`.meter`, :mod:`.explain`, :mod:`.tariff`,
:mod:`.requests`, :mod:`.customers`, :mod:`.outage`, :mod:`.outage_report`,
:mod:`.restore`, :mod:`.hazard`) and :mod:`.common` for what they share: the hotline
and the utility's names come from :mod:`bot.config`, the one "database down" apology,
times and dates as customers read them.

Rules: plain functions from typed results to text (and quick-reply buttons as
``{"title", "payload"}`` dicts); polite southern Vietnamese ("Dạ", "anh/chị"); money
``798.660 đ``, dates ``15/10/2026``; never a customer's full name or phone number.
Wording may import :mod:`bot.domain` and the services' result types, never the
database, Rasa or the dialogue.
"""
