"""An index's chunks held as columns: a Chunk is made when asked for, its text cut from its document.

A chunk's text is a stretch of its document's text (``text == document.text[start:end]``), so
holding both would keep every corpus character twice; at a million chunks the chunks as
objects were most of a serving process's own memory. The table keeps ids, document, ordinal,
offsets and heading per chunk, and reads like the tuple of chunks it replaces.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import overload

import numpy as np

from .chunking import Chunk
from .documents import Document


class ChunkTable(Sequence[Chunk]):
    """The chunks of an index in index order, made on access from columns and their documents."""

    def __init__(self, documents: Mapping[str, Document], chunks: Iterable[Chunk]) -> None:
        """Hold ``chunks`` as columns.

        Raises:
            ValueError: a chunk's document is not in ``documents`` or its text is not the
                document's text between its offsets.
        """
        self._documents = documents
        self.ids: list[str] = []
        self.doc_ids: list[str] = []  # the documents' own id strings, not one copy per chunk
        headings: dict[str, str] = {}  # each distinct heading held once
        self._headings: list[str] = []
        offsets: list[tuple[int, int, int]] = []
        for chunk in chunks:
            document = documents.get(chunk.doc_id)
            if document is None or document.text[chunk.start : chunk.end] != chunk.text:
                raise ValueError(f"chunk {chunk.id!r} is not the text of document {chunk.doc_id!r} at its offsets")
            self.ids.append(chunk.id)
            self.doc_ids.append(document.id)
            self._headings.append(headings.setdefault(chunk.heading, chunk.heading))
            offsets.append((chunk.ordinal, chunk.start, chunk.end))
        self._offsets = np.array(offsets, dtype=np.int64).reshape(-1, 3)

    def __len__(self) -> int:
        return len(self.ids)

    @overload
    def __getitem__(self, at: int) -> Chunk: ...

    @overload
    def __getitem__(self, at: slice) -> tuple[Chunk, ...]: ...

    def __getitem__(self, at: int | slice) -> Chunk | tuple[Chunk, ...]:
        if isinstance(at, slice):
            return tuple(self._chunk(i) for i in range(*at.indices(len(self))))
        return self._chunk(range(len(self))[at])  # negative numbers and the IndexError as a tuple's

    def __iter__(self) -> Iterator[Chunk]:
        return (self._chunk(i) for i in range(len(self)))

    def _chunk(self, number: int) -> Chunk:
        ordinal, start, end = self._offsets[number].tolist()
        doc_id = self.doc_ids[number]
        return Chunk(
            id=self.ids[number],
            doc_id=doc_id,
            ordinal=ordinal,
            text=self._documents[doc_id].text[start:end],
            start=start,
            end=end,
            heading=self._headings[number],
        )

