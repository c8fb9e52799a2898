"""Command line: a thin layer over the public API that never shows a traceback."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence

from clientlens._version import __version__
from clientlens.errors import ClientlensError, excerpt
from clientlens.io.read import INPUT_FORMATS

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

    analyze = sub.add_parser("analyze", help="score a transcript and print the report, or a batch to JSONL")
    analyze.add_argument("path", help="transcript file (.txt, .md, .vtt, .srt, .docx or .json segments), "
                                      "or a directory or glob pattern of them (a batch: JSON lines)")
    _add_input_format(analyze)
    analyze.add_argument("--speaker", action="append", metavar="NAME",
                         help="score only this speaker (repeatable; case, accents, role ignored)")
    analyze.add_argument("--format", choices=("text", "json", "html"), default="text",
                         help="html: a standalone page to open in a browser or send")
    analyze.add_argument("--lang", choices=("fr", "en"), help="report language (default: the input's, French)")
    analyze.add_argument("--lexicon", action="append", default=[], metavar="FILE",
                         help="extra lexicon file (JSONL, see lexicons/README.md)")
    analyze.add_argument("--lexicon-only", action="store_true",
                         help="do not use the sentence classifier (the report says so)")
    analyze.add_argument("--go", type=float, help="index at or above which the verdict is go")
    analyze.add_argument("--walk-away", type=float, help="index below which the verdict is walk_away")
    analyze.add_argument("--out", metavar="FILE.jsonl",
                         help="append one JSON line per transcript to FILE, skipping sources already in it "
                              "(resume); exit status 1 if a transcript failed")
    analyze.add_argument("--redact", action="store_true",
                         help="replace person and speaker names by pseudonyms ([PERSONNE_1], [ORATEUR_1]) "
                              "in every output, for reports that leave your machine")
    analyze.add_argument("--jobs", type=int, default=1, metavar="N",
                         help="worker processes for a batch (-1: all cores)")
    analyze.set_defaults(run=_analyze)

    speakers = sub.add_parser("speakers", help="list the speakers of a transcript")
    speakers.add_argument("path", help="transcript file: .txt, .md, .vtt, .srt, .docx or .json segments")
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

    fit = sub.add_parser("fit-index", help="refit the index weights on the rated transcripts")
    fit.set_defaults(run=_fit_index)
    _add_team(sub)
    return parser


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


def _add_input_format(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--input-format", choices=INPUT_FORMATS, metavar="FORMAT",
                        help=f"read the file as {', '.join(INPUT_FORMATS)} (default: from its extension)")


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


def _analyze(args: argparse.Namespace) -> int:
    from clientlens.batch import is_batch_source
    from clientlens.pipeline import Analyzer

    options = {"lexicon_files": args.lexicon, "use_classifier": not args.lexicon_only,
               "go": args.go, "walk_away": args.walk_away}
    if args.out or is_batch_source(args.path):
        return _analyze_batch(args, options)
    analyzer = Analyzer(**options)
    report = analyzer.analyze_file(args.path, speaker=args.speaker, input_format=args.input_format,
                                   redact=args.redact)
    if args.format == "html":
        print(report.to_html(language=args.lang), end="")
    else:
        print(report.to_json() if args.format == "json" else report.summary(language=args.lang))
    return 0


def _analyze_batch(args: argparse.Namespace, options: dict) -> int:
    """A directory, glob or --out: JSON lines as each transcript finishes, progress on stderr."""
    from clientlens.batch import analyze_to_jsonl, expand_sources

    done = analyze_to_jsonl(expand_sources(args.path), args.out or sys.stdout, speaker=args.speaker,
                            n_jobs=args.jobs, input_format=args.input_format, redact=args.redact,
                            **options)
    where = f" to {args.out}" if args.out else ""
    skipped = f"; {done.skipped} skipped (already there)" if done.skipped else ""
    print(f"clientlens: {done.reports} analysed, {done.errors} failed{where}{skipped}", file=sys.stderr)
    return 1 if done.errors else 0


def _speakers(args: argparse.Namespace) -> int:
    from clientlens.io.cues import speaker_stats
    from clientlens.io.read import read_file
    from clientlens.views.text import clock

    stats = speaker_stats(read_file(args.path, args.input_format))
    if not stats:
        print("no labelled speakers: the whole text is scored as one voice")
        return 0
    for s in stats:
        spoken = f"\t{clock(s.seconds)} speaking" if s.seconds is not None else ""
        print(f"{s.name}\t{s.turns} turns\t{s.words} words{spoken}")
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
        # the message of an unexpected exception may quote the transcript: a short excerpt only
        print(f"clientlens: internal error: {type(exc).__name__}: {excerpt(str(exc))} "
              "(set CLIENTLENS_DEBUG=1 for details)", file=sys.stderr)
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
