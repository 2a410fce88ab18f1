"""The unit line of a printed table names the bureau that seals it (衡山县民政局), not the
county (issue 16, item 6)."""

import pytest
from django.utils import translation

from accounts.models import OrgUnit, UnitLevel


@pytest.mark.parametrize(
    ("name", "level", "bureau"),
    [
        ("衡山县", UnitLevel.COUNTY, "衡山县民政局"),
        ("南岳区", UnitLevel.COUNTY, "南岳区民政局"),
        ("衡阳市", UnitLevel.CITY, "衡阳市民政局"),
        ("湖南省", UnitLevel.PROVINCE, "湖南省民政厅"),
        ("开云镇", UnitLevel.TOWNSHIP, "开云镇"),  # a township files as itself
        ("衡山县民政局", UnitLevel.COUNTY, "衡山县民政局"),  # already the bureau's name
    ],
)
def test_the_bureau_of_a_unit(name, level, bureau):
    with translation.override("zh-hans"):
        assert OrgUnit(name=name, level=level).bureau_name == bureau
