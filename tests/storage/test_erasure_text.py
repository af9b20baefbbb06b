"""How erasure finds a person in free text: their whole id (not inside another id or word),
their name, their Slack id in a mention, their WeCom id in any case; a short id only where it
addresses someone, so an ordinary word is never rewritten."""

from __future__ import annotations

from storage.erasure import Traces

ALICE = Traces("alice", "王丽 Alice Wang", "U0ALICE", "wangli")


def test_her_id_name_and_platform_ids_become_the_pseudonym():
    replace = ALICE.replacer("erased-1")
    assert replace("thanks alice. <@U0ALICE> asked WangLi (王丽 Alice Wang), person:alice") == \
        "thanks erased-1. <@erased-1> asked erased-1 (erased-1), person:erased-1"


def test_other_ids_and_words_that_contain_hers_stay():
    replace = ALICE.replacer("erased-1")
    text = "alice-b and alice.chen saw malice in wanglix"
    assert replace(text) == text


def test_a_short_id_only_where_it_addresses_someone():
    replace = Traces("li", "Li Ming", None, None).replacer("erased-2")
    assert replace("li said person:li, @li; 3:c0:fin:nudge:li") == \
        "li said person:erased-2, @erased-2; 3:c0:fin:nudge:erased-2"


def test_json_escaped_forms_are_looked_for_too():
    assert "\\u738b\\u4e3d alice wang" in ALICE.needles()


def test_her_file_names_go_where_the_bot_wrote_them():
    replace = Traces("alice", "王丽 Alice Wang", None, None, ("doc.pdf", "a b.jpg")).replacer(
        "erased-1")
    assert replace("王丽 Alice Wang sent 📎 doc.pdf (30 B) on FIN-1") == \
        "erased-1 sent 📎 — (30 B) on FIN-1"
    assert replace("📎 a b.jpg, doc.pdf, bob.pdf") == "📎 —, bob.pdf"
    assert replace("Files: 📎 bob.pdf, 📎 doc.pdf (1 KB)") == "Files: 📎 bob.pdf, 📎 — (1 KB)"
    assert replace("doc.pdf") == "—", "a form's file field shows the bare name"
    assert replace("see doc.pdf.bak and 📎 doc.pdfx") == "see doc.pdf.bak and 📎 doc.pdfx"
