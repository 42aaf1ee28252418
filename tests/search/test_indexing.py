"""The index follows publish, unpublish, move and delete in the same transaction, and reads attached documents."""

import io

import pytest
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Prefetch

from experiments.factories import EvaluationFactory
from experiments.models import ExemptionRequest, ExperimentPage
from experiments.searchable import build_experiment
from knowledge.factories import ArticleDocumentFactory, DocumentFactory
from municipalities.models import MunicipalityPage
from search.documents import extract_text
from search.models import SearchDocument

pytestmark = pytest.mark.django_db


def indexed(page) -> SearchDocument | None:
    return SearchDocument.objects.filter(page_id=page.pk).first()


def test_publish_indexes_and_unpublish_removes(corpus):
    page = corpus["unge"]
    assert indexed(page).title == page.title
    page.unpublish()
    assert indexed(page) is None
    page.save_revision().publish()
    assert indexed(page) is not None


def test_index_change_rolls_back_with_the_publish(corpus):
    page = corpus["unge"]
    page.title = "Ny titel der ruller tilbage"
    with pytest.raises(RuntimeError), transaction.atomic():
        page.save_revision().publish()
        assert indexed(page).title == "Ny titel der ruller tilbage"
        raise RuntimeError
    assert indexed(page).title == "Koordineret indsats for unge"


def test_move_updates_url_and_municipality(corpus):
    page = corpus["unge"]
    target = MunicipalityPage.objects.get(slug="gribskov")
    page.move(target, pos="last-child")
    document = indexed(page)
    assert document.url.startswith("/kommuner/gribskov/")
    assert document.municipality == "gribskov"


def test_delete_removes_the_document(corpus):
    page = corpus["unge"]
    page_id = page.pk
    page.delete()
    assert not SearchDocument.objects.filter(page_id=page_id).exists()


def test_draft_changes_do_not_reach_the_index(corpus):
    page = corpus["unge"]
    page.title = "Kladde"
    page.save_revision()
    assert indexed(page).title == "Koordineret indsats for unge"


def test_network_only_visibility_is_indexed(corpus):
    assert indexed(corpus["skjult"]).visibility == "network"
    assert indexed(corpus["unge"]).visibility == "public"


def _docx_bytes(text: str) -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _pdf_bytes(text: str) -> bytes:
    # A minimal one-page PDF with the text in Helvetica, written by hand so no PDF writer is needed.
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def test_text_of_attached_pdf_and_docx_is_searchable(corpus, client):
    pdf = DocumentFactory(title="Rapport", file=ContentFile(_pdf_bytes("Tvaerfaglig kvalitetsmaaling"), name="r.pdf"))
    assert "kvalitetsmaaling" in extract_text(pdf)
    docx_document = DocumentFactory(
        title="Notat", file=ContentFile(_docx_bytes("Samtykkeerklæringen blev forenklet."), name="n.docx")
    )
    article = corpus["artikel_jura"]
    ArticleDocumentFactory(article=article, document=docx_document, description="")
    EvaluationFactory(experiment=corpus["familier"], document=pdf)
    article.save_revision().publish()
    corpus["familier"].save_revision().publish()

    body = client.get("/api/v1/search", {"q": "samtykkeerklæringen"}).json()
    assert [hit["title"] for hit in body["hits"]] == [article.title]
    body = client.get("/api/v1/search", {"q": "kvalitetsmaaling"}).json()
    assert [hit["title"] for hit in body["hits"]] == [corpus["familier"].title]


def test_broken_document_is_indexed_without_its_text(corpus):
    broken = DocumentFactory(title="Ødelagt", file=ContentFile(b"not a pdf", name="broken.pdf"))
    assert extract_text(broken) == ""


def test_privacy_on_a_municipality_hides_its_experiments_from_anonymous_search(corpus, client):
    from wagtail.models import PageViewRestriction

    municipality = MunicipalityPage.objects.get(slug="frederikssund")
    restriction = PageViewRestriction.objects.create(page=municipality, restriction_type=PageViewRestriction.LOGIN)
    assert indexed(corpus["unge"]).visibility == "network"
    # Not found, nor named: a suggestion may find another page, never this one.
    body = client.get("/api/v1/search", {"q": "overgangen"}).json()
    assert corpus["unge"].pk not in [hit["id"] for hit in body["hits"]], body
    assert corpus["unge"].title not in str(body)
    restriction.delete()
    assert indexed(corpus["unge"]).visibility == "public"


def test_privacy_on_an_unpublished_municipality_still_reaches_its_live_experiments(corpus):
    from wagtail.models import PageViewRestriction

    municipality = MunicipalityPage.objects.get(slug="frederikssund")
    municipality.unpublish()  # the municipality alone: its experiments stay live
    assert indexed(corpus["unge"]).visibility == "public"
    PageViewRestriction.objects.create(page=municipality, restriction_type=PageViewRestriction.LOGIN)
    assert indexed(corpus["unge"]).visibility == "network"


def test_a_rebuild_writes_the_documents_publishing_wrote(corpus):
    from search import indexing

    columns = ("page_id", "title", "url", "municipality", "municipality_label", "facet_values", "visibility")
    published = {row["page_id"]: row for row in SearchDocument.objects.values(*columns)}
    SearchDocument.objects.update(municipality="", municipality_label="", facet_values=[])
    indexing.rebuild()
    rebuilt = {row["page_id"]: row for row in SearchDocument.objects.values(*columns)}
    assert rebuilt == published
    assert {row["municipality"] for row in rebuilt.values()} >= {"ballerup", "fredensborg"}


def test_a_document_does_not_depend_on_the_order_the_database_returns_rows_in(corpus):
    """Rows an editor gave no order (sort_order empty) come back in any order; the document is the same."""

    def laws_and_provisions(order):
        exemptions = Prefetch("exemption_requests", queryset=ExemptionRequest.objects.order_by(order))
        page = ExperimentPage.objects.prefetch_related(exemptions).get(pk=corpus["familier"].pk)
        content = build_experiment(page)
        return [law.value for law in content.laws], [provision.value for provision in content.provisions]

    assert len(laws_and_provisions("pk")[0]) == 2
    assert laws_and_provisions("pk") == laws_and_provisions("-pk")
