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

from .runs import (
    RunDetailView,
    RunDownloadView,
    RunListView,
    RunRequestView,
    RunRetryView,
    RunStatusView,
)
__all__ = [
    "AttachmentDownloadView",
    "PublicityCreateView",
    "PublicityDetailView",
    "PublicityListView",
    "PublicityUpdateView",
    "WeeklyDetailView",
    "WeeklyEditView",
    "RunDetailView",
    "RunDownloadView",
    "RunListView",
    "RunRequestView",
    "RunRetryView",
    "RunStatusView",
    "WeeklyListView",
]
