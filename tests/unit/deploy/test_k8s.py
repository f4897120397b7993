"""The Kubernetes manifests parse, hang together, and give every process what it needs."""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest
import yaml

from shared.config import SERVICES, Settings
from tests.unit.deploy.compose import ROOT

K8S = ROOT / "deploy" / "k8s"
RABBITMQ = ROOT / "deploy" / "rabbitmq"


def documents(path):
    return [d for d in yaml.safe_load_all(path.read_text()) if d is not None]


@pytest.fixture(scope="module")
def manifests():
    objects = []
    for path in sorted(K8S.glob("*.yaml")):
        if path.name in ("kustomization.yaml", "secrets.example.yaml"):
            continue
        objects.extend(documents(path))
    return objects


def find(objects, kind, name):
    matches = [o for o in objects if o["kind"] == kind and o["metadata"]["name"] == name]
    assert len(matches) == 1, f"{kind} {name}: {len(matches)} found"
    return matches[0]


def test_every_yaml_file_parses_into_named_objects():
    paths = [*K8S.glob("*.yaml"), RABBITMQ / "kustomization.yaml"]
    assert len(paths) >= 8
    for path in paths:
        for document in documents(path):
            assert "kind" in document and "apiVersion" in document, path.name
            if document["kind"] != "Kustomization":
                assert document["metadata"]["name"], path.name


def test_the_kustomization_lists_every_manifest():
    kustomization = documents(K8S / "kustomization.yaml")[0]
    listed = set(kustomization["resources"])
    for path in K8S.glob("*.yaml"):
        if path.name not in ("kustomization.yaml", "secrets.example.yaml"):
            assert path.name in listed, f"{path.name} is not in kustomization.yaml"
    for resource in listed:
        assert (K8S / resource).exists(), resource
    assert kustomization["images"][0]["name"] == "buurtplatform"


def test_the_broker_definitions_configmap_carries_every_definitions_file():
    kustomization = documents(RABBITMQ / "kustomization.yaml")[0]
    generators = {g["name"]: g["files"] for g in kustomization["configMapGenerator"]}
    files = dict(f.split("=", 1) if "=" in f else (f.rsplit("/", 1)[-1], f) for f in generators["buurt-rabbitmq-definitions"])
    on_disk = {f"definitions/{p.name}" for p in (RABBITMQ / "definitions").iterdir()}
    assert set(files.values()) == on_disk, "deploy/rabbitmq/kustomization.yaml must list every file in deploy/rabbitmq/definitions/"
    # Imported in name order, stopping at the first failure: the topology must come first.
    assert files[min(files)] == "definitions/platform.json"


def pod_spec(deployment):
    return deployment["spec"]["template"]["spec"]


def check_hardened(workload, name):
    spec = pod_spec(workload)
    assert spec["securityContext"]["runAsNonRoot"] is True, name
    assert spec["automountServiceAccountToken"] is False, name
    volumes = {v["name"]: v for v in spec["volumes"]}
    for container in spec["containers"]:
        security = container["securityContext"]
        assert security["readOnlyRootFilesystem"] is True, name
        assert security["allowPrivilegeEscalation"] is False, name
        assert security["capabilities"]["drop"] == ["ALL"], name
        assert container["resources"]["requests"]["memory"] and container["resources"]["limits"]["memory"], name
        mounts = {m["mountPath"]: m["name"] for m in container["volumeMounts"]}
        for mount_name in mounts.values():
            assert mount_name in volumes, f"{name} mounts {mount_name}, which is not a volume"
        # Written by prometheus_client (PROMETHEUS_MULTIPROC_DIR is set in the image) on a read-only root.
        assert "emptyDir" in volumes[mounts["/run/buurt/prometheus"]], name
        assert "emptyDir" in volumes[mounts["/tmp"]], name


def env_from(container):
    return [next(iter(source.values()))["name"] for source in container["envFrom"]]


@pytest.mark.parametrize("service", SERVICES)
def test_web_deployment(manifests, service):
    web = find(manifests, "Deployment", f"{service}-web")
    assert web["spec"]["selector"]["matchLabels"].items() <= web["spec"]["template"]["metadata"]["labels"].items()
    container = pod_spec(web)["containers"][0]
    assert container["image"] == "buurtplatform"
    assert container["args"] == ["web", service]
    assert {"name": "SCRIPT_NAME", "value": f"/{service}"} in container["env"]
    assert container["readinessProbe"]["httpGet"]["path"] == f"/{service}/readyz"
    assert container["livenessProbe"]["httpGet"]["path"] == f"/{service}/healthz"
    assert container["startupProbe"]["httpGet"]["path"] == f"/{service}/healthz"
    assert {p["name"] for p in container["ports"]} == {"http"}
    assert env_from(container) == ["buurt-config", "buurt-shared", f"buurt-{service}"]
    check_hardened(web, f"{service}-web")


