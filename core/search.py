"""The search box of every list: each word typed must match somewhere.

「开云 康乐」 finds 开云镇康乐颐养院 (both words in its name) and 康乐之家 at 开云镇老街 (one in
the name, one in the address); a search is split on spaces (ASCII and full-width) and
commas (、，,), and every word must match one of the fields given.
"""

import re
from functools import reduce
from operator import and_, or_

from django.db.models import Q

SEPARATORS = re.compile(r"[\s\u3000,，、;；]+")


def words(text: str) -> list[str]:
    return [word for word in SEPARATORS.split(text or "") if word]


def search_q(text: str, *lookups: str) -> Q:
    """``Q`` for rows where every word of ``text`` matches one of ``lookups`` (such as
    ``"name__icontains"``); an empty ``Q`` (every row) when nothing was typed."""
    terms = words(text)
    if not terms:
        return Q()
    return reduce(
        and_, (reduce(or_, (Q(**{lookup: term}) for lookup in lookups)) for term in terms)
    )
