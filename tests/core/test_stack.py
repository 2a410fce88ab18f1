"""``core.stack.with_room``: deep calls inside it do not map a stack chunk per call.

CPython 3.11 maps a new chunk of frame stack when a call does not fit and unmaps it when the
call returns; a loop whose calls sit at a chunk's edge maps fresh memory at every call, and
each fresh mapping costs a page fault when touched. The page faults of the process
(``ru_minflt``) show it without counting system calls.
"""

import resource

import pytest

from core.stack import ROOM_SLOTS, needs_room, with_room

pytestmark = pytest.mark.skipif(not needs_room(), reason="this CPython keeps a spare chunk")

CALLS_PER_DEPTH = 300


def _leaf():
    return None


def _descend(depth):
    if depth:
        return _descend(depth - 1)
    for _ in range(CALLS_PER_DEPTH):
        _leaf()
    return None


def _calls_at_every_depth():
    """A loop of calls at each depth from 0 to 400 frames (~40 KB of frames): at one of
    them, at least, the loop's calls cross a chunk's edge (chunks are 16 KB)."""
    for depth in range(400):
        _descend(depth)


def _page_faults(func):
    func()  # the first run touches whatever it needs once
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    func()
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before


def test_calls_at_a_chunks_edge_map_memory_at_every_call_without_room():
    # What with_room is for: CALLS_PER_DEPTH fresh mappings at the depth at the edge.
    assert _page_faults(_calls_at_every_depth) >= CALLS_PER_DEPTH


def test_with_room_the_same_calls_map_nothing_new():
    assert _page_faults(with_room(_calls_at_every_depth)) < CALLS_PER_DEPTH // 10


def test_with_room_returns_what_the_function_returns_and_raises_what_it_raises():
    assert with_room(lambda a, *, b: (a, b))(1, b=2) == (1, 2)

    def fails():
        raise LookupError("kept")

    with pytest.raises(LookupError, match="kept"):
        with_room(fails)()


def test_every_request_of_the_wsgi_application_runs_with_room():
    from config.wsgi import application

    assert application.__code__.co_stacksize >= ROOM_SLOTS
