"""Reading requests: the body in memory within its size limit, a JSON body or a multipart upload.

Nothing of the input touches the disk: the body is read from the ASGI stream into memory and a
multipart body is parsed with the standard library's email parser, so Starlette's UploadFile,
which spools uploads above 1 MB to a temporary file, is never used.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import PurePosixPath, PureWindowsPath
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from clientlens.errors import InputError
from clientlens.io.read import input_format_of
from clientlens.service.problems import ServiceError

#: Formats a JSON body may name for its `text` (a .docx or .pdf is binary: upload it as a file).
TEXT_FORMATS = ("txt", "md", "vtt", "srt", "json", "html")
#: The multipart field that carries the transcript file (repeated, once per transcript, for /compare).
FILE_FIELD = "file"
#: The /compare form fields given once per file, in the order of the files.
PER_FILE_FIELDS = ("speaker", "label")
#: The /compare speaker that takes the leader of the file's team (as `clientlens compare --speaker -`).
INFER_SPEAKER = "-"
InputFormat = Literal["txt", "md", "vtt", "srt", "docx", "json", "pdf", "html"]


class AnalyzeOptions(BaseModel):
    """How to analyse: the options of `clientlens analyze`, shared by the JSON body and the upload form."""

    model_config = ConfigDict(extra="forbid")

    speaker: str | Annotated[list[str], Field(min_length=1)] | None = Field(
        None, description="speaker(s) to score; all speech when absent")
    input_format: InputFormat | None = Field(
        None, description="reader to use; by default the upload's file extension, or txt for a text")
    lexicon_only: bool = Field(False, description="do not use the sentence classifier (the report says so)")
    go: float | None = Field(None, ge=0, le=100, description="index at or above which the verdict is go")
    walk_away: float | None = Field(None, ge=0, le=100, description="index below which the verdict is walk_away")
    redact: bool = Field(False, description="pseudonymise person and speaker names in the report")
    format: Literal["json", "text", "html"] = Field("json", description="json: the report of docs/schema.md")

    @model_validator(mode="after")
    def _thresholds_in_order(self) -> AnalyzeOptions:
        if self.go is not None and self.walk_away is not None and self.walk_away > self.go:
            raise ValueError(f"walk_away ({self.walk_away}) must not be above go ({self.go})")
        return self


class TeamOptions(BaseModel):
    """How to analyse a leadership team: the options of `clientlens team` (docs/team.md)."""

    model_config = ConfigDict(extra="forbid")

    leader: str | None = Field(None, description="the leader's name; inferred when absent (a title, else most words)")
    input_format: InputFormat | None = Field(
        None, description="reader to use; by default the upload's file extension, or txt for a text")
    critical_mass: float | None = Field(None, gt=0, le=1, description="share of the other judged members who "
                                        "must read as go when the leader reads as probe (default 1/3)")
    min_respectful: int | None = Field(None, ge=0, description="and at least this many of them (default 2)")
    language: Literal["fr", "en"] | None = Field(None, description="report language of `rule`, text and html")
    format: Literal["json", "text", "html"] = Field("json", description="json: the team report of docs/schema.md")


class TeamRequest(TeamOptions):
    """A JSON body for POST /v1/team: one meeting as text, and the options."""

    text: str = Field(description="the meeting, in the format `input_format` names (txt by default)")
    source: str | None = Field(None, max_length=1024, description="a name for the meeting's source")


class CompareOptions(BaseModel):
    """How to compare: the options of `clientlens compare` (docs/team.md, "Comparing leaders or companies")."""

    model_config = ConfigDict(extra="forbid")

    input_format: InputFormat | None = Field(
        None, description="reader of every transcript; by default each upload's file extension, or txt for a text")
    language: Literal["fr", "en"] | None = Field(None, description="report language of the JSON's `language`, "
                                                 "text and html")
    format: Literal["json", "text", "html", "csv"] = Field(
        "json", description="json: the comparison of docs/schema.md; csv: one line per row")


class CompareTranscript(BaseModel):
    """One leader or company of a JSON body for POST /v1/compare."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(None, max_length=1024, description="the row's name (default: #1, #2 … in order)")
    text: str = Field(description="the transcript, in the format `input_format` names (txt by default)")
    speaker: str | Annotated[list[str], Field(min_length=1)] | None = Field(
        None, description="speaker(s) to score; by default the leader of the team the text holds "
                          "(a title, else most words), or all speech without speaker labels")
    input_format: InputFormat | None = Field(None, description="this transcript's reader (default: the body's)")


