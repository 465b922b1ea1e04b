"""Trợ giúp: the user guide (F1) and the About box.

The guide is one Vietnamese HTML page, ``resources/help/huong-dan.html``, with
its pictures in ``resources/help/images/`` (drawn from the demo register by
``resources/help/make_images.py``). Its table of contents is read from the
page itself: every ``<h2>`` holding an ``<a name>`` is a section.

``HelpController(window, register_path)`` makes the two actions of the
"Trợ giúp" menu: ``guide_action`` (F1, a window that stays open beside the
work) and ``about_action`` (version, where the data lives, licences).
"""

from __future__ import annotations

import platform
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import QCoreApplication, QObject, QSize, Qt, QTimer, QUrl, qVersion
from PySide6.QtGui import (
    QAction,
    QDesktopServices,
    QGuiApplication,
    QImage,
    QKeySequence,
    QPixmap,
    QResizeEvent,
    QStandardItem,
    QStandardItemModel,
    QTextDocument,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListView,
    QPushButton,
    QSplitter,
    QStyle,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from cdsdesk import __version__
from cdsdesk.resources import resource_path
from cdsdesk.storage.backup import backup_folder
from ui.dialogs import common

GUIDE_FILE = "huong-dan.html"
ANCHOR_ROLE = Qt.ItemDataRole.UserRole + 1
HINT_STYLE = "color: #5f6368;"
GAP = "padding-right: 18px"  # between the columns of the licences table

# (library, licence, distribution whose version is shown)
LIBRARIES = (
    ("Qt", "LGPL v3", ""),
    ("PySide6", "LGPL v3", "PySide6-Essentials"),
    ("SQLAlchemy", "MIT", "SQLAlchemy"),
    ("Alembic", "MIT", "alembic"),
    ("ReportLab", "BSD", "reportlab"),
    ("python-docx", "MIT", "python-docx"),
    ("openpyxl", "MIT", "openpyxl"),
    ("RapidFuzz", "MIT", "rapidfuzz"),
    ("pypdf", "BSD", "pypdf"),
    ("Pillow", "MIT-CMU", "pillow"),
    ("platformdirs", "MIT", "platformdirs"),
    ("psycopg", "LGPL v3", "psycopg"),
)


def tr(text: str) -> str:
    return QCoreApplication.translate("Help", text)


def guide_path() -> Path:
    return resource_path("help", GUIDE_FILE)


def open_folder(folder: Path) -> bool:
    """Show ``folder`` in the file manager; tests replace this function."""
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))


# -- the guide ------------------------------------------------------------------------


@dataclass(frozen=True)
class Section:
    title: str
    anchor: str


def guide_sections(document: QTextDocument) -> list[Section]:
    """The ``<h2><a name=...>`` headings of the guide, in order."""
    found: list[Section] = []
    block = document.begin()
    while block.isValid():
        if block.blockFormat().headingLevel() == 2:
            anchors = [
                name
                for it in block.begin()
                if it.fragment().isValid()
                for name in it.fragment().charFormat().anchorNames()
            ]
            if anchors:
                found.append(Section(block.text().strip(), anchors[0]))
        block = block.next()
    return found


