"""Screening's reads that need thought, one module per topic of ``models/``.

The "四看" review's figures (``four_looks``), each township's progress against the round
windows (``rounds``), the spot-check draws (``spot_checks``) and what an institution's page
shows of its screening (``records``) are answered here in a fixed number of queries, every
query starting from a model's ``visible_to(user)``. Writes are in ``services/``.
"""