class CompareRequest(CompareOptions):
    """A JSON body for POST /v1/compare: the transcripts, one per leader or company, and the options."""

    transcripts: Annotated[list[CompareTranscript], Field(min_length=1)] = Field(
        description="one transcript per leader or company")


class AnalyzeRequest(AnalyzeOptions):
    """A JSON body: the transcript as text, and the options."""

    text: str = Field(description="the transcript, in the format `input_format` names (txt by default)")
    source: str | None = Field(None, max_length=1024, description="a name for the report's `source`")


@dataclass(frozen=True)
class AnalyzeJob:
    """One analysis to run: the transcript's bytes, how to read them and the options."""

    data: bytes
    input_format: str
    source: str | None
    options: AnalyzeOptions | TeamOptions


@dataclass(frozen=True)
class CompareEntry:
    """One transcript of a comparison to run: its bytes, how to read them, its row's name and speaker."""

    data: bytes
    input_format: str
    source: str | None  # the uploaded file's name, None for a text
    name: str | None  # the row's name; None: the file's stem, or #n
    speaker: str | list[str] | None  # None: the leader of the file's team


@dataclass(frozen=True)
class CompareJob:
    """A comparison to run (POST /v1/compare): its transcripts, in order, and the options."""

    entries: tuple[CompareEntry, ...]
    options: CompareOptions


async def read_body(stream: AsyncIterator[bytes], declared: str | None, max_bytes: int) -> bytes:
    """The whole request body, refused with 413 as soon as it is known to exceed `max_bytes`."""
    if declared is not None and declared.isdigit() and int(declared) > max_bytes:
        raise _too_large(max_bytes)
    chunks: list[bytes] = []
    size = 0
    async for chunk in stream:
        size += len(chunk)
        if size > max_bytes:
            raise _too_large(max_bytes)
        chunks.append(chunk)
    return b"".join(chunks)


def _too_large(max_bytes: int) -> ServiceError:
    return ServiceError(413, "payload_too_large", f"the request body is over the limit of {max_bytes:,} bytes "
                                                  "(clientlens serve --max-bytes raises it)")


def analyze_job(content_type: str | None, body: bytes) -> AnalyzeJob:
    """The job of a POST /v1/analyze body: JSON, or multipart/form-data with a `file`."""
    return _job(content_type, body, AnalyzeRequest, AnalyzeOptions)


def team_job(content_type: str | None, body: bytes) -> AnalyzeJob:
    """The job of a POST /v1/team body (one meeting): JSON, or multipart/form-data with a `file`."""
    return _job(content_type, body, TeamRequest, TeamOptions)


def compare_job(content_type: str | None, body: bytes) -> CompareJob:
    """The job of a POST /v1/compare body: JSON `transcripts`, or multipart/form-data with one
    `file` per transcript (and `speaker`, `label` once per file, in order, when given)."""
    kind = _media_type(content_type)
    if kind == "application/json":
        _check_utf8(body, "the JSON body")
        request = CompareRequest.model_validate_json(body)
        entries = []
        for n, t in enumerate(request.transcripts):
            fmt = t.input_format or request.input_format or "txt"
            if fmt not in TEXT_FORMATS:
                raise ServiceError(422, "bad_request", f"transcripts.{n}.input_format {fmt} is binary: upload the "
                                                       "file as multipart/form-data")
            entries.append(CompareEntry(t.text.encode("utf-8"), fmt, None, t.name, t.speaker))
        options = CompareOptions.model_validate(request.model_dump(include={"input_format", "language", "format"}))
        return CompareJob(tuple(entries), options)
    if kind == "multipart/form-data":
        return _compare_upload_job(content_type or "", body)
    raise _unsupported(kind)


def _compare_upload_job(content_type: str, body: bytes) -> CompareJob:
    fields, files = parse_form(content_type, body)
    if list(files) != [FILE_FIELD]:
        raise ServiceError(422, "bad_request", f"send one file per transcript, each in the form field {FILE_FIELD!r}")
    uploads = files[FILE_FIELD]
    per_file = {k: fields.pop(k) for k in PER_FILE_FIELDS if k in fields}
    for k, values in per_file.items():
        if len(values) != len(uploads):
            hint = f"; {INFER_SPEAKER} takes the file's leader" if k == "speaker" else ""
            raise ServiceError(422, "bad_request",
                               f"{k}: give it once per file ({len(uploads)}), got {len(values)}{hint}")
    if any(len(v) > 1 for v in fields.values()):
        raise ServiceError(422, "bad_request", f"only {' and '.join(PER_FILE_FIELDS)} may be repeated")
    options = CompareOptions.model_validate({k: v[0] for k, v in fields.items()})
    speakers = [None if s in (INFER_SPEAKER, "") else s for s in per_file.get("speaker", [None] * len(uploads))]
    labels = [label or None for label in per_file.get("label", [None] * len(uploads))]
    entries = []
    for (filename, data), speaker, label in zip(uploads, speakers, labels, strict=True):
        name = _base_name(filename)
        entries.append(CompareEntry(data, input_format_of(PurePosixPath(name), options.input_format), name or None,
                                    label, speaker))
    return CompareJob(tuple(entries), options)


