"""StreamField blocks shared by page types: narrative text with headings, paragraphs and documents."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock


class NarrativeBlock(blocks.StreamBlock):
    heading = blocks.CharBlock(label=_("Overskrift"), form_classname="title")
    paragraph = blocks.RichTextBlock(
        label=_("Afsnit"), features=["bold", "italic", "ol", "ul", "link", "document-link"]
    )
    document = DocumentChooserBlock(label=_("Dokument"))

    class Meta:
        label = _("Indhold")


def stream_text_and_documents(stream) -> tuple[str, list]:
    """The indexable text of a StreamField value and the documents its document blocks point to."""
    texts = stream.stream_block.get_searchable_content(stream)
    documents = [block.value for block in stream if block.block_type == "document" and block.value]
    return "\n".join(str(text) for text in texts if text), documents
