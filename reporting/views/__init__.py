"""Reporting's pages, one module per part: publicity, the weekly report, attachment tables,
report runs (packs), the leaders' dashboard and the printable "三必须" documents."""

from .attachments import AttachmentDownloadView
from .completeness import CompletenessView
from .county import (
    CountyMonthlyDocxView,
    CountyMonthlyView,
    CountyReportActionView,
    CountyReportsView,
    CountyWeeklyDocxView,
    CountyWeeklyView,
)
from .dashboard import DashboardView
from .documents import CommitmentView, NoticeView, ThreeMustsListView
from .publication import (
    PublicationActionView,
    PublicationDetailView,
    PublicationDownloadView,
    PublicationListView,
)
from .publicity import (
    PublicityCreateView,
    PublicityDetailView,
    PublicityListView,
    PublicityPhotoView,
    PublicityUpdateView,
)
from .runs import (
    RunDetailView,
    RunDownloadView,
    RunListView,
    RunRequestView,
    RunRetryView,
    RunStatusView,
)
from .weekly import (
    NoticeListView,
    WeeklyDetailView,
    WeeklyEditView,
    WeeklyListView,
    WeeklyRemindView,
    WeeklyReviewView,
    WeeklyWithdrawView,
)

__all__ = [
    "AttachmentDownloadView",
    "CompletenessView",
    "CountyMonthlyDocxView",
    "CountyMonthlyView",
    "CountyReportActionView",
    "CountyReportsView",
    "CountyWeeklyDocxView",
    "CountyWeeklyView",
    "PublicationActionView",
    "PublicationDetailView",
    "PublicationDownloadView",
    "PublicationListView",
    "PublicityCreateView",
    "PublicityDetailView",
    "PublicityListView",
    "PublicityPhotoView",
    "PublicityUpdateView",
    "RunDetailView",
    "RunDownloadView",
    "RunListView",
    "RunRequestView",
    "RunRetryView",
    "RunStatusView",
    "WeeklyDetailView",
    "WeeklyEditView",
    "WeeklyListView",
    "WeeklyRemindView",
    "WeeklyReviewView",
    "NoticeListView",
    "WeeklyWithdrawView",
    "DashboardView",
    "ThreeMustsListView",
    "NoticeView",
    "CommitmentView",
]
