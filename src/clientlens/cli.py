"""Command line: a thin layer over the public API that never shows a traceback.

Exit statuses (docs/api.md#exit-statuses): 0 done (also when the reader of stdout closed the
pipe early), 1 some transcripts of a batch failed, 2 usage or input error, 3 internal error,
130 interrupted. With `--format json`, an error is one line on stderr: the JSON contract's
error object `{"error": {"code": ..., "message": ...}}`.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from clientlens._version import __version__
from clientlens.errors import ClientlensError, OptionsError, excerpt
from clientlens.io.read import INPUT_FORMATS

if TYPE_CHECKING:
    from clientlens.batch import RunSummary
    from clientlens.io.transcript import Transcript
    from clientlens.options import AnalysisOptions

EXIT_OK = 0
EXIT_FAILED_ITEMS = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 3
EXIT_INTERRUPTED = 130
#: Output formats of `analyze`; for a batch, text, csv and html are one summary table.
OUTPUT_FORMATS = ("text", "json", "html", "csv")
#: The path that reads a transcript from standard input.
STDIN = "-"


class UsageError(ClientlensError):
    """A command line argparse refuses (unknown option, missing argument, bad choice)."""

    code = "usage_error"

    def __init__(self, message: str, parser: argparse.ArgumentParser) -> None:
        super().__init__(message)
        self.parser = parser


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are raised, so that `main` reports them in the chosen format."""

    def error(self, message: str) -> None:  # type: ignore[override]  # raises instead of exiting
        raise UsageError(message, self)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the `clientlens` command."""
    parser = _Parser(
        prog="clientlens",
        description="Respect-for-customer index of French leadership discourse.",
    )
    parser.add_argument("--version", action="version", version=f"clientlens {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    analyze = sub.add_parser("analyze", help="score a transcript and print the report, or a batch's table")
    analyze.add_argument("path", nargs="?",
                         help="transcript file (.txt, .md, .vtt, .srt, .docx, .pdf, .html or .json segments), - for "
                              "standard input (txt unless --input-format), or a directory or glob pattern "
                              "of them (a batch)")
    _add_input_format(analyze)
    analyze.add_argument("--speaker", action="append", metavar="NAME",
                         help="score only this speaker (repeatable; case, accents, role ignored)")
    analyze.add_argument("--format", choices=OUTPUT_FORMATS, default="text",
                         help="html: a standalone page; for a batch, text, csv and html give one summary "
                              "table (a row per file), json gives JSON lines")
    analyze.add_argument("--output", metavar="FILE",
                         help="write the output to FILE (replaced atomically when complete) instead of stdout")
    analyze.add_argument("--quiet", action="store_true",
                         help="no progress bar and no summary on stderr (errors only)")
    analyze.add_argument("--manifest", metavar="FILE.csv",
                         help="batch from a CSV with columns file, speaker and optionally id: each file "
                              "scored for its own speaker")
    analyze.add_argument("--lang", choices=("fr", "en"), help="report language (default: the input's, French)")
    analyze.add_argument("--lexicon", action="append", default=[], metavar="FILE",
                         help="extra lexicon file (JSONL, see lexicons/README.md)")
    analyze.add_argument("--lexicon-only", action="store_true",
                         help="do not use the sentence classifier (the report says so)")
    analyze.add_argument("--go", type=float, help="index at or above which the verdict is go")
    analyze.add_argument("--walk-away", type=float, help="index below which the verdict is walk_away")
    analyze.add_argument("--out", metavar="FILE.jsonl",
                         help="append one JSON line per transcript to FILE, skipping those already reported "
                              "in it and retrying those that failed (resume); exit status 1 if one failed")
    analyze.add_argument("--redact", action="store_true",
                         help="replace person and speaker names by pseudonyms ([PERSONNE_1], [ORATEUR_1]) "
                              "in every output, for reports that leave your machine")
    analyze.add_argument("--jobs", type=int, default=1, metavar="N",
                         help="worker processes for a batch (-1: all cores)")
    _add_reading(analyze)
    analyze.set_defaults(run=_analyze, parser=analyze)

    speakers = sub.add_parser("speakers", help="list the speakers of a transcript")
    speakers.add_argument("path", help="transcript file: .txt, .md, .vtt, .srt, .docx, .pdf, .html or .json segments "
                                       "(- for standard input)")
    _add_input_format(speakers)
    speakers.set_defaults(run=_speakers)
    train = sub.add_parser("train", help="retrain the sentence classifier from a corpus")
    train.add_argument("--corpus", help="annotated JSONL corpus (default: the bundled one)")
    train.add_argument("--out", help="output folder (default: the package's models/)")
    train.set_defaults(run=_train)

    evaluate = sub.add_parser("evaluate", help="per-label scores on the test split, and the index validation")
    evaluate.add_argument("--corpus", help="annotated JSONL corpus (default: the bundled one)")
    evaluate.add_argument("--split", default="test", choices=("dev", "test"))
    evaluate.add_argument("--no-index", action="store_true", help="skip the rated-transcript validation")
    evaluate.set_defaults(run=_evaluate)

    _add_service_commands(sub)
    fit = sub.add_parser("fit-index", help="refit the index weights on the rated transcripts")
    fit.set_defaults(run=_fit_index)
    _add_team(sub)
    _add_compare(sub)
    return parser


def _add_service_commands(sub: argparse._SubParsersAction) -> None:
    from clientlens.schema import KINDS
    from clientlens.service.settings import DEFAULT_TIMEOUT, TOKEN_ENV, Settings

    schema = sub.add_parser("schema", help="print the JSON Schema of the JSON contract (docs/schema.md)")
    schema.add_argument("--kind", choices=KINDS, help="one output kind (default: the whole contract)")
    schema.set_defaults(run=_schema)
    serve = sub.add_parser("serve", help='run the HTTP service (needs pip install "clientlens[serve]")')
    serve.add_argument("--host", default=Settings.host, help="address to listen on (default: loopback only)")
    serve.add_argument("--port", type=int, default=Settings.port)
    serve.add_argument("--workers", type=int, default=1, metavar="N", help="worker processes, each loading the models")
    serve.add_argument("--token", help=f"bearer token required on every route but /v1/health (or ${TOKEN_ENV})")
    serve.add_argument("--max-bytes", type=int, default=Settings.max_bytes, help="largest request body (413 above)")
    serve.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, metavar="SECONDS",
                       help="time limit of one analysis request (503 after it)")
    serve.set_defaults(run=_serve)


def _serve(args: argparse.Namespace) -> int:
    from clientlens.service.server import serve
    from clientlens.service.settings import Settings

    return serve(Settings(host=args.host, port=args.port, workers=args.workers, token=args.token,
                          max_bytes=args.max_bytes, timeout=args.timeout).with_environment_token())


def _schema(args: argparse.Namespace) -> int:
    from clientlens.schema import load_schema

    print(json.dumps(load_schema(args.kind), ensure_ascii=False, indent=2))
    return 0


def _add_team(sub: argparse._SubParsersAction) -> None:
    team = sub.add_parser("team", help="a leadership team: every member's verdict and the team decision")
    team.add_argument("paths", nargs="+", metavar="FILE",
                      help="one meeting, or several files (interviews, meetings) merged by speaker name")
    _add_input_format(team)
    team.add_argument("--leader", metavar="NAME", help="the leader (default: inferred from titles, else most words)")
    team.add_argument("--format", choices=("text", "json", "html"), default="text")
    team.add_argument("--lang", choices=("fr", "en"), help="report language (default: the input's, French)")
    team.add_argument("--critical-mass", type=float, default=None, metavar="SHARE",
                      help="share of the other judged members who must read as go (default 1/3, docs/team.md)")
    team.add_argument("--min-respectful", type=int, default=None, metavar="N",
                      help="and at least N of them (default 2)")
    team.set_defaults(run=_team)


def _team(args: argparse.Namespace) -> int:
    from clientlens.team import analyze_team

    options = {k: v for k, v in (("critical_mass", args.critical_mass), ("min_respectful", args.min_respectful))
               if v is not None}
    team = analyze_team(args.paths if len(args.paths) > 1 else args.paths[0], args.leader, language=args.lang,
                        input_format=args.input_format, **options)
    if args.format == "html":
        print(team.to_html(), end="")
    else:
        print(team.to_json() if args.format == "json" else team.summary())
    return 0


#: The --speaker value that takes the leader of the file's team (inferred), as without --speaker.
INFER_SPEAKER = "-"


def _add_compare(sub: argparse._SubParsersAction) -> None:
    compare = sub.add_parser("compare", help="several leaders or companies side by side, sorted by index")
    compare.add_argument("paths", nargs="+", metavar="FILE", help="one transcript per leader or company")
    _add_input_format(compare)
    compare.add_argument("--speaker", action="append", metavar="NAME",
                         help="the speaker to score, once per FILE in order; - takes the leader of the "
                              "file's team (default for every file: its leader, inferred from titles, else "
                              "most words)")
    compare.add_argument("--label", action="append", metavar="TEXT",
                         help="the row's name, once per FILE in order (default: the file's name)")
    compare.add_argument("--format", choices=OUTPUT_FORMATS, default="text",
                         help="text table, JSON (docs/schema.md, Comparison), a standalone HTML page or CSV")
    compare.add_argument("--lang", choices=("fr", "en"), help="report language (default: the input's, French)")
    compare.add_argument("-o", "--output", metavar="FILE",
                         help="write the output to FILE (replaced atomically when complete) instead of stdout")
    compare.set_defaults(run=_compare, parser=compare)


def _compare(args: argparse.Namespace) -> int:
    """Exit status 1 when an entry failed: its row shows the error, the others are all there."""
    from pathlib import Path

    from clientlens.comparison import compare

    n = len(args.paths)
    for option, values, hint in (("--speaker", args.speaker, f"; {INFER_SPEAKER} takes the file's leader"),
                                 ("--label", args.label, "")):
        if values is not None and len(values) != n:
            raise UsageError(f"{option}: give it once per FILE ({n}), got {len(values)}{hint}", args.parser)
    speakers = [None if s in (INFER_SPEAKER, "") else s for s in args.speaker] if args.speaker else None
    result = compare([Path(p) for p in args.paths], speakers=speakers, labels=args.label, language=args.lang,
                     input_format=args.input_format)
    render = {"text": lambda: result.summary() + "\n", "json": lambda: result.to_json() + "\n",
              "html": result.to_html, "csv": result.to_csv}
    _emit(render[args.format](), args.output)
    if result.failed:
        names = ", ".join(f"{r.name} ({r.error.code})" for r in result.failed if r.error is not None)
        print(f"clientlens: {len(result.failed)} of {n} failed: {names}", file=sys.stderr)
        return EXIT_FAILED_ITEMS
    return EXIT_OK


def _add_input_format(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--input-format", choices=INPUT_FORMATS, metavar="FORMAT",
                        help=f"read the file as {', '.join(INPUT_FORMATS)} (default: from its extension)")


def _add_reading(parser: argparse.ArgumentParser) -> None:
    """Decoding and size limit (clientlens.io.decode), and the progress bar of a long analysis."""
    parser.add_argument("--encoding", metavar="CODEC", help="read the file in this encoding (default: detected)")
    parser.add_argument("--strict-decoding", action="store_const", const="strict", default="replace",
                        dest="decode_errors", help="refuse a file with invalid bytes instead of replacing "
                                                   "them by U+FFFD (replacements are always reported)")
    parser.add_argument("--max-bytes", type=int, metavar="N",
                        help="size limit of an input file (default 20,000,000, or CLIENTLENS_MAX_BYTES)")
    parser.add_argument("--progress", action="store_true",
                        help="show the progress bar even when stderr is not a terminal")


def _progress(args: argparse.Namespace) -> bool:
    """A progress bar on stderr: asked for, or stderr is a terminal, and not --quiet."""
    return not args.quiet and (args.progress or sys.stderr.isatty())


def _train(args: argparse.Namespace) -> int:
    from clientlens.classifier.training import train

    _, info = train(args.corpus, args.out)
    print(f"trained on {info['corpus_sentences']['train']} sentences; "
          f"test macro-F1 {info['test']['model']['macro_f1'] if info['test'] else 'n/a'}")
    return 0


def _evaluate(args: argparse.Namespace) -> int:
    from clientlens.classifier.model import load_classifier
    from clientlens.classifier.training import evaluate, load_corpus, score_table
    from clientlens.pipeline import Analyzer

    analyzer = Analyzer(use_classifier=False)
    rows = [r for r in load_corpus(args.corpus) if r.split == args.split]
    result = evaluate(load_classifier().model, rows, analyzer)
    print(f"{args.split} split: {result['sentences']} sentences, {result['hard_sentences']} hard cases")
    for name in ("model", "keyword_baseline", "model_hard", "keyword_baseline_hard"):
        print(score_table(name, result[name]))
    if not args.no_index:
        from clientlens.validation import validate

        _, metrics = validate(Analyzer(), fit=False)
        print("index validation (rated transcripts, leader only):")
        for part, m in metrics.items():
            print(f"  {part:<13} n={m['transcripts']:<3} spearman={m.get('spearman')} "
                  f"tier_accuracy={m.get('tier_accuracy')} mae={m.get('mae')} "
                  f"interval_coverage={m.get('interval_coverage')}")
    return 0


def _fit_index(args: argparse.Namespace) -> int:
    from clientlens.pipeline import Analyzer
    from clientlens.resources import model_dir
    from clientlens.validation import validate, write_index_model

    model, metrics = validate(Analyzer(), fit=True)
    write_index_model(model, metrics, model_dir() / "index.json")
    print(json.dumps(metrics, indent=2))
    return 0


def _options(args: argparse.Namespace) -> AnalysisOptions:
    from clientlens.options import AnalysisOptions

    return AnalysisOptions(lexicon_files=tuple(args.lexicon), use_classifier=not args.lexicon_only, go=args.go,
                           walk_away=args.walk_away, speaker=args.speaker, input_format=args.input_format,
                           redact=args.redact, encoding=args.encoding, decode_errors=args.decode_errors,
                           max_bytes=args.max_bytes)


def _analyze(args: argparse.Namespace) -> int:
    from clientlens.batch import is_batch_source

    options = _options(args)
    if args.path is None and args.manifest is None:
        raise UsageError("give a transcript path, - for standard input, or --manifest", args.parser)
    if args.out or args.manifest or (args.path != STDIN and is_batch_source(args.path)):
        return _analyze_batch(args, options)
    from clientlens.pipeline import Analyzer
    from clientlens.views.table import summary_rows, table_csv

    analyzer = Analyzer(options=options)
    speaker = list(options.speaker) if options.speaker else None
    reading = options.reading()
    if args.path == STDIN:
        report = analyzer.analyze_transcript(_read_stdin(args.input_format, reading), speaker, redact=options.redact)
    else:
        report = analyzer.analyze_file(args.path, speaker, options.input_format, redact=options.redact,
                                       progress=_progress(args), **reading)
    render = {"html": lambda: report.to_html(language=args.lang), "json": lambda: report.to_json() + "\n",
              "text": lambda: report.summary(language=args.lang) + "\n",
              "csv": lambda: table_csv(summary_rows([report]))}
    _emit(render[args.format](), args.output)
    return EXIT_OK


def _read_stdin(input_format: str | None, reading: dict | None = None) -> Transcript:
    """The transcript on standard input (text unless `input_format`), within the input size limit
    (`reading`: encoding, decode_errors and max_bytes, as for a file)."""
    from clientlens.errors import InputError
    from clientlens.io.decode import max_input_bytes
    from clientlens.io.read import read_bytes

    reading = reading or {"encoding": None, "decode_errors": "replace", "max_bytes": None}
    limit = max_input_bytes(reading["max_bytes"])
    data = sys.stdin.buffer.read(limit + 1)
    if len(data) > limit:
        raise InputError(f"standard input is over the limit of {limit:,} bytes (raise it with --max-bytes)")
    return read_bytes(data, input_format or "txt", source=None, **reading)


def _emit(text: str, output: str | None) -> None:
    """Write to stdout, or to `output` atomically."""
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    from clientlens.batch import write_atomic

    write_atomic(output, text)


def _analyze_batch(args: argparse.Namespace, options: AnalysisOptions) -> int:
    """A directory, glob, manifest or --out: a table, or JSON lines as each transcript finishes."""
    from clientlens.batch import RunSummary, analyze_many, analyze_to_jsonl
    from clientlens.report import Report

    paths = [args.path] if args.path is not None else []
    if STDIN in paths:
        raise UsageError("standard input (-) is one transcript, not a batch", args.parser)
    run = {"options": options, "manifest": args.manifest, "n_jobs": args.jobs, "progress": not args.quiet}
    if args.out or args.format == "json":
        done = analyze_to_jsonl(paths, args.out, **run) if args.out else _jsonl_to(args.output, paths, run)
    else:
        from clientlens.views.table import TABLE_FORMATS, summary_rows

        results = analyze_many(paths, **run)
        _emit(TABLE_FORMATS[args.format](summary_rows(results), args.lang), args.output)
        failed = sum(not isinstance(r, Report) for r in results)
        done = RunSummary(len(results) - failed, failed, 0)
    if not args.quiet:
        print(f"clientlens: {done.describe(args.out or args.output)}", file=sys.stderr)
    return EXIT_FAILED_ITEMS if done.errors else EXIT_OK


def _jsonl_to(output: str | None, paths: list[str], run: dict) -> RunSummary:
    """JSON lines to stdout as they come, or to `output` replaced atomically at the end."""
    from clientlens.batch import analyze_to_jsonl, write_atomic

    if output is None:
        return analyze_to_jsonl(paths, sys.stdout, **run)
    import io

    buffer = io.StringIO()
    done = analyze_to_jsonl(paths, buffer, **run)
    write_atomic(output, buffer.getvalue())
    return done


def _speakers(args: argparse.Namespace) -> int:
    from clientlens.io.cues import speaker_stats
    from clientlens.io.read import read_file
    from clientlens.text.nlp import load_nlp
    from clientlens.text.units import word_counts
    from clientlens.views.text import clock

    transcript = _read_stdin(args.input_format) if args.path == STDIN else read_file(args.path, args.input_format)
    stats = speaker_stats(transcript, word_counts(load_nlp(), transcript))
    if not stats:
        print("no labelled speakers: the whole text is scored as one voice")
        return 0
    for s in stats:
        spoken = f"\t{clock(s.seconds)} speaking" if s.seconds is not None else ""
        print(f"{s.name}\t{s.turns} turns\t{s.words} words{spoken}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `clientlens` command; returns the exit status."""
    argv = sys.argv[1:] if argv is None else list(argv)
    as_json = _wants_json(argv)
    parser = usage = build_parser()
    try:
        args = parser.parse_args(argv)
        usage = args.parser if hasattr(args, "parser") else parser
        run: Callable[[argparse.Namespace], int] = args.run
        return run(args)
    except BrokenPipeError:
        return _closed_pipe()
    except (UsageError, OptionsError) as exc:  # usage errors: the usage line first, as argparse does
        if not as_json:
            (exc.parser if isinstance(exc, UsageError) else usage).print_usage(sys.stderr)
        return _fail(exc.code, str(exc), EXIT_USAGE, as_json)
    except ClientlensError as exc:
        return _fail(exc.code, str(exc), EXIT_USAGE, as_json)
    except KeyboardInterrupt:
        return _fail("interrupted", "interrupted", EXIT_INTERRUPTED, as_json, "clientlens: interrupted")
    except Exception as exc:  # never a traceback for a CLI user
        if os.environ.get("CLIENTLENS_DEBUG"):
            raise
        # the message of an unexpected exception may quote the transcript: a short excerpt only
        message = f"{type(exc).__name__}: {excerpt(str(exc))} (set CLIENTLENS_DEBUG=1 for details)"
        return _fail("internal_error", message, EXIT_INTERNAL, as_json, f"clientlens: internal error: {message}")


def _wants_json(argv: Sequence[str]) -> bool:
    """Whether the command line asks for JSON output (read before parsing, for parsing errors too)."""
    args = list(argv)
    return any(a == "--format=json" or (a == "--format" and args[i + 1 : i + 2] == ["json"])
               for i, a in enumerate(args))


def _fail(code: str, message: str, status: int, as_json: bool, line: str | None = None) -> int:
    """Report an error on stderr in one line: the JSON contract's error object, or `line`
    (by default `clientlens: error: MESSAGE`)."""
    if as_json:
        line = json.dumps({"error": {"code": code, "message": message}}, ensure_ascii=False)
    with contextlib.suppress(OSError):
        print(line or f"clientlens: error: {message}", file=sys.stderr)
    return status


def _closed_pipe() -> int:
    """The reader of stdout went away (`clientlens ... | head -1`): stop quietly. Later writes
    (and Python's final flush) go to /dev/null, so no "Exception ignored" message follows."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # stdout is not a real file (tests capturing it)
        pass
    finally:
        os.close(devnull)
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
