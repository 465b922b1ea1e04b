"""Reading notices from .txt, .docx, .pdf and pasted text; every kind of bad input."""

from __future__ import annotations

import io
import os
import unicodedata
import zipfile
from pathlib import Path

import pytest

from cdsdesk.errors import CdsError
from cdsdesk.importing.reading import (
    MAX_FILE_BYTES,
    ImportReadError,
    SourceText,
    read_text,
    text_from_paste,
)

VIETNAMESE = (
    "Số: 36/TB-UBND\n"
    "Quảng Ngãi, ngày 03 tháng 02 năm 2023\n"
    "Kết luận của Chủ tịch UBND tỉnh về chuyển đổi số\n"
    "- Khẩn trương hoàn thiện Kế hoạch, trình ban hành trước ngày 04/02/2023.\n"
    "+ Sở Thông tin và Truyền thông chủ trì, phối hợp với Văn phòng UBND tỉnh.\n"
    "Ưu tiên ươm mầm: Ắ Ằ Ẳ Ẵ Ặ ắ ằ ẳ ẵ ặ ế ề ể ễ ệ ố ồ ổ ỗ ộ ớ ờ ở ỡ ợ ứ ừ ử ữ ự ỳ ỷ ỹ ỵ đ Đ"
)
LIBERATION_SERIF = Path("/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf")


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def read_error(path: Path) -> str:
    with pytest.raises(ImportReadError) as caught:
        read_text(path)
    assert isinstance(caught.value, CdsError)
    return str(caught.value)


def to_cp1258(text: str) -> bytes:
    """Encode like Windows does: a precomposed letter where cp1258 has one, else the
    letter without its tone followed by the combining tone mark."""
    tones = "\u0300\u0301\u0303\u0309\u0323"
    out = []
    for ch in text:
        try:
            out.append(ch.encode("cp1258"))
        except UnicodeEncodeError:
            nfd = unicodedata.normalize("NFD", ch)
            base = unicodedata.normalize("NFC", "".join(c for c in nfd if c not in tones))
            out.append((base + "".join(c for c in nfd if c in tones)).encode("cp1258"))
    return b"".join(out)


# ---------------------------------------------------------------------------
# Plain text
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (VIETNAMESE.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + VIETNAMESE.encode("utf-8"), "utf-8-sig"),
        (b"\xff\xfe" + VIETNAMESE.encode("utf-16-le"), "utf-16-le"),
        (b"\xfe\xff" + VIETNAMESE.encode("utf-16-be"), "utf-16-be"),
        (VIETNAMESE.encode("utf-16-le"), "utf-16-le"),
        (VIETNAMESE.encode("utf-16-be"), "utf-16-be"),
        (to_cp1258(VIETNAMESE), "cp1258"),
    ],
    ids=["utf8", "utf8-bom", "utf16le-bom", "utf16be-bom", "utf16le", "utf16be", "cp1258"],
)
def test_text_encodings_are_detected(tmp_path: Path, data: bytes, encoding: str) -> None:
    source = read_text(write(tmp_path, "tb.txt", data))
    assert source.text == VIETNAMESE
    assert source.encoding == encoding
    assert source.kind == "txt"
    assert source.lines == VIETNAMESE.split("\n")
    assert source.path == tmp_path / "tb.txt"


def test_cp1258_really_uses_combining_tone_marks() -> None:
    # The test data must exercise NFC composition, not only precomposed letters.
    raw = to_cp1258("Việt Nam chuyển đổi số").decode("cp1258")
    assert unicodedata.normalize("NFC", raw) != raw


def test_cp1258_is_not_taken_for_latin1(tmp_path: Path) -> None:
    data = to_cp1258("Thông báo kết luận về chuyển đổi số của tỉnh; hoàn thành trước ngày 4/2.")
    source = read_text(write(tmp_path, "tb.txt", data))
    assert "kết luận" in source.text and "chuyển đổi số" in source.text
    assert source.encoding == "cp1258"


