"""Labels built from plain values, shared by services, the audit trail and exports."""

from __future__ import annotations


def document_label(number: str, doc_type: str, issuer_code: str) -> str:
    """``36/TB-UBND``; a letter (CV) has no type code: ``12/UBND-VX``.

    Numbers below 10 get a leading zero, as Nghị định 30/2020 writes them.
    """
    num = number.strip()
    if num.isdigit() and len(num) == 1:
        num = "0" + num
    code = issuer_code.strip()
    has_type = doc_type not in ("", "CV")
    symbol = (f"{doc_type}-{code}" if code else doc_type) if has_type else code
    if not num:
        return symbol
    return f"{num}/{symbol}" if symbol else num
