"""Settings: read once from the environment by the CLI and the app factory, then passed down."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from .bundled_model import BUNDLED_MODEL_NAME
from .embedding import ENCODERS, Encoder


@dataclass(frozen=True)
class Settings:
    documents: Path = Path("documents")
    index: Path = Path("index")
    model: str = BUNDLED_MODEL_NAME
    feedback_db: Path = Path("feedback.sqlite3")
    rate_limit_per_minute: int = 60
    max_question_chars: int = 1000
    parallel_encodes: int = 1  # the server sets one per core
    contact_phone: str = ""  # the bureau's public consultation number, shown beside 12345
    backend: str = "files"  # "files" (FAISS + bm25s in the index folder), "qdrant" or "qdrant-edge"
    qdrant_url: str | None = None  # a Qdrant server or cluster
    qdrant_path: Path | None = None  # a folder for the client's local mode (or Qdrant Edge)
    qdrant_api_key: str | None = None
    qdrant_collection: str = "minzheng_chunks"
    qdrant_shards: int = 1  # used when the build creates the collection
    qdrant_replication: int = 1
    admin_token: str = field(default="", repr=False)  # the admin page and upload API are off when empty
    max_upload_bytes: int = 20_000_000  # one upload request to the admin (all its files)
    # the index of the bundled documents, shipped with the repository; None: always build
    bundled_index: Path | None = Path("index/bundled")
    encoder: Encoder = "auto"  # onnx (auto for local models) or torch; see embedding
    encoder_threads: int = 0  # threads of one ONNX encode; 0: every core (builds), 1 per server worker
    # proxies whose X-Forwarded-For names the client (addresses or networks); none by default
    trusted_proxies: tuple[str, ...] = ()

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        """Defaults, then ``MINZHENG_*`` environment variables, then explicit overrides (None ignored)."""
        env = os.environ
        encoder = env.get("MINZHENG_ENCODER", cls.encoder)
        if encoder not in ENCODERS:
            raise ValueError(f"MINZHENG_ENCODER={encoder!r} is unknown; use one of {', '.join(ENCODERS)}")
        settings = cls(
            documents=Path(env.get("MINZHENG_DOCUMENTS", cls.documents)),
            index=Path(env.get("MINZHENG_INDEX", cls.index)),
            model=env.get("MINZHENG_MODEL", cls.model),
            feedback_db=Path(env.get("MINZHENG_FEEDBACK_DB", cls.feedback_db)),
            rate_limit_per_minute=int(env.get("MINZHENG_RATE_LIMIT", cls.rate_limit_per_minute)),
            contact_phone=env.get("MINZHENG_CONTACT_PHONE", cls.contact_phone).strip(),
            backend=env.get("MINZHENG_BACKEND", cls.backend),
            qdrant_url=env.get("MINZHENG_QDRANT_URL") or None,
            qdrant_path=Path(env["MINZHENG_QDRANT_PATH"]) if env.get("MINZHENG_QDRANT_PATH") else None,
            qdrant_api_key=env.get("MINZHENG_QDRANT_API_KEY") or None,
            qdrant_collection=env.get("MINZHENG_QDRANT_COLLECTION", cls.qdrant_collection),
            qdrant_shards=int(env.get("MINZHENG_QDRANT_SHARDS", cls.qdrant_shards)),
            qdrant_replication=int(env.get("MINZHENG_QDRANT_REPLICATION", cls.qdrant_replication)),
            admin_token=env.get("MINZHENG_ADMIN_TOKEN", "").strip(),
            max_upload_bytes=int(env.get("MINZHENG_MAX_UPLOAD_BYTES", cls.max_upload_bytes)),
            encoder=encoder,
            encoder_threads=int(env.get("MINZHENG_ENCODER_THREADS", cls.encoder_threads)),
            trusted_proxies=tuple(p.strip() for p in env.get("MINZHENG_TRUSTED_PROXIES", "").split(",") if p.strip()),
        )
        given = {key: value for key, value in overrides.items() if value is not None}
        for key in ("documents", "index", "feedback_db"):
            if key in given:
                given[key] = Path(str(given[key]))
        return replace(settings, **given)  # type: ignore[arg-type]
