"""gunicorn's settings, read from the project's folder: the production command in the README
and the benchmarks (devtools/bench.py) serve with the same workers.

Sync workers, as many as the pages can use beside PostgreSQL on the same cores: the pages
are CPU-bound (templates, the ORM), and each worker warms its own caches (compiled panel
statements, templates, form fragments). On two cores the 100-user load test answered best
with 2–3 workers, worse with 4 or 6 (docs/performance.md, "load"). ``WEB_CONCURRENCY`` (or
``--workers``) sets it for a larger machine.
"""

import os

workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
