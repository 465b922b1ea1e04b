"""The register's settings, declared once with their types and defaults.

They live in the register (not on the PC) because they belong to the agency
whose register it is: they are printed on every document it issues.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, fields, replace
from typing import Any

from cdsdesk.errors import ValidationError
from cdsdesk.i18n import tr
from cdsdesk.storage.db import Register


@dataclass(frozen=True)
class RegisterSettings:
    agency_name: str = ""  # issuing body, e.g. "SỞ KHOA HỌC VÀ CÔNG NGHỆ"
    parent_agency: str = ""  # e.g. "UBND TỈNH QUẢNG NGÃI"
    place_name: str = ""  # e.g. "Quảng Ngãi"
    signer_name: str = ""
    signer_title: str = ""  # e.g. "GIÁM ĐỐC"
    signer_authority: str = ""  # e.g. "KT. GIÁM ĐỐC"
    drafting_unit: str = ""  # for "Lưu: VT, <drafting unit>."
    due_soon_days: int = 7


_FIELDS = {f.name: f for f in fields(RegisterSettings)}
_CACHE_KEY = "settings"


def load_settings(register: Register) -> RegisterSettings:
    """The settings in force, read once until the register is written."""
    cached = register.cache.get(_CACHE_KEY)
    if isinstance(cached, RegisterSettings):
        return cached
    with register.reading() as conn:
        rows = list(conn.execute("SELECT key, value FROM settings"))
    # SQLite keeps the JSON as text; PostgreSQL's driver hands back the decoded value.
    stored = {
        key: json.loads(value) if isinstance(value, str) and not register.on_server else value
        for key, value in rows
    }
    values: dict[str, Any] = {}
    defaults = RegisterSettings()
    for name in _FIELDS:
        value = stored.get(name, getattr(defaults, name))
        expected = type(getattr(defaults, name))
        values[name] = value if isinstance(value, expected) else getattr(defaults, name)
    settings = RegisterSettings(**values)
    register.cache[_CACHE_KEY] = settings
    return settings


def save_settings(register: Register, **changes: Any) -> RegisterSettings:
    """Validate and store some settings; return the settings now in force."""
    unknown = set(changes) - set(_FIELDS)
    if unknown:
        raise ValidationError(
            tr("Thiết lập không tồn tại: {names}").format(names=", ".join(unknown))
        )
    current = load_settings(register)
    updated = replace(current, **changes)
    if not 0 <= updated.due_soon_days <= 365:
        raise ValidationError(tr("Số ngày “sắp đến hạn” phải từ 0 đến 365."))
    from cdsdesk.domain.models import Setting

    with register.transaction() as session:
        for name, value in changes.items():
            row = session.get(Setting, name)
            if row is None:
                session.add(Setting(key=name, value=value))
            else:
                row.value = value
    return updated
