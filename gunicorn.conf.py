"""gunicorn's settings. gunicorn reads ``./gunicorn.conf.py`` by itself, so ``gunicorn config.wsgi``
in the image, in docker-compose.yml, in ``make load`` and in ``make bench`` all run this way.

Both numbers come from the environment, with a default made for the machine:

- ``WEB_CONCURRENCY``: worker processes, ``2 * cores + 1`` by default (gunicorn's own advice).
  A Trellis request spends much of its time waiting on PostgreSQL, so a core serves about two
  workers; each worker holds one database connection per thread.
- ``WEB_THREADS``: threads per worker, 1 by default (the plain sync worker). More than one
  switches to gunicorn's threaded worker, which helps when PostgreSQL is on another machine
  and each request waits longer on the network. Count the connections before raising it:
  workers * threads must stay under PostgreSQL's ``max_connections`` (100 by default) less
  what the task worker and the scheduler use.
"""

import os


def _number(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value.isdigit() and int(value) > 0 else default


workers = _number("WEB_CONCURRENCY", 2 * (os.cpu_count() or 1) + 1)
threads = _number("WEB_THREADS", 1)
# A request that takes longer than this is a bug, not a slow page; the worker is replaced.
timeout = 30
graceful_timeout = 10
