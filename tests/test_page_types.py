"""The contract of every page type, with Wagtail's own page test utilities: where each page may live, and that each
routes, renders, edits and previews; and creating an experiment under Helsingør through the admin's form."""

import datetime

from django.http import QueryDict
from django.urls import reverse
from wagtail.blocks import ChooserBlock
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import inline_formset, nested_form_data, querydict_from_html, rich_text, streamfield

from core.visibility import Visibility
from experiments.factories import (
    EvaluationFactory,
    ExemptionRequestFactory,
    ExperimentPageFactory,
    LearningFactory,
    PartnerMunicipalityFactory,
    ResultFactory,
    ServiceAreaFactory,
    StatusEventFactory,
    TargetGroupFactory,
)
from experiments.models import (
    Decision,
    ExemptionRequest,
    ExperimentPage,
    ExperimentStatus,
    Law,
    LegalBasis,
    Provision,
)
from knowledge.factories import ArticleDocumentFactory, DocumentFactory, KnowledgeArticlePageFactory
from knowledge.models import KnowledgeArticlePage, KnowledgeIndexPage
from municipalities.models import MunicipalityIndexPage, MunicipalityPage
from network.models import HomePage


def block_form_value(block, value):
    if isinstance(block, ChooserBlock):
        return value.pk if value else ""
    return block.get_form_state(value)


def edit_form_data(client, page) -> QueryDict:
    """What the editor posts when a page is saved unchanged.

    The admin's HTML holds every field but the StreamFields, whose inputs its JavaScript draws; those come from the
    page's stored value, so Wagtail's edit and preview assertions post a complete form.
    """
    html = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).content.decode()
    data = querydict_from_html(html, form_id="page-edit-form")
    for field in page._meta.get_fields():
        if isinstance(field, StreamField):
            items = [
                (child.block_type, block_form_value(child.block, child.value)) for child in getattr(page, field.name)
            ]
            data.update(nested_form_data({field.name: streamfield(items)}))
    return data


def form_errors(response) -> str:
    """The admin form's errors, for a failure message."""
    form = response.context["form"] if response.context and "form" in response.context else None
    if form is None:
        return ""
    errors = dict(form.errors)
    for name, formset in form.formsets.items():
        errors.update({f"{name}-{i}": e for i, e in enumerate(formset.errors) if e})
        if formset.non_form_errors():
            errors[name] = formset.non_form_errors()
    return str(errors)


class PageTreeRulesTests(WagtailPageTestCase):
    """The tree is the permission model, so each page type may only sit where its municipality's groups reach it."""

    def test_home_page_sits_at_the_root_and_holds_the_two_indexes(self):
        self.assertAllowedParentPageTypes(HomePage, {Page})
        self.assertAllowedSubpageTypes(HomePage, {MunicipalityIndexPage, KnowledgeIndexPage})

    def test_municipality_index_holds_only_municipalities(self):
        self.assertAllowedParentPageTypes(MunicipalityIndexPage, {HomePage})
        self.assertAllowedSubpageTypes(MunicipalityIndexPage, {MunicipalityPage})

    def test_municipality_holds_only_experiments(self):
        self.assertAllowedParentPageTypes(MunicipalityPage, {MunicipalityIndexPage})
        self.assertAllowedSubpageTypes(MunicipalityPage, {ExperimentPage})

    def test_experiment_lives_under_a_municipality_and_has_no_children(self):
        self.assertAllowedParentPageTypes(ExperimentPage, {MunicipalityPage})
        self.assertAllowedSubpageTypes(ExperimentPage, set())

    def test_knowledge_index_holds_only_articles(self):
        self.assertAllowedParentPageTypes(KnowledgeIndexPage, {HomePage})
        self.assertAllowedSubpageTypes(KnowledgeIndexPage, {KnowledgeArticlePage})

    def test_knowledge_article_lives_under_the_index_and_has_no_children(self):
        self.assertAllowedParentPageTypes(KnowledgeArticlePage, {KnowledgeIndexPage})
        self.assertAllowedSubpageTypes(KnowledgeArticlePage, set())

    def test_where_pages_can_and_cannot_be_created(self):
        self.assertCanCreateAt(Page, HomePage)
        self.assertCanCreateAt(HomePage, MunicipalityIndexPage)
        self.assertCanCreateAt(HomePage, KnowledgeIndexPage)
        self.assertCanCreateAt(MunicipalityIndexPage, MunicipalityPage)
        self.assertCanCreateAt(MunicipalityPage, ExperimentPage)
        self.assertCanCreateAt(KnowledgeIndexPage, KnowledgeArticlePage)

        self.assertCanNotCreateAt(Page, ExperimentPage)
        self.assertCanNotCreateAt(Page, MunicipalityPage)
        self.assertCanNotCreateAt(HomePage, ExperimentPage)
        self.assertCanNotCreateAt(HomePage, MunicipalityPage)
        self.assertCanNotCreateAt(HomePage, KnowledgeArticlePage)
        self.assertCanNotCreateAt(MunicipalityIndexPage, ExperimentPage)
        self.assertCanNotCreateAt(MunicipalityPage, KnowledgeArticlePage)
        self.assertCanNotCreateAt(MunicipalityPage, MunicipalityPage)
        self.assertCanNotCreateAt(ExperimentPage, ExperimentPage)
        self.assertCanNotCreateAt(KnowledgeIndexPage, ExperimentPage)
        self.assertCanNotCreateAt(KnowledgeArticlePage, KnowledgeArticlePage)

    def test_the_home_page_and_the_two_indexes_exist_once(self):
        home = HomePage.objects.get()
        self.assertFalse(HomePage.can_create_at(Page.get_first_root_node()))
        self.assertFalse(MunicipalityIndexPage.can_create_at(home))
        self.assertFalse(KnowledgeIndexPage.can_create_at(home))
        self.assertTrue(MunicipalityPage.can_create_at(MunicipalityIndexPage.objects.get()))


