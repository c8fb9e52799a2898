"""The HTTP service (`clientlens serve`): the analysis behind a small JSON API on FastAPI and uvicorn.

`create_app(settings)` builds the application; `serve(settings)` runs it under uvicorn. Both
need the optional extra: ``pip install "clientlens[serve]"``. The routes return exactly the
JSON contract of docs/schema.md, and every failure the error object with a stable code.
"""

from __future__ import annotations

from clientlens.service.settings import Settings

__all__ = ["Settings"]