def _media_type(content_type: str | None) -> str:
    return (content_type or "").split(";")[0].strip().lower()


def _unsupported(kind: str) -> ServiceError:
    return ServiceError(415, "unsupported_media_type",
                        f"send application/json or multipart/form-data, not {kind or 'a body without Content-Type'}")


def _job(content_type: str | None, body: bytes, request: type[BaseModel], options: type[BaseModel]) -> AnalyzeJob:
    kind = _media_type(content_type)
    if kind == "application/json":
        return _json_job(body, request, options)
    if kind == "multipart/form-data":
        return _upload_job(content_type or "", body, options)
    raise _unsupported(kind)


def _json_job(body: bytes, request_model: type[BaseModel], options_model: type[BaseModel]) -> AnalyzeJob:
    _check_utf8(body, "the JSON body")
    request = request_model.model_validate_json(body)
    fmt = request.input_format or "txt"
    if fmt not in TEXT_FORMATS:
        raise ServiceError(422, "bad_request", f"input_format {fmt} is binary: upload the file as multipart/form-data")
    options = options_model.model_validate(request.model_dump(exclude={"text", "source"}))
    return AnalyzeJob(request.text.encode("utf-8"), fmt, request.source, options)


def _upload_job(content_type: str, body: bytes, options_model: type[BaseModel]) -> AnalyzeJob:
    fields, files = parse_form(content_type, body)
    if list(files) != [FILE_FIELD] or len(files[FILE_FIELD]) != 1:
        raise ServiceError(422, "bad_request", f"send exactly one file, in the form field {FILE_FIELD!r}")
    filename, data = files[FILE_FIELD][0]
    values = {k: v[0] if len(v) == 1 or k != "speaker" else v for k, v in fields.items()}
    if any(len(v) > 1 for k, v in fields.items() if k != "speaker"):
        raise ServiceError(422, "bad_request", "only `speaker` may be repeated")
    options = options_model.model_validate(values)
    name = _base_name(filename)
    return AnalyzeJob(data, input_format_of(PurePosixPath(name), options.input_format), name or None, options)


def parse_form(content_type: str, body: bytes) -> tuple[dict[str, list[str]], dict[str, list[tuple[str, bytes]]]]:
    """Fields (UTF-8 text) and files (filename, bytes) of a multipart/form-data body, in memory."""
    if "boundary=" not in content_type:
        raise ServiceError(400, "bad_request", "multipart/form-data without a boundary")
    head = b"Content-Type: " + content_type.encode("latin-1", "replace") + b"\r\nMIME-Version: 1.0\r\n\r\n"
    message = BytesParser(policy=policy.HTTP).parsebytes(head + body)
    if not isinstance(message, EmailMessage) or not message.is_multipart() or message.defects:
        raise ServiceError(400, "bad_request", "the multipart/form-data body is malformed")
    fields: dict[str, list[str]] = {}
    files: dict[str, list[tuple[str, bytes]]] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        if not isinstance(name, str) or not isinstance(payload, bytes):
            raise ServiceError(400, "bad_request", "a multipart part has no name")
        filename = part.get_filename()
        if filename is not None:
            files.setdefault(name, []).append((filename, payload))
        else:
            _check_utf8(payload, f"the form field {name!r}")
            fields.setdefault(name, []).append(payload.decode("utf-8"))
    return fields, files


def _base_name(filename: str) -> str:
    """The file name without any directory a client sent with it."""
    return PureWindowsPath(PurePosixPath(filename).name).name


def _check_utf8(data: bytes, what: str) -> None:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"{what} is not valid UTF-8 (byte {exc.start:,}); send UTF-8, "
                         "or upload the file as multipart/form-data to have its encoding detected") from None


__all__ = ["AnalyzeJob", "AnalyzeOptions", "AnalyzeRequest", "CompareJob", "CompareOptions", "CompareRequest",
           "ValidationError", "analyze_job", "compare_job", "read_body"]
