"""The facets are declared once (search/facets.py); the columns, the upsert, the Elasticsearch mapping, the stored
values and their labels all follow from that list."""

import datetime

import pytest

from search.engines.elasticsearch import document_source, index_mappings
from search.engines.postgres import facet_condition
from search.facets import DATE, FACETS, INTEGER, FacetDefinition
from search.indexing import document_values, facet_labels, upsert_sql
from search.models import SearchDocument
from search.query import SearchQuery
from search.registry import FacetValue, searchable_type_for

REGION = FacetDefinition(
    "region",
    "regions",
    "Region",
    source=lambda content, entry: [FacetValue("hovedstaden", "Region Hovedstaden")],
)
DECIDED = FacetDefinition(
    "besluttet",
    "decided",
    "Besluttet",
    type=DATE,
    scalar=True,
    source=lambda content, entry: FacetValue("2019-05-01", "1. maj 2019"),
)
EXTENDED = (*FACETS, REGION, DECIDED)


def described(field) -> tuple:
    """A field as a migration would write it."""
    _name, path, args, kwargs = field.deconstruct()
    if "base_field" in kwargs:
        kwargs["base_field"] = described(kwargs["base_field"])
    return path, args, kwargs


def test_every_facet_is_a_searchdocument_column_of_its_type():
    for facet in FACETS:
        assert described(SearchDocument._meta.get_field(facet.field)) == described(facet.model_field()), facet.field


def test_a_new_facet_gets_a_column_an_elasticsearch_mapping_and_a_place_in_the_upsert():
    assert described(REGION.model_field()) == (
        "django.contrib.postgres.fields.ArrayField",
        [],
        {"base_field": ("django.db.models.CharField", [], {"max_length": 100}), "default": list, "size": None},
    )
    assert described(DECIDED.model_field()) == ("django.db.models.DateField", [], {"null": True})
    mappings = index_mappings(facets=EXTENDED)["properties"]
    assert mappings["regions"] == {"type": "keyword"}
    assert mappings["decided"] == {"type": "date"}
    assert mappings["provisions"] == {"type": "integer"}
    sql = upsert_sql(EXTENDED)
    for column in ("regions", "decided"):
        assert f"%({column})s" in sql and f"{column} = EXCLUDED.{column}" in sql
    assert "%(regions)s" not in upsert_sql()


def test_a_new_facet_is_stored_with_its_values_and_labels(corpus):
    page = corpus["familier"]
    entry = searchable_type_for(type(page))
    content = entry.build(page)
    row = document_values(page, content, entry, facets=EXTENDED)
    assert row["regions"] == ["hovedstaden"]
    assert row["decided"] == datetime.date(2019, 5, 1)
    assert {"region:hovedstaden", "besluttet:2019-05-01", "kommune:ballerup"} <= set(row["facet_values"])
    labels = facet_labels(content, entry, facets=EXTENDED)
    assert ("region", "hovedstaden", "Region Hovedstaden") in labels
    assert ("besluttet", "2019-05-01", "1. maj 2019") in labels


def test_a_new_facet_filters_in_both_engines_and_is_read_from_the_url():
    assert facet_condition(DECIDED, ["2019-05-01"]) == ("decided = ANY(%s)", [[datetime.date(2019, 5, 1)]])
    assert facet_condition(REGION, ["hovedstaden"]) == ("regions && %s::varchar[]", [["hovedstaden"]])
    assert DECIDED.accepts("2019-05-01") and not DECIDED.accepts("i går")
    assert DECIDED.elasticsearch_value(DECIDED.parse("2019-05-01")) == "2019-05-01"


def test_the_stored_facet_values_of_an_experiment(corpus):
    document = SearchDocument.objects.get(page_id=corpus["familier"].pk)
    assert document.kind == "forsoeg"
    assert document.municipalities == ["ballerup"]
    assert document.status == "started"
    assert document.years == [2017, 2018, 2019, 2020]
    # The two it sought, then LAB § 40, stk. 1, which LAB §§ 27–30 became: the family is counted as one.
    from experiments.models import Provision

    provisions = Provision.objects.in_bulk(document.provisions)
    assert [provisions[pk].reference_text for pk in document.provisions] == [
        "LAB §§ 27–30",
        "SEL § 140",
        "LAB § 40, stk. 1",
    ]
    assert {"type:forsoeg", "kommune:ballerup", "status:started", "aar:2019", "lov:SEL"} <= set(document.facet_values)
    source = document_source(document)
    assert source["kind"] == "forsoeg" and source["years"] == [2017, 2018, 2019, 2020]


@pytest.mark.parametrize(("facet", "good", "bad"), [("paragraf", "12", "tolv"), ("aar", "2019", "2019a")])
def test_integer_facets_refuse_words_in_the_url(facet, good, bad):
    assert SearchQuery.from_querydict({facet: good}).filters == {facet: (good,)}
    query = SearchQuery.from_querydict({facet: bad})
    assert not query.filters and query.errors == [f"{facet} skal være et tal, ikke »{bad}«."]
    assert next(f for f in FACETS if f.param == facet).type == INTEGER
