"""The index's chunks as columns read exactly like the tuple of chunks the chunker made."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from assistant.chunk_table import ChunkTable
from assistant.chunking import chunk_documents
from assistant.ingest import ingest_paths

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def documents():
    return list(ingest_paths([FIXTURES / "tiny_page.txt"]).documents)


def test_a_table_reads_as_the_chunks_it_holds(documents):
    chunks = tuple(chunk_documents(documents))
    table = ChunkTable({d.id: d for d in documents}, iter(chunks))

    assert len(table) == len(chunks) > 3
    assert tuple(table) == chunks and list(table) == list(chunks)
    assert table[0] == chunks[0] and table[-1] == chunks[-1] and table[1:3] == chunks[1:3]
    assert table[::-2] == chunks[::-2]
    assert table.doc_ids == [c.doc_id for c in chunks] and table.ids == [c.id for c in chunks]
    with pytest.raises(IndexError):
        table[len(chunks)]


def test_a_chunk_that_is_not_its_documents_text_is_refused(documents):
    chunks = chunk_documents(documents)
    by_id = {d.id: d for d in documents}
    with pytest.raises(ValueError, match=f"chunk {chunks[1].id!r} is not the text of document"):
        ChunkTable(by_id, [chunks[0], replace(chunks[1], text=chunks[1].text + "。")])
    with pytest.raises(ValueError, match="is not the text of document 'elsewhere'"):
        ChunkTable(by_id, [replace(chunks[0], doc_id="elsewhere")])
