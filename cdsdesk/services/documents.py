"""Source documents: the notices (and other texts) that tasks come from."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date

from sqlalchemy import func, select

from cdsdesk.domain.enums import DOCUMENT_TYPES
from cdsdesk.domain.labels import document_label
from cdsdesk.domain.models import Document, Task
from cdsdesk.errors import NotFoundError, ValidationError
from cdsdesk.i18n import tr
from cdsdesk.storage.db import Register
from cdsdesk.textvi import normalize_spaces


@dataclass
class DocumentInput:
    number: str = ""
    doc_type: str = "TB"
    issuer_code: str = ""
    issuer: str = ""
    place: str = ""
    issued_on: date | None = None
    title: str = ""
    meeting_on: date | None = None
    chair: str = ""
    signer: str = ""
    signer_title: str = ""
    recipients: list[str] = field(default_factory=list)
    original_text: str = ""
    source_file: str = ""


@dataclass(frozen=True)
class DocumentInfo:
    id: int
    number: str
    doc_type: str
    issuer_code: str
    issuer: str
    place: str
    issued_on: date | None
    title: str
    meeting_on: date | None
    chair: str
    signer: str
    signer_title: str
    recipients: tuple[str, ...]
    original_text: str
    source_file: str
    task_count: int = 0

    @property
    def label(self) -> str:
        return document_label(self.number, self.doc_type, self.issuer_code)

    @property
    def type_name(self) -> str:
        return DOCUMENT_TYPES.get(self.doc_type, self.doc_type)


def _info(doc: Document, task_count: int = 0) -> DocumentInfo:
    return DocumentInfo(
        doc.id,
        doc.number,
        doc.doc_type,
        doc.issuer_code,
        doc.issuer,
        doc.place,
        doc.issued_on,
        doc.title,
        doc.meeting_on,
        doc.chair,
        doc.signer,
        doc.signer_title,
        tuple(doc.recipients or ()),
        doc.original_text,
        doc.source_file,
        task_count,
    )


def _validate(data: DocumentInput) -> DocumentInput:
    clean = DocumentInput(**asdict(data))
    for name in ("number", "issuer_code", "issuer", "place", "chair", "signer"):
        setattr(clean, name, normalize_spaces(getattr(clean, name)))
    clean.title = normalize_spaces(clean.title)
    clean.recipients = [normalize_spaces(r) for r in clean.recipients if normalize_spaces(r)]
    if clean.doc_type not in DOCUMENT_TYPES:
        raise ValidationError(
            tr("Loại văn bản “{code}” không hợp lệ (dùng: {codes}).").format(
                code=clean.doc_type, codes=", ".join(DOCUMENT_TYPES)
            )
        )
    if not (clean.number or clean.title):
        raise ValidationError(tr("Văn bản cần có số hiệu hoặc trích yếu."))
    if clean.meeting_on and clean.issued_on and clean.meeting_on > clean.issued_on:
        raise ValidationError(tr("Ngày họp không thể sau ngày ban hành văn bản."))
    return clean


def create_document(register: Register, data: DocumentInput) -> DocumentInfo:
    clean = _validate(data)
    with register.transaction() as session:
        doc = Document(**asdict(clean))
        session.add(doc)
        session.flush()
        return _info(doc)


def update_document(register: Register, document_id: int, data: DocumentInput) -> DocumentInfo:
    clean = _validate(data)
    with register.transaction() as session:
        doc = session.get(Document, document_id)
        if doc is None:
            raise NotFoundError(tr("Không có văn bản mã {id}.").format(id=document_id))
        for name, value in asdict(clean).items():
            setattr(doc, name, value)
        count = session.scalar(select(func.count()).where(Task.document_id == document_id)) or 0
        return _info(doc, count)


def delete_document(register: Register, document_id: int) -> None:
    """Delete a document that has no tasks; one with tasks is refused."""
    with register.transaction() as session:
        doc = session.get(Document, document_id)
        if doc is None:
            raise NotFoundError(tr("Không có văn bản mã {id}.").format(id=document_id))
        count = session.scalar(select(func.count()).where(Task.document_id == document_id)) or 0
        if count:
            raise ValidationError(
                tr(
                    "Văn bản {label} còn {count} nhiệm vụ; hãy xóa hoặc chuyển các nhiệm vụ trước."
                ).format(label=_info(doc).label, count=count)
            )
        session.delete(doc)


def get_document(register: Register, document_id: int) -> DocumentInfo:
    with register.transaction() as session:
        doc = session.get(Document, document_id)
        if doc is None:
            raise NotFoundError(tr("Không có văn bản mã {id}.").format(id=document_id))
        count = session.scalar(select(func.count()).where(Task.document_id == document_id)) or 0
        return _info(doc, count)


@dataclass(frozen=True, slots=True)
class DocumentChoice:
    """A document as a filter list shows it: no text, no counts."""

    id: int
    label: str
    title: str
    issued_on: date | None


def document_choices(register: Register) -> list[DocumentChoice]:
    """Every document's label and title, newest first, in one light read.

    ``list_documents`` carries each notice's whole text and counts every task:
    too much for a filter list filled at start-up.
    """
    with register.reading() as conn:
        rows = list(
            conn.execute(
                "SELECT id, number, doc_type, issuer_code, title, issued_on FROM documents"
            )
        )
    choices = [
        DocumentChoice(
            doc_id,
            document_label(number, doc_type, issuer_code),
            title,
            issued if issued is None or isinstance(issued, date) else date.fromisoformat(issued),
        )
        for doc_id, number, doc_type, issuer_code, title, issued in rows
    ]
    return sorted(choices, key=lambda d: (d.issued_on or date.min, d.id), reverse=True)


def list_documents(register: Register) -> list[DocumentInfo]:
    """All documents, newest first."""
    with register.transaction() as session:
        counts: dict[int | None, int] = {
            doc_id: n
            for doc_id, n in session.execute(
                select(Task.document_id, func.count()).group_by(Task.document_id)
            )
        }
        docs = session.scalars(select(Document)).all()
        infos = [_info(d, counts.get(d.id, 0)) for d in docs]
    return sorted(infos, key=lambda d: (d.issued_on or date.min, d.id), reverse=True)
