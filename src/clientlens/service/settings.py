"""The service's settings: one frozen record, passed to worker processes through the environment."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass

from clientlens.errors import ClientlensError
from clientlens.io.decode import MAX_INPUT_BYTES

#: Environment variable holding the bearer token when `--token` is not given.
TOKEN_ENV = "CLIENTLENS_TOKEN"
#: Environment variable through which `serve` hands the settings to uvicorn's worker processes.
SETTINGS_ENV = "CLIENTLENS_SERVE_SETTINGS"
#: Seconds a request may wait for its analysis by default: the bundled example takes about
#: half a second, a 1 MB transcript about 20 s on one core (docs/benchmarks.md).
DEFAULT_TIMEOUT = 120.0
#: Host names that listen on this machine only.
LOOPBACK_HOSTS = frozenset({"localhost", "::1"})


class SettingsError(ClientlensError):
    """Service settings out of range (workers, body limit or time limit not positive, bad port)."""

    code = "invalid_settings"


@dataclass(frozen=True)
class Settings:
    """How the service runs.

    Attributes:
        host, port: where it listens (loopback by default: nothing is exposed unless asked).
        workers: uvicorn worker processes, each loading the models once.
        token: bearer token required on every route but /v1/health (None: no token).
        max_bytes: largest request body accepted (413 above it); the library's input limit by default.
        timeout: seconds a request waits for its analysis (503 `timeout` after it).
    """

    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    token: str | None = None
    max_bytes: int = MAX_INPUT_BYTES
    timeout: float = DEFAULT_TIMEOUT

    def __post_init__(self) -> None:
        if self.workers < 1 or self.max_bytes < 1 or self.timeout <= 0 or not 0 <= self.port < 65536:
            raise SettingsError(f"invalid service settings: workers, max bytes and timeout must be positive ({self})")

    def __repr__(self) -> str:  # the token never appears in a log or an error message
        shown = {**asdict(self), "token": "***" if self.token else None}
        return f"Settings({', '.join(f'{k}={v!r}' for k, v in shown.items())})"

    @property
    def exposed(self) -> bool:
        """Whether the service listens beyond this machine's loopback interface."""
        return self.host not in LOOPBACK_HOSTS and not self.host.startswith("127.")

    def with_environment_token(self) -> Settings:
        """These settings, with the token of the environment (TOKEN_ENV) when none was given."""
        if self.token is not None or not os.environ.get(TOKEN_ENV):
            return self
        return Settings(**{**asdict(self), "token": os.environ[TOKEN_ENV]})

    def to_json(self) -> str:
        """The settings as JSON, for SETTINGS_ENV."""
        return json.dumps(asdict(self))

    @classmethod
    def from_environment(cls) -> Settings:
        """The settings `serve` left in SETTINGS_ENV (defaults when absent)."""
        raw = os.environ.get(SETTINGS_ENV)
        return (cls(**json.loads(raw)) if raw else cls()).with_environment_token()
