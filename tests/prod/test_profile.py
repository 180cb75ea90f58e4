"""The production profile's pieces that need no service: layout, environment, secrets,
Procfile, the balancer's configuration (the whole profile runs in tests/e2e)."""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

import pytest

from bot.prod import launch, profile
from bot.prod.nginx import Balancer, render
from bot.supervise import read_procfile
from bot.tokens import check_secret


def test_the_layout_takes_its_ports_from_the_base() -> None:
    layout = profile.Layout.from_base(7400)
    assert (layout.public_port, layout.admin_port, layout.actions_port) == (7480, 7481, 7482)
    assert layout.rasa_ports == (7411, 7412) and layout.rasa_admin_ports == (7421, 7422)
    assert layout.action_ports == (7431, 7432) and layout.web_port == 7440
    assert profile.Layout.from_base(7400, rasa=1, actions=1).rasa_ports == (7411,)
    with pytest.raises(ValueError):
        profile.Layout.from_base(7400, rasa=0)
    free = profile.Layout.on_free_ports()
    ports = [free.public_port, free.admin_port, free.actions_port, *free.rasa_ports,
             *free.rasa_admin_ports, *free.action_ports, free.web_port]
    assert len(set(ports)) == len(ports) == 10 and free.public_host == "127.0.0.1"


def test_the_environment_is_production_behind_the_balancer() -> None:
    layout = profile.Layout.from_base(7400)
    secrets = {name: f"{name}-value" for name in profile.SECRETS}
    env = profile.production_environment(
        layout, {"RASA_TOKEN": "from-the-environment", "LOG_LEVEL": "DEBUG", "PATH": "/bin"}, secrets
    )
    assert env["BOT_ENV"] == "production" and env["LOG_LEVEL"] == "INFO"
    assert env["RASA_TOKEN"] == "from-the-environment", "the environment's secret wins"
    assert env["ACTION_SERVER_SECRET"] == "ACTION_SERVER_SECRET-value"
    assert env["DATABASE_URL"].startswith("postgresql+psycopg2://evn_cskh@127.0.0.1:5432/evn_cskh")
    assert env["LOCK_STORE_URL"] == "redis://127.0.0.1:6379/1" and env["WEBCHAT_PUBSUB_URL"].endswith("/3")
    assert env["EVENT_BROKER_URL"].startswith("amqp://")
    assert (env["RASA_PROXIES_COUNT"], env["RASA_EARLY_BIND"]) == ("1", "false")
    hosts = (env["RASA_HOST"], env["RASA_ADMIN_HOST"], env["ACTION_HOST"], env["WEB_HOST"])
    assert hosts == ("127.0.0.1",) * 4, "only the balancer listens on all interfaces"
    assert env["RASA_URL"] == "http://127.0.0.1:7481"
    assert env["ACTION_SERVER_URL"] == "http://127.0.0.1:7482/webhook"
    assert env["WEBCHAT_SOCKET_URL"] == env["RASA_PUBLIC_URL"] == "http://localhost:7480"
    assert "http://localhost:7480" in env["WEB_ORIGIN"].split(",")
    assert profile.refusals(env) == []


def test_what_cannot_be_shared_by_instances_is_refused() -> None:
    env = {**profile.DEFAULTS, "DATABASE_URL": "sqlite:///var/utility.db", "LOCK_STORE_URL": "memory://",
           "EVENT_BROKER_URL": "amqp://user:hunter2-secret@mq:5672/", "RATE_LIMIT_URL": "rediss://r:6380/2"}
    problems = profile.refusals(env)
    assert len(problems) == 2, problems
    assert "DATABASE_URL must be PostgreSQL" in problems[0] and "LOCK_STORE_URL must be Redis" in problems[1]
    assert profile.without_password("amqp://user:hunter2-secret@mq:5672/") == "amqp://user:***@mq:5672/"


def test_secrets_are_made_once_strong_and_private(tmp_path: Path) -> None:
    path = tmp_path / "prod" / "secrets.env"
    first = profile.load_or_create_secrets(path)
    assert set(first) == set(profile.SECRETS)
    for name, value in first.items():
        check_secret(name, {name: value}, strict=True)  # raises if weak
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert profile.load_or_create_secrets(path) == first, "kept across restarts"


def test_the_procfile_runs_every_instance_on_its_ports(tmp_path: Path) -> None:
    layout = profile.Layout.from_base(7400)
    text = profile.procfile(layout, "/venv/bin/python", "/usr/sbin/nginx", tmp_path / "nginx")
    path = tmp_path / "Procfile"
    path.write_text(text)
    processes = read_procfile(path)
    assert list(processes) == ["rasa1", "rasa2", "actions1", "actions2", "web", "notify", "balancer"]
    rasa2 = "RASA_PORT=7412 RASA_ADMIN_PORT=7422 exec /venv/bin/python -m bot.rasa.server"
    assert processes["rasa2"] == rasa2
    assert processes["actions1"] == "ACTION_PORT=7431 exec /venv/bin/python -m bot.rasa.action_server"
    balancer = processes["balancer"]
    assert "daemon off;" in balancer and str(tmp_path / "nginx" / "nginx.conf") in balancer


def _upstream(conf: str, name: str) -> str:
    return re.search(rf"upstream {name} \{{(.*?)\n    \}}", conf, re.S).group(1)


def test_the_balancer_routes_as_documented() -> None:
    conf = render(launch.balancer_for(profile.Layout.from_base(7400), Path("/run/x")))
    channels, widget = _upstream(conf, "rasa_channels"), _upstream(conf, "rasa_widget")
    assert "least_conn;" in channels
    assert "keepalive" not in channels, "no reused connection to a dead instance"
    assert "hash $binary_remote_addr consistent;" in widget
    for block in (channels, widget):
        assert re.findall(r"server (\S+)", block) == ["127.0.0.1:7411", "127.0.0.1:7412"]
    actions = re.findall(r"server (\S+)", _upstream(conf, "action_servers"))
    assert actions == ["127.0.0.1:7431", "127.0.0.1:7432"]
    for line in ("listen 0.0.0.0:7480;", "listen 127.0.0.1:7481;", "listen 127.0.0.1:7482;",
                 "proxy_set_header Upgrade $http_upgrade;", "proxy_set_header X-Forwarded-For $remote_addr;"):
        assert line in conf, line
    assert "proxy_next_upstream error timeout non_idempotent;" in conf  # only for Zalo/Messenger
    assert conf.count("non_idempotent") == 1
    assert "$request_uri" not in conf and "$args" not in conf, "the admin API's token would be logged"
    with pytest.raises(ValueError):
        render(Balancer("a:1", "b:2", "c:3", (), (), (), ()))
