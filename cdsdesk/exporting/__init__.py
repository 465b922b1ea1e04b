"""Exports: notices, quarterly reports, urging letters (Word and PDF) and spreadsheets.

Builders turn register data into one :class:`~cdsdesk.exporting.model.AdminDocument`;
the Word and PDF renderers draw that same document, so both formats carry the
same content laid out as Nghị định 30/2020/NĐ-CP asks.
"""
