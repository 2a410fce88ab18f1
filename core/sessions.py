"""Sessions that end after ``SESSION_COOKIE_AGE`` seconds without a request (30 minutes),
written at most once a minute.

``SESSION_SAVE_EVERY_REQUEST`` gave the sliding expiry but wrote the session's row on every
page view: a query per request, and the one write of most pages (docs/performance.md). Here a
request extends the session only when its last extension is ``SESSION_REFRESH_SECONDS`` old,
so a session ends between 29 and 30 minutes after the last request.
"""

import time

from django.conf import settings
from django.contrib.sessions.middleware import SessionMiddleware

REFRESHED_AT = "_refreshed_at"


class SlidingSessionMiddleware(SessionMiddleware):
    def process_response(self, request, response):
        session = getattr(request, "session", None)
        if session is not None and session.accessed and not session.is_empty():
            now = int(time.time())
            if now - session.get(REFRESHED_AT, 0) >= settings.SESSION_REFRESH_SECONDS:
                session[REFRESHED_AT] = now
        return super().process_response(request, response)


def stamp_login(sender, request, user, **kwargs):
    """A login writes the session anyway: it counts as its latest extension."""
    if request is not None and hasattr(request, "session"):
        request.session[REFRESHED_AT] = int(time.time())
