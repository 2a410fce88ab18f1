"""Reporting's pages, one module per part: publicity, the weekly report, attachment tables,
report runs (packs), the leaders' dashboard and the printable "三必须" documents."""

from .attachments import AttachmentDownloadView
from .publicity import (
    PublicityCreateView,
    PublicityDetailView,
    PublicityListView,
    PublicityUpdateView,
)
from .weekly import WeeklyDetailView, WeeklyEditView, WeeklyListView

__all__ = [
    "AttachmentDownloadView",
    "PublicityCreateView",
    "PublicityDetailView",
    "PublicityListView",
    "PublicityUpdateView",
    "WeeklyDetailView",
    "WeeklyEditView",
    "WeeklyListView",
]