class GuideBrowser(QTextBrowser):
    """The guide's page; a picture wider than the page is shown scaled to fit it.

    The pictures are drawn at the size they are best read (up to 860 pixels
    wide); on a narrow window they shrink, and grow back when it widens.
    """

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self._widest = 0  # the widest picture, as drawn
        self._fitted_to = 0  # the room the pictures were last fitted to
        self._refit_timer = QTimer(self, singleShot=True, interval=250)
        self._refit_timer.timeout.connect(self._refit)

    def room(self) -> int:
        """The width a picture may take: the page less its margins and a scroll bar."""
        bar = self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
        margins = 2 * int(self.document().documentMargin()) + 2 * self.frameWidth()
        return self.width() - margins - bar - 8

    def loadResource(self, kind: int, name: QUrl) -> object:
        resource = super().loadResource(kind, name)
        if int(getattr(kind, "value", kind)) != QTextDocument.ResourceType.ImageResource.value:
            return resource
        image = resource if isinstance(resource, QImage) else QImage.fromData(resource)
        if image.isNull():
            return resource
        room = self.room()
        self._widest = max(self._widest, image.width())
        self._fitted_to = room
        if room < 200 or image.width() <= room:
            return image
        return image.scaledToWidth(room, Qt.TransformationMode.SmoothTransformation)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._refit_timer.start()

    def _refit(self) -> None:
        """Load the pictures again when the new width changes how they are shown."""
        room = self.room()
        if min(room, self._widest) == min(self._fitted_to, self._widest):
            return
        bar = self.verticalScrollBar()
        where = bar.value() / max(1, bar.maximum())
        self.reload()
        bar.setValue(round(where * bar.maximum()))


