"""Static files as production serves them, also under ``make run``.

Whitenoise's ``CompressedManifestStaticFilesStorage`` gives each collected file a name with
its content's hash and a gzip and a brotli copy, and whitenoise serves hashed names with a
cache lifetime of ten years (``immutable``): a browser downloads plotly.js and Bootstrap
once, compressed, and asks for them again only when they change. Django's manifest storage
gives unhashed names while ``DEBUG`` is on, so the demo under ``make run`` (runserver,
``DEBUG=1``) would download every file again on every page, uncompressed.
"""

from django.conf import settings
from whitenoise.storage import CompressedManifestStaticFilesStorage


class HashedStaticFilesStorage(CompressedManifestStaticFilesStorage):
    """Hashed names whenever ``collectstatic`` has run, ``DEBUG`` or not.

    With ``DEBUG`` on and a file not collected (no ``collectstatic`` yet, or a file added
    since), the plain name: whitenoise then finds it with the finders, uncached, as Django's
    own development server would. Without ``DEBUG`` a file missing from the manifest is an
    error, as in Django's storage.
    """

    def url(self, name, force=False):
        if force or not settings.DEBUG:
            return super().url(name, force)
        try:
            return super().url(name, force=True)
        except ValueError:
            return super().url(name)
