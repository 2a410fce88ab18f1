import os

from django.core.wsgi import get_wsgi_application

from core.stack import with_room

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
# Each request in a frame with room above it: CPython 3.11 would otherwise map and unmap a
# stack chunk at every call that crosses a chunk's edge (core/stack.py).
application = with_room(get_wsgi_application())
