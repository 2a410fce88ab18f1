"""django-tables2 asks ``inspect.signature`` of a column's render function for every cell it
renders (``utils.call_with_appropriate``): on the registry and risk lists that was a sixth of
the page's CPU (docs/performance.md, "load"). A function's signature does not change, so it
is computed once per function (weakly held: functions made per request go with it)."""

import weakref

from django_tables2 import utils

_uncached = utils.signature
_signatures: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def signature(fn):
    """``django_tables2.utils.signature``, once per function (and once for its bound form)."""
    function = getattr(fn, "__func__", fn)
    bound = function is not fn
    try:
        known = _signatures.setdefault(function, {})
    except TypeError:  # neither hashable nor weakly referable: not worth keeping
        return _uncached(fn)
    if bound not in known:
        known[bound] = _uncached(fn)
    return known[bound]


def install():
    utils.signature = signature
