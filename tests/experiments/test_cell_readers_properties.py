"""Properties of the importer's cell readers over any input (hypothesis): each returns a value the database can hold,
or raises CellError with a Danish message; nothing else escapes."""

import datetime
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from experiments.spreadsheet_format import (
    CellError,
    format_number,
    parse_count,
    parse_date,
    parse_decimal,
    parse_exemptions,
    parse_learnings,
    parse_results,
    parse_status,
    parse_tags,
    parse_visibility,
)

# The readers alone: references name the laws the parser knows from code, so no database is read.
pytestmark = pytest.mark.usefixtures("built_in_laws_only")

numbers_as_typed = st.one_of(
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.from_regex(r"[-−]?\d{1,4}([ .,]\d{1,4}){0,3}", fullmatch=True),
    st.sampled_from(["NaN", "sNaN", "Infinity", "1e309", "–", "-", "1_000", "٣", "²"]),
)
cells = st.one_of(st.none(), st.text(max_size=300), numbers_as_typed, st.integers(), st.floats(), st.dates())


def storable_or_cell_error(reader, value, check):
    try:
        result = reader(value)
    except CellError as error:
        assert str(error)
        return
    check(result)


@settings(max_examples=500, deadline=None)
@given(cells)
def test_dates_read_as_a_date_or_a_message(value):
    storable_or_cell_error(parse_date, value, lambda day: day is None or isinstance(day, datetime.date))


@settings(max_examples=500, deadline=None)
@given(cells)
def test_counts_fit_the_column_or_get_a_message(value):
    storable_or_cell_error(parse_count, value, lambda n: n is None or 0 <= n <= 2_147_483_647)


@settings(max_examples=500, deadline=None)
@given(numbers_as_typed)
def test_decimals_fit_ten_digits_and_two_decimals_or_get_a_message(text):
    def check(number):
        assert number is None or (number.is_finite() and abs(number) < Decimal("1e10"))
        if number is not None:
            assert number == number.quantize(Decimal("0.01"))
            assert parse_decimal(format_number(number)) == number

    storable_or_cell_error(parse_decimal, text, check)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.text(max_size=60), numbers_as_typed, st.sampled_from([":", "→", "->", ";", "\n"]))))
def test_results_cells_read_or_get_a_message(parts):
    storable_or_cell_error(parse_results, "".join(parts), lambda results: isinstance(results, list))


@settings(max_examples=200, deadline=None)
@given(cells)
def test_choice_tag_exemption_and_learning_cells_read_or_get_a_message(value):
    for reader in (parse_status, parse_visibility, parse_tags, parse_exemptions, parse_learnings):
        storable_or_cell_error(reader, value, lambda _result: None)
