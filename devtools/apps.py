from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DevtoolsConfig(AppConfig):
    """Development tools on top of every app: the demo county (``load_demo``), the synthetic
    province (``generate_synthetic``) and the benchmarks (``bench``). Installed by the local
    and test settings only; production does not have them."""

    name = "devtools"
    verbose_name = _("Development tools")
