"""Hand-built sample documents for the export renderers' tests.

Three documents as the builders will make them: a notice (Thông báo kết luận)
with nested items, a quarterly report with tables, a chart and an appendix, and
an urging letter (công văn) with "Kính gửi". Between them they carry every
Vietnamese letter with every tone mark, in both cases, so a renderer that drops
or mangles one shows it.
"""

from __future__ import annotations

import unicodedata

from cdsdesk.exporting.model import (
    AdminDocument,
    Appendix,
    Block,
    Chart,
    ChartSeries,
    Column,
    PageBreak,
    Paragraph,
    Run,
    Signature,
    Table,
)

# Every Vietnamese vowel with every tone, plus đ; both cases are checked.
VIETNAMESE_LETTERS = "aàáảãạăằắẳẵặâầấẩẫậeèéẻẽẹêềếểễệiìíỉĩịoòóỏõọôồốổỗộơờớởỡợuùúủũụưừứửữựyỳýỷỹỵđ"

NOTICE = AdminDocument(
    parent_agency="UBND TỈNH QUẢNG NGÃI",
    agency="SỞ KHOA HỌC VÀ CÔNG NGHỆ",
    number="Số: 36/TB-SKHCN",
    place_date="Quảng Ngãi, ngày 03 tháng 02 năm 2023",
    doc_type="THÔNG BÁO",
    title=("Kết luận của Giám đốc Sở tại cuộc họp triển khai nhiệm vụ chuyển đổi số năm 2023"),
    body=(
        Paragraph.of(
            "Ngày 30 tháng 01 năm 2023, Giám đốc Sở Khoa học và Công nghệ chủ trì cuộc họp "
            "triển khai nhiệm vụ chuyển đổi số năm 2023. Tham dự có lãnh đạo các phòng, "
            "đơn vị trực thuộc Sở. Sau khi nghe báo cáo và ý kiến phát biểu của các đại biểu, "
            "Giám đốc Sở kết luận như sau:"
        ),
        Paragraph.of("I. ĐÁNH GIÁ CHUNG", "heading"),
        Paragraph(
            (
                Run("Năm 2022, các đơn vị đã "),
                Run("hoàn thành 18/21 nhiệm vụ", bold=True),
                Run(" được giao; hạ tầng số được nâng cấp, "),
                Run("dữ liệu dùng chung", italic=True),
                Run(
                    " bước đầu được kết nối, chia sẻ. Tuy vậy, một số nhiệm vụ còn chậm, "
                    "việc cập nhật tiến độ chưa kịp thời."
                ),
            ),
        ),
        Paragraph.of("II. NHIỆM VỤ TRỌNG TÂM NĂM 2023", "heading"),
        Paragraph.of("1. Văn phòng Sở", "heading"),
        Paragraph.of(
            "a) Chủ trì, phối hợp với các phòng rà soát quy trình nội bộ, số hóa hồ sơ, "
            "kết quả giải quyết thủ tục hành chính; hoàn thành trước ngày 31/3/2023."
        ),
        Paragraph.of(
            "b) Bảo đảm an toàn, an ninh mạng; kiểm tra, khắc phục lỗ hổng bảo mật của "
            "hệ thống thư điện tử công vụ."
        ),
        Paragraph.of("2. Trung tâm Ứng dụng tiến bộ khoa học và công nghệ", "heading"),
        Paragraph.of(
            "- Xây dựng cơ sở dữ liệu khoa học và công nghệ của tỉnh, kết nối với "
            "Cổng dữ liệu quốc gia; thời hạn: quý III năm 2023."
        ),
        Paragraph.of(
            "- Hỗ trợ các xã Lý Sơn, Sơn Tịnh, Tư Nghĩa, Mộ Đức, Đức Phổ, Ba Tơ, Trà Bồng "
            "triển khai nền tảng số; tổ chức tập huấn kỹ năng số cho cán bộ cấp xã."
        ),
        Paragraph.of(
            "Lưu ý: tiến độ được cập nhật hằng tuần vào thứ Sáu; đơn vị chậm tiến độ "
            "báo cáo rõ nguyên nhân, đề xuất giải pháp khắc phục.",
            "note",
        ),
        Paragraph.of("III. TỔ CHỨC THỰC HIỆN; KHEN THƯỞNG, KỶ LUẬT", "heading"),
        Paragraph.of(
            "Các đơn vị sẵn sàng phối hợp chặt chẽ, khẳng định trách nhiệm của người đứng "
            "đầu; định kỳ hằng quý báo cáo kết quả, kể cả những việc nhỏ, việc vừa phát "
            "sinh; chủ động tháo gỡ vướng mắc, không để trễ hẹn, chất lượng kém. Trung tâm "
            "cũng hỗ trợ thị trấn huyện lỵ và từng xã vùng cao."
        ),
        Paragraph.of("Văn phòng Sở thông báo để các đơn vị biết, thực hiện./.", "plain"),
    ),
    recipients=(
        "Giám đốc, các Phó Giám đốc Sở",
        "Các phòng, đơn vị trực thuộc Sở",
        "Trung tâm Ứng dụng tiến bộ khoa học và công nghệ",
        "Lưu: VT, VP",
    ),
    signature=Signature(("TL. GIÁM ĐỐC", "CHÁNH VĂN PHÒNG"), "Phạm Thị Thúy Hằng"),
    file_title="Thông báo kết luận số 36/TB-SKHCN",
)