class PageContractTests(WagtailPageTestCase):
    """Each page type, filled in, routes, renders, opens in the editor, saves from it, and previews."""

    @classmethod
    def setUpTestData(cls):
        cls.helsingor = MunicipalityPage.objects.get(slug="helsingor")
        cls.experiment = ExperimentPageFactory(
            parent=cls.helsingor,
            title="Én samlet handleplan på tværs af fagcentre",
            target_groups=[TargetGroupFactory()],
            service_areas=[ServiceAreaFactory()],
            tags=["én plan"],
        )
        cls.experiment.content.append(("document", DocumentFactory()))
        cls.experiment.save()
        ExemptionRequestFactory(experiment=cls.experiment, reference="SEL § 140, stk. 3", sort_order=0)
        ExemptionRequestFactory(experiment=cls.experiment, reference="LAB §§ 27–30", sort_order=1)
        StatusEventFactory(experiment=cls.experiment, status=ExperimentStatus.APPLIED, date=datetime.date(2016, 12, 1))
        StatusEventFactory(experiment=cls.experiment, status=ExperimentStatus.STARTED, date=datetime.date(2017, 10, 1))
        PartnerMunicipalityFactory(experiment=cls.experiment)
        ResultFactory(experiment=cls.experiment)
        LearningFactory(experiment=cls.experiment)
        EvaluationFactory(experiment=cls.experiment)
        cls.article = KnowledgeArticlePageFactory(experiments=[cls.experiment], tags=["læring"])
        ArticleDocumentFactory(article=cls.article)
        cls.pages = [
            HomePage.objects.get(),
            MunicipalityIndexPage.objects.get(),
            cls.helsingor,
            cls.experiment,
            KnowledgeIndexPage.objects.get(),
            cls.article,
        ]

    def test_every_page_type_is_routable(self):
        for page in self.pages:
            with self.subTest(page_type=type(page).__name__):
                self.assertPageIsRoutable(page)

    def test_every_page_type_renders_for_anonymous_visitors(self):
        for page in self.pages:
            with self.subTest(page_type=type(page).__name__):
                self.assertPageIsRenderable(page)

    def test_network_only_pages_render_for_network_staff_and_send_anonymous_visitors_to_log_in(self):
        staff = self.create_user("medarbejder-ballerup")
        for page in (
            ExperimentPageFactory(parent=self.helsingor, visibility=Visibility.NETWORK),
            KnowledgeArticlePageFactory(visibility=Visibility.NETWORK),
        ):
            with self.subTest(page_type=type(page).__name__):
                self.assertPageIsRenderable(page, user=staff)
                self.assertPageIsRenderable(page, accept_redirect=True)
                self.assertRedirects(
                    self.client.get(page.url), f"/log-ind/?next={page.url}", fetch_redirect_response=False
                )

    def test_every_page_type_is_editable_by_a_superuser(self):
        superuser = self.create_superuser("redaktionen")
        for page in self.pages:
            with self.subTest(page_type=type(page).__name__):
                self.client.force_login(superuser)
                data = edit_form_data(self.client, page)
                data["action-publish"] = ""
                self.assertPageIsEditable(page, post_data=data, user=superuser)

    def test_every_page_type_is_previewable(self):
        superuser = self.create_superuser("redaktionen")
        for page in self.pages:
            with self.subTest(page_type=type(page).__name__):
                self.client.force_login(superuser)
                self.assertPageIsPreviewable(page, post_data=edit_form_data(self.client, page), user=superuser)

    def test_publishing_the_edit_form_unchanged_keeps_every_page_and_its_children(self):
        # assertPageIsEditable only checks that the POST does not crash; here the unchanged form must also save.
        # Logged in as the session would be after the login form (axes refuses a login without a request).
        self.client.force_login(self.create_superuser("redaktionen"))
        for page in self.pages:
            with self.subTest(page_type=type(page).__name__):
                edit_url = reverse("wagtailadmin_pages:edit", args=[page.pk])
                data = edit_form_data(self.client, page)
                data["action-publish"] = "action-publish"
                revisions_before = page.revisions.count()

                response = self.client.post(edit_url, data)

                self.assertEqual(response.status_code, 302, form_errors(response))
                self.assertEqual(page.revisions.count(), revisions_before + 1)

        experiment = ExperimentPage.objects.get(pk=self.experiment.pk)
        self.assertEqual(
            [request.provision.reference_text for request in experiment.exemption_requests.all()],
            ["SEL § 140, stk. 3", "LAB §§ 27–30"],
        )
        self.assertEqual(experiment.status, ExperimentStatus.STARTED)
        self.assertEqual(experiment.partners.get().municipality.slug, "hillerod")

    def test_retyping_a_reference_in_the_editor_points_the_exemption_at_the_new_provision(self):
        # Logged in as the session would be after the login form (axes refuses a login without a request).
        self.client.force_login(self.create_superuser("redaktionen"))
        edit_url = reverse("wagtailadmin_pages:edit", args=[self.experiment.pk])
        data = edit_form_data(self.client, self.experiment)
        self.assertEqual(data["exemption_requests-0-reference"], "SEL § 140, stk. 3")
        data["exemption_requests-0-reference"] = "serviceloven § 141, stk. 7"
        data["action-publish"] = "action-publish"

        self.assertEqual(self.client.post(edit_url, data).status_code, 302)

        first = ExemptionRequest.objects.filter(experiment=self.experiment).order_by("sort_order").first()
        self.assertEqual(first.provision, Provision.objects.get(law__key="SEL", paragraph="141", stk=7))


