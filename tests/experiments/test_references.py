import pytest

from experiments.references import (
    KNOWN_LAWS,
    LegalReference,
    ReferenceError,
    find_law,
    find_references,
    format_reference,
    parse_reference,
    parse_references,
)

# The parser alone, with the laws it knows from code (tests/experiments/test_law_catalogue.py adds the admin's).
pytestmark = pytest.mark.usefixtures("built_in_laws_only")

Ref = LegalReference

# (typed text, what it means, how it is printed)
GOOD = [
    ("SEL § 140, stk. 3", Ref("SEL", "140", stk=3), "SEL § 140, stk. 3"),
    ("sel § 140 stk 3", Ref("SEL", "140", stk=3), "SEL § 140, stk. 3"),
    ("SEL§140,stk.3", Ref("SEL", "140", stk=3), "SEL § 140, stk. 3"),
    ("  SEL   §  140 ,  stykke  3  ", Ref("SEL", "140", stk=3), "SEL § 140, stk. 3"),
    ("SEL\u00a0§\u00a0140,\u00a0stk.\u00a03", Ref("SEL", "140", stk=3), "SEL § 140, stk. 3"),
    ("SEL § 140\nstk. 3", Ref("SEL", "140", stk=3), "SEL § 140, stk. 3"),
    ("serviceloven § 140, stk. 3", Ref("SEL", "140", stk=3), "SEL § 140, stk. 3"),
    ("Servicelovens § 140", Ref("SEL", "140"), "SEL § 140"),
    ("Lov om social service § 140", Ref("SEL", "140"), "SEL § 140"),
    ("§ 140 i serviceloven", Ref("SEL", "140"), "SEL § 140"),
    ("§ 140 i lov om social service", Ref("SEL", "140"), "SEL § 140"),
    ("§ 140 SEL", Ref("SEL", "140"), "SEL § 140"),
    ("§ 140, stk. 3, i serviceloven", Ref("SEL", "140", stk=3), "SEL § 140, stk. 3"),
    ("paragraf 140 i serviceloven", Ref("SEL", "140"), "SEL § 140"),
    ("SEL paragraf 140", Ref("SEL", "140"), "SEL § 140"),
    ("SEL § 140.", Ref("SEL", "140"), "SEL § 140"),
    ("SEL § 140, stk. 3.", Ref("SEL", "140", stk=3), "SEL § 140, stk. 3"),
    ("SEL 140", Ref("SEL", "140"), "SEL § 140"),
    ("SEL § 140 a", Ref("SEL", "140 a"), "SEL § 140 a"),
    ("SEL § 140a", Ref("SEL", "140 a"), "SEL § 140 a"),
    ("SEL § 140 A", Ref("SEL", "140 a"), "SEL § 140 a"),
    ("§ 140 a i serviceloven", Ref("SEL", "140 a"), "SEL § 140 a"),
    ("SEL § 141, stk. 7", Ref("SEL", "141", stk=7), "SEL § 141, stk. 7"),
    ("LAB §§ 27–30", Ref("LAB", "27", "30"), "LAB §§ 27–30"),
    ("LAB §§ 27-30", Ref("LAB", "27", "30"), "LAB §§ 27–30"),
    ("LAB §§ 27—30", Ref("LAB", "27", "30"), "LAB §§ 27–30"),
    ("LAB §§ 27 til 30", Ref("LAB", "27", "30"), "LAB §§ 27–30"),
    ("LAB §§27-30", Ref("LAB", "27", "30"), "LAB §§ 27–30"),
    ("LAB § 27-30", Ref("LAB", "27", "30"), "LAB §§ 27–30"),
    ("LAB paragraffer 27 - 30", Ref("LAB", "27", "30"), "LAB §§ 27–30"),
    ("LAB § 30 a", Ref("LAB", "30 a"), "LAB § 30 a"),
    ("LAB § 2, nr. 11", Ref("LAB", "2", nr=11), "LAB § 2, nr. 11"),
    ("LAB § 2 nr 11", Ref("LAB", "2", nr=11), "LAB § 2, nr. 11"),
    ("LAB § 2 nummer 13", Ref("LAB", "2", nr=13), "LAB § 2, nr. 13"),
    ("beskæftigelsesloven § 6, stk. 1, nr. 5", Ref("LAB", "6", stk=1, nr=5), "LAB § 6, stk. 1, nr. 5"),
    ("beskaeftigelsesloven § 40 stk 3", Ref("LAB", "40", stk=3), "LAB § 40, stk. 3"),
    ("lov om en aktiv beskæftigelsesindsats § 36", Ref("LAB", "36"), "LAB § 36"),
    (
        "sygedagpengeloven § 13 c, stk. 2",
        Ref("SDPL", "13 c", stk=2),
        "sygedagpengeloven § 13 c, stk. 2",
    ),
    ("SDP § 13c stk. 2", Ref("SDPL", "13 c", stk=2), "sygedagpengeloven § 13 c, stk. 2"),
    ("SDPL §§ 13 a-13 c", Ref("SDPL", "13 a", "13 c"), "sygedagpengeloven §§ 13 a–13 c"),
    ("§§ 13a–13c i sygedagpengeloven", Ref("SDPL", "13 a", "13 c"), "sygedagpengeloven §§ 13 a–13 c"),
    ("sygedagpengelovens § 13 e", Ref("SDPL", "13 e"), "sygedagpengeloven § 13 e"),
    ("LAS § 110", Ref("LAS", "110"), "LAS § 110"),
    ("aktivloven § 110", Ref("LAS", "110"), "LAS § 110"),
    ("integrationsloven § 19", Ref("INL", "19"), "integrationsloven § 19"),
    ("organiseringsloven § 55", Ref("ORG", "55"), "organiseringsloven § 55"),
    (
        "Lov om organisering og understøttelse af beskæftigelsesindsatsen m.v. § 55",
        Ref("ORG", "55"),
        "organiseringsloven § 55",
    ),
    ("retssikkerhedsloven § 5", Ref("RSL", "5"), "retssikkerhedsloven § 5"),
    ("§ 1 i retssikkerhedsloven", Ref("RSL", "1"), "retssikkerhedsloven § 1"),
    ("barnets lov § 110", Ref("BL", "110"), "barnets lov § 110"),
    ("Barnets lov § 110", Ref("BL", "110"), "barnets lov § 110"),
    ("frikommuneloven § 1", Ref("FKL", "1"), "frikommuneloven § 1"),
]

