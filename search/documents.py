"""The text of attached documents (PDF with pypdf, DOCX with python-docx, plain text), cached per file hash."""

import io
import logging

from search.models import DocumentText

logger = logging.getLogger(__name__)

MAX_DOCUMENT_TEXT = 200_000


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def _docx_text(data: bytes) -> str:
    import docx

    document = docx.Document(io.BytesIO(data))
    parts = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    return "\n".join(part for part in parts if part)


EXTRACTORS = {
    "pdf": _pdf_text,
    "docx": _docx_text,
    "txt": lambda data: data.decode("utf-8", errors="replace"),
    "csv": lambda data: data.decode("utf-8", errors="replace"),
}


def extract_text(document) -> str:
    """The document's text, or "" for a type we cannot read or a broken file (logged, never raised)."""
    extension = (document.file_extension or "").lower()
    extractor = EXTRACTORS.get(extension)
    if extractor is None:
        return ""
    try:
        with document.open_file() as handle:
            data = handle.read()
        text = extractor(data)
    except Exception as error:  # a broken upload must not stop publishing
        logger.warning("Could not read the text of document %s (%s): %s", document.pk, document.filename, error)
        return ""
    return text[:MAX_DOCUMENT_TEXT]


def document_text(document) -> str:
    """The cached text of `document`, extracted again when the file changed."""
    try:
        file_hash = document.get_file_hash()
    except Exception as error:  # a missing file is logged and indexed as empty
        logger.warning("Could not open document %s: %s", document.pk, error)
        return ""
    cached = DocumentText.objects.filter(document=document).first()
    if cached and cached.file_hash == file_hash:
        return cached.text
    text = extract_text(document).replace("\x00", "")
    DocumentText.objects.update_or_create(document=document, defaults={"file_hash": file_hash, "text": text})
    return text