EXPERIMENT_FORM = {
    "title": "Én plan for familier med flere sager",
    "slug": "en-plan-for-familier",
    "summary": "Familier med flere sager i kommunen får én samlet plan og én kontaktperson.",
    "planned_start": "2017-10-01",
    "planned_end": "2020-07-01",
    "actual_start": "",
    "actual_end": "",
    "council_decision_date": "2017-05-30",
    "frikommunevedtaegt_url": "https://www.helsingor.dk/frikommunevedtaegt",
    "challenge": "Familierne har mange planer hos mange forvaltninger.",
    "purpose": "Én plan, som familien selv er med til at lægge.",
    "target_group_description": "Forældre på uddannelseshjælp med børn 0–15 år.",
    "citizens_count": "40",
    "evidence_rating": "",
    "builds_on": "",
    "contact_name": "Mette Frederiksen Holm",
    "contact_email": "mfh@helsingor.dk",
    "tags": "én plan, familier",
    "visibility": "public",
}


class CreateExperimentInTheAdminTests(WagtailPageTestCase):
    """A Helsingør experiment created through the admin's form, with exemptions typed as Danish references."""

    @classmethod
    def setUpTestData(cls):
        cls.helsingor = MunicipalityPage.objects.get(slug="helsingor")
        cls.target_group = TargetGroupFactory()

    def setUp(self):
        # Logged in as the session would be after the login form (axes refuses a login without a request).
        self.client.force_login(self.create_superuser("redaktionen"))

    def form_data(self, *references):
        data = nested_form_data(
            {
                **EXPERIMENT_FORM,
                "content": streamfield(
                    [
                        ("heading", "Sådan arbejder vi"),
                        ("paragraph", rich_text("<p>Én koordinerende sagsbehandler for hele familien.</p>")),
                    ]
                ),
                "exemption_requests": inline_formset(
                    [
                        {
                            "reference": reference,
                            "basis": LegalBasis.DISPENSATION,
                            "application_round": "1",
                            "applied_on": "2016-12-01",
                            "decision": Decision.GRANTED,
                            "decided_on": "2017-04-07",
                            "ministry_reference": f"2017-{index}",
                            "legal_instrument": "Bekendtgørelse om frikommuneforsøg II",
                            "barrier": "Planen skal følge faste mødeintervaller.",
                        }
                        for index, reference in enumerate(references)
                    ]
                ),
                "status_events": inline_formset(
                    [
                        {"status": ExperimentStatus.APPLIED, "date": "2016-12-01", "note": ""},
                        {"status": ExperimentStatus.STARTED, "date": "2017-10-01", "note": "Første familier visiteret"},
                    ]
                ),
                "results": inline_formset([]),
                "learnings": inline_formset([]),
                "evaluations": inline_formset([]),
                "partners": inline_formset([]),
                "comments": inline_formset([]),
            }
        )
        data["target_groups"] = [str(self.target_group.pk)]
        return data

    def test_creates_an_experiment_whose_typed_references_point_at_the_right_provisions(self):
        min_plan = Provision.objects.get(law__key="LAB", paragraph="27", paragraph_end="30", stk=None, nr=None)
        self.assertFalse(Provision.objects.filter(law__key="SEL", paragraph="140", stk=3).exists())

        self.assertCanCreate(self.helsingor, ExperimentPage, self.form_data("SEL § 140, stk. 3", "LAB §§ 27–30"))

        experiment = ExperimentPage.objects.child_of(self.helsingor).get(slug="en-plan-for-familier")
        self.assertTrue(experiment.live)
        requests = list(experiment.exemption_requests.order_by("sort_order"))
        self.assertEqual(len(requests), 2)
        self.assertEqual(requests[1].provision, min_plan)
        sel_stk_3 = requests[0].provision
        self.assertEqual((sel_stk_3.law.key, sel_stk_3.paragraph, sel_stk_3.stk), ("SEL", "140", 3))
        self.assertEqual(sel_stk_3.law, Law.objects.current_version("SEL"))
        self.assertEqual(sel_stk_3.reference_text, "SEL § 140, stk. 3")
        self.assertEqual(requests[0].decision, Decision.GRANTED)
        self.assertEqual(experiment.status, ExperimentStatus.STARTED)
        self.assertEqual(experiment.status_date, datetime.date(2017, 10, 1))
        self.assertEqual(list(experiment.target_groups.all()), [self.target_group])
        self.assertEqual(experiment.revisions.count(), 1)

    def test_the_lab_range_typed_with_a_hyphen_and_no_spaces_finds_the_catalogue_provision(self):
        provisions_before = Provision.objects.count()

        self.assertCanCreate(self.helsingor, ExperimentPage, self.form_data("LAB§§27-30"))

        experiment = ExperimentPage.objects.child_of(self.helsingor).get(slug="en-plan-for-familier")
        self.assertEqual(experiment.exemption_requests.get().provision.reference_text, "LAB §§ 27–30")
        self.assertEqual(Provision.objects.count(), provisions_before)

    def test_an_unknown_law_re_renders_the_form_with_a_danish_message_and_creates_nothing(self):
        pages_before = Page.objects.count()
        provisions_before = Provision.objects.count()
        add_url = reverse("wagtailadmin_pages:add", args=["experiments", "experimentpage", self.helsingor.pk])

        response = self.client.post(
            add_url, {**self.form_data("SEL § 140, stk. 3", "XYZ § 1"), "action-publish": "action-publish"}
        )

        self.assertEqual(response.status_code, 200)
        formset = response.context["form"].formsets["exemption_requests"]
        self.assertEqual(formset.forms[1].errors["reference"], ['Ukendt lov: "XYZ"'])
        self.assertContains(response, "Ukendt lov: &quot;XYZ&quot;")
        self.assertEqual(Page.objects.count(), pages_before)
        self.assertEqual(Provision.objects.count(), provisions_before)
        self.assertFalse(ExemptionRequest.objects.filter(ministry_reference__startswith="2017-").exists())

    def test_an_end_before_the_start_is_refused_with_a_danish_message(self):
        add_url = reverse("wagtailadmin_pages:add", args=["experiments", "experimentpage", self.helsingor.pk])
        data = {**self.form_data(), "planned_end": "2016-01-01", "action-publish": "action-publish"}

        response = self.client.post(add_url, data)

        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["form"].errors["planned_end"], ["Slutdatoen ligger før startdatoen."])
        self.assertFalse(ExperimentPage.objects.filter(slug="en-plan-for-familier").exists())
