"""Search knows the network's vocabulary only through its registry, which the content apps fill."""

import pytest

from experiments.references import find_law, find_references
from experiments.vocabulary import ABBREVIATIONS, resolve_provisions
from search import registry
from search.engines.elasticsearch import index_settings
from search.understanding import understand


def test_experiments_register_the_abbreviations_and_the_legal_vocabulary():
    assert registry.abbreviations()["buf"] == "Børn, Unge og Familier"
    assert set(ABBREVIATIONS) <= set(registry.abbreviations())
    vocabulary = registry.legal_vocabulary()
    assert vocabulary.find_references is find_references
    assert vocabulary.find_law is find_law
    assert vocabulary.resolve_provisions is resolve_provisions


def test_abbreviations_are_registered_folded(monkeypatch):
    monkeypatch.setattr(registry, "_abbreviations", {})
    registry.register_abbreviations({"ÉUF": "Én Udvidet Forvaltning"})
    assert registry.abbreviations() == {"euf": "Én Udvidet Forvaltning"}


@pytest.mark.django_db
def test_a_registered_abbreviation_expands_in_queries_and_elasticsearch_synonyms(monkeypatch):
    monkeypatch.setattr(registry, "_abbreviations", {**registry.abbreviations(), "mbu": "Mødested for Unge"})
    clause = understand("mbu").clauses[0]
    assert clause.texts == ["mbu", "Mødested for Unge"]
    assert clause.all_of  # the expansion's stems, so pages that write it out match
    assert "mbu, mødested for unge" in index_settings()["analysis"]["filter"]["network_synonyms"]["synonyms"]


@pytest.mark.django_db
def test_references_and_laws_are_read_only_through_the_registered_vocabulary(monkeypatch):
    assert understand("SEL § 140").clauses[0].label == "SEL § 140"
    assert understand("serviceloven").clauses[0].laws == ["SEL"]

    monkeypatch.setattr(registry, "_legal_vocabulary", registry.LegalVocabulary())
    labels = [clause.label for clause in understand("SEL § 140").clauses]
    assert labels == ["sel", "140"]  # plain words without a registered reference finder
    assert not understand("serviceloven").clauses[0].laws
