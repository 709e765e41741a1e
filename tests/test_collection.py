"""The document lifecycle: add, replace, remove and prune, each change atomic; the index follows."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from assistant import cli, collection
from assistant.collection import (
    add_files,
    add_uploads,
    check_source_name,
    list_documents,
    prune,
    remove_documents,
    source_path,
)
from assistant.errors import IngestError
from assistant.index import build_index, current_build, read_manifest
from assistant.tokenizer import Tokenizer
from assistant.vocabulary import load_vocabulary
from tests.fakes import HashingEmbedder
from tests.sample_files import Samples

FIXTURES = Path(__file__).parent / "fixtures"


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under a folder with its bytes: equal snapshots mean nothing changed."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.parent.iterdir() if p.name.startswith(f".{folder.name}.staging"))


@pytest.fixture()
def sources(tmp_path: Path, samples: Samples) -> Path:
    """A folder of source files a maintainer keeps: a saved page, a Word file and two text files."""
    folder = tmp_path / "sources"
    folder.mkdir()
    shutil.copy(samples.html, folder)
    shutil.copy(samples.docx, folder)
    shutil.copy(FIXTURES / "tiny_page.txt", folder)
    shutil.copy(FIXTURES / "tiny_plan.md", folder)
    return folder


def test_added_files_become_documents_with_their_originals_kept(tmp_path: Path, sources: Path):
    docs = tmp_path / "documents"
    change = add_files([sources], docs, ocr=False)
    assert change.skipped == () and change.replaced == () and change.removed == ()
    listed = list_documents(docs)
    assert sorted(change.added) == [d.id for d in listed]
    assert {d.source for d in listed} == {"reply.html", "guide.docx", "tiny_page.txt", "tiny_plan.md"}
    for document in listed:
        assert source_path(docs, document.source).read_bytes() == (sources / document.source).read_bytes()
    before = snapshot(docs)
    again = add_files([sources], docs, ocr=False)
    assert not again.changed and sorted(again.unchanged) == sorted(change.added)
    assert snapshot(docs) == before


def test_a_new_version_needs_replace_and_keeps_its_id(tmp_path: Path, sources: Path):
    docs = tmp_path / "documents"
    add_files([sources], docs, ocr=False)
    plan = next(d for d in list_documents(docs) if d.source == "tiny_plan.md")
    newer = sources / "tiny_plan.md"
    newer.write_text(newer.read_text(encoding="utf-8").replace("深圳市儿童福利规划", "深圳市儿童福利规划（修订）")
                     + "孤儿基本生活费标准每人每月提高到2500元。\n", encoding="utf-8")
    refused = add_files([newer], docs, ocr=False)
    assert not refused.changed and "--replace" in refused.skipped[0].reason and plan.id in refused.skipped[0].reason
    change = add_files([newer], docs, replace=True, ocr=False)
    assert change.replaced == (plan.id,) and change.added == ()
    replaced = {d.id: d for d in list_documents(docs)}[plan.id]
    assert replaced.title == "深圳市儿童福利规划（修订）" and "2500元" in replaced.text
    assert "2500元" in source_path(docs, "tiny_plan.md").read_text(encoding="utf-8")


def test_a_new_version_with_a_letter_fewer_removes_that_letter(tmp_path: Path, sources: Path):
    docs = tmp_path / "documents"
    add_files([sources], docs, ocr=False)
    page = sources / "reply.html"
    html = page.read_text(encoding="utf-8")
    page.write_text(html[: html.index("<p>2.第20230999号")] + html[html.index("</div>\n<div class=\"related\">"):],
                    encoding="utf-8")
    change = add_files([page], docs, replace=True, ocr=False)
    assert change.removed == ("cppcc-2023-20230999",) and change.unchanged == ("cppcc-2023-20230888",)
    assert "cppcc-2023-20230999" not in {d.id for d in list_documents(docs)}


def test_removing_a_document_removes_its_file_and_original(tmp_path: Path, sources: Path):
    docs = tmp_path / "documents"
    add_files([sources], docs, ocr=False)
    guide = next(d for d in list_documents(docs) if d.source == "guide.docx")
    assert remove_documents([guide.id], docs).removed == (guide.id,)
    assert guide.id not in {d.id for d in list_documents(docs)}
    assert not (docs / "sources" / "guide.docx").exists()
    letters = [d.id for d in list_documents(docs) if d.source == "reply.html"]
    remove_documents(letters[:1], docs)
    assert (docs / "sources" / "reply.html").exists(), "the other letter of the page still needs it"


def test_an_unknown_or_malformed_id_changes_nothing(tmp_path: Path, sources: Path):
    docs = tmp_path / "documents"
    add_files([sources], docs, ocr=False)
    before = snapshot(docs)
    some = list_documents(docs)[0].id
    with pytest.raises(IngestError, match="no document npc-1999-1"):
        remove_documents([some, "npc-1999-1"], docs)
    with pytest.raises(IngestError, match="is not a document id"):
        remove_documents(["../index"], docs)
    assert snapshot(docs) == before and leftovers(docs) == []


def test_prune_removes_documents_whose_source_left_the_folder(tmp_path: Path, sources: Path):
    docs = tmp_path / "documents"
    add_files([sources], docs, ocr=False)
    (sources / "reply.html").unlink()
    change = prune(sources, docs)
    assert change.removed == ("cppcc-2023-20230888", "cppcc-2023-20230999")
    plan = next(d.id for d in list_documents(docs) if d.source == "tiny_plan.md")
    (sources / "tiny_plan.md").unlink()
    assert add_files([sources], docs, prune=True, ocr=False).removed == (plan,)
    assert {d.source for d in list_documents(docs)} == {"guide.docx", "tiny_page.txt"}


def test_a_failure_midway_leaves_the_documents_exactly_as_they_were(tmp_path: Path, sources: Path, monkeypatch):
    docs = tmp_path / "documents"
    add_files([FIXTURES / "tiny_plan.md"], docs, ocr=False)
    before = snapshot(docs)
    real_write = collection.write_documents

    def write_some_then_fail(documents, folder):
        real_write(list(documents)[:1], folder)
        raise OSError("disk full (injected)")

    monkeypatch.setattr(collection, "write_documents", write_some_then_fail)
    with pytest.raises(OSError, match="injected"):
        add_files([sources], docs, replace=True, ocr=False)
    assert snapshot(docs) == before and leftovers(docs) == []

    monkeypatch.setattr(collection, "_store_source", lambda path, staging: (_ for _ in ()).throw(KeyboardInterrupt))
    with pytest.raises(KeyboardInterrupt):
        add_files([sources], docs, ocr=False)
    assert snapshot(docs) == before and leftovers(docs) == []


def test_a_process_killed_midway_leaves_the_documents_as_they_were(tmp_path: Path, sources: Path):
    docs = tmp_path / "documents"
    add_files([FIXTURES / "tiny_plan.md"], docs, ocr=False)
    before = snapshot(docs)
    script = (
        "import os, signal, sys; from pathlib import Path; from assistant import collection\n"
        "real = collection.write_documents\n"
        "def write_and_die(documents, folder):\n"
        "    real(list(documents)[:2], folder); os.kill(os.getpid(), signal.SIGKILL)\n"
        "collection.write_documents = write_and_die\n"
        f"collection.add_files([Path({str(sources)!r})], Path({str(docs)!r}), ocr=False)\n"
    )
    killed = subprocess.run([sys.executable, "-c", script], cwd=Path(__file__).resolve().parents[1])
    assert killed.returncode == -9
    assert snapshot(docs) == before and len(leftovers(docs)) == 1, "the dead process's copy is left"
    assert add_files([sources], docs, ocr=False).added, "the next change works"
    assert leftovers(docs) == [], "and clears the dead copy"


def test_without_an_atomic_exchange_the_fallback_commits_and_recovers(tmp_path: Path, sources: Path, monkeypatch):
    docs = tmp_path / "documents"
    add_files([FIXTURES / "tiny_plan.md"], docs, ocr=False)
    monkeypatch.setattr(collection, "_exchange", lambda a, b: False)
    assert add_files([sources], docs, ocr=False).added
    assert len(list_documents(docs)) == 6 and not (tmp_path / ".documents.old").exists()
    docs.rename(tmp_path / ".documents.old")  # as if killed between the fallback's two renames
    assert len(list_documents(docs)) == 6 and docs.is_dir()


def test_the_index_follows_re_embedding_only_what_changed(tmp_path: Path, sources: Path):
    docs, index = tmp_path / "documents", tmp_path / "index"
    embedder, tokenizer = HashingEmbedder(), Tokenizer(load_vocabulary())

    def rebuild(documents):
        build_index(documents, index, embedder, tokenizer)

    add_files([sources], docs, ocr=False, before_commit=rebuild)
    first = read_manifest(index)
    assert first.documents == len(list_documents(docs)) and first.reused == 0

    guide = next(d.id for d in list_documents(docs) if d.source == "guide.docx")
    remove_documents([guide], docs, before_commit=rebuild)
    assert read_manifest(index).texts_embedded == 0, "removing a document re-embeds nothing"

    plan = sources / "tiny_plan.md"
    plan.write_text(plan.read_text(encoding="utf-8") + "新增：儿童督导员每人每月补贴300元。\n", encoding="utf-8")
    embedder.passages_embedded = 0
    add_files([plan], docs, replace=True, ocr=False, before_commit=rebuild)
    manifest = read_manifest(index)
    assert 0 < manifest.texts_embedded <= 4, "only the replaced document's changed passages are embedded"
    assert embedder.passages_embedded == manifest.texts_embedded


def test_a_failed_index_build_leaves_documents_and_index_as_they_were(tmp_path: Path, sources: Path):
    docs, index = tmp_path / "documents", tmp_path / "index"
    embedder, tokenizer = HashingEmbedder(), Tokenizer(load_vocabulary())
    add_files([FIXTURES / "tiny_plan.md"], docs, ocr=False,
              before_commit=lambda documents: build_index(documents, index, embedder, tokenizer))
    before, build = snapshot(docs), current_build(index)
    embedder.fail_after = embedder.passages_embedded  # the next embedding crashes
    with pytest.raises(RuntimeError, match="simulated crash"):
        add_files([sources], docs, ocr=False,
                  before_commit=lambda documents: build_index(documents, index, embedder, tokenizer))
    assert snapshot(docs) == before and current_build(index) == build


@pytest.mark.parametrize("name", ["../etc/passwd.txt", "..\\x.pdf", "a/b.pdf", ".hidden.pdf", "x..pdf", "", "run.sh"])
def test_source_names_that_could_leave_the_folder_are_refused(name: str):
    with pytest.raises(IngestError, match="not allowed|only"):
        check_source_name(name)


def test_a_source_path_outside_the_documents_folder_is_refused(tmp_path: Path):
    docs = tmp_path / "documents"
    (docs / "sources").mkdir(parents=True)
    secret = tmp_path / "secret.pdf"
    secret.write_bytes(b"%PDF-1.4")
    (docs / "sources" / "link.pdf").symlink_to(secret)
    with pytest.raises(IngestError, match="outside the documents folder"):
        source_path(docs, "link.pdf")
    with pytest.raises(IngestError, match="not allowed"):
        source_path(docs, "../secret.pdf")


def test_the_command_line_lists_replaces_removes_and_prunes(tmp_path: Path, sources: Path, capsys):
    docs = str(tmp_path / "documents")
    common = ["--documents", docs, "--index", str(tmp_path / "index")]
    assert cli.main(["ingest", str(sources), "--no-ocr", *common]) == 0
    assert "6 added" in capsys.readouterr().out
    assert cli.main(["documents", "list", "--json", *common]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {row["source"] for row in rows} == {"reply.html", "guide.docx", "tiny_page.txt", "tiny_plan.md"}
    assert cli.main(["documents", "remove", "cppcc-2023-20230888", *common]) == 0
    assert "removed: cppcc-2023-20230888" in capsys.readouterr().out
    assert cli.main(["documents", "remove", "npc-1999-1", *common]) == 1
    assert "error: no document npc-1999-1" in capsys.readouterr().err
    (sources / "guide.docx").unlink()
    assert cli.main(["ingest", str(sources), "--prune", "--no-ocr", *common]) == 0
    out = capsys.readouterr().out
    assert "1 added" in out and "1 removed" in out, out  # the removed letter is back, the Word file gone
    assert cli.main(["documents", "list", *common]) == 0
    assert "guide.docx" not in capsys.readouterr().out


def test_uploads_with_bad_names_or_sizes_are_refused_and_the_rest_ingest(tmp_path: Path, samples: Samples):
    docs = tmp_path / "documents"
    change = add_uploads(
        [("../../evil.html", samples.html.read_bytes()), ("guide.docx", samples.docx.read_bytes()),
         ("big.txt", "高龄津贴。".encode() * 100), ("locked.pdf", samples.encrypted_pdf.read_bytes())],
        docs, max_bytes=100_000, ocr=False,
    )
    reasons = {s.path: s.reason for s in change.skipped}
    assert "not allowed" in reasons["../../evil.html"]
    assert reasons["locked.pdf"].startswith("locked.pdf: the PDF is encrypted"), "no temporary folder in the message"
    assert {d.source for d in list_documents(docs)} == {"big.txt", "guide.docx"}
    assert not list(tmp_path.rglob("evil.html"))
    small = add_uploads([("big2.txt", "高龄津贴。".encode() * 100)], docs, max_bytes=1000, ocr=False)
    assert "over the 1000-byte limit" in small.skipped[0].reason and not small.changed