@pytest.mark.parametrize("service", SERVICES)
def test_worker_deployment_and_migration_job(manifests, service):
    worker = find(manifests, "Deployment", f"{service}-worker")
    assert worker["spec"]["selector"]["matchLabels"].items() <= worker["spec"]["template"]["metadata"]["labels"].items()
    container = pod_spec(worker)["containers"][0]
    assert container["args"] == ["worker", service]
    assert "ports" not in container
    assert env_from(container) == ["buurt-config", "buurt-shared", f"buurt-{service}"]
    check_hardened(worker, f"{service}-worker")

    job = find(manifests, "Job", f"{service}-migrate")
    assert pod_spec(job)["containers"][0]["args"] == ["db", "upgrade", service]
    assert pod_spec(job)["restartPolicy"] == "Never"
    check_hardened(job, f"{service}-migrate")


@pytest.mark.parametrize("service", SERVICES)
def test_service_selects_only_the_web_pods(manifests, service):
    selector = find(manifests, "Service", f"{service}-web")["spec"]["selector"]
    web_labels = find(manifests, "Deployment", f"{service}-web")["spec"]["template"]["metadata"]["labels"]
    worker_labels = find(manifests, "Deployment", f"{service}-worker")["spec"]["template"]["metadata"]["labels"]
    assert selector.items() <= web_labels.items()
    assert not selector.items() <= worker_labels.items()


def test_the_ingress_routes_each_prefix_to_its_web_service(manifests):
    ingress = find(manifests, "Ingress", "buurtplatform")
    paths = {p["path"]: p["backend"]["service"] for p in ingress["spec"]["rules"][0]["http"]["paths"]}
    assert set(paths) == {f"/{s}" for s in SERVICES}
    for service in SERVICES:
        backend = paths[f"/{service}"]
        assert backend["name"] == f"{service}-web"
        ports = {p["name"] for p in find(manifests, "Service", f"{service}-web")["spec"]["ports"]}
        assert backend["port"]["name"] in ports


def test_config_and_secret_templates_make_settings_production_accepts(manifests):
    config = find(manifests, "ConfigMap", "buurt-config")["data"]
    secrets = {d["metadata"]["name"]: d["stringData"] for d in documents(K8S / "secrets.example.yaml")}
    for service in SERVICES:
        env = {**config, **secrets["buurt-shared"], **secrets[f"buurt-{service}"], "BUURT_SECRET_KEY": "s" * 48}
        settings = Settings.from_env(service, env)
        assert settings.environment == "production"
        assert f"buurt_{service}" in settings.database_url and f"buurt-{service}:" in settings.amqp_url
        # Each service's Secret holds its own credentials only.
        assert all(service in value for value in secrets[f"buurt-{service}"].values())
    assert "CHANGE-ME" in secrets["buurt-shared"]["BUURT_SECRET_KEY"]  # a template, refused as is:
    with pytest.raises(Exception, match="SECRET_KEY"):
        Settings.from_env("intake", {**config, **secrets["buurt-shared"], **secrets["buurt-intake"]})


def test_kustomize_renders_the_whole_set():
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail("kubectl is needed to render deploy/k8s", pytrace=False)
        pytest.skip("kubectl is not installed")
    rendered = subprocess.run([kubectl, "kustomize", str(K8S)], capture_output=True, text=True, timeout=60)
    assert rendered.returncode == 0, rendered.stderr
    objects = [d for d in yaml.safe_load_all(rendered.stdout) if d]
    kinds = [o["kind"] for o in objects]
    assert kinds.count("Deployment") == 8 and kinds.count("Job") == 4 and kinds.count("Service") == 4
    for obj in objects:
        if obj["kind"] != "Namespace":
            assert obj["metadata"]["namespace"] == "buurtplatform", obj["metadata"]["name"]
        assert obj["metadata"]["labels"]["app.kubernetes.io/part-of"] == "buurtplatform"
    definitions = find(objects, "ConfigMap", "buurt-rabbitmq-definitions")["data"]["00-platform.json"]
    assert json.loads(definitions) == json.loads((RABBITMQ / "definitions" / "platform.json").read_text())
    images = {c["image"] for o in objects if o["kind"] in ("Deployment", "Job") for c in pod_spec(o)["containers"]}
    assert images == {"registry.example.nl/buurtplatform:0.1.0"}
