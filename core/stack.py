"""Room on CPython's frame stack for a whole request, so deep pages do not map memory per call.

CPython 3.11 keeps the frames of Python calls in chunks (16 KB at first) that it maps when a
call does not fit in the current one and unmaps as soon as that call returns. A loop deep in
a call stack that sits at a chunk's edge so maps and unmaps memory at every call
(python/cpython#142183; 3.13 keeps one chunk in reserve, 3.11 and 3.12 do not). A page
renders templates, form widgets and table cells a few hundred calls deep: in a gunicorn
worker the registry list made ~1,400 mmap/munmap pairs per page, a third of its CPU time
spent in the kernel (docs/performance.md, "load").

``with_room(func)`` runs ``func`` in a frame that asks for a large chunk of its own: every
call made inside it finds room in that chunk, and the chunk is mapped once per call of
``func`` (a request) instead of once per crossing.
"""

import functools
import sys

# Slots (8 bytes each) of the outer frame's value stack. CPython puts a frame that does not
# fit into a new chunk of 16 KB doubled until it holds the frame and 1,000 slots more:
# 65,000 slots take a 1 MB chunk, and leave ~500 KB of it to the calls inside (a page's
# deepest stack is under 100 KB).
ROOM_SLOTS = 65_000


def needs_room() -> bool:
    """Whether this interpreter frees a stack chunk as soon as its first frame returns."""
    return sys.implementation.name == "cpython" and (3, 11) <= sys.version_info[:2] < (3, 13)


def with_room(func):
    """``func``, called in a frame with ~500 KB of frame stack above it (on the CPython
    versions that need it; elsewhere ``func`` itself)."""
    if not needs_room():
        return func

    def call(*args, **kwargs):
        return func(*args, **kwargs)

    # A larger value stack than the code uses is harmless: CPython reserves it, never reads it.
    call.__code__ = call.__code__.replace(co_stacksize=ROOM_SLOTS)
    return functools.wraps(func)(call)
