"""Vietnamese templates that render results for the customer (one module per topic).

Hotline numbers come from configuration (``bot.config``), never written out here.
Customer-facing text: polite southern Vietnamese ("Dạ", "anh/chị", "nha"), money
``798.660 đ``, dates ``15/10/2026``, no nested brackets.
"""
