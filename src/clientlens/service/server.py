"""Running the service: uvicorn with the settings handed to its workers through the environment."""

from __future__ import annotations

import logging
import os

from clientlens.errors import ClientlensError
from clientlens.service.settings import SETTINGS_ENV, Settings


class MissingExtraError(ClientlensError):
    """The HTTP service's dependencies are not installed."""

    code = "missing_extra"


def serve(settings: Settings) -> int:
    """Serve until interrupted; returns the exit status.

    Raises:
        MissingExtraError: FastAPI or uvicorn is not installed.
    """
    try:
        import fastapi  # noqa: F401
        import uvicorn
    except ImportError as exc:
        raise MissingExtraError(f'the HTTP service needs {exc.name}: pip install "clientlens[serve]"') from None
    if settings.exposed and settings.token is None:
        logging.getLogger("clientlens.service").warning(
            "clientlens serve listens on %s without a token: anyone who reaches it can submit transcripts "
            "(set --token or CLIENTLENS_TOKEN)", settings.host)
    os.environ[SETTINGS_ENV] = settings.to_json()  # read back by each worker's app factory
    uvicorn.run("clientlens.service.app:app_from_environment", factory=True, host=settings.host,
                port=settings.port, workers=settings.workers, server_header=False, log_level="info")
    return 0