# (typed text, the fragment the error message must quote)
BAD = [
    ("", "Tom henvisning"),
    ("   ", "Tom henvisning"),
    ("§", '"§"'),
    ("SEL §", '"§"'),
    ("SEL § abc", '"§ abc"'),
    ("SEL abc", '"SEL abc"'),
    ("XYZ § 140", 'Ukendt lov: "XYZ"'),
    ("§ 140 i XYZ", 'Ukendt lov: "XYZ"'),
    ("SEL § 140, stk.", '"stk."'),
    ("SEL § 140, stk. x", '"stk. x"'),
    ("SEL § 140, stk. 0", '"stk. 0"'),
    ("SEL § 140 stk 3 nr", '"nr"'),
    ("LAB § 2, nr. elleve", '"nr. elleve"'),
    ("§§ 30–27", '"30–27"'),
    ("LAB §§ 30-27", '"30-27"'),
    ("LAB §§ 27–", '"–"'),
    ("SEL § 0", '"§ 0"'),
    ("SEL § 140 hej", '"hej"'),
    ("SEL § 140, stk. 3, nr. 2, nr. 4", '", nr. 4"'),
    ("§ 140", '"§ 140"'),
    ("140", '"140"'),
    ("SEL § 140 i serviceloven", '"serviceloven"'),
]


@pytest.mark.parametrize(("text", "expected", "canonical"), GOOD, ids=[case[0] for case in GOOD])
def test_typed_reference_is_understood(text, expected, canonical):
    assert parse_reference(text) == expected