class GuideDialog(QDialog):
    """The user guide: its sections on the left, the page on the right; not modal."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("guideDialog")
        self.setWindowTitle(tr("Hướng dẫn sử dụng CĐS Desk"))
        self.setWindowFlag(Qt.WindowType.Window)
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint)
        self.setWindowFlag(Qt.WindowType.WindowMinimizeButtonHint)

        self.browser = GuideBrowser(objectName="guideBrowser")
        self.browser.setOpenExternalLinks(False)
        self.browser.setOpenLinks(True)
        self.contents = QListView(objectName="guideContents")
        self.contents.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.contents.setWordWrap(True)
        self.contents.setSpacing(2)
        self.model = QStandardItemModel(self)
        self.contents.setModel(self.model)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.contents)
        splitter.addWidget(self.browser)
        splitter.setStretchFactor(1, 1)
        splitter.setCollapsible(1, False)
        self.splitter = splitter
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.button(QDialogButtonBox.StandardButton.Close).setText(tr("Đóng"))
        close.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addWidget(close)
        self._fit_to_screen(QSize(1200, 760))
        contents_width = min(260, max(200, self.width() // 4))
        splitter.setSizes([contents_width, self.width() - contents_width])

        self.browser.setSource(QUrl.fromLocalFile(str(guide_path())))
        self.sections = guide_sections(self.browser.document())
        for section in self.sections:
            item = QStandardItem(section.title)
            item.setData(section.anchor, ANCHOR_ROLE)
            self.model.appendRow(item)
        self.contents.selectionModel().currentChanged.connect(self._section_chosen)
        self.browser.verticalScrollBar().valueChanged.connect(self._follow_scroll)
        self.browser.setFocus()

    def _fit_to_screen(self, wanted: QSize) -> None:
        screen = self.screen() or QGuiApplication.primaryScreen()
        room = screen.availableGeometry().size() - QSize(40, 60) if screen else wanted
        self.resize(wanted.boundedTo(room))

    def show_section(self, anchor: str) -> None:
        self.browser.scrollToAnchor(anchor)

    def _section_chosen(self, current: object) -> None:
        index = self.contents.currentIndex()
        if index.isValid():
            self.show_section(str(index.data(ANCHOR_ROLE)))

    def _follow_scroll(self, value: int) -> None:
        """Mark in the contents the section being read."""
        document = self.browser.document()
        layout = document.documentLayout()
        row = 0
        for i, section in enumerate(self.sections):
            block = _block_with_anchor(document, section.anchor)
            if block is not None and layout.blockBoundingRect(block).top() <= value + 40:
                row = i
        index = self.model.index(row, 0)
        if index != self.contents.currentIndex():
            selection = self.contents.selectionModel()
            selection.blockSignals(True)
            self.contents.setCurrentIndex(index)
            selection.blockSignals(False)


def _block_with_anchor(document: QTextDocument, anchor: str) -> object | None:
    block = document.begin()
    while block.isValid():
        if block.blockFormat().headingLevel() == 2:
            for it in block.begin():
                if anchor in it.fragment().charFormat().anchorNames():
                    return block
        block = block.next()
    return None


# -- about ------------------------------------------------------------------------------


def _location_text(register_path: Path | str) -> tuple[str, Path | None]:
    """How to show where the register is, and its folder (None on a server)."""
    text = str(register_path)
    if "://" in text:  # a register shared on a database server: never show the password
        from sqlalchemy.engine import make_url

        return make_url(text).render_as_string(hide_password=True), None
    path = Path(register_path).expanduser().resolve()
    return str(path), path.parent


def _library_version(distribution: str) -> str:
    if not distribution:
        return str(qVersion())
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:  # a bundle may carry no package metadata
        return ""


class AboutDialog(QDialog):
    """The program, its version, where the data lives, the libraries it is made of."""

    def __init__(self, register_path: Path | str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("aboutDialog")
        self.setWindowTitle(tr("Giới thiệu CĐS Desk"))
        location, folder = _location_text(register_path)
        self.folder = folder

        icon = QLabel()
        picture = QPixmap(str(resource_path("icons", "cdsdesk.png")))
        if not picture.isNull():
            icon.setPixmap(
                picture.scaled(
                    64,
                    64,
                    Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                )
            )
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        title = QLabel(
            "<span style='font-size:x-large'><b>CĐS Desk</b></span><br>"
            + tr("Sổ theo dõi nhiệm vụ chuyển đổi số")
        )
        self.version_label = QLabel(
            tr("Phiên bản {version}").format(version=__version__), objectName="versionLabel"
        )
        self.version_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.runtime = tr("Python {python} · Qt {qt} · PySide6 {pyside}").format(
            python=platform.python_version(), qt=qVersion(), pyside=pyside_version
        )
        runtime = QLabel(self.runtime)
        runtime.setStyleSheet(HINT_STYLE)
        heading = QVBoxLayout()
        heading.addWidget(title)
        heading.addWidget(self.version_label)
        heading.addWidget(runtime)
        top = QHBoxLayout()
        top.addWidget(icon)
        top.addSpacing(8)
        top.addLayout(heading, 1)

        self.register_label = _selectable(location, "registerPathLabel")
        data = QFormLayout()
        data.addRow(tr("Sổ đăng ký:"), self.register_label)
        if folder is not None:
            backups = backup_folder(Path(location))
            self.backups_label = _selectable(str(backups), "backupFolderLabel")
            data.addRow(tr("Bản sao lưu tự động:"), self.backups_label)
            note = tr(
                "Mọi dữ liệu (đơn vị, văn bản, nhiệm vụ, tiến độ, thông tin cơ quan) nằm trong "
                "tệp sổ đăng ký. Cách hiển thị cửa sổ (cột, bộ lọc, cỡ chữ) lưu riêng trên máy này."
            )
        else:
            note = tr(
                "Sổ đăng ký dùng chung trên máy chủ cơ sở dữ liệu; "
                "việc sao lưu do máy chủ đảm nhiệm."
            )
        data_note = QLabel(note)
        data_note.setWordWrap(True)
        data_note.setStyleSheet(HINT_STYLE)

        rows = "".join(
            f"<tr><td style='{GAP}'>{name}</td>"
            f"<td style='{GAP}'>{_library_version(dist)}</td><td>{licence}</td></tr>"
            for name, licence, dist in LIBRARIES
        )
        licences = QLabel(
            "<p>"
            + tr("CĐS Desk được xây dựng trên các thư viện mã nguồn mở:")
            + "</p><table cellspacing='0' cellpadding='2' style='margin-left: 8px'>"
            + f"<tr><th align='left' style='{GAP}'>{tr('Thư viện')}</th>"
            + f"<th align='left' style='{GAP}'>{tr('Phiên bản')}</th>"
            + f"<th align='left'>{tr('Giấy phép')}</th></tr>{rows}</table><p>"
            + tr(
                "Qt và PySide6 dùng theo giấy phép LGPL v3: các tệp thư viện Qt nằm riêng trong "
                "thư mục chương trình và có thể được thay bằng phiên bản khác."
            )
            + "</p>",
            objectName="licencesLabel",
        )
        licences.setWordWrap(True)

        self.open_button = QPushButton(tr("&Mở thư mục dữ liệu"), objectName="openDataFolderButton")
        self.open_button.setEnabled(folder is not None)
        self.open_button.setAutoDefault(False)
        self.open_button.clicked.connect(self.open_data_folder)
        self.copy_button = QPushButton(tr("&Chép thông tin"), objectName="copyInfoButton")
        self.copy_button.setToolTip(tr("Chép phiên bản và nơi lưu dữ liệu, để gửi người hỗ trợ"))
        self.copy_button.setAutoDefault(False)
        self.copy_button.clicked.connect(self.copy_info)
        close = QPushButton(tr("Đóng"), objectName="closeButton")
        close.setDefault(True)
        close.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.copy_button)
        buttons.addStretch(1)
        buttons.addWidget(close)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addSpacing(6)
        layout.addLayout(data)
        layout.addWidget(data_note)
        layout.addSpacing(6)
        layout.addWidget(licences)
        layout.addLayout(buttons)
        self.setMinimumWidth(560)

    def info_text(self) -> str:
        lines = [
            f"CĐS Desk {__version__}",
            self.runtime,
            tr("Sổ đăng ký: {path}").format(path=self.register_label.text()),
        ]
        if self.folder is not None:
            lines.append(tr("Bản sao lưu: {path}").format(path=self.backups_label.text()))
        return "\n".join(lines)

    def copy_info(self) -> None:
        QGuiApplication.clipboard().setText(self.info_text())

    def open_data_folder(self) -> bool:
        return self.folder is not None and open_folder(self.folder)


def _selectable(text: str, name: str) -> QLabel:
    label = QLabel(text, objectName=name)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setWordWrap(True)
    return label


# -- the menu ---------------------------------------------------------------------------


class HelpController(QObject):
    """The Help menu's actions for ``window``: the guide (F1) and About."""

    def __init__(self, window: QWidget, register_path: Path | str) -> None:
        super().__init__(window)
        self.window = window
        self.register_path = register_path
        self.guide: GuideDialog | None = None
        self.guide_action = QAction(tr("&Hướng dẫn sử dụng"), window)
        self.guide_action.setObjectName("guideAction")
        self.guide_action.setShortcut(QKeySequence("F1"))
        self.guide_action.setStatusTip(tr("Mở hướng dẫn sử dụng, có hình minh họa (F1)"))
        self.guide_action.triggered.connect(self.show_guide)
        window.addAction(self.guide_action)  # F1 works with the menu bar hidden too
        self.about_action = QAction(tr("&Giới thiệu CĐS Desk"), window)
        self.about_action.setObjectName("aboutAction")
        self.about_action.setStatusTip(tr("Phiên bản, nơi lưu dữ liệu, giấy phép"))
        self.about_action.triggered.connect(self.show_about)

    def actions(self) -> list[QAction]:
        return [self.guide_action, self.about_action]

    def show_guide(self, anchor: str = "") -> GuideDialog:
        """Open the guide (or bring it to the front), at ``anchor`` when given."""
        if self.guide is None:
            self.guide = GuideDialog(self.window)
            self.guide.destroyed.connect(self._guide_gone)
        self.guide.show()
        self.guide.raise_()
        self.guide.activateWindow()
        if isinstance(anchor, str) and anchor:
            self.guide.show_section(anchor)
        return self.guide

    def _guide_gone(self) -> None:
        self.guide = None

    def show_about(self) -> None:
        common.exec_dialog(AboutDialog(self.register_path, self.window))
