"""deploy/: the production profile as containers (compose file, Kubernetes manifests) has
the layout and the settings of `make run-prod` (bot/prod), and the balancer's nginx file is
the one bot/prod/nginx.py renders. No container engine runs here, but `docker compose config`
checks the compose file wherever the compose plugin or docker-compose exists (CI installs
Debian's docker-compose: tools/ensure-system-packages.sh)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from bot.config import PROJECT_ROOT
from bot.prod import profile
from bot.prod.__main__ import COMPOSE_BALANCER
from bot.prod.nginx import render

DEPLOY = PROJECT_ROOT / "deploy"
K8S = DEPLOY / "k8s"
APP_SERVICES = ("migrate", "rasa1", "rasa2", "actions1", "actions2", "web", "notify")
# Variables of the container images themselves, not of our code.
IMAGE_VARIABLES = {
    "POSTGRES_USER", "POSTGRES_PASSWORD", "POSTGRES_DB", "PGDATA", "REDIS_PASSWORD",
    "RABBITMQ_DEFAULT_USER", "RABBITMQ_DEFAULT_PASS", "RABBITMQ_PASSWORD",
}
# What the production profile sets beyond the ports: every layout must set it too.
PROFILE_VARIABLES = {
    *profile.DEFAULTS, *profile.SECRETS, "BOT_ENV",
    "RASA_URL", "ACTION_SERVER_URL", "WEB_ORIGIN", "RASA_PUBLIC_URL", "WEBCHAT_SOCKET_URL",
}
RASA_VARIABLES = {"RASA_PROXIES_COUNT": "1", "RASA_EARLY_BIND": "false"}  # behind the balancer


def compose() -> dict:
    return yaml.safe_load((DEPLOY / "docker-compose.yml").read_text())


def manifests() -> list[dict]:
    documents = []
    for path in sorted(K8S.glob("*.yaml")):
        if path.name == "kustomization.yaml":
            continue
        documents += [doc for doc in yaml.safe_load_all(path.read_text()) if doc]
    return documents


def _source_text() -> str:
    parts = [path.read_text() for path in (PROJECT_ROOT / "bot").rglob("*.py")]
    parts += [(PROJECT_ROOT / name).read_text() for name in ("endpoints.yml", "credentials.yml")]
    return "\n".join(parts)


def _pod_containers(doc: dict) -> list[dict]:
    spec = doc.get("spec", {})
    if doc["kind"] == "CronJob":
        spec = spec["jobTemplate"]["spec"]
    return spec.get("template", {}).get("spec", {}).get("containers", [])


def test_the_compose_file_has_the_production_layout() -> None:
    services = compose()["services"]
    assert set(services) == {"postgres", "redis", "rabbitmq", "balancer", *APP_SERVICES}
    assert services["balancer"]["ports"] == ["${PUBLIC_PORT:-8080}:8080"], "only the balancer is published"
    published = [name for name, service in services.items() if service.get("ports")]
    assert published == ["balancer"], published
    for name in APP_SERVICES:
        env = services[name]["environment"]
        assert services[name]["image"] == "${EVN_CSKH_IMAGE:-evn-cskh:latest}", name
        assert env["BOT_ENV"] == "production", name
        assert set(env) >= PROFILE_VARIABLES, f"{name} lacks {PROFILE_VARIABLES - set(env)}"
        for secret in profile.SECRETS:  # never a value in the file: required from deploy/.env
            assert re.fullmatch(rf"\$\{{{secret}:\?[^}}]+\}}", env[secret]), (name, secret, env[secret])
    for name in ("rasa1", "rasa2"):
        env = services[name]["environment"]
        assert {key: env.get(key) for key in RASA_VARIABLES} == RASA_VARIABLES
        assert services[name]["command"] == ["python", "-m", "bot.rasa.server"]
    assert services["migrate"]["command"] == ["python", "-m", "bot", "db", "upgrade"]


def test_the_compose_balancer_is_the_rendered_one_and_names_the_services() -> None:
    conf = (DEPLOY / "nginx" / "nginx.conf").read_text()
    regenerate = "python -m bot.prod nginx-conf --compose > deploy/nginx/nginx.conf"
    assert conf == render(COMPOSE_BALANCER), f"deploy/nginx/nginx.conf is stale: {regenerate}"
    services = compose()["services"]
    hosts = set(re.findall(r"server (\w+):\d+", conf))
    assert hosts == {"rasa1", "rasa2", "actions1", "actions2", "web"} and hosts <= set(services)
    env = services["web"]["environment"]
    assert env["RASA_URL"] == "http://balancer:5105" and "listen 0.0.0.0:5105;" in conf
    assert env["ACTION_SERVER_URL"] == "http://balancer:5055/webhook" and "listen 0.0.0.0:5055;" in conf


@pytest.mark.skipif(shutil.which("nginx") is None and not Path("/usr/sbin/nginx").exists(),
                    reason="nginx is not installed (tools/ensure-nginx.sh)")
def test_nginx_accepts_the_compose_balancer(tmp_path: Path) -> None:
    """nginx -t on the compose file's configuration, its service names made local and its
    run-time DNS left out (Debian's nginx 1.22 predates `resolve`; the image has 1.28)."""
    conf = (DEPLOY / "nginx" / "nginx.conf").read_text()
    conf = re.sub(r"server (\w+):(\d+)", r"server 127.0.0.1:\2", conf)
    conf = conf.replace(" resolve;", ";").replace("    resolver 127.0.0.11 valid=10s ipv6=off;\n", "")
    conf = re.sub(r"        zone \w+ 64k;\n", "", conf).replace("/tmp/", f"{tmp_path}/")
    conf = conf.replace("pid /tmp/nginx.pid", f"pid {tmp_path}/nginx.pid")
    (tmp_path / "nginx.conf").write_text(conf)
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    result = subprocess.run(
        [nginx, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf"), "-e", "stderr"],
        capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stderr


def test_the_kubernetes_manifests_have_the_production_layout() -> None:
    docs = manifests()
    kinds = {(doc["kind"], doc["metadata"]["name"]) for doc in docs}
    for expected in [
        ("Deployment", "rasa"), ("Deployment", "actions"), ("Deployment", "web"), ("Deployment", "notify"),
        ("StatefulSet", "postgres"), ("Deployment", "redis"), ("StatefulSet", "rabbitmq"),
        ("Job", "evn-cskh-migrate"), ("CronJob", "evn-cskh-privacy-purge"),
        ("Secret", "evn-cskh-secrets"), ("ConfigMap", "evn-cskh-config"),
        ("Ingress", "evn-cskh"), ("Ingress", "evn-cskh-widget"),
    ]:
        assert expected in kinds, expected
    by_name = {(doc["kind"], doc["metadata"]["name"]): doc for doc in docs}
    assert by_name[("Deployment", "rasa")]["spec"]["replicas"] == 2
    assert by_name[("Deployment", "actions")]["spec"]["replicas"] == 2
    secret = by_name[("Secret", "evn-cskh-secrets")]["stringData"]
    config = by_name[("ConfigMap", "evn-cskh-config")]["data"]
    assert all(secret[name] == "" for name in profile.SECRETS), "placeholders only: empty is refused at start"
    assert config["BOT_ENV"] == "production"
    rasa = _pod_containers(by_name[("Deployment", "rasa")])[0]
    rasa_env = {item["name"]: item.get("value") for item in rasa["env"]}
    assert {key: rasa_env.get(key) for key in RASA_VARIABLES} == RASA_VARIABLES
    assert set(secret) | set(config) | set(rasa_env) >= PROFILE_VARIABLES, (
        PROFILE_VARIABLES - set(secret) - set(config) - set(rasa_env)
    )
    # Every app container reads the config and the secrets.
    for doc in docs:
        for container in _pod_containers(doc):
            if container["image"] == "evn-cskh":
                sources = {next(iter(ref.values()))["name"] for ref in container["envFrom"]}
                assert sources == {"evn-cskh-config", "evn-cskh-secrets"}, doc["metadata"]["name"]


def test_kubernetes_services_and_ingresses_point_at_what_exists() -> None:
    docs = manifests()
    pods = [
        (doc["spec"]["template"]["metadata"]["labels"], _pod_containers(doc))
        for doc in docs if doc["kind"] in ("Deployment", "StatefulSet")
    ]
    services = {}
    for doc in (d for d in docs if d["kind"] == "Service"):
        selector = doc["spec"]["selector"]
        matching = [containers for labels, containers in pods if selector.items() <= labels.items()]
        assert matching, f"Service {doc['metadata']['name']} selects no pod"
        port_names = {
            port["name"] for containers in matching for c in containers for port in c.get("ports", [])
        }
        for port in doc["spec"]["ports"]:
            assert port["targetPort"] in port_names, (doc["metadata"]["name"], port)
        services[doc["metadata"]["name"]] = {port["name"] for port in doc["spec"]["ports"]}
    for doc in (d for d in docs if d["kind"] == "Ingress"):
        for rule in doc["spec"]["rules"]:
            for path in rule["http"]["paths"]:
                backend = path["backend"]["service"]
                assert backend["port"]["name"] in services[backend["name"]], (doc["metadata"]["name"], path)
    config = next(d for d in docs if d["kind"] == "ConfigMap" and d["metadata"]["name"] == "evn-cskh-config")
    assert config["data"]["RASA_URL"] == "http://rasa-admin:5105" and "admin" in services["rasa-admin"]
    assert config["data"]["ACTION_SERVER_URL"] == "http://actions:5055/webhook"
    listed = set(yaml.safe_load((K8S / "kustomization.yaml").read_text())["resources"])
    assert listed == {path.name for path in K8S.glob("*.yaml")} - {"kustomization.yaml"}


def test_every_variable_the_layouts_set_is_read_by_the_code() -> None:
    """A misspelt variable in a deployment file would silently fall back to a default."""
    names: set[str] = set()
    services = compose()["services"]
    for name in APP_SERVICES:
        names |= set(services[name]["environment"])
    for doc in manifests():
        if doc["kind"] in ("ConfigMap", "Secret") and doc["metadata"]["name"].startswith("evn-cskh"):
            names |= set(doc.get("data") or doc.get("stringData") or {})
        for container in _pod_containers(doc):
            names |= {item["name"] for item in container.get("env", [])}
    source = _source_text()
    unread = sorted(
        name for name in names - IMAGE_VARIABLES if f'"{name}"' not in source and f"{{{name}}}" not in source
    )
    assert not unread, f"set in deploy/ but read nowhere in bot/ or endpoints.yml: {unread}"


def _compose_command() -> list[str] | None:
    docker = shutil.which("docker")
    if docker:
        plugin = subprocess.run([docker, "compose", "version"], capture_output=True, check=False)
        if plugin.returncode == 0:
            return [docker, "compose"]
    legacy = shutil.which("docker-compose")
    return [legacy] if legacy else None


@pytest.mark.skipif(
    _compose_command() is None, reason="neither the docker compose plugin nor docker-compose is installed"
)
def test_docker_compose_accepts_the_file(tmp_path: Path) -> None:
    """deploy/.env.example with its empty values (the secrets) filled in."""
    env_file = tmp_path / ".env"
    example = (DEPLOY / ".env.example").read_text().splitlines()
    lines = [line for line in example if "=" in line and not line.startswith("#")]
    env_file.write_text("".join(
        f"{line}{'s3cr3t-' * 6 if line.endswith('=') else ''}\n" for line in lines
    ))
    result = subprocess.run(
        [*_compose_command(), "--env-file", str(env_file), "-f", str(DEPLOY / "docker-compose.yml"),
         "config", "-q"],
        capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stderr
