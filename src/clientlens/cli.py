"""Command line: a thin layer over the public API that never shows a traceback."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence

from . import __version__
from .errors import ClientlensError

EXIT_USAGE = 2
EXIT_INTERNAL = 3


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the `clientlens` command."""
    parser = argparse.ArgumentParser(
        prog="clientlens",
        description="Respect-for-customer index of French leadership discourse.",
    )
    parser.add_argument("--version", action="version", version=f"clientlens {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    analyze = sub.add_parser("analyze", help="score a transcript and print the report")
    analyze.add_argument("path", help="transcript file (.txt or .md, UTF-8/UTF-16/Windows-1252)")
    analyze.add_argument("--speaker", action="append", metavar="NAME",
                         help="score only this speaker (repeatable; case, accents, role ignored)")
    analyze.add_argument("--format", choices=("text", "json"), default="text")
    analyze.add_argument("--lexicon", action="append", default=[], metavar="FILE",
                         help="extra lexicon file (JSONL, see lexicons/README.md)")
    analyze.add_argument("--lexicon-only", action="store_true",
                         help="do not use the sentence classifier (the report says so)")
    analyze.add_argument("--go", type=float, help="index at or above which the verdict is go")
    analyze.add_argument("--walk-away", type=float, help="index below which the verdict is walk_away")
    analyze.set_defaults(run=_analyze)

    speakers = sub.add_parser("speakers", help="list the speakers of a transcript")
    speakers.add_argument("path")
    speakers.set_defaults(run=_speakers)
    return parser


def _analyze(args: argparse.Namespace) -> int:
    from .analysis import Analyzer

    analyzer = Analyzer(lexicon_files=args.lexicon, use_classifier=not args.lexicon_only,
                        go=args.go, walk_away=args.walk_away)
    report = analyzer.analyze_file(args.path, speaker=args.speaker)
    print(report.to_json() if args.format == "json" else report.summary())
    return 0


def _speakers(args: argparse.Namespace) -> int:
    from .read import read_file

    transcript = read_file(args.path)
    names = transcript.speakers
    if not names:
        print("no labelled speakers: the whole text is scored as one voice")
        return 0
    for name in names:
        turns = [t for t in transcript.turns if t.speaker == name]
        words = sum(len(transcript.text[t.start:t.end].split()) for t in turns)
        print(f"{name}\t{len(turns)} turns\t{words} words")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `clientlens` command; returns the exit status."""
    args = build_parser().parse_args(argv)
    run: Callable[[argparse.Namespace], int] = args.run
    try:
        return run(args)
    except ClientlensError as exc:
        print(f"clientlens: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("clientlens: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # never a traceback for a CLI user
        if os.environ.get("CLIENTLENS_DEBUG"):
            raise
        print(f"clientlens: internal error: {type(exc).__name__}: {exc} "
              "(set CLIENTLENS_DEBUG=1 for details)", file=sys.stderr)
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