def test_utf8_with_a_few_bad_bytes_stays_utf8(tmp_path: Path) -> None:
    data = VIETNAMESE.encode("utf-8") + b"\n\xff trailing"
    source = read_text(write(tmp_path, "tb.txt", data))
    assert source.text.startswith(VIETNAMESE)
    assert source.encoding == "utf-8"


def test_text_is_cleaned(tmp_path: Path) -> None:
    raw = "Dòng\u00a0một\r\nDòng hai\x00\x07  \rDòng\u200b ba\tcột\n"
    source = read_text(write(tmp_path, "tb.txt", unicodedata.normalize("NFD", raw).encode()))
    assert source.text == "Dòng một\nDòng hai\nDòng ba\tcột\n"
    assert source.lines == ["Dòng một", "Dòng hai", "Dòng ba\tcột", ""]


def test_blank_lines_are_kept_so_line_numbers_match_the_file(tmp_path: Path) -> None:
    source = read_text(write(tmp_path, "tb.txt", b"\n\nS\xe1\xbb\x91: 36/TB-UBND\n\nA\n"))
    assert source.lines[2] == "Số: 36/TB-UBND"
    assert source.lines[4] == "A"


def test_unknown_extension_is_read_as_text_when_it_decodes(tmp_path: Path) -> None:
    source = read_text(write(tmp_path, "tb.md", VIETNAMESE.encode()))
    assert source.text == VIETNAMESE and source.kind == "txt"
    source = read_text(write(tmp_path, "THONGBAO", VIETNAMESE.encode("utf-16")))
    assert source.text == VIETNAMESE


def test_paste() -> None:
    source = text_from_paste(unicodedata.normalize("NFD", "Việt\r\nNam\x00 "))
    assert source == SourceText(text="Việt\nNam", lines=["Việt", "Nam"], kind="paste")
    with pytest.raises(ImportReadError, match="trống"):
        text_from_paste(" \n\t ")


# ---------------------------------------------------------------------------
# Bad input
# ---------------------------------------------------------------------------


def test_empty_file(tmp_path: Path) -> None:
    assert "trống" in read_error(write(tmp_path, "tb.txt", b""))
    assert "không có nội dung" in read_error(write(tmp_path, "tb2.txt", b" \r\n\t\n"))


def test_binary_files(tmp_path: Path) -> None:
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 40
    assert "hình ảnh" in read_error(write(tmp_path, "tb.txt", png))
    noise = bytes((i * 7919 + 13) % 256 for i in range(50_000))
    assert "không phải tệp văn bản" in read_error(write(tmp_path, "tb.txt", noise))
    assert "không phải tệp văn bản" in read_error(write(tmp_path, "tb.dat", noise))