@pytest.mark.parametrize(("text", "expected", "canonical"), GOOD, ids=[case[0] for case in GOOD])
def test_typed_reference_is_printed_canonically(text, expected, canonical):
    assert format_reference(parse_reference(text)) == canonical


@pytest.mark.parametrize(("text", "expected", "canonical"), GOOD, ids=[case[0] for case in GOOD])
def test_printed_reference_reads_back_unchanged(text, expected, canonical):
    assert parse_reference(format_reference(expected)) == expected


@pytest.mark.parametrize(("text", "fragment"), BAD, ids=[case[0] or "empty" for case in BAD])
def test_bad_reference_is_rejected_with_the_fragment_at_fault(text, fragment):
    with pytest.raises(ReferenceError) as error:
        parse_reference(text)
    assert fragment in str(error.value)
    assert error.value.text == text


@pytest.mark.parametrize(
    ("ref", "printed"),
    [
        (Ref("SEL", "140", stk=3), "SEL § 140, stk. 3"),
        (Ref("LAB", "27", "30"), "LAB §§ 27–30"),
        (Ref("SDPL", "13 c", stk=2), "sygedagpengeloven § 13 c, stk. 2"),
        (Ref("LAB", "2", nr=11), "LAB § 2, nr. 11"),
        (Ref("SEL", "141", stk=7), "SEL § 141, stk. 7"),
        (Ref("BL", "110"), "barnets lov § 110"),
        (Ref("", "140"), "§ 140"),
    ],
)
def test_reference_prints_in_danish_convention(ref, printed):
    assert format_reference(ref) == printed
    assert str(ref) == printed


def test_default_law_fills_in_a_missing_law_only():
    assert parse_reference("§ 140, stk. 3", default_law="SEL") == Ref("SEL", "140", stk=3)
    assert parse_reference("§ 140", default_law="serviceloven") == Ref("SEL", "140")
    assert parse_reference("LAB § 2", default_law="SEL") == Ref("LAB", "2")


def test_empty_default_law_accepts_a_reference_without_law():
    assert parse_reference("§ 140", default_law="") == Ref("", "140")
    assert parse_reference("§§ 13 a–13 c", default_law="") == Ref("", "13 a", "13 c")


def test_unknown_default_law_is_rejected():
    with pytest.raises(ReferenceError, match='"XYZ"'):
        parse_reference("§ 140", default_law="XYZ")


def test_several_references_are_read_from_a_list():
    text = "SEL § 140, stk. 3; LAB §§ 27–30\nsygedagpengeloven § 13 c;; \n  "
    assert parse_references(text) == [
        Ref("SEL", "140", stk=3),
        Ref("LAB", "27", "30"),
        Ref("SDPL", "13 c"),
    ]


def test_empty_list_gives_no_references():
    assert parse_references("") == []
    assert parse_references(" ; \n ;") == []


def test_bad_item_in_a_list_is_named():
    text = "SEL § 140; XYZ § 1; LAB § 2"
    with pytest.raises(ReferenceError) as error:
        parse_references(text)
    assert '"XYZ § 1"' in str(error.value)
    assert 'Ukendt lov: "XYZ"' in str(error.value)
    assert error.value.text == text


def test_default_law_applies_to_every_item_of_a_list():
    assert parse_references("§ 140; LAB § 2", default_law="SEL") == [Ref("SEL", "140"), Ref("LAB", "2")]


