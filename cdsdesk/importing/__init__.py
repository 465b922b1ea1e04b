"""Reading notices (txt, docx, pdf or pasted text) into draft documents and tasks.

The package never imports Qt and never writes to the register: it turns a
file into plain text (:mod:`.reading`), finds what the text says (deadline
phrases in :mod:`.deadlines`, units, numbered items) and returns proposals
that the officer checks before anything is saved.
"""
