"""The OpenAPI document, generated from the contract's JSON Schema file (src/clientlens/schema/).

OpenAPI 3.1 speaks JSON Schema 2020-12: each `$defs` entry of the contract becomes a component
schema as it is, its `#/$defs/` references pointing to `#/components/schemas/`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from clientlens.schema import load_schema
from clientlens.service.requests import (
    FILE_FIELD,
    INFER_SPEAKER,
    AnalyzeOptions,
    AnalyzeRequest,
    CompareOptions,
    CompareRequest,
    TeamOptions,
    TeamRequest,
)

if TYPE_CHECKING:
    from fastapi import FastAPI

COMPONENTS = "#/components/schemas/"


def ref(name: str) -> dict[str, str]:
    """A reference to a component schema."""
    return {"$ref": COMPONENTS + name}


def _errors(*statuses: tuple[int, str]) -> dict[str, Any]:
    return {str(status): {"description": what, "content": {"application/json": {"schema": ref("error")}}}
            for status, what in statuses}


_AUTH = (401, "`unauthorized`: a bearer token is required and was missing or wrong")
#: What FastAPI merges into the operation of POST /v1/analyze.
ANALYZE_OPENAPI: dict[str, Any] = {
    "requestBody": {"required": True, "content": {
        "application/json": {"schema": ref("AnalyzeRequest")},
        "multipart/form-data": {"schema": ref("AnalyzeUpload")},
    }},
    "responses": {
        "200": {"description": "the report (docs/schema.md), or its text or HTML rendering (`format`)",
                "content": {"application/json": {"schema": ref("report")},
                            "text/plain": {"schema": {"type": "string"}},
                            "text/html": {"schema": {"type": "string"}}}},
        **_errors(
            (400, "`input_error` (unreadable input, invalid UTF-8 ...) or `bad_request` (malformed body)"),
            _AUTH,
            (413, "`payload_too_large`: the body is over --max-bytes"),
            (415, "`unsupported_media_type`: neither application/json nor multipart/form-data"),
            (422, "`bad_request` (invalid option), `not_french`, `speaker_not_found` (with `available`)"),
            (500, "`internal`, `model_error`, `lexicon_error`"),
            (503, "`timeout`: the analysis did not finish within --timeout"),
        ),
    },
}
#: What FastAPI merges into the operation of POST /v1/team.
TEAM_OPENAPI: dict[str, Any] = {
    "requestBody": {"required": True, "content": {
        "application/json": {"schema": ref("TeamRequest")},
        "multipart/form-data": {"schema": ref("TeamUpload")},
    }},
    "responses": {
        "200": {"description": "the team report (docs/schema.md, Team report), or its text or HTML rendering",
                "content": {"application/json": {"schema": ref("team")},
                            "text/plain": {"schema": {"type": "string"}},
                            "text/html": {"schema": {"type": "string"}}}},
        **{k: v for k, v in ANALYZE_OPENAPI["responses"].items() if k != "200"},
    },
}
#: What FastAPI merges into the operation of POST /v1/compare.
COMPARE_OPENAPI: dict[str, Any] = {
    "requestBody": {"required": True, "content": {
        "application/json": {"schema": ref("CompareRequest")},
        "multipart/form-data": {"schema": ref("CompareUpload")},
    }},
    "responses": {
        "200": {"description": "the comparison (docs/schema.md, Comparison), or its text, HTML or CSV rendering; "
                               "an entry that could not be scored is a row with its `error`",
                "content": {"application/json": {"schema": ref("comparison")},
                            "text/plain": {"schema": {"type": "string"}},
                            "text/html": {"schema": {"type": "string"}},
                            "text/csv": {"schema": {"type": "string"}}}},
        **{k: v for k, v in ANALYZE_OPENAPI["responses"].items() if k != "200"},
    },
}
VERSION_OPENAPI: dict[str, Any] = {"responses": _errors(_AUTH)}


def contract_components() -> dict[str, Any]:
    """The contract's definitions as OpenAPI component schemas."""
    return {name: _pointed(schema) for name, schema in load_schema()["$defs"].items()}


def request_components() -> dict[str, Any]:
    """The request bodies of POST /v1/analyze, /v1/team and /v1/compare: JSON, or an upload form."""
    return {**_bodies("Analyze", AnalyzeRequest, AnalyzeOptions), **_bodies("Team", TeamRequest, TeamOptions),
            **_compare_bodies()}


def _compare_bodies() -> dict[str, Any]:
    """CompareRequest (JSON transcripts) and CompareUpload (one `file` per transcript, and
    `speaker` and `label` once per file, in order)."""
    upload = CompareOptions.model_json_schema(ref_template=COMPONENTS + "{model}")
    upload["title"] = "CompareUpload"
    per_file = {
        "speaker": f"the speaker to score, once per file in order; {INFER_SPEAKER} or empty takes the leader "
                   "of the file's team",
        "label": "the row's name, once per file in order (default: the file's name without extension)",
    }
    upload["properties"] = {
        FILE_FIELD: {"type": "array", "minItems": 1, "description": "one transcript per leader or company; "
                     "each file's extension chooses its reader",
                     "items": {"type": "string", "contentMediaType": "application/octet-stream"}},
        **{k: {"type": "array", "items": {"type": "string"}, "description": what} for k, what in per_file.items()},
        **upload["properties"],
    }
    upload["required"] = [FILE_FIELD]
    return {"CompareRequest": CompareRequest.model_json_schema(ref_template=COMPONENTS + "{model}"),
            "CompareUpload": upload}


def _bodies(name: str, request: Any, options: Any) -> dict[str, Any]:
    upload = options.model_json_schema(ref_template=COMPONENTS + "{model}")
    upload["title"] = f"{name}Upload"
    upload["properties"] = {FILE_FIELD: {"type": "string", "contentMediaType": "application/octet-stream",
                                         "description": "the transcript; its extension chooses the reader"},
                            **upload["properties"]}
    upload["required"] = [FILE_FIELD]
    return {f"{name}Request": request.model_json_schema(ref_template=COMPONENTS + "{model}"),
            f"{name}Upload": upload}


def contract_openapi(app: FastAPI) -> dict[str, Any]:
    """The app's OpenAPI document with the contract's schemas as components (built once)."""
    if app.openapi_schema is None:
        from fastapi.openapi.utils import get_openapi

        document = get_openapi(title=app.title, version=app.version, description=app.description,
                               routes=app.routes)
        schemas = document.setdefault("components", {}).setdefault("schemas", {})
        schemas.update(contract_components())
        schemas.update(request_components())
        app.openapi_schema = document
    return app.openapi_schema


def _pointed(value: Any) -> Any:
    """`value` with its `#/$defs/` references pointing to the OpenAPI components."""
    if isinstance(value, dict):
        return {k: (COMPONENTS + v.removeprefix("#/$defs/") if k == "$ref" and isinstance(v, str) else _pointed(v))
                for k, v in value.items()}
    if isinstance(value, list):
        return [_pointed(v) for v in value]
    return value
