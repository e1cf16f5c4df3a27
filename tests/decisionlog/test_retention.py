"""The retention policy: never below the legal minimum, periods counted in calendar months."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from techfile.decisionlog import RetentionError, RetentionPolicy, legal_minimum


def test_the_minimum_comes_from_the_catalog_data() -> None:
    minimum = legal_minimum()
    assert minimum.months == 6
    assert minimum.citations == ("AI Act Art 19(1)", "AI Act Art 26(6)")
    assert RetentionPolicy.minimum() == RetentionPolicy(6)


@pytest.mark.parametrize("months", [0, 1, 5, -6])
def test_a_shorter_policy_is_refused_with_its_citations(months: int) -> None:
    with pytest.raises(RetentionError, match=r"minimum of 6 months.*Art 19\(1\).*Art 26\(6\)"):
        RetentionPolicy(months)


@pytest.mark.parametrize("months", [6, 7, 12, 120])
def test_longer_policies_are_allowed(months: int) -> None:
    assert RetentionPolicy(months).months == months


def test_months_must_be_whole() -> None:
    with pytest.raises(RetentionError, match="whole number"):
        RetentionPolicy(6.5)  # type: ignore[arg-type]
    with pytest.raises(RetentionError, match="whole number"):
        RetentionPolicy(True)  # noqa: FBT003 - the defect under test


@pytest.mark.parametrize(
    ("made", "until"),
    [
        (datetime(2025, 1, 15, 9, tzinfo=UTC), datetime(2025, 7, 16, tzinfo=UTC)),
        (datetime(2025, 8, 31, 23, tzinfo=UTC), datetime(2026, 3, 1, tzinfo=UTC)),
        (datetime(2023, 8, 31, 0, tzinfo=UTC), datetime(2024, 3, 1, tzinfo=UTC)),
        (datetime(2025, 12, 31, 12, tzinfo=UTC), datetime(2026, 7, 1, tzinfo=UTC)),
        (
            datetime(2025, 3, 1, 1, tzinfo=timezone(timedelta(hours=2))),
            datetime(2025, 9, 1, 22, tzinfo=UTC),  # the end of 1 Sep at +02:00, where it was made
        ),
    ],
    ids=["mid-month", "to a short February", "to a leap February", "over new year", "time zone"],
)
def test_periods_end_with_the_whole_last_day(made: datetime, until: datetime) -> None:
    policy = RetentionPolicy.minimum()
    assert policy.kept_until(made) == until
    assert not policy.allows_erasure(made, until - timedelta(microseconds=1))
    assert policy.allows_erasure(made, until)


@given(
    st.datetimes(
        min_value=datetime(2000, 1, 1),  # noqa: DTZ001 - hypothesis wants naive bounds
        max_value=datetime(2100, 1, 1),  # noqa: DTZ001 - hypothesis wants naive bounds
        timezones=st.sampled_from(
            [UTC, timezone(timedelta(hours=14)), timezone(-timedelta(hours=12))]
        ),
    ),
    st.integers(6, 240),
)
def test_no_entry_is_erased_before_its_months_are_over(made: datetime, months: int) -> None:
    until = RetentionPolicy(months).kept_until(made)
    assert until.tzinfo is UTC
    assert timedelta(days=28 * months) < until - made <= timedelta(days=31 * months + 1)
    local = until.astimezone(made.tzinfo)
    month_count = (local.year - made.year) * 12 + local.month - made.month
    assert month_count >= months


def test_a_naive_time_has_no_period() -> None:
    with pytest.raises(RetentionError, match="time zone"):
        RetentionPolicy.minimum().kept_until(datetime(2025, 1, 1))  # noqa: DTZ001 - the defect