_STATUS_TABLE = Table(
    columns=(
        Column("TT", 12, "center"),
        Column("Tình trạng", 83),
        Column("Số nhiệm vụ", 35, "right"),
        Column("Tỷ lệ (%)", 35, "right"),
    ),
    rows=(
        ("1", "Đã hoàn thành đúng hạn", "11", "25,0"),
        ("2", "Đã hoàn thành quá hạn", "4", "9,1"),
        ("3", "Đang thực hiện trong hạn", "17", "38,6"),
        ("4", "Đang thực hiện quá hạn", "9", "20,5"),
        ("5", "Chưa thực hiện", "3", "6,8"),
        ("", "Tổng cộng", "44", "100,0"),
    ),
    total_row=True,
    caption="Bảng 1. Kết quả thực hiện theo tình trạng",
)

_UNIT_ROWS = (
    ("Văn phòng UBND tỉnh", 8, 3, 1, 3, 1),
    ("Sở Thông tin và Truyền thông", 12, 4, 1, 5, 2),
    ("Sở Kế hoạch và Đầu tư", 6, 1, 1, 2, 2),
    ("UBND huyện Sơn Tịnh", 5, 1, 0, 3, 1),
    ("UBND thị xã Đức Phổ", 4, 1, 1, 1, 1),
    ("UBND huyện đảo Lý Sơn", 9, 1, 0, 3, 2),
)

_UNIT_TABLE = Table(
    columns=(
        Column("Đơn vị chủ trì", 55),
        Column("Được giao", 22, "right"),
        Column("Xong đúng hạn", 22, "right"),
        Column("Xong quá hạn", 22, "right"),
        Column("Đang trong hạn", 22, "right"),
        Column("Quá hạn", 22, "right"),
    ),
    rows=(
        *((name, *(str(n) for n in counts)) for name, *counts in _UNIT_ROWS),
        ("Tổng cộng", "44", "11", "4", "17", "9"),
    ),
    total_row=True,
    caption="Bảng 2. Kết quả theo đơn vị chủ trì",
)

_CHART = Chart(
    title="Tình trạng nhiệm vụ theo đơn vị chủ trì",
    categories=tuple(row[0] for row in _UNIT_ROWS),
    series=(
        ChartSeries("Xong đúng hạn", tuple(float(r[2]) for r in _UNIT_ROWS), "#2e7d32"),
        ChartSeries("Xong quá hạn", tuple(float(r[3]) for r in _UNIT_ROWS), "#9e9d24"),
        ChartSeries("Đang trong hạn", tuple(float(r[4]) for r in _UNIT_ROWS), "#1565c0"),
        ChartSeries("Quá hạn", tuple(float(r[5]) for r in _UNIT_ROWS), "#c62828"),
    ),
    width_mm=160,
    height_mm=90,
)

