"""The officer's letter pages (surat keluar): the register, a letter with its actions, the
draft editor, a new letter, and the unit's letter settings.

Each view follows one path: access selector → form → one service → redirect, or the page
again with the service's error beside the input it names and the status it carries (422
invalid, 403 not allowed, 409 someone got there first). A letter outside the user's units is a
404, like one that does not exist. Changes are POST only, under CSRF.
"""
