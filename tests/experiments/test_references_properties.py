"""Properties of the reference parser over text nobody wrote by hand (hypothesis): it never fails in a way other
than ReferenceError, never reads a number the database cannot hold, and reads back what it prints."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from experiments.references import (
    KNOWN_LAWS,
    LegalReference,
    ReferenceError,
    find_references,
    format_reference,
    parse_reference,
)

# The parser alone, with the laws it knows from code (tests/experiments/test_law_catalogue.py adds the admin's).
pytestmark = pytest.mark.usefixtures("built_in_laws_only")

# The database's limits: paragraph CharField(20), stk. and nr. PositiveSmallIntegerField.
SMALLINT = 32767

pieces = st.sampled_from(
    ["§", "§§", " ", ",", "stk.", "stk", "nr.", "-", "–", "til", "i", "paragraf", "SEL", "LAB", "serviceloven", "a"]
)
numbers = st.integers(min_value=0, max_value=10**12).map(str)
reference_like = st.lists(st.one_of(pieces, numbers, st.text(max_size=5)), max_size=12).map(" ".join)
anything = st.one_of(st.text(max_size=200), reference_like)


def fits_the_database(reference: LegalReference) -> bool:
    return (
        len(reference.paragraph) <= 20
        and len(reference.paragraph_end) <= 20
        and (reference.stk is None or 0 < reference.stk <= SMALLINT)
        and (reference.nr is None or 0 < reference.nr <= SMALLINT)
    )


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(anything)
def test_parse_reference_returns_a_storable_reference_or_a_reference_error(text):
    try:
        reference = parse_reference(text)
    except ReferenceError as error:
        assert str(error)
        assert len(str(error)) < 200 + 60  # the message quotes, it does not echo a whole pasted text
        return
    assert fits_the_database(reference)


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(anything)
def test_find_references_never_raises_and_finds_storable_references_inside_the_text(text):
    for reference, (start, end) in find_references(text):
        assert 0 <= start < end <= len(text)
        assert fits_the_database(reference)


@settings(max_examples=300, deadline=None)
@given(
    law=st.sampled_from([law.key for law in KNOWN_LAWS]),
    paragraph=st.integers(min_value=1, max_value=9999),
    letter=st.sampled_from(["", "a", "b", "c"]),
    stk=st.one_of(st.none(), st.integers(min_value=1, max_value=99)),
    nr=st.one_of(st.none(), st.integers(min_value=1, max_value=99)),
)
def test_a_printed_reference_reads_back_as_itself(law, paragraph, letter, stk, nr):
    if nr is not None and stk is None:
        stk = 1
    reference = LegalReference(law, f"{paragraph} {letter}".strip(), "", stk, nr)
    assert parse_reference(format_reference(reference)) == reference


@pytest.mark.parametrize("text", ["SEL § 1, stk. 99999", "§ " + "9" * 5000, "SEL § 140 " + "stk. " * 2000])
def test_numbers_past_four_digits_and_long_inputs_are_refused_quickly(text):
    with pytest.raises(ReferenceError):
        parse_reference(text)