_UNITS = tuple(row[0] for row in _UNIT_ROWS)
_TASK_NAMES = (
    "Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính",
    "Nâng cấp hệ thống quản lý văn bản và điều hành",
    "Kết nối cơ sở dữ liệu dân cư với phần mềm một cửa điện tử",
    "Tập huấn kỹ năng số cho cán bộ, công chức cấp xã",
    "Triển khai chữ ký số chuyên dùng cho lãnh đạo",
    "Xây dựng kho dữ liệu mở của tỉnh",
    "Rà soát, khắc phục lỗ hổng bảo mật hệ thống thư điện tử",
)
_STATES = ("Xong đúng hạn", "Xong quá hạn", "Đang trong hạn", "Quá hạn", "Chưa thực hiện")

# Enough rows to run over a page, so the repeated header row shows.
_APPENDIX_TABLE = Table(
    columns=(
        Column("TT", 10, "center"),
        Column("Nhiệm vụ", 60),
        Column("Đơn vị chủ trì", 38),
        Column("Thời hạn", 24, "center"),
        Column("Tình trạng", 33),
    ),
    rows=tuple(
        (
            str(i + 1),
            _TASK_NAMES[i % len(_TASK_NAMES)],
            _UNITS[i % len(_UNITS)],
            f"{(i % 28) + 1:02d}/{(i % 12) + 1:02d}/2024",
            _STATES[i % len(_STATES)],
        )
        for i in range(44)
    ),
    caption="",
)

REPORT = AdminDocument(
    parent_agency="UBND TỈNH QUẢNG NGÃI",
    agency="SỞ THÔNG TIN VÀ TRUYỀN THÔNG",
    number="Số:      /BC-STTTT",
    place_date="Quảng Ngãi, ngày 31 tháng 3 năm 2024",
    doc_type="BÁO CÁO",
    title="Kết quả thực hiện nhiệm vụ chuyển đổi số quý I năm 2024",
    body=(
        Paragraph.of(
            "Thực hiện chỉ đạo của Ủy ban nhân dân tỉnh, Sở Thông tin và Truyền thông "
            "báo cáo kết quả thực hiện nhiệm vụ chuyển đổi số quý I năm 2024 (số liệu "
            "tính đến ngày 31/3/2024) như sau:"
        ),
        Paragraph.of("I. KẾT QUẢ THỰC HIỆN", "heading"),
        Paragraph.of("1. Theo tình trạng", "heading"),
        _STATUS_TABLE,
        Paragraph.of("2. Theo đơn vị chủ trì", "heading"),
        _UNIT_TABLE,
        _CHART,
        Paragraph.of("II. KHÓ KHĂN, VƯỚNG MẮC", "heading"),
        Paragraph.of(
            "Kinh phí bố trí cho chuyển đổi số còn hạn chế; nhân lực chuyên trách "
            "công nghệ thông tin ở cấp huyện, cấp xã còn thiếu, chưa ổn định."
        ),
        Paragraph.of("III. KIẾN NGHỊ, ĐỀ XUẤT", "heading"),
        Paragraph.of(
            "Đề nghị các đơn vị có nhiệm vụ quá hạn khẩn trương triển khai, cập nhật "
            "tiến độ trên phần mềm trước ngày 15 hằng tháng."
        ),
        Paragraph.of("(Danh mục nhiệm vụ chi tiết tại Phụ lục kèm theo)", "centered"),
    ),
    recipients=(
        "UBND tỉnh (để báo cáo)",
        "Ban Chỉ đạo chuyển đổi số tỉnh",
        "Giám đốc, các Phó Giám đốc Sở",
        "Lưu: VT, CĐS",
    ),
    signature=Signature(("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"), "Nguyễn Văn Hùng"),
    appendices=(
        Appendix(
            title="Danh mục nhiệm vụ chuyển đổi số quý I năm 2024",
            reference="(Kèm theo Báo cáo số      /BC-STTTT ngày 31/3/2024 của Sở Thông tin "
            "và Truyền thông)",
            blocks=(_APPENDIX_TABLE,),
        ),
    ),
    file_title="Báo cáo kết quả thực hiện nhiệm vụ chuyển đổi số quý I năm 2024",
)

