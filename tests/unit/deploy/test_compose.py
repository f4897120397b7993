"""docker-compose.yml describes a platform that can start: every process gets settings it accepts."""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

import pytest

from services.notifications.settings import NotificationsSettings
from shared.config import SERVICES, Settings
from tests.unit.deploy.compose import ROOT, InterpolationError, environment_of, load

SECRET = {"BUURT_SECRET_KEY": "k" * 48}
CUSTOM = {
    **SECRET,
    **{f"BUURT_DB_{s.upper()}_PASSWORD": f"db-{s}-x" for s in SERVICES},
    **{f"BUURT_BROKER_{s.upper()}_PASSWORD": f"mq-{s}-y" for s in SERVICES},
    "BUURT_PUBLIC_URL": "https://buurtplatform.example.nl",
    "BUURT_DELIVERY_LIMIT": "8",
}


@pytest.fixture(scope="module", params=["defaults", "custom"])
def compose(request):
    return load(SECRET if request.param == "defaults" else CUSTOM)


@pytest.fixture(scope="module")
def services(compose):
    return compose["services"]


def test_every_service_has_a_migration_a_web_and_a_worker_from_the_one_image(services):
    image = services["intake-web"]["image"]
    for service in SERVICES:
        assert services[f"{service}-migrate"]["command"] == ["db", "upgrade", service]
        assert services[f"{service}-web"]["command"] == ["web", service]
        assert services[f"{service}-worker"]["command"] == ["worker", service]
        for kind in ("migrate", "web", "worker"):
            process = services[f"{service}-{kind}"]
            assert process["image"] == image
            assert process["build"]["dockerfile"] == "deploy/Dockerfile"
            assert process["read_only"] is True and process["cap_drop"] == ["ALL"]
            assert "user" not in process  # the image's non-root user
        assert services[f"{service}-migrate"]["restart"] == "no"


@pytest.mark.parametrize("kind", ["migrate", "web", "worker"])
def test_each_process_gets_production_settings_it_accepts(services, kind):
    for service in SERVICES:
        env = environment_of(services[f"{service}-{kind}"])
        settings = Settings.from_env(service, env)  # raises on anything production refuses
        assert settings.environment == "production"
        database = urlsplit(settings.database_url)
        assert database.hostname == "postgres"
        assert database.username == f"buurt_{service}" and database.path == f"/buurt_{service}"
        broker = urlsplit(settings.amqp_url)
        assert broker.hostname == "rabbitmq" and broker.username == f"buurt-{service}"
        assert unquote(broker.path[1:]) == "/"
        assert settings.public_url(service).endswith(f"/{service}")
        if service == "notifications":
            assert NotificationsSettings.from_settings(settings).smtp.host == "mailpit"


def test_the_secret_key_must_be_given():
    with pytest.raises(InterpolationError, match="BUURT_SECRET_KEY"):
        load({})


def test_passwords_agree_between_the_services_and_the_servers(services):
    postgres = environment_of(services["postgres"])
    broker = environment_of(services["broker-definitions"])
    for service in SERVICES:
        env = environment_of(services[f"{service}-worker"])
        assert urlsplit(env["BUURT_DATABASE_URL"]).password == postgres[f"BUURT_DB_{service.upper()}_PASSWORD"]
        assert urlsplit(env["BUURT_AMQP_URL"]).password == broker[f"BUURT_BROKER_{service.upper()}_PASSWORD"]
    assert broker["BUURT_BROKER_ADMIN_PASSWORD"]


def test_custom_passwords_replace_every_default():
    services = load(CUSTOM)["services"]
    text = repr(services)
    assert "local-only-intake" not in text and "local-only-agenda" not in text
    assert urlsplit(environment_of(services["agenda-web"])["BUURT_DATABASE_URL"]).password == "db-agenda-x"


