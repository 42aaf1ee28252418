"""Demo knowledge articles: the network's documented evaluations and law changes, and demo articles marked as demo.

Articles built on public sources (VIVE's evaluations, the laws, the programme's rules) state only what those
sources say; every other article's summary starts with "Demodata:". Each is linked to experiments (by municipality
and slug), provisions (by Danish reference) and target groups, and is created only if its slug is free.
"""

from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.utils.html import escape
from wagtail.documents import get_document_model
from wagtail.rich_text import RichText

from core.publishing import publish_new_page
from core.visibility import Visibility
from experiments.models import ExperimentPage, Provision, TargetGroup
from experiments.references import parse_reference
from knowledge.models import ArticleDocument, ArticleKind, KnowledgeArticlePage, KnowledgeIndexPage
from municipalities.models import MunicipalityPage

DOCUMENTED_EXPERIMENTS = (
    ("ballerup", "en-plan-familier"),
    ("fredensborg", "en-plan-en-sagsbehandler"),
    ("frederikssund", "koordineret-indsats-for-unge"),
    ("gribskov", "unge-paa-vej"),
    ("allerod", "en-borger-en-plan"),
    ("helsingor", "en-samlet-handleplan"),
    ("halsnaes", "sammen-om-ny-velfaerd"),
)


@dataclass(frozen=True)
class DemoArticle:
    slug: str
    kind: str
    title: str
    summary: str
    body: tuple[tuple[str, str], ...]
    tags: tuple[str, ...]
    author: str = ""
    experiments: tuple[tuple[str, str], ...] = ()
    provisions: tuple[str, ...] = ()
    target_groups: tuple[str, ...] = ()
    visibility: str = Visibility.PUBLIC
    # (title, file name, text, description) of plain-text documents attached to the article
    documents: tuple[tuple[str, str, str, str], ...] = ()
    # True for articles that state only what public sources say; the others are demo data and say so.
    is_documented: bool = False


