"""Vietnamese everywhere: the locale, and Vietnamese for Qt's own texts.

Qt ships no Vietnamese translation of its own widgets (there is no
``qtbase_vi.qm``), so standard buttons, context menus, the print preview and
the wizard would speak English. We supply one: ``resources/i18n/qtbase_vi.ts``
(the source, editable in Qt Linguist) compiled by ``pyside6-lrelease`` into
the committed ``qtbase_vi.qm`` that :func:`install_vietnamese` loads.

Why not a Python ``QTranslator`` subclass overriding ``translate``: PySide6
6.12 passes Qt's null disambiguation to the override as ``None`` without
taking a reference, so on Python 3.11 every ``tr()`` call in the program
steals a reference to ``None`` and the interpreter aborts after a few
thousand. A compiled ``.qm`` also costs nothing per lookup.

The locale is Vietnamese (Việt Nam): month and day names, Monday first, "."
for thousands. Its short date format is ``d/M/yy``, not the ``dd/MM/yyyy`` of
administrative documents, so date editors take :data:`DATE_FORMAT` through
:func:`setup_date_edit`.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLocale, Qt, QTranslator
from PySide6.QtWidgets import QDateTimeEdit

from cdsdesk.resources import resource_path

DATE_FORMAT = "dd/MM/yyyy"
DATE_TIME_FORMAT = "dd/MM/yyyy HH:mm"
QT_CATALOGUE = "qtbase_vi"

_installed: QTranslator | None = None
_previous_locale: QLocale | None = None


def vietnamese_locale() -> QLocale:
    return QLocale(QLocale.Language.Vietnamese, QLocale.Country.Vietnam)


def qt_translator(parent: QCoreApplication | None = None) -> QTranslator:
    """Qt's own texts in Vietnamese; empty (every text stays English) if the file is missing."""
    translator = QTranslator(parent)
    translator.load(QT_CATALOGUE, str(resource_path("i18n")))
    return translator


def install_vietnamese(app: QCoreApplication) -> None:
    """Make the locale and Qt's own texts Vietnamese.

    Call before the first widget is built: a widget takes the default locale
    when it is created. Calling it again does nothing.
    """
    global _installed, _previous_locale
    if _installed is not None:
        return
    _previous_locale = QLocale()
    QLocale.setDefault(vietnamese_locale())
    _installed = qt_translator(app)
    app.installTranslator(_installed)


def uninstall_vietnamese(app: QCoreApplication) -> None:
    """Undo :func:`install_vietnamese` (for tests that must leave no trace)."""
    global _installed, _previous_locale
    if _installed is None:
        return
    app.removeTranslator(_installed)
    _installed.deleteLater()
    _installed = None
    if _previous_locale is not None:
        QLocale.setDefault(_previous_locale)
    _previous_locale = None


def setup_date_edit(edit: QDateTimeEdit) -> None:
    """A date editor as officers write dates: dd/MM/yyyy, calendar popup, Monday first."""
    edit.setDisplayFormat(DATE_FORMAT)
    edit.setCalendarPopup(True)
    calendar = edit.calendarWidget()
    if calendar is not None:
        calendar.setFirstDayOfWeek(Qt.DayOfWeek.Monday)
