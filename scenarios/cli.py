"""The `handover` command: serve, run, report, doctor and reference-sut subcommands.

Each area registers its own subcommand, so this module only assembles them.
"""

from __future__ import annotations

import argparse
import importlib
import sys

# (module, function) pairs; each function takes the subparsers object and adds one command
# whose `func` default is called with the parsed namespace and returns an exit code.
SUBCOMMANDS = [
    ("simulator.serve", "register"),
    ("scenarios.runner", "register"),
    ("scenarios.sut.doctor", "register"),
    ("scenarios.reference.cli", "register"),
    ("reports.cli", "register"),
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="handover", description=__doc__.splitlines()[0])
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module_name, function_name in SUBCOMMANDS:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            continue  # an area not built yet
        getattr(module, function_name)(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