ARTICLES = (
    DemoArticle(
        slug="vive-midtvejsevaluering-2019",
        kind=ArticleKind.EVALUATION_REPORT,
        title="VIVE's midtvejsevaluering af Én plan (2019)",
        summary=(
            "VIVE fremlagde midtvejsevalueringen af netværket 30. august 2019. Borgerne oplevede markant bedre "
            "samarbejde, kontinuitet og tempo, og fritagelserne fra proceskrav som faste mødeintervaller betød noget."
        ),
        body=(
            ("Tre klynger", "Evalueringen så på forsøgene i tre klynger: familier, voksne og unge."),
            ("Borgernes oplevelse", "Borgerne oplevede markant bedre samarbejde, kontinuitet og tempo i forløbet."),
            (
                "Ledere og medarbejdere",
                "Tre ud af fire ledere og medarbejdere så kontinuitet og sammenhæng for borgeren.",
            ),
            ("Fritagelserne", "Fritagelserne fra proceskrav, fx faste mødeintervaller, betød noget for arbejdet."),
            ("Ressourcer", "Arbejdsformen tager tid og kræver ressourcer."),
        ),
        experiments=DOCUMENTED_EXPERIMENTS,
        provisions=("SDPL §§ 13 a–13 c", "LAB §§ 27–30"),
        target_groups=("Familier med børn 0–15 år", "Borgere med komplekse problemer"),
        tags=("vive", "midtvejsevaluering", "evaluering"),
        is_documented=True,
    ),
    DemoArticle(
        slug="vive-slutevaluering-2021",
        kind=ArticleKind.EVALUATION_REPORT,
        title="VIVE's slutevaluering af Én plan (januar 2021)",
        summary=(
            "Slutevalueringen fra januar 2021 blev sendt til Folketinget som BEU Alm.del Bilag 134 (2020-21). "
            "Kerneelementerne er én plan, færre indgange, progressionsmåling og integreret arbejde på tværs af "
            "fagområder."
        ),
        body=(
            (
                "Kerneelementer",
                "Én plan, færre indgange for borgeren, progressionsmåling og integreret arbejde på tværs af "
                "fagområderne.",
            ),
            (
                "Resultater for borgerne",
                "Nogle borgere kom i job eller uddannelse eller fik det bedre med trivsel og helbred; for andre "
                "skete der ingen ændring.",
            ),
            (
                "Betydning for lovgivningen",
                "Den generelle lov fra 2018 om en helhedsorienteret plan tilskrives netværkets arbejde.",
            ),
        ),
        experiments=DOCUMENTED_EXPERIMENTS,
        provisions=("LAB § 30 b", "SEL § 141, stk. 7"),
        target_groups=("Borgere med komplekse problemer",),
        tags=("vive", "slutevaluering", "evaluering", "progressionsmåling"),
        is_documented=True,
    ),
    DemoArticle(
        slug="fra-forsoeg-til-lov",
        kind=ArticleKind.LEGAL_NOTE,
        title="Fra forsøg til lov: den helhedsorienterede plan",
        summary=(
            "L 232 (2017-18), vedtaget som lov nr. 707 af 8. juni 2018, om en helhedsorienteret plan til borgere med "
            "komplekse og sammensatte problemer, voksede ud af netværkets forsøg."
        ),
        body=(
            (
                "Lov om en aktiv beskæftigelsesindsats",
                "Planen kan erstatte »Min Plan« efter LAB §§ 27–30, herunder uddannelsespålægget, og "
                "rehabiliteringsplanens indsatsdel efter LAB § 30 a. Den helhedsorienterede plan står i den nye "
                "LAB § 30 b.",
            ),
            (
                "Sygedagpengeloven",
                "Opfølgningen efter sygedagpengelovens §§ 13 a–13 c kan indgå; den nye § 13 e erstatter aftalen i "
                "§ 13 c, stk. 2.",
            ),
            (
                "Serviceloven og integrationsloven",
                "Handleplanen for børn og unge efter serviceloven § 140 (ny § 140 a, i dag barnets lov § 110) og "
                "handleplanen for voksne efter § 141 (nyt stk. 7) kan indgå, og det samme gælder integrationsplanen "
                "og -kontrakten efter integrationsloven.",
            ),
            (
                "Målgrupper",
                "LAB § 2, nr. 11 (ressourceforløb) og nr. 13 (aktivitetsparate uddannelseshjælpsmodtagere) afgrænser "
                "målgrupper.",
            ),
        ),
        experiments=(("halsnaes", "sammen-om-ny-velfaerd"), ("helsingor", "helhedsorienteret-plan-i-praksis")),
        provisions=(
            "LAB §§ 27–30",
            "LAB § 30 a",
            "LAB § 30 b",
            "SDPL § 13 c, stk. 2",
            "SDPL § 13 e",
            "SEL § 140 a",
            "SEL § 141, stk. 7",
            "BL § 110",
        ),
        target_groups=(
            "Borgere med komplekse problemer",
            "Borgere i ressourceforløb",
            "Aktivitetsparate uddannelseshjælpsmodtagere",
        ),
        tags=("l 232", "helhedsorienteret plan", "lovgivning"),
        is_documented=True,
    ),
    DemoArticle(
        slug="nye-paragrafnumre-i-lab",
        kind=ArticleKind.LEGAL_NOTE,
        title="Nye paragrafnumre i LAB fra 1. januar 2020",
        summary=(
            "Lov om en aktiv beskæftigelsesindsats blev omskrevet ved lov nr. 548 af 7. maj 2019, i kraft 1. januar "
            "2020. Flere af de paragraffer, netværkets forsøg søgte fritagelse fra, har fået nye numre."
        ),
        body=(
            (
                "Sådan flyttede paragrafferne",
                "Målgrupperne i § 2 står nu i § 6 (§ 2, nr. 3 og nr. 13 er blevet til § 6, nr. 3 og nr. 5). "
                "»Min Plan« i §§ 27–30 er blevet til § 40, stk. 1. Rehabiliteringsplanen i § 30 a er blevet til "
                "§ 40, stk. 2 og § 44. Den helhedsorienterede plan i § 30 b er blevet til § 40, stk. 3. Den "
                "koordinerende sagsbehandler i §§ 68 c og 68 g er blevet til § 36, stk. 3.",
            ),
            ("Barnets lov", "Servicelovens § 140 a er flyttet til barnets lov § 110 (lov nr. 721 af 14. juni 2023)."),
            (
                "I registret",
                "Hver bestemmelse hører til en version af sin lov, og en gammel paragraf peger på den, den blev til, "
                "så forsøgene kan følges på tværs af omskrivningen.",
            ),
        ),
        experiments=(
            ("hillerod", "koordinerende-sagsbehandler-ressourceforloeb"),
            ("helsingor", "helhedsorienteret-plan-i-praksis"),
        ),
        provisions=(
            "LAB § 2, nr. 3",
            "LAB § 6, nr. 3",
            "LAB § 2, nr. 13",
            "LAB § 6, nr. 5",
            "LAB §§ 27–30",
            "LAB § 40, stk. 1",
            "LAB § 30 a",
            "LAB § 40, stk. 2",
            "LAB § 44",
            "LAB § 30 b",
            "LAB § 40, stk. 3",
            "LAB § 68 c",
            "LAB § 68 g",
            "LAB § 36, stk. 3",
            "SEL § 140 a",
            "BL § 110",
        ),
        tags=("lab", "paragrafnumre", "lovændring"),
        is_documented=True,
    ),
    DemoArticle(
        slug="spoergsmaal-og-svar-om-frikommuneforsoeg",
        kind=ArticleKind.FAQ,
        title="Spørgsmål og svar om frikommuneforsøg",
        summary=(
            "Hvordan blev et forsøg til, hvad er forskellen på dispensation og ny hjemmel, og hvad må et forsøg "
            "ikke? Svar ud fra programmets egne regler."
        ),
        body=(
            (
                "Hvad er et frikommunenetværk?",
                "Kommuner, der søgte sammen om forsøg inden for ét tema. Den 10. oktober 2016 udvalgte regeringen "
                "8 netværk med 44 kommuner blandt 43 ansøgninger. Én plan er netværk 7 med ni kommuner i Region "
                "Hovedstaden.",
            ),
            (
                "Hvad er retsgrundlaget?",
                "Lov nr. 658 af 8. juni 2017 om frikommunenetværk. Forsøgene kunne løbe til 31. december 2021; nogle "
                "bestemmelser blev ved lov nr. 2598 af 28. december 2021 forlænget til 31. december 2022 og enkelte "
                "til 2023.",
            ),
            (
                "Hvornår kunne man søge?",
                "Netværkene søgte om konkrete forsøg i tre runder: 1. december 2016, 1. maj 2017 og 1. november "
                "2017. Regeringen besluttede, om ansøgningen blev imødekommet helt, delvist eller ikke.",
            ),
            (
                "Hvad er forskellen på dispensation og ny hjemmel?",
                "Ved dispensation fritages kommunen efter en eksisterende regel, typisk en bekendtgørelse; ved ny "
                "hjemmel giver loven selv adgang til forsøget. Fritagelserne på beskæftigelses- og "
                "sygedagpengeområdet kom ved Bekendtgørelse om frikommuneforsøg II på beskæftigelses- og "
                "sygedagpengeområdet, udstedt efter LAB § 116 og sygedagpengeloven § 80.",
            ),
            (
                "Hvad er en frikommunevedtægt?",
                "Kommunalbestyrelsens beslutning om, hvilke fritagelser kommunen bruger. Vedtægten skal være "
                "offentlig på kommunens hjemmeside og sendes til ministeriet.",
            ),
            (
                "Hvad må et forsøg ikke?",
                "Et forsøg må ikke stride mod grundloven eller EU-retten, give økonomiske fordele på andres "
                "bekostning eller svække borgernes retssikkerhed. Borgerne deltog i Én plan med samtykke.",
            ),
            (
                "Hvornår skulle beskæftigelsesforsøgene være i gang?",
                "Forsøg på beskæftigelses- og sygedagpengeområdet skulle være iværksat senest 1. oktober 2018, og "
                "kommunen betaler selv for dem.",
            ),
        ),
        provisions=("LAB § 116", "SDPL § 80", "LAS § 110", "organiseringsloven § 55"),
        tags=("frikommune", "dispensation", "hjemmel", "frikommunevedtægt"),
        is_documented=True,
    ),
    DemoArticle(
        slug="spoergsmaal-og-svar-en-plan-i-hverdagen",
        kind=ArticleKind.FAQ,
        title="Spørgsmål og svar: én plan i hverdagen",
        summary="Demodata: Sagsbehandlernes spørgsmål om den fælles plan, samlet af Fredensborg.",
        body=(
            (
                "Kan borgeren sige nej til én plan?",
                "Ja. Deltagelse kræver borgerens samtykke, og borgeren kan til enhver tid trække det tilbage.",
            ),
            (
                "Hvem skriver planen?",
                "Borgeren og den koordinerende sagsbehandler sammen; de andre fagområder bidrager med deres del.",
            ),
            (
                "Hvad med fristerne i sygedagpengeloven?",
                "Opfølgningen efter sygedagpengelovens § 13 e kan indgå i planen; fristerne gælder stadig.",
            ),
        ),
        author="fredensborg",
        experiments=(("fredensborg", "en-plan-en-sagsbehandler"),),
        provisions=("SDPL § 13 e", "RSL § 5"),
        target_groups=("Borgere med komplekse problemer",),
        tags=("samtykke", "koordinerende sagsbehandler", "én plan"),
    ),
    DemoArticle(
        slug="metodeguide-foerste-planmoede",
        kind=ArticleKind.METHOD_GUIDE,
        title="Metodeguide: det første fælles planmøde",
        summary=(
            "Demodata: En guide til det første fælles planmøde, hvor borgeren sidder for bordenden, og jobcentret, "
            "BUF og SSI møder op sammen."
        ),
        body=(
            ("Før mødet", "Send borgeren tre spørgsmål: Hvad vil du gerne? Hvad står i vejen? Hvem skal være med?"),
            (
                "Under mødet",
                "Borgeren lægger ud. Hver fagperson siger, hvad deres lov kræver – fx opfølgning efter "
                "sygedagpengeloven eller handleplan efter serviceloven § 141 – og hvad der kan samles i én plan.",
            ),
            ("Efter mødet", "Planen sendes til borgeren inden for en uge. Næste møde aftales efter borgerens behov."),
        ),
        author="helsingor",
        experiments=(("helsingor", "helhedsorienteret-plan-i-praksis"), ("helsingor", "en-samlet-handleplan")),
        provisions=("SEL § 141", "SDPL §§ 13 a–13 c", "LAB § 40, stk. 3"),
        target_groups=("Borgere med komplekse problemer",),
        tags=("planmøde", "mødeledelse", "metode", "borgerinddragelse"),
    ),
    DemoArticle(
        slug="metodeguide-progressionsmaaling",
        kind=ArticleKind.METHOD_GUIDE,
        title="Metodeguide: progressionsmåling sammen med borgeren",
        summary=(
            "Demodata: Sådan måler I borgerens progression hvert kvartal, så både borgeren og sagsbehandlerne kan se, "
            "om planen virker."
        ),
        body=(
            (
                "Hvad måles",
                "Borgeren vurderer selv fem områder på en skala fra 1 til 10: arbejde eller uddannelse, helbred, "
                "bolig og økonomi, netværk og hverdagens mestring.",
            ),
            ("Hvornår", "Ved første planmøde og derefter hvert kvartal."),
            ("Brug af resultatet", "Målingen drøftes med borgeren og bruges til at justere planen, ikke til kontrol."),
        ),
        author="hillerod",
        experiments=(
            ("hillerod", "koordinerende-sagsbehandler-ressourceforloeb"),
            ("helsingor", "helhedsorienteret-plan-i-praksis"),
        ),
        provisions=("LAB § 30 a", "LAB § 40, stk. 2"),
        target_groups=("Borgere i ressourceforløb",),
        tags=("progressionsmåling", "metode", "mestre eget liv"),
    ),
    DemoArticle(
        slug="laering-en-indgang-for-familier",
        kind=ArticleKind.LEARNING,
        title="Læring: én indgang for familier",
        summary=(
            "Demodata: Hvad netværket lærte af at samle forældrenes plan i jobcentret og barnets handleplan i BUF "
            "i én familieplan."
        ),
        body=(
            ("Målgruppe", "Familier med en ledig forælder og et barn med en sag i Børn, Unge og Familier."),
            ("Metode", "Fælles familiemøde og én familieplan for BUF og JU."),
            ("Effekt", "Færre møder for familierne; effekten på forældrenes beskæftigelse er usikker."),
            ("Anbefaling", "Lad uddannelsespålægget indgå i en helhedsorienteret plan."),
        ),
        author="hillerod",
        experiments=(("ballerup", "en-plan-familier"), ("hillerod", "en-indgang-for-familier")),
        provisions=("SEL § 140", "LAB §§ 27–30"),
        target_groups=("Familier med børn 0–15 år", "Aktivitetsparate kontanthjælpsmodtagere"),
        tags=("familier", "familieplan", "børns trivsel"),
    ),
    DemoArticle(
        slug="laering-faerre-faste-moeder",
        kind=ArticleKind.LEARNING,
        title="Læring: færre faste møder, mere tid med borgerne",
        summary=(
            "Demodata: Erfaringer fra forsøg, der blev fritaget fra faste mødeintervaller. VIVE's midtvejsevaluering "
            "fandt, at netop fritagelserne fra proceskrav betød noget."
        ),
        body=(
            (
                "Hvad virkede",
                "Sagsbehandlerne brugte den sparede tid på de borgere, der havde mest brug for den.",
            ),
            ("Hvad virkede ikke", "Nogle sygedagpengemodtagere savnede den faste rytme."),
            (
                "Forudsætninger",
                "En klar aftale med borgeren om, hvornår man ses næste gang, og hvem borgeren kan ringe til.",
            ),
        ),
        author="helsingor",
        experiments=(("helsingor", "faerre-faste-moeder"), ("furesoe", "faelles-opfoelgning-sygedagpenge")),
        provisions=("SDPL §§ 13 a–13 c", "LAB §§ 27–30"),
        target_groups=("Sygedagpengemodtagere",),
        tags=("færre møder", "proceskrav", "sygedagpenge"),
        visibility=Visibility.NETWORK,
    ),
    DemoArticle(
        slug="laering-samtykke",
        kind=ArticleKind.LEARNING,
        title="Læring: når borgerne ikke giver samtykke",
        summary=(
            "Demodata: Et forsøg i socialpsykiatrien blev indstillet, fordi for få gav samtykke. Hvad kan andre lære "
            "af det?"
        ),
        body=(
            ("Hvad skete der", "Samtykket blev bedt om skriftligt ved første møde, før tilliden var der."),
            (
                "Retssikkerhed",
                "Et ønske om at dele helhedsvurderingen efter retssikkerhedsloven § 5 uden nyt samtykke blev ikke "
                "imødekommet.",
            ),
            ("Anbefaling", "Giv tid til at opbygge tillid, før borgeren bliver bedt om samtykke."),
        ),
        author="allerod",
        experiments=(("allerod", "plankoordinator-psykiske-vanskeligheder"),),
        provisions=("RSL § 5", "SEL § 141"),
        target_groups=("Borgere med komplekse problemer",),
        tags=("samtykke", "psykiatri", "retssikkerhed"),
    ),
    DemoArticle(
        slug="referat-netvaerksmoede-midtvejsevaluering",
        kind=ArticleKind.MEETING_NOTES,
        title="Referat: netværksmøde om midtvejsevalueringen",
        summary="Demodata: Referat af et netværksmøde, hvor kommunerne drøftede VIVE's midtvejsevaluering.",
        body=(
            ("Deltagere", "Projektledere fra de ni kommuner og netværkskoordinatoren."),
            (
                "Drøftelse",
                "Kommunerne genkendte VIVE's billede: borgerne oplever bedre sammenhæng, men arbejdsformen tager tid. "
                "Flere ønskede at dele erfaringer med progressionsmåling.",
            ),
            ("Aftaler", "Helsingør og Hillerød samler en metodeguide om progressionsmåling til næste møde."),
        ),
        experiments=DOCUMENTED_EXPERIMENTS[:3],
        target_groups=("Borgere med komplekse problemer",),
        tags=("netværksmøde", "referat", "midtvejsevaluering"),
        documents=(
            (
                "Referat af netværksmøde om midtvejsevalueringen (demodata)",
                "referat-netvaerksmoede-midtvejsevaluering.txt",
                "Demodata: referat af netværksmøde i frikommunenetværket Én plan\n\n"
                "Dagsorden\n"
                "1. VIVE's midtvejsevaluering: borgernes oplevelse af sammenhæng, kontinuitet og tempo\n"
                "2. Fritagelser fra faste mødeintervaller efter sygedagpengeloven og LAB §§ 27–30\n"
                "3. Erfaringer med progressionsmåling og mødekalender for næste halvår\n\n"
                "Aftaler\n"
                "Helsingør og Hillerød samler en metodeguide om progressionsmåling til næste møde.\n",
                "Referatet som tekstfil",
            ),
        ),
    ),
    DemoArticle(
        slug="referat-netvaerksmoede-forlaengelse",
        kind=ArticleKind.MEETING_NOTES,
        title="Referat: netværksmøde om forlængelse af forsøgene",
        summary=(
            "Demodata: Referat af et netværksmøde om lov nr. 2598 af 28. december 2021, der forlængede nogle "
            "forsøgsbestemmelser til 31. december 2022."
        ),
        body=(
            (
                "Forlængelsen",
                "Netværkskoordinatoren gennemgik, hvilke bestemmelser der er forlænget, og hvilke der udløber.",
            ),
            (
                "Kommunernes planer",
                "Hillerød, Gribskov, Frederikssund og Helsingør fortsætter deres forsøg; de andre afslutter.",
            ),
        ),
        experiments=(
            ("hillerod", "koordinerende-sagsbehandler-ressourceforloeb"),
            ("gribskov", "stu-og-job"),
            ("frederikssund", "ungekoordinator-ssi"),
            ("helsingor", "helhedsorienteret-plan-i-praksis"),
        ),
        provisions=("LAB § 36, stk. 3", "SEL § 141"),
        tags=("netværksmøde", "referat", "forlængelse"),
        visibility=Visibility.NETWORK,
    ),
)


