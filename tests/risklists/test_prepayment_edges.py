"""The prepayments' roll-up at its edges (make mutation, scripts/mutation.py): each kind of
payment is measured against its own monthly fee and months (a deposit against the bed fee, a
prepaid fee against the service fee), money fully refunded leaves no payer, institutions rated
together keep their own figures, and the large payers are named one by one."""

from datetime import date
from decimal import Decimal

import pytest

from risklists.engine import Thresholds
from risklists.figures import derived_figures
from screening.models import PrepaymentKind
from tests.factories import InstitutionFactory

from .factories import invest, pay

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 23)


def figures_of(*institutions):
    return derived_figures(
        [institution.pk for institution in institutions], thresholds=Thresholds(), today=TODAY
    )


def test_a_prepaid_fee_is_measured_against_its_own_monthly_fee_not_the_deposits(township):
    """8 months of a 1,000-yuan fee is large (more than 6 months); the same elder's deposit
    of one month's 5,000-yuan bed fee is not, and does not make the fee look like 1.6 months."""
    institution = InstitutionFactory(township=township)
    pay(institution, "李爷爷", PrepaymentKind.MEMBERSHIP, "8000", monthly_fee="1000")
    pay(institution, "李爷爷", PrepaymentKind.DEPOSIT, "5000", monthly_fee="5000")

    figures = figures_of(institution)[institution.pk]

    assert figures.large_prepayment_total == Decimal("8000")
    assert figures.large_prepayment_payers == 1
    assert figures.max_prepaid_months == 8
    assert figures.max_deposit_ratio == Decimal("1.00")
    assert figures.prepayment_total == Decimal("13000")


def test_a_deposit_is_measured_against_its_own_bed_fee_not_the_prepaid_fees(township):
    """A 5,000-yuan deposit on a 100-yuan bed fee is 50 months (large, more than 12); the
    elder's one month of a 3,000-yuan service fee does not dilute it."""
    institution = InstitutionFactory(township=township)
    pay(institution, "赵奶奶", PrepaymentKind.DEPOSIT, "5000", monthly_fee="100")
    pay(institution, "赵奶奶", PrepaymentKind.TOP_UP, "3000", monthly_fee="3000")

    figures = figures_of(institution)[institution.pk]

    assert figures.large_prepayment_total == Decimal("5000")
    assert figures.max_deposit_ratio == Decimal("50.00")
    assert figures.max_prepaid_months == 1


def test_the_months_a_fee_covers_are_the_fees_own_not_a_deposits(township):
    institution = InstitutionFactory(township=township)
    pay(institution, "钱爷爷", PrepaymentKind.PREPAID_BED_FEE, "2000", months_covered=4)
    pay(institution, "钱爷爷", PrepaymentKind.DEPOSIT, "2000", months_covered=24)

    assert figures_of(institution)[institution.pk].max_prepaid_months == 4


def test_money_refunded_in_full_leaves_no_payer_and_nothing_outstanding(township):
    institution = InstitutionFactory(township=township)
    invest(institution, payer="孙奶奶", amount="80000")
    pay(institution, "孙奶奶", PrepaymentKind.OTHER, "500", refunded_amount="500")
    refunded = InstitutionFactory(township=township)
    pay(refunded, "周爷爷", PrepaymentKind.MEMBERSHIP, "3000", refunded_amount="3000")

    figures = figures_of(institution, refunded)

    assert figures[institution.pk].prepayment_total == Decimal("80000")
    assert figures[institution.pk].prepayment_payers == 1
    assert figures[refunded.pk].prepayment_total == Decimal("0")
    assert figures[refunded.pk].prepayment_payers == 0
    assert figures[refunded.pk].large_prepayment_payers == 0
    assert figures[refunded.pk].max_prepaid_months is None


def test_institutions_rated_together_keep_their_own_money_also_past_one_not_asked_for(township):
    """The roll-up may also read an institution between those asked for (the filter names a
    range of ids); its row is passed over and the next institution still gets its figures."""
    first = InstitutionFactory(township=township)
    between = InstitutionFactory(township=township)
    last = InstitutionFactory(township=township)
    invest(first, payer="甲", amount="10000")
    invest(between, payer="乙", amount="20000")
    invest(last, payer="丙", amount="30000")
    pay(last, "丁", PrepaymentKind.INVESTMENT, "5000")

    figures = figures_of(first, last)

    assert set(figures) == {first.pk, last.pk}
    assert figures[first.pk].large_prepayment_total == Decimal("10000")
    assert (figures[last.pk].large_prepayment_total, figures[last.pk].prepayment_payers) == (
        Decimal("35000"),
        2,
    )


def test_the_large_payers_are_named_one_by_one(township):
    institution = InstitutionFactory(township=township)
    a = invest(institution, payer="吴奶奶", amount="60000")
    b = invest(institution, payer="郑爷爷", amount="70000")
    pay(institution, "冯奶奶", PrepaymentKind.MEMBERSHIP, "100", monthly_fee="1000")

    keys = figures_of(institution)[institution.pk].large_payer_keys

    assert keys == sorted([a.payer_key, b.payer_key])
