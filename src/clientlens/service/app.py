"""The FastAPI application: routes, authentication, error bodies and the OpenAPI document.

Every route that analyses reads its body with `requests.read_body` (memory only, size limit),
turns it into a job, runs the job on the worker's `Engine` and answers with `respond`; a new
analysis route (POST /v1/team, POST /v1/compare) is one more small function of that shape.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from pydantic import ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from clientlens._version import __version__
from clientlens.comparison import Comparison
from clientlens.errors import ClientlensError
from clientlens.report import SCHEMA_VERSION, Report
from clientlens.service.engine import Engine
from clientlens.service.openapi import (
    ANALYZE_OPENAPI,
    COMPARE_OPENAPI,
    TEAM_OPENAPI,
    VERSION_OPENAPI,
    contract_openapi,
)
from clientlens.service.problems import HTTP_CODES, ServiceError
from clientlens.service.requests import analyze_job, compare_job, read_body, team_job
from clientlens.service.settings import Settings
from clientlens.team import TeamReport

log = logging.getLogger("clientlens.service")
#: The API's version, the prefix of every route.
API = "v1"


def create_app(settings: Settings | None = None) -> FastAPI:
    """The application for `settings` (defaults: loopback, no token, the library's size limit)."""
    settings = settings or Settings()
    engine = Engine(settings.timeout)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine.start()  # the models load once per worker process, before the first request
        log.info("clientlens %s ready (%s)", __version__, settings)
        yield
        engine.stop()

    app = FastAPI(title="clientlens", version=__version__, lifespan=lifespan,
                  description="Respect-for-customer index of French leadership discourse: the JSON "
                              f"contract {SCHEMA_VERSION} of docs/schema.md over HTTP.")
    app.state.engine = engine
    app.state.settings = settings
    _add_error_handlers(app)
    app.add_middleware(CatchAll)
    _add_routes(app, engine, settings)
    app.openapi = lambda: contract_openapi(app)  # type: ignore[method-assign]
    return app


def app_from_environment() -> FastAPI:
    """The application uvicorn's workers build (`serve` leaves the settings in the environment)."""
    return create_app(Settings.from_environment())


def _add_routes(app: FastAPI, engine: Engine, settings: Settings) -> None:
    def authorised(request: Request) -> None:
        if settings.token is None:
            return
        scheme, _, given = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(given.encode(), settings.token.encode()):
            raise ServiceError(401, "unauthorized", "a valid bearer token is required (Authorization: Bearer ...)")

    guarded = [Depends(authorised)]

    @app.get(f"/{API}/health", summary="liveness: the models are loaded")
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.get(f"/{API}/version", summary="versions and sha256 of the models and lexicons", dependencies=guarded,
             openapi_extra=VERSION_OPENAPI)
    async def version() -> dict[str, Any]:
        provenance = engine.analyzer.provenance()
        return {"schema_version": SCHEMA_VERSION, "api": API,
                **{k: v for k, v in provenance.items() if k != "settings"}}

    @app.post(f"/{API}/analyze", summary="analyse one transcript (JSON text or file upload)",
              dependencies=guarded, openapi_extra=ANALYZE_OPENAPI, response_class=Response)
    async def analyze(request: Request) -> Response:
        body = await read_body(request.stream(), request.headers.get("content-length"), settings.max_bytes)
        job = analyze_job(request.headers.get("content-type"), body)
        report = await engine.run(engine.analyze, job)
        return respond(report, job.options.format)

    @app.post(f"/{API}/team", summary="a leadership team in one meeting: members' verdicts and the team decision",
              dependencies=guarded, openapi_extra=TEAM_OPENAPI, response_class=Response)
    async def team(request: Request) -> Response:
        body = await read_body(request.stream(), request.headers.get("content-length"), settings.max_bytes)
        job = team_job(request.headers.get("content-type"), body)
        team = await engine.run(engine.team, job)
        return respond_team(team, job.options.format, job.options.language)

    @app.post(f"/{API}/compare", summary="several leaders or companies side by side, sorted by index",
              dependencies=guarded, openapi_extra=COMPARE_OPENAPI, response_class=Response)
    async def compare(request: Request) -> Response:
        body = await read_body(request.stream(), request.headers.get("content-length"), settings.max_bytes)
        job = compare_job(request.headers.get("content-type"), body)
        comparison = await engine.run(engine.compare, job)
        return respond_comparison(comparison, job.options.format)


def respond(report: Report, fmt: str) -> Response:
    """The report as the CLI prints it: `--format json` (Report.to_json()), text or html."""
    if fmt == "html":
        return HTMLResponse(report.to_html())
    if fmt == "text":
        return PlainTextResponse(report.summary())
    return Response(report.to_json(), media_type="application/json")


def respond_team(team: TeamReport, fmt: str, language: str | None) -> Response:
    """The team report as `clientlens team` prints it: json, text or html."""
    if fmt == "html":
        return HTMLResponse(team.to_html(language=language))
    if fmt == "text":
        return PlainTextResponse(team.summary(language))
    return Response(team.to_json(), media_type="application/json")


def respond_comparison(comparison: Comparison, fmt: str) -> Response:
    """The comparison as `clientlens compare` prints it: json, text, html or csv, in its report
    language; entries that failed are rows with their error (status 200)."""
    if fmt == "html":
        return HTMLResponse(comparison.to_html())
    if fmt == "text":
        return PlainTextResponse(comparison.summary())
    if fmt == "csv":
        return Response(comparison.to_csv(), media_type="text/csv; charset=utf-8")
    return Response(comparison.to_json(), media_type="application/json")


def error_response(error: ServiceError) -> JSONResponse:
    """The error object with its status (and the bearer challenge on a 401)."""
    headers = {"WWW-Authenticate": "Bearer"} if error.status == 401 else None
    return JSONResponse(error.body(), status_code=error.status, headers=headers)


def _add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ServiceError)
    async def service_error(request: Request, exc: ServiceError) -> JSONResponse:
        return error_response(exc)

    @app.exception_handler(ClientlensError)
    async def library_error(request: Request, exc: ClientlensError) -> JSONResponse:
        return error_response(ServiceError.of_library(exc))

    @app.exception_handler(RequestValidationError)
    @app.exception_handler(ValidationError)
    async def invalid(request: Request, exc: RequestValidationError | ValidationError) -> JSONResponse:
        # where and what, never the offending value: it may be a piece of the transcript
        problems = [{"loc": [str(p) for p in e["loc"]], "msg": e["msg"], "type": e["type"]} for e in exc.errors()]
        first = problems[0] if problems else {"loc": [], "msg": "invalid request"}
        where = ".".join(first["loc"]) or "body"
        return error_response(ServiceError(422, "bad_request", f"{where}: {first['msg']}", details=problems))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = HTTP_CODES.get(exc.status_code, "internal_error" if exc.status_code >= 500 else "bad_request")
        return error_response(ServiceError(exc.status_code, code, str(exc.detail)))


class CatchAll:
    """Answers any unexpected exception with 500 `internal`, logging its type only.

    Starlette's own 500 handler re-raises, and uvicorn would then log the traceback, whose
    exception message may quote the transcript.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, watched)
        except Exception as exc:  # the last line of defence: no traceback, no input in the log
            log.error("internal error on %s %s: %s", scope.get("method"), scope.get("path"), type(exc).__name__)
            if not started:
                await error_response(ServiceError.internal())(scope, receive, send)
