"""One module per page (and one for figure labels), each with EN and ZH dicts side by side.

A page's strings in both languages live in one file, so a translator sees them together; the
catalogue package merges every module here into the English and Chinese catalogues.
"""
