"""deploy/Dockerfile and its helpers (no Docker engine here: the file is read, the scripts run)."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
from pathlib import Path

from tests.unit.deploy.compose import ROOT

DOCKERFILE = ROOT / "deploy" / "Dockerfile"
ENTRYPOINT = ROOT / "deploy" / "image" / "entrypoint.sh"


def instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined, comments dropped."""
    text = re.sub(r"\\\n\s*", " ", DOCKERFILE.read_text())
    pairs = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            pairs.append((keyword.upper(), rest.strip()))
    return pairs


def image_env() -> dict[str, str]:
    env = {}
    for keyword, rest in instructions():
        if keyword == "ENV":
            for item in shlex.split(rest):
                key, _, value = item.partition("=")
                env[key] = value
    return env


def final_stage() -> list[tuple[str, str]]:
    steps = instructions()
    last_from = max(i for i, (keyword, _) in enumerate(steps) if keyword == "FROM")
    return steps[last_from:]


def test_slim_python_311_base_for_both_stages():
    args = dict(rest.split("=", 1) for keyword, rest in instructions() if keyword == "ARG" and "=" in rest)
    assert args["PYTHON_IMAGE"].startswith("python:3.11-slim")
    assert [rest.split()[0] for keyword, rest in instructions() if keyword == "FROM"] == ["${PYTHON_IMAGE}"] * 2


def test_installs_the_project_without_test_dependencies():
    runs = " ".join(rest for keyword, rest in instructions() if keyword == "RUN")
    assert re.search(r"pip install \.(\s|$)", runs)
    assert "[test]" not in runs


def test_runs_as_a_numeric_non_root_user_with_production_defaults():
    stage = final_stage()
    user = [rest for keyword, rest in stage if keyword == "USER"]
    assert user and user[-1].split(":")[0] not in ("0", "root") and user[-1].split(":")[0].isdigit()
    env = image_env()
    assert env["BUURT_ENV"] == "production"
    assert env["PROMETHEUS_MULTIPROC_DIR"] == "/run/buurt/prometheus"
    assert "--worker-tmp-dir /dev/shm" in env["GUNICORN_CMD_ARGS"]  # gunicorn's heartbeat files, read-only root
    prepared = " ".join(rest for keyword, rest in stage if keyword == "RUN")
    assert "/run/buurt/prometheus" in prepared and "-o buurt" in prepared


def test_has_a_healthcheck_and_the_buurt_entrypoint():
    stage = dict(final_stage())
    assert "healthcheck.py" in stage["HEALTHCHECK"]
    assert stage["ENTRYPOINT"] == '["buurt-entrypoint"]'


def test_dockerignore_lets_in_only_what_the_image_copies():
    ignore = (ROOT / ".dockerignore").read_text().splitlines()
    assert ignore[[i for i, line in enumerate(ignore) if not line.startswith("#")][0]] == "*"
    allowed = {line[1:].rstrip("/") for line in ignore if line.startswith("!")}
    copied = {rest.split()[-2] for keyword, rest in instructions() if keyword == "COPY" and "--from" not in rest}
    for source in copied:
        source = source.rstrip("/").removeprefix("./")
        assert any(source == a or source.startswith(a + "/") for a in allowed), f"{source} is copied but ignored"


def test_entrypoint_empties_the_metrics_directory_and_runs_buurt(tmp_path):
    metrics = tmp_path / "prometheus"
    metrics.mkdir()
    (metrics / "counter_4242.db").write_bytes(b"stale")
    shim = tmp_path / "bin"
    shim.mkdir()
    (shim / "buurt").write_text('#!/bin/sh\necho "args: $*"\necho "left: $(ls "$PROMETHEUS_MULTIPROC_DIR" | wc -l)"\n')
    (shim / "buurt").chmod(0o755)
    env = {"PATH": f"{shim}:{os.environ['PATH']}", "PROMETHEUS_MULTIPROC_DIR": str(metrics)}
    result = subprocess.run(["sh", str(ENTRYPOINT), "web", "intake"], env=env, capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    assert "args: web intake" in result.stdout
    assert "left: 0" in result.stdout


def test_entrypoint_passes_on_the_exit_code(tmp_path):
    shim = tmp_path / "bin"
    shim.mkdir()
    (shim / "buurt").write_text("#!/bin/sh\nexit 3\n")
    (shim / "buurt").chmod(0o755)
    env = {"PATH": f"{shim}:{os.environ['PATH']}"}
    assert subprocess.run(["sh", str(ENTRYPOINT), "worker", "intake"], env=env, timeout=30).returncode == 3


def test_helper_scripts_exist_where_the_dockerfile_copies_them():
    for keyword, rest in instructions():
        if keyword == "COPY" and "--from" not in rest:
            source = rest.split()[-2]
            assert (ROOT / source).exists(), source
    assert Path(ENTRYPOINT).read_text().startswith("#!/bin/sh")
