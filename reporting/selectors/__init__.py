"""The figures behind the attachment tables and the weekly report.

Per-township tables (publicity 附件5, progress 附件2, results 附件6, the baseline survey
衡山县 附件1) answer for a list of townships with a constant number of grouped queries,
whatever the number of townships, institutions or activities. Per-institution tables (the
红橙黄 list 附件3, disposal progress 附件4, the venues and the 2019–2021 institutions of the
baseline pack) are generators over streamed queries, again a constant number of them.
Every query starts from a model's ``visible_to(user)``.
"""

from .baseline import LARGE_SCALE_BEDS, SurveyFigures, established_rows, survey_table, venue_rows
from .lists import (
    disposal_progress_rows,
    risk_description,
    risk_list_rows,
    under_disposal_refunds,
)
from .progress import ProgressRow, progress_table, working_group
from .publicity import PublicityFigures, PublicityTable, publicity_table
from .results import ResultFigures, ResultTable, results_table

__all__ = [
    "LARGE_SCALE_BEDS",
    "ProgressRow",
    "PublicityFigures",
    "PublicityTable",
    "ResultFigures",
    "ResultTable",
    "SurveyFigures",
    "disposal_progress_rows",
    "established_rows",
    "progress_table",
    "publicity_table",
    "results_table",
    "risk_description",
    "risk_list_rows",
    "survey_table",
    "under_disposal_refunds",
    "venue_rows",
    "working_group",
]