def spans(text, *fragments):
    """The (start, end) of each fragment, searched left to right."""
    found, pos = [], 0
    for fragment in fragments:
        start = text.index(fragment, pos)
        found.append((start, start + len(fragment)))
        pos = start + len(fragment)
    return found


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Forsøget fritager fra serviceloven § 140, stk. 3 og LAB §§ 27-30.",
            [
                ("serviceloven § 140, stk. 3", Ref("SEL", "140", stk=3)),
                ("LAB §§ 27-30", Ref("LAB", "27", "30")),
            ],
        ),
        ("Handleplanen efter § 140 skal samordnes.", [("§ 140", Ref("", "140"))]),
        ("søgning: SEL 140", [("SEL 140", Ref("SEL", "140"))]),
        ("Efter sygedagpengelovens § 13 c følges op.", [("sygedagpengelovens § 13 c", Ref("SDPL", "13 c"))]),
        ("Opfølgning efter §§ 13 a-13 c.", [("§§ 13 a-13 c", Ref("", "13 a", "13 c"))]),
        ("Se § 140 i serviceloven om børn.", [("§ 140 i serviceloven", Ref("SEL", "140"))]),
        ("Kravet i § 5 i den nye lov", [("§ 5", Ref("", "5"))]),
        ("LAB § 2 nr. 11 (ressourceforløb)", [("LAB § 2 nr. 11", Ref("LAB", "2", nr=11))]),
        ("Se § 140, stk. x", [("§ 140", Ref("", "140"))]),
        ("Se §§ 30–27", [("§§ 30", Ref("", "30"))]),
        (
            "jf. SEL§140,stk.3 og paragraf 141",
            [("SEL§140,stk.3", Ref("SEL", "140", stk=3)), ("paragraf 141", Ref("", "141"))],
        ),
    ],
)
def test_references_are_found_in_prose_with_their_spans(text, expected):
    found = find_references(text)
    assert [ref for ref, _ in found] == [ref for _, ref in expected]
    assert [span for _, span in found] == spans(text, *(fragment for fragment, _ in expected))


@pytest.mark.parametrize(
    "text",
    [
        "Ingen henvisninger her, kun tal som 2018 og 140.",
        "serviceloven fra 2018 og serviceloven 2018",
        "En diesel 140 og selv 140 er ikke love.",
        "serviceloven er ændret",
    ],
)
def test_prose_without_references_finds_nothing(text):
    assert find_references(text) == []


@pytest.mark.parametrize("text", [case[0] for case in BAD], ids=[case[0] or "empty" for case in BAD])
def test_finding_references_never_raises(text):
    find_references(text)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("SEL", "SEL"),
        ("serviceloven", "SEL"),
        ("Lov  om\u00a0social service", "SEL"),
        ("beskaeftigelsesloven", "LAB"),
        ("Lov om en aktiv beskaeftigelsesindsats", "LAB"),
        ("lov om aktiv beskæftigelsesindsats", "LAB"),
        ("SDP", "SDPL"),
        ("sdpl", "SDPL"),
        ("Lov om integration af udlaendinge i Danmark", "INL"),
        ("Lov om organisering og understoettelse af beskaeftigelsesindsatsen m.v.", "ORG"),
        ("Lov om retssikkerhed og administration paa det sociale omraade", "RSL"),
        ("lov om retssikkerhed og administration paa det sociale område", "RSL"),
        ("BARNETS LOV", "BL"),
        ("Lov om frikommunenetvaerk", "FKL"),
        ("aktivloven", "LAS"),
    ],
)
def test_law_is_found_by_any_alias_and_spelling(text, key):
    assert find_law(text).key == key


@pytest.mark.parametrize("text", ["", "XYZ", "lov", "serviceloven § 140"])
def test_unknown_law_is_not_found(text):
    assert find_law(text) is None


def test_every_law_reads_back_from_its_key_abbreviation_and_name():
    for law in KNOWN_LAWS:
        assert find_law(law.key) is law
        assert find_law(law.abbreviation) is law
        assert find_law(law.name) is law


def test_aliases_are_lower_case_and_include_spellings_without_danish_letters():
    for law in KNOWN_LAWS:
        assert all(alias == alias.lower() for alias in law.aliases)
        for alias in law.aliases:
            ascii_spelling = alias.replace("æ", "ae").replace("ø", "oe").replace("å", "aa")
            assert ascii_spelling in law.aliases
    assert "beskaeftigelsesloven" in find_law("LAB").aliases
    assert "lov om frikommunenetvaerk" in find_law("FKL").aliases


def test_no_alias_names_two_laws():
    owners = {}
    for law in KNOWN_LAWS:
        for alias in law.aliases:
            assert owners.setdefault(alias, law.key) == law.key
