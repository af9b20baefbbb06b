"""A ``file`` field's kept answer is its file only when it names files the chat form holds
(``form_changes.names_files``): a text typed before the field became a file field is none."""

from __future__ import annotations

from handlers.form_changes import names_files


def test_a_file_fields_answer_counts_when_it_names_the_forms_files():
    files = [{"name": "a.pdf", "mime": "application/pdf"},
             {"name": "scans/b, c.jpg", "mime": "image/jpeg"}]
    assert names_files("a.pdf", files) and names_files("b, c.jpg", files)
    assert names_files("a.pdf, b, c.jpg", files)  # all the files an answer brought
    assert not names_files("screen broken", files) and not names_files("a.pdf", [])