def test_huge_file_is_refused_without_reading_it(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as stream:
        stream.truncate(25 * 1024 * 1024)  # sparse: instant to create
    opened = []
    monkeypatch.setattr(Path, "open", lambda *a, **k: opened.append(a) or io.BytesIO())
    message = read_error(path)
    assert "20 MB" in message and "quá lớn" in message
    assert not opened
    assert MAX_FILE_BYTES == 20 * 1024 * 1024


def test_missing_file_and_folder(tmp_path: Path) -> None:
    assert "Không tìm thấy" in read_error(tmp_path / "nope.txt")
    assert "thư mục" in read_error(tmp_path)


def test_corrupt_docx(tmp_path: Path) -> None:
    noise = bytes((i * 31 + 7) % 256 for i in range(5000))
    assert "bị hỏng" in read_error(write(tmp_path, "tb.docx", noise))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<not xml")
        archive.writestr("[Content_Types].xml", "<Types/>")
    assert "bị hỏng" in read_error(write(tmp_path, "tb2.docx", buffer.getvalue()))
    truncated = buffer.getvalue()[: len(buffer.getvalue()) // 2]
    assert "bị hỏng" in read_error(write(tmp_path, "tb3.docx", truncated))


def test_password_protected_docx(tmp_path: Path) -> None:
    # Word saves a password-protected .docx as an OLE compound file holding
    # the streams "EncryptionInfo" and "EncryptedPackage".
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
    ole += "EncryptionInfo".encode("utf-16-le") + bytes(100)
    ole += "EncryptedPackage".encode("utf-16-le") + bytes(1000)
    assert "mật khẩu" in read_error(write(tmp_path, "tb.docx", ole))


def test_old_word_format(tmp_path: Path) -> None:
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + "WordDocument".encode("utf-16-le")
    assert ".doc" in read_error(write(tmp_path, "tb.doc", ole + bytes(2000)))


def test_other_zip_files(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    assert "chỉ nhập được" in read_error(write(tmp_path, "tb.zip", buffer.getvalue()))


# ---------------------------------------------------------------------------
# Word
# ---------------------------------------------------------------------------

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

NUMBERING = f"""
<w:numbering xmlns:w="{W_NS}">
  <w:abstractNum w:abstractNumId="90">
    <w:multiLevelType w:val="multilevel"/>
    <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="upperRoman"/>
      <w:lvlText w:val="%1."/></w:lvl>
    <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/>
      <w:lvlText w:val="%2."/></w:lvl>
    <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="bullet"/>
      <w:lvlText w:val="-"/></w:lvl>
    <w:lvl w:ilvl="3"><w:start w:val="1"/><w:numFmt w:val="bullet"/>
      <w:lvlText w:val="+"/></w:lvl>
    <w:lvl w:ilvl="4"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/>
      <w:lvlText w:val="%5)"/></w:lvl>
    <w:lvl w:ilvl="5"><w:start w:val="1"/><w:numFmt w:val="decimal"/>
      <w:lvlText w:val="%2.%6."/></w:lvl>
  </w:abstractNum>
  <w:abstractNum w:abstractNumId="91">
    <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="bullet"/>
      <w:lvlText w:val="\uf02d"/></w:lvl>
  </w:abstractNum>
  <w:num w:numId="90"><w:abstractNumId w:val="90"/></w:num>
  <w:num w:numId="91"><w:abstractNumId w:val="91"/></w:num>
  <w:num w:numId="92"><w:abstractNumId w:val="90"/>
    <w:lvlOverride w:ilvl="1"><w:startOverride w:val="1"/></w:lvlOverride></w:num>
</w:numbering>
"""


def numbered(document, text: str, num_id: int, level: int):  # type: ignore[no-untyped-def]
    from docx.oxml import parse_xml

    paragraph = document.add_paragraph(text)
    paragraph._p.get_or_add_pPr().append(
        parse_xml(
            f'<w:numPr xmlns:w="{W_NS}"><w:ilvl w:val="{level}"/>'
            f'<w:numId w:val="{num_id}"/></w:numPr>'
        )
    )
    return paragraph


def install_numbering(document) -> None:  # type: ignore[no-untyped-def]
    from docx.oxml import parse_xml

    part = document.part.numbering_part
    root = part.element
    for child in parse_xml(NUMBERING):
        root.append(child)


def test_docx_with_word_numbering(tmp_path: Path) -> None:
    docx = pytest.importorskip("docx")
    document = docx.Document()
    install_numbering(document)
    document.add_paragraph("THÔNG BÁO")
    numbered(document, "Đánh giá chung", 90, 0)
    numbered(document, "Phương hướng, nhiệm vụ", 90, 0)
    numbered(document, "Các sở, ban, ngành", 90, 1)
    numbered(document, "Tập trung xây dựng cơ sở dữ liệu", 90, 2)
    numbered(document, "Sở Thông tin và Truyền thông chịu trách nhiệm", 90, 1)
    numbered(document, "Chủ trì, phối hợp thực hiện:", 90, 2)
    numbered(document, "Cài đặt camera", 90, 3)
    numbered(document, "Kết nối trực tuyến", 90, 3)
    numbered(document, "ý thứ nhất", 90, 4)
    numbered(document, "ý thứ hai", 90, 4)
    numbered(document, "mục con", 90, 5)
    numbered(document, "Văn phòng UBND tỉnh", 90, 1)
    numbered(document, "Gạch đầu dòng kiểu Symbol", 91, 0)
    numbered(document, "Danh sách mới bắt đầu lại", 92, 1)
    document.add_paragraph("List Number một", style="List Number")
    document.add_paragraph("List Number hai", style="List Number")
    document.add_paragraph("Ý gạch đầu dòng", style="List Bullet")
    path = tmp_path / "tb.docx"
    document.save(str(path))

    source = read_text(path)
    assert source.kind == "docx" and source.encoding is None
    assert source.lines == [
        "THÔNG BÁO",
        "I. Đánh giá chung",
        "II. Phương hướng, nhiệm vụ",
        "1. Các sở, ban, ngành",
        "- Tập trung xây dựng cơ sở dữ liệu",
        "2. Sở Thông tin và Truyền thông chịu trách nhiệm",
        "- Chủ trì, phối hợp thực hiện:",
        "+ Cài đặt camera",
        "+ Kết nối trực tuyến",
        "a) ý thứ nhất",
        "b) ý thứ hai",
        "2.1. mục con",
        "3. Văn phòng UBND tỉnh",
        "- Gạch đầu dòng kiểu Symbol",
        "1. Danh sách mới bắt đầu lại",
        "1. List Number một",
        "2. List Number hai",
        "• Ý gạch đầu dòng",
    ]


def test_docx_tables_in_document_order(tmp_path: Path) -> None:
    docx = pytest.importorskip("docx")
    document = docx.Document()
    header = document.add_table(rows=1, cols=2)
    header.cell(0, 0).text = "UBND TỈNH QUẢNG NGÃI"
    header.cell(0, 1).text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    document.add_paragraph("Trước bảng")
    table = document.add_table(rows=3, cols=3)
    for col, text in enumerate(["STT", "Nội dung", "Đơn vị chủ trì"]):
        table.cell(0, col).text = text
    table.cell(1, 0).text = "1"
    table.cell(1, 1).text = "Xây dựng kế hoạch"
    table.cell(1, 1).add_paragraph("trước ngày 15/3/2024")
    table.cell(1, 2).text = "Sở TT&TT"
    table.cell(2, 0).merge(table.cell(2, 1)).text = "Gộp ô"
    table.cell(2, 2).text = "Văn phòng"
    document.add_paragraph("Sau bảng")
    path = tmp_path / "bang.docx"
    document.save(str(path))

    assert read_text(path).lines == [
        "UBND TỈNH QUẢNG NGÃI | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Trước bảng",
        "STT | Nội dung | Đơn vị chủ trì",
        "1 | Xây dựng kế hoạch trước ngày 15/3/2024 | Sở TT&TT",
        "Gộp ô | Văn phòng",
        "Sau bảng",
    ]


def test_docx_line_breaks_tabs_and_hidden_text(tmp_path: Path) -> None:
    docx = pytest.importorskip("docx")
    document = docx.Document()
    paragraph = document.add_paragraph("Nơi nhận:")
    paragraph.add_run().add_break()
    paragraph.add_run("- Như trên;\tx")
    hidden = paragraph.add_run(" bí mật")
    hidden.font.hidden = True
    path = tmp_path / "tb.docx"
    document.save(str(path))
    assert read_text(path).lines == ["Nơi nhận:", "- Như trên;\tx"]


def test_empty_docx(tmp_path: Path) -> None:
    docx = pytest.importorskip("docx")
    path = tmp_path / "trong.docx"
    docx.Document().save(str(path))
    assert "không có nội dung" in read_error(path)


def test_renamed_docx_is_still_read_as_word(tmp_path: Path) -> None:
    docx = pytest.importorskip("docx")
    document = docx.Document()
    document.add_paragraph("Nội dung")
    path = tmp_path / "tb.txt"
    document.save(str(path))
    source = read_text(path)
    assert (source.kind, source.text) == ("docx", "Nội dung")


# ---------------------------------------------------------------------------
# PDF
# ---------------------------------------------------------------------------

PDF_LINES = [
    "THÔNG BÁO KẾT LUẬN",
    "Sở Thông tin và Truyền thông chủ trì, trình ban hành trước ngày 04/02/2023.",
    "Văn phòng UBND tỉnh khẩn trương rà soát, tổng hợp báo cáo.",
]


def make_pdf(path: Path, pages: list[list[str]], *, encrypt: str | None = None) -> None:
    pytest.importorskip("reportlab")
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    if not LIBERATION_SERIF.exists():
        pytest.skip("Liberation Serif is not installed")
    pdfmetrics.registerFont(TTFont("TestSerif", str(LIBERATION_SERIF)))
    drawing = canvas.Canvas(str(path))
    for lines in pages:
        drawing.setFont("TestSerif", 12)
        for row, line in enumerate(lines):
            drawing.drawString(60, 780 - 20 * row, line)
        if not lines:
            drawing.rect(100, 100, 300, 400, fill=1)  # a "scanned" page: a picture, no text
        drawing.showPage()
    drawing.save()
    if encrypt is not None:
        import pypdf

        reader = pypdf.PdfReader(str(path))
        writer = pypdf.PdfWriter(clone_from=reader)
        writer.encrypt(user_password=encrypt, owner_password="owner", algorithm="RC4-128")
        with path.open("wb") as stream:
            writer.write(stream)


def test_pdf_with_a_text_layer(tmp_path: Path) -> None:
    path = tmp_path / "tb.pdf"
    make_pdf(path, [PDF_LINES, ["Trang hai: Nơi nhận các sở, ban, ngành liên quan."]])
    source = read_text(path)
    assert source.kind == "pdf"
    for line in PDF_LINES:
        assert line in source.lines
    assert "Nơi nhận" in source.text
    assert source.text.index("THÔNG BÁO") < source.text.index("Trang hai")


def test_pdf_without_text_is_a_scan(tmp_path: Path) -> None:
    path = tmp_path / "scan.pdf"
    make_pdf(path, [[], []])
    message = read_error(path)
    assert message == (
        "Tệp PDF này không có lớp văn bản (có thể là bản scan); hãy chạy nhận dạng chữ "
        "(OCR) trước hoặc dán nội dung vào."
    )


def test_pdf_with_a_password(tmp_path: Path) -> None:
    path = tmp_path / "mat-khau.pdf"
    make_pdf(path, [PDF_LINES], encrypt="secret")
    assert "mật khẩu" in read_error(path)


def test_pdf_protected_only_against_editing_is_read(tmp_path: Path) -> None:
    path = tmp_path / "chi-doc.pdf"
    make_pdf(path, [PDF_LINES], encrypt="")
    assert PDF_LINES[1] in read_text(path).lines


def test_corrupt_pdf(tmp_path: Path) -> None:
    assert "bị hỏng" in read_error(write(tmp_path, "tb.pdf", b"%PDF-1.7\n" + bytes(range(256)) * 8))
    assert "bị hỏng" in read_error(write(tmp_path, "tb2.pdf", b"this is not a pdf at all"))
    good = tmp_path / "good.pdf"
    make_pdf(good, [PDF_LINES])
    data = good.read_bytes()
    with pytest.raises(ImportReadError):
        read_text(write(tmp_path, "cut.pdf", data[: len(data) // 3]))


def test_pdf_with_too_many_pages_is_refused(tmp_path: Path) -> None:
    pypdf = pytest.importorskip("pypdf")
    writer = pypdf.PdfWriter()
    for _ in range(301):
        writer.add_blank_page(width=100, height=100)
    path = tmp_path / "dai.pdf"
    with path.open("wb") as stream:
        writer.write(stream)
    assert "300 trang" in read_error(path)


def test_read_text_accepts_a_string_path(tmp_path: Path) -> None:
    path = write(tmp_path, "tb.txt", "Văn bản".encode())
    assert read_text(os.fspath(path)).text == "Văn bản"  # type: ignore[arg-type]
