"""The ``byline`` command line: one subcommand per job, each a thin layer over the public API.

Heavy libraries are imported inside the subcommand that needs them, so ``byline ask`` does not pay for
Gradio and ``byline status`` does not pay for the embedding model.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from assistant.errors import BylineError
from assistant.offline import go_offline
from assistant.settings import Settings


def build_parser() -> argparse.ArgumentParser:
    """Options default to None so that a setting from the TOML file or the environment is not
    overridden; the help text names the default the settings give."""
    defaults = Settings.__dataclass_fields__
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--store", type=Path, help=f"Chroma store directory (default {defaults['store'].default}; "
                                                   "env BYLINE_STORE)")
    common.add_argument("--chroma-url", help="use a Chroma server, e.g. http://127.0.0.1:8000, instead of "
                                             "the store directory (default: none; env BYLINE_CHROMA_URL)")
    common.add_argument("--config", type=Path, help="settings TOML file (default ./byline.toml when it "
                                                    "exists; env BYLINE_CONFIG)")
    common.add_argument("--log-level", dest="log_level", choices=LOG_LEVELS,
                        help="what the log shows on stderr (default warning; env BYLINE_LOG_LEVEL); "
                             "info adds one line per API request")
    common.add_argument("--debug", action="store_true", help="show tracebacks")

    parser = argparse.ArgumentParser(prog="byline", description="Cited answers from news articles.")
    parser.add_argument("--version", action="version", version=f"byline {_version()}")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("ingest", parents=[common], help="clean, chunk, embed and store a corpus")
    p.add_argument("--corpus", type=Path, required=True, help="folder of .txt, .md and .html articles")
    p.add_argument("--add", action="store_true", help="add and update this folder's articles but remove none "
                                                     "(default: the store becomes exactly the folder)")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("status", parents=[common], help="what the store holds")
    p.add_argument("--json", action="store_true", help="print the status as JSON")
    p.set_defaults(func=cmd_status)

    filters = argparse.ArgumentParser(add_help=False)
    filters.add_argument("--publication", help="only articles whose publication contains this (default: any)")
    filters.add_argument("--since", type=_date_prefix("--since"),
                         help="only articles published on or after, e.g. 2022 or 2022-07 (default: any)")
    filters.add_argument("--until", type=_date_prefix("--until"),
                         help="only articles published on or before, e.g. 2022-10 (default: any)")
    filters.add_argument("--as-of", dest="as_of", help="the date the question is asked, e.g. 2023-01-05 "
                         "(default today): later articles are not used, \"this week\" means the week before it")

    p = sub.add_parser("ask", parents=[common, filters], help="answer one question")
    p.add_argument("question")
    p.add_argument("--json", action="store_true", help="print the Answer as JSON")
    p.set_defaults(func=cmd_ask)

    p = sub.add_parser("chat", parents=[common, filters], help="a conversation in the terminal")
    p.set_defaults(func=cmd_chat)

    p = sub.add_parser("serve", parents=[common], help="chat page at / and OpenAI-compatible API at /v1")
    p.add_argument("--host", help=f"address to listen on (default {defaults['host'].default}; env BYLINE_HOST)")
    p.add_argument("--port", type=int, help=f"port (default {defaults['port'].default}; env BYLINE_PORT)")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("eval", parents=[common], help="run eval cases and check accuracy thresholds")
    p.add_argument("--cases", type=Path, required=True, help="eval cases, one JSON object per line")
    p.add_argument("--json", type=Path, dest="json_out", help="write the eval report here")
    p.add_argument("--markdown", type=Path, help="write a Markdown report here")
    p.add_argument("--thresholds", type=Path, help="thresholds TOML (default: eval/thresholds.toml)")
    p.add_argument("--gate", help="which gate of the thresholds file to apply (default: the one it names "
                                  "for the case file, e.g. sample or news)")
    p.add_argument("--engine", help="engine factory module:callable to evaluate (default: the Assistant)")
    p.set_defaults(func=cmd_eval)

    p = sub.add_parser("bench", parents=[common], help="performance benchmark")
    p.add_argument("--quick", action="store_true", help="fewer repetitions and no large scale rows")
    p.add_argument("--json", type=Path, dest="json_out", help="write the bench report here")
    p.add_argument("--news-store", type=Path, help="also time warm asks on this store (ingested from "
                                                   "the news corpus) over --news-cases, each as of its date")
    p.add_argument("--news-cases", type=Path, default=Path("../shared/newsqa/dev.jsonl"),
                   help="dated questions for --news-store (default ../shared/newsqa/dev.jsonl)")
    p.add_argument("--million", action="store_true",
                   help="add the 1,000,000-chunk row on a Chroma server the bench starts (about half an hour)")
    p.set_defaults(func=cmd_bench)
    return parser


LOG_LEVELS = ("debug", "info", "warning", "error")


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("byline")
    except PackageNotFoundError:
        return "unknown (not installed)"


def _date_prefix(option: str):
    """An argparse type: a bad date is a usage error (exit 2) naming the option."""
    from assistant.retrieval.filters import DATE_PREFIX

    def check(value: str) -> str:
        if not DATE_PREFIX.match(value):
            raise argparse.ArgumentTypeError(f"{value!r} is not a date like 2022, 2022-07 or 2022-07-15")
        return value

    check.__name__ = option
    return check


def settings_from(args: argparse.Namespace, **extra) -> Settings:
    settings = Settings.load(
        config=getattr(args, "config", None),
        store=getattr(args, "store", None),
        chroma_url=getattr(args, "chroma_url", None),
        log_level=getattr(args, "log_level", None),
        **extra,
    )
    set_up_logging(settings.log_level)
    return settings


def set_up_logging(level: str) -> None:
    import logging

    logging.basicConfig(level=level.upper(), format="%(asctime)s %(name)s %(levelname)s: %(message)s")
    logging.getLogger().setLevel(level.upper())


def cmd_ingest(args: argparse.Namespace) -> int:
    from byline.index.ingest import ingest

    report = ingest(args.corpus, settings_from(args), progress=not args.json, add_only=args.add)
    if args.json:
        print(json.dumps(report.to_dict()))
    else:
        print(
            f"{report.documents} articles, {report.chunks} chunks in store: {report.added} added, "
            f"{report.updated} updated, {report.removed} removed, {report.unchanged} unchanged "
            f"({report.seconds:.1f} s)"
        )
        for skip in report.skipped:
            print(f"skipped {skip['path']}: {skip['reason']}")
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    from assistant import store_schema
    from assistant.store import Store

    settings = settings_from(args)
    store = Store.open(settings)
    state = store.state()
    status = {
        "store": settings.store_label,
        "articles": store.articles().count(),
        "chunks": store.chunk_count(),
        "model": store_schema.embedding_model(state) or settings.embed_model,
        "complete": not store_schema.is_dirty(state),
    }
    if args.json:
        print(json.dumps(status))
    else:
        for key in ("store", "articles", "chunks", "model"):
            print(f"{key}: {status[key]}")
        if not status["complete"]:
            print("the last ingest did not finish: run byline ingest again to complete the store")
    return 0


def cmd_ask(args: argparse.Namespace) -> int:
    from assistant.engine import Assistant

    bot = Assistant.from_settings(settings_from(args, **filter_settings(args)))
    answer = bot.ask(args.question)
    if args.json:
        print(json.dumps(answer.to_dict(), ensure_ascii=False))
    else:
        print(format_answer(answer))
    return 0


def format_answer(answer) -> str:
    from assistant.chat import citation_lines

    return "\n".join([answer.answer, *citation_lines(answer, quotes='""')])


def filter_settings(args: argparse.Namespace) -> dict:
    return {"filter_publication": args.publication, "filter_published_from": args.since,
            "filter_published_to": args.until, "as_of": args.as_of}


def cmd_chat(args: argparse.Namespace) -> int:
    from assistant.chat import run_chat

    return run_chat(settings_from(args, **filter_settings(args)))


def cmd_serve(args: argparse.Namespace) -> int:
    from assistant.server.app import serve

    return serve(settings_from(args, host=args.host, port=args.port))


def cmd_eval(args: argparse.Namespace) -> int:
    from byline.eval.runner import run_cli

    return run_cli(args, settings_from(args))


def cmd_bench(args: argparse.Namespace) -> int:
    from byline.bench.run import run_cli

    return run_cli(args, settings_from(args))


def main(argv: list[str] | None = None) -> int:
    go_offline()
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except BylineError as exc:
        if args.debug:
            raise
        print(f"byline: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("byline: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader (e.g. `| head`) went away: not an error worth a message.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:
        if args.debug:
            raise
        print(f"byline: {type(exc).__name__}: {exc} (run with --debug for details)", file=sys.stderr)
        return 1
