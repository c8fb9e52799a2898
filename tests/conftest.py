"""Shared fixtures: the real French pipeline is loaded once per session; no network for the whole suite."""

from __future__ import annotations

import importlib.util
import io
import ipaddress
import socket
import sys
from pathlib import Path
from types import ModuleType
from typing import NoReturn

import pytest

from clientlens.lexicon.matcher import load_lexicon
from clientlens.pipeline import Analyzer
from clientlens.resources import example_path

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).resolve().parents[1]


def load_path(path: Path, name: str) -> ModuleType:
    """Import a file that is not in a package (a script of scripts/, a benchmark of bench/)
    as module `name`, registered in sys.modules (dataclasses look their module up while it
    executes)."""
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader, path
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def load_script(name: str) -> ModuleType:
    """scripts/<name>.py as module `name`."""
    return load_path(ROOT / "scripts" / f"{name}.py", name)


def docx_bytes(paragraphs: list[str]) -> bytes:
    """A Word document with one paragraph per string (built with python-docx)."""
    from docx import Document

    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def pdf_bytes(pages: list[list[str]], password: str | None = None) -> bytes:
    """A PDF with one text line per string on each page (Helvetica, Windows-1252 text), written
    by hand as a text layer is laid out; encrypted with `password` (RC4, by pypdf) if given."""
    def literal(line: str) -> str:
        raw = line.encode("cp1252")
        return "".join(chr(b) if 32 <= b < 127 and chr(b) not in "\\()" else f"\\{b:03o}" for b in raw)

    objects = ["<< /Type /Catalog /Pages 2 0 R >>", "", "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica "
               "/Encoding /WinAnsiEncoding >>"]
    kids = []
    for lines in pages:
        stream = "".join(f"BT /F1 10 Tf 40 {800 - 14 * i} Td ({literal(line)}) Tj ET\n" for i, line in enumerate(lines))
        objects.append(f"<< /Length {len(stream)} >>\nstream\n{stream}endstream")
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents {len(objects)} 0 R "
                       "/Resources << /Font << /F1 3 0 R >> >> >>")
        kids.append(f"{len(objects)} 0 R")
    objects[1] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(kids)} >>"
    out, offsets = b"%PDF-1.4\n", []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{n} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{o:010d} 00000 n \n" for o in offsets).encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    if password is None:
        return out
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(out)))
    writer.encrypt(user_password=password, algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


@pytest.fixture(scope="session")
def analyzer() -> Analyzer:
    """The default analyzer with the bundled lexicons and model."""
    return Analyzer()


@pytest.fixture(scope="session")
def rules_analyzer() -> Analyzer:
    """An analyzer with a small fixed lexicon, so rule tests do not move with the lexicons."""
    lexicon = load_lexicon(extra_files=[DATA / "rules_lexicon.jsonl"], include_defaults=False)
    return Analyzer(lexicon=lexicon, use_classifier=False)


@pytest.fixture()
def example():
    """Path of a bundled example transcript."""
    return example_path


# ---------------------------------------------------------------------- no network (issue 7)


class NetworkBlockedError(OSError):
    """Raised by the test suite's guard when code tries to reach a non-loopback address."""


#: Every blocked attempt of the session, reported at the end (a swallowed OSError still shows).
BLOCKED: list[str] = []
_LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback", socket.gethostname().lower()}


def _is_loopback_host(host: object) -> bool:
    """True for loopback addresses and local names; False for anything that would leave the machine."""
    if host is None or host == "":
        return True  # getaddrinfo(None, port): the wildcard address of a server, nothing is looked up
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    if not isinstance(host, str):
        return False
    name = host.strip("[]").split("%")[0].lower()
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        return name in _LOCAL_NAMES or name.endswith(".localhost")
    return address.is_loopback or address.is_unspecified


def _refuse(what: str, target: object) -> NoReturn:
    message = (f"network access blocked by tests/conftest.py: {what} {target!r} "
               "(clientlens must work offline; only loopback is allowed in tests)")
    BLOCKED.append(message)
    raise NetworkBlockedError(message)


def _checked_address(sock: socket.socket, address: object, what: str) -> None:
    inet = sock.family in (socket.AF_INET, socket.AF_INET6) and isinstance(address, tuple)
    if inet and not _is_loopback_host(address[0]):
        _refuse(what, address)


@pytest.fixture(scope="session", autouse=True)
def _no_network():
    """For the whole suite: connections to non-loopback addresses (and DNS look-ups of other names)
    raise NetworkBlockedError at once. Loopback stays open for the Dask LocalCluster test and the
    headless browser (which runs in its own process anyway)."""
    real = {name: getattr(socket.socket, name) for name in ("connect", "connect_ex", "sendto")}
    real_getaddrinfo = socket.getaddrinfo

    def connect(self, address):
        _checked_address(self, address, "connect")
        return real["connect"](self, address)

    def connect_ex(self, address):
        _checked_address(self, address, "connect_ex")
        return real["connect_ex"](self, address)

    def sendto(self, data, *args):
        _checked_address(self, args[-1], "sendto")
        return real["sendto"](self, data, *args)

    def getaddrinfo(host, *args, **kwargs):
        if not _is_loopback_host(host):
            _refuse("getaddrinfo", host)
        return real_getaddrinfo(host, *args, **kwargs)

    socket.socket.connect, socket.socket.connect_ex, socket.socket.sendto = connect, connect_ex, sendto
    socket.getaddrinfo = getaddrinfo
    try:
        yield
    finally:
        for name, method in real.items():
            setattr(socket.socket, name, method)
        socket.getaddrinfo = real_getaddrinfo


def pytest_sessionfinish(session):
    """An attempt some library caught and went on from still fails the run."""
    if BLOCKED and session.exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter):
    """List the blocked attempts."""
    if BLOCKED:
        terminalreporter.section("network access blocked")
        for message in BLOCKED:
            terminalreporter.line(message)
