"""What every command shares: the expected-failure exception and lazy dispatch."""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Callable
from typing import Any

DATABASE_URL_HELP = "default: DATABASE_URL or var/utility.db"


def subcommand_adder(commands: Any) -> Callable[[str, object, str], argparse.ArgumentParser]:
    """``command(name, handler, text)``: a subcommand of ``commands`` (an argparse
    subparsers object) with ``--database-url`` and its handler set."""

    def command(name: str, handler: object, text: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=text, description=text)
        sub.add_argument("--database-url", help=DATABASE_URL_HELP)
        sub.set_defaults(handler=handler)
        return sub

    return command


class CommandError(Exception):
    """An expected failure: the message is shown to the operator as is."""


def lazy(module_name: str, pass_argv: bool = False) -> Callable[[argparse.Namespace], Any]:
    """A handler that imports ``module_name`` only when the command runs and calls its
    ``main`` with the parsed arguments (``pass_argv``: the command's raw argument list)."""

    def run(args: argparse.Namespace) -> Any:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            missing = exc.name or ""
            if module_name == missing or module_name.startswith(missing + "."):
                raise CommandError(
                    f"'{args.command}' is not available in this installation ({module_name} is missing)"
                ) from None
            raise CommandError(
                f"'{args.command}' needs the Python package '{missing}': install requirements/"
            ) from None
        return module.main(args.argv if pass_argv else args)

    return run