LETTER = AdminDocument(
    parent_agency="UBND TỈNH QUẢNG NGÃI",
    agency="SỞ THÔNG TIN VÀ TRUYỀN THÔNG",
    number="Số: 125/STTTT-CĐS",
    place_date="Quảng Ngãi, ngày 05 tháng 4 năm 2024",
    doc_type="",
    title="V/v đôn đốc thực hiện nhiệm vụ chuyển đổi số quá hạn",
    body=(
        Paragraph.of(
            "Theo số liệu theo dõi đến ngày 31/3/2024, Ủy ban nhân dân huyện Sơn Tịnh "
            "còn 03 nhiệm vụ chuyển đổi số quá hạn và 02 nhiệm vụ sắp đến hạn, cụ thể:"
        ),
        Table(
            columns=(
                Column("TT", 10, "center"),
                Column("Nhiệm vụ", 75),
                Column("Thời hạn", 25, "center"),
                Column("Số ngày quá hạn", 25, "right"),
                Column("Ghi chú", 30),
            ),
            rows=(
                ("1", "Số hóa hồ sơ thủ tục hành chính", "31/12/2023", "91", "Đã đạt 60%"),
                (
                    "2",
                    "Kết nối phần mềm một cửa với cơ sở dữ liệu dân cư",
                    "15/02/2024",
                    "45",
                    "Chờ hướng dẫn\nkỹ thuật",
                ),
                ("3", "Tập huấn kỹ năng số cho cán bộ cấp xã", "29/02/2024", "31", ""),
                ("4", "Triển khai chữ ký số chuyên dùng", "15/4/2024", "", "Sắp đến hạn"),
                ("5", "Cập nhật dữ liệu đất đai lên hệ thống", "20/4/2024", "", "Sắp đến hạn"),
            ),
        ),
        Paragraph.of(
            "Sở Thông tin và Truyền thông đề nghị Ủy ban nhân dân huyện Sơn Tịnh chỉ đạo "
            "các cơ quan, đơn vị khẩn trương thực hiện, cập nhật kết quả trước ngày "
            "20/4/2024; trường hợp không kịp, báo cáo rõ nguyên nhân và đề xuất thời hạn mới."
        ),
        Paragraph.of("Trân trọng./.", "plain"),
    ),
    recipients=("Như trên", "Giám đốc Sở (để báo cáo)", "Lưu: VT, CĐS"),
    signature=Signature(("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"), "Trần Thị Ngọc Ánh"),
    addressees=("Ủy ban nhân dân huyện Sơn Tịnh",),
    file_title="Công văn đôn đốc thực hiện nhiệm vụ chuyển đổi số quá hạn",
)

SAMPLES: dict[str, AdminDocument] = {"notice": NOTICE, "report": REPORT, "letter": LETTER}


def block_texts(blocks: tuple[Block, ...], *, charts: bool = True) -> list[str]:
    """Every text a reader sees in ``blocks``, in order (table cells row by row);
    ``charts=False`` leaves out chart titles (drawn inside a Word picture)."""
    texts: list[str] = []
    for block in blocks:
        if isinstance(block, Paragraph):
            texts.append(block.text)
        elif isinstance(block, Table):
            if block.caption:
                texts.append(block.caption)
            texts.extend(column.title for column in block.columns)
            for row in block.rows:
                texts.extend(row)
        elif isinstance(block, Chart):
            if charts:
                texts.append(block.title)
        else:
            assert isinstance(block, PageBreak)
    return texts


def all_text(doc: AdminDocument) -> str:
    """All of a document's text in one NFC string (for coverage checks)."""
    parts = [doc.parent_agency, doc.agency, doc.number, doc.place_date, doc.doc_type, doc.title]
    parts += block_texts(doc.body)
    parts += [*doc.recipients, *doc.signature.lines, doc.signature.name, *doc.addressees]
    for appendix in doc.appendices:
        parts += [appendix.title, appendix.reference, *block_texts(appendix.blocks)]
    return unicodedata.normalize("NFC", "\n".join(parts))
