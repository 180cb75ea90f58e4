"""``python -m bot.prod run|nginx-conf|load`` (``make run-prod`` runs ``run``).

    run         prepare the production profile and start it under the supervisor
                (--rasa N / --actions N instances, ports from PROD_PORT_BASE=7400)
    nginx-conf  print the balancer's configuration (--compose: the container layout of
                deploy/, which is this output committed as deploy/nginx/nginx.conf)
    load        a closed-loop conversation load through the REST channel (bot.prod.load)
"""

from __future__ import annotations

import argparse
import os
import sys

from bot.config import PROJECT_ROOT, VAR_DIR
from bot.prod import launch, profile
from bot.prod.nginx import Balancer, render

COMPOSE_BALANCER = Balancer(
    listen="0.0.0.0:8080",
    admin_listen="0.0.0.0:5105",
    actions_listen="0.0.0.0:5055",
    rasa_channels=("rasa1:5005", "rasa2:5005"),
    rasa_admin=("rasa1:5105", "rasa2:5105"),
    actions=("actions1:5055", "actions2:5055"),
    web=("web:8080",),
    run_dir=None,
    worker_connections=4096,
    resolver="127.0.0.11",  # Docker's embedded DNS
)


def _run(args: argparse.Namespace) -> int:
    base = int(os.environ.get("PROD_PORT_BASE") or profile.DEFAULT_PORT_BASE)
    layout = profile.Layout.from_base(base, rasa=args.rasa, actions=args.actions)
    directory = VAR_DIR / "prod"
    secrets = profile.load_or_create_secrets(directory / "secrets.env")
    env = profile.production_environment(layout, os.environ, secrets)
    try:
        prepared = launch.prepare(
            layout, env, directory, load_demo=not args.no_demo_data,
            admin_url=os.environ.get("PROD_POSTGRES_ADMIN_URL") or profile.PG_ADMIN_URL,
        )
    except launch.ProfileError as error:
        print(f"make run-prod: cannot start:\n{error}", file=sys.stderr)
        return 1
    print(launch.summary(prepared), flush=True)
    os.chdir(PROJECT_ROOT)
    command = launch.supervisor_command(prepared)
    os.execve(command[0], command, prepared.env)
    return 0  # not reached


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.prod", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="start the production profile (make run-prod)")
    run.add_argument("--rasa", type=int, default=int(os.environ.get("PROD_RASA_INSTANCES") or 2))
    run.add_argument("--actions", type=int, default=int(os.environ.get("PROD_ACTION_SERVERS") or 2))
    run.add_argument("--no-demo-data", action="store_true", help="never load the demo data")
    conf = sub.add_parser("nginx-conf", help="print the balancer's nginx configuration")
    conf.add_argument("--compose", action="store_true", help="the container layout (deploy/nginx/nginx.conf)")
    sub.add_parser("load", help="closed-loop conversation load (python -m bot.prod load -h)", add_help=False)
    args, rest = parser.parse_known_args(argv)
    if args.command == "load":
        from bot.prod import load

        return load.main(rest)
    if rest:
        parser.error(f"unrecognized arguments: {' '.join(rest)}")
    if args.command == "run":
        return _run(args)
    if args.compose:
        print(render(COMPOSE_BALANCER), end="")
    else:
        base = int(os.environ.get("PROD_PORT_BASE") or profile.DEFAULT_PORT_BASE)
        print(render(launch.balancer_for(profile.Layout.from_base(base), VAR_DIR / "prod" / "nginx")), end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
