"""The "needs attention now" panel, offered to every page that includes it.

The home page and the risk list show the panel (``portal/_attention.html``); the risk list
belongs to a lower app, which must not import this one, so the panel's data comes to its
template through the context, lazily: a page that does not show the panel runs no query.
"""

from django.utils.functional import SimpleLazyObject

from .attention import needs_attention


def attention(request):
    user = getattr(request, "user", None)
    if user is None:
        return {}
    return {"attention": SimpleLazyObject(lambda: needs_attention(user))}
