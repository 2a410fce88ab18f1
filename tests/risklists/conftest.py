import pytest

from risklists import services
from tests.factories import InstitutionFactory

from .factories import invest, visit


@pytest.fixture
def orange(township, township_user):
    """An institution whose large prepayments are used irregularly (O4): orange."""
    institution = InstitutionFactory(township=township, name="开云镇夕阳红老年公寓", beds=50)
    invest(institution)
    visit(institution, township_user, fund_use="irregular")
    return institution


@pytest.fixture
def proposal(orange):
    """The engine's proposal for ``orange``, not yet submitted."""
    return services.rate([orange]).created[0]


@pytest.fixture
def submitted(proposal, township_user):
    return services.submit(user=township_user, assessment=proposal)


@pytest.fixture
def foreign(other_township, other_township_user):
    """An orange institution of another township, rated and submitted there."""
    institution = InstitutionFactory(township=other_township, name="白果镇福寿养老院", beds=50)
    invest(institution)
    visit(institution, other_township_user, fund_use="unknown")
    assessment = services.rate([institution]).created[0]
    return services.submit(user=other_township_user, assessment=assessment)