def _build(spec: DemoArticle) -> KnowledgeArticlePage:
    page = KnowledgeArticlePage(
        title=spec.title,
        slug=spec.slug,
        kind=spec.kind,
        summary=spec.summary,
        body=[
            block
            for heading, text in spec.body
            for block in (("heading", heading), ("paragraph", RichText(f"<p>{escape(text)}</p>")))
        ],
        author_municipality=MunicipalityPage.objects.get(slug=spec.author) if spec.author else None,
        visibility=spec.visibility,
    )
    page.experiments = [
        ExperimentPage.objects.child_of(MunicipalityPage.objects.get(slug=municipality)).get(slug=slug)
        for municipality, slug in spec.experiments
    ]
    page.provisions = [Provision.objects.resolve(parse_reference(text)) for text in spec.provisions]
    page.target_groups = list(TargetGroup.objects.filter(name__in=spec.target_groups))
    page.documents = [
        ArticleDocument(document=_document(title, filename, text), description=description)
        for title, filename, text, description in spec.documents
    ]
    page.tags.add(*spec.tags)
    return page


def _document(title: str, filename: str, text: str):
    """The demo document with this title, created with `text` as its file when missing."""
    model = get_document_model()
    document = model.objects.filter(title=title).first()
    if document is None:
        document = model(title=title)
        document.file.save(filename, ContentFile(text.encode("utf-8")), save=False)
        # Size and hash as the admin's upload form records them.
        document._set_document_file_metadata()
        document.save()
    return document


def load_demo_articles(*, user=None) -> list[KnowledgeArticlePage]:
    """Create the articles whose slug is free under /viden/; the experiments they link to must exist."""
    index = KnowledgeIndexPage.objects.get()
    created = []
    for spec in ARTICLES:
        if KnowledgeArticlePage.objects.child_of(index).filter(slug=spec.slug).exists():
            continue
        created.append(publish_new_page(index, _build(spec), user=user))
    return created
