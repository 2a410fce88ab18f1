"""Screening's reads that need thought, one module per topic of ``models/`` (and the "四看"
review, ``four_looks``, which reads across them).

Each answers a page in a fixed number of queries, every query starting from a model's
``visible_to(user)``: the review's figures and lists (``four_looks``), each township's
progress against the round windows (``rounds``), the spot-check draws (``spot_checks``),
what an institution's page shows of its screening (``records``), the one ledger of refunds
(``refunds``: every refund figure of every page and table), the visit pages' reads and the
registry's 收取大额预付费 as the visits found it (``visits``) and the matches waiting for a
person (``outside``). Writes are in ``services/``.
"""