def test_the_broker_topology_is_generated_with_the_workers_settings(services):
    generator = environment_of(services["broker-definitions"])
    for name in ("BUURT_RETRY_DELAYS", "BUURT_DELIVERY_LIMIT"):
        for service in SERVICES:
            assert environment_of(services[f"{service}-worker"])[name] == generator[name]
    command = " ".join(services["broker-definitions"]["command"])
    # The topology first (RabbitMQ imports in name order), then every other repository file.
    assert "buurt broker-definitions > /definitions/00-platform.json" in command
    assert "find /repository-definitions -maxdepth 1 -name '*.json' ! -name platform.json -exec cp {} /definitions/ ';'" in command
    assert "buurt broker-definitions --users > /definitions/users.json" in command
    assert sorted(["00-platform.json", "partner.json", "users.json"])[0] == "00-platform.json"
    assert "./deploy/rabbitmq/definitions:/repository-definitions:ro" in services["broker-definitions"]["volumes"]


def test_rabbitmq_loads_the_generated_definitions_with_the_platform_config(services):
    rabbitmq = services["rabbitmq"]
    assert rabbitmq["image"].startswith("rabbitmq:3.13-management")
    assert "rabbitmq-definitions:/etc/rabbitmq/definitions:ro" in rabbitmq["volumes"]
    assert "./deploy/rabbitmq/rabbitmq.conf:/etc/rabbitmq/conf.d/20-buurt.conf:ro" in rabbitmq["volumes"]
    conf = (ROOT / "deploy" / "rabbitmq" / "rabbitmq.conf").read_text()
    assert re.search(r"^load_definitions = /etc/rabbitmq/definitions$", conf, re.M)
    assert rabbitmq["depends_on"]["broker-definitions"]["condition"] == "service_completed_successfully"


def test_start_order_waits_for_what_each_process_needs(services):
    for service in SERVICES:
        for kind in ("web", "worker"):
            needs = services[f"{service}-{kind}"]["depends_on"]
            assert needs[f"{service}-migrate"]["condition"] == "service_completed_successfully"
            assert needs["postgres"]["condition"] == "service_healthy"
            assert needs["rabbitmq"]["condition"] == "service_healthy"
        assert services[f"{service}-migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    for name, service in services.items():
        for target, condition in service.get("depends_on", {}).items():
            assert target in services, f"{name} depends on unknown {target}"
            if condition["condition"] == "service_healthy":
                healthcheck = services[target].get("healthcheck")
                image_has_one = target.endswith("-web")  # the platform image's HEALTHCHECK
                assert image_has_one or (healthcheck and not healthcheck.get("disable")), f"{target} has no health check"


def test_web_processes_serve_under_their_prefix_and_the_proxy_routes_there(services):
    caddyfile = (ROOT / "deploy" / "caddy" / "Caddyfile").read_text()
    for service in SERVICES:
        assert environment_of(services[f"{service}-web"])["SCRIPT_NAME"] == f"/{service}"
        route = re.search(rf"handle /{service}/\* {{\s*reverse_proxy (\S+)\s*}}", caddyfile)
        assert route and route.group(1) == f"{service}-web:8000"
        assert services["proxy"]["depends_on"][f"{service}-web"]["condition"] == "service_healthy"
    assert "./deploy/caddy/Caddyfile:/etc/caddy/Caddyfile:ro" in services["proxy"]["volumes"]


def test_workers_and_one_shots_switch_off_the_web_health_check(services):
    for service in SERVICES:
        assert services[f"{service}-worker"]["healthcheck"] == {"disable": True}
        assert services[f"{service}-migrate"]["healthcheck"] == {"disable": True}


def test_every_file_the_compose_file_mounts_exists(services):
    for name, service in services.items():
        for volume in service.get("volumes", []):
            source = volume.split(":", 1)[0]
            if source.startswith("./"):
                assert (ROOT / source).exists(), f"{name} mounts {source}, which does not exist"


def test_postgres_runs_the_init_script_and_checks_health_over_tcp(services):
    postgres = services["postgres"]
    assert postgres["image"].startswith("postgres:16")
    assert "./deploy/postgres/init.sh:/docker-entrypoint-initdb.d/10-buurt.sh:ro" in postgres["volumes"]
    assert "127.0.0.1" in postgres["healthcheck"]["test"]
