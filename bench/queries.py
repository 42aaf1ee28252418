"""The benchmark's query mix (bench/search_bench.py): broad words ("borger" is on almost every page), a long
compound, references, an abbreviation, a phrase of two words, a typo and three words at once. The Elasticsearch
requests for these are recorded in tests/search/elasticsearch_requests.json."""

QUERIES = [
    "borger",
    "sygedagpengemodtagere",
    "indsats",
    "SEL § 140",
    "LAB §§ 27-30",
    "plankoordinator samtykke",
    "BUF",
    "koordinerende sagsbehandler",
    "sygedagpngemodtagere",
    "unge uddannelse job",
]
