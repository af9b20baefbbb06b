"""What ships: the wheel and sdist carry every module and data file the code opens (the
migrations, the example config), `crossdesk --version` prints the packaged version, and the
Dockerfile, compose file and systemd unit install and start crossdesk the way CI tests it.

The build is .ci/run's (CROSSDESK_TEST_DIST, from .ci/package); without it the test builds
the sdist and wheel itself with deploy/build-dist.sh."""

from __future__ import annotations

import os
import subprocess
import tarfile
import tomllib
import zipfile
from importlib.metadata import version
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from bot.cli.main import app
from tests.conftest import EXAMPLE, ROOT

PACKAGES = ("bot", "handlers", "storage")
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The directory holding crossdesk's sdist and wheel."""
    given = os.environ.get("CROSSDESK_TEST_DIST")
    if given and list(Path(given).glob("crossdesk-*.whl")):
        return Path(given)
    out = tmp_path_factory.mktemp("dist")
    proc = subprocess.run(["bash", str(ROOT / "deploy" / "build-dist.sh"), str(out)],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return out


def _one(dist: Path, pattern: str) -> Path:
    found = sorted(dist.glob(pattern))
    assert len(found) == 1, f"expected one {pattern} in {dist}: {found}"
    return found[0]


def _source_files() -> list[str]:
    """Every file of the three packages in the checkout (no caches): what must ship."""
    files = []
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
                files.append(path.relative_to(ROOT).as_posix())
    return sorted(files)


def test_the_wheel_carries_every_module_migration_and_data_file(dist: Path) -> None:
    wheel = zipfile.ZipFile(_one(dist, "crossdesk-*.whl"))
    names = set(wheel.namelist())
    missing = [f for f in _source_files() if f not in names]
    assert missing == [], f"not in the wheel: {missing}"
    migrations = {n for n in names if n.startswith("storage/migrations/versions/")}
    assert len(migrations) == len(list((ROOT / "storage/migrations/versions").glob("*.py")))
    assert {"storage/migrations/env.py", "storage/migrations/script.py.mako"} <= names
    # the example config is the file itself (bot/config.example.toml links to it in a checkout)
    assert wheel.read("bot/config.example.toml") == EXAMPLE.read_bytes()
    entry_points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
    assert "crossdesk = bot.cli:main" in wheel.read(entry_points).decode()


def test_the_sdist_carries_the_example_config_as_a_file(dist: Path) -> None:
    with tarfile.open(_one(dist, "crossdesk-*.tar.gz")) as sdist:
        members = {m.name.split("/", 1)[1]: m for m in sdist.getmembers() if "/" in m.name}
        example = members["bot/config.example.toml"]
        assert example.isfile(), "a link would not survive outside the checkout"
        extracted = sdist.extractfile(example)
        assert extracted is not None and extracted.read() == EXAMPLE.read_bytes()
    assert "storage/migrations/script.py.mako" in members


def test_version_prints_the_packaged_version() -> None:
    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0, result.output
    assert result.output == f"crossdesk {PYPROJECT['project']['version']}\n"
    assert version("crossdesk") == PYPROJECT["project"]["version"]


def test_ci_and_the_image_install_with_the_same_scripts() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "package").read_text(encoding="utf-8")
    for script in ("build-dist.sh", "install-wheel.sh"):
        assert script in dockerfile and f"deploy/{script}" in ci
    assert "HEALTHCHECK" in dockerfile and "/healthz" in dockerfile
    assert 'CMD ["crossdesk", "serve", "--upgrade"]' in dockerfile
    assert "USER 10001" in dockerfile  # not root
    assert "fonts-noto-cjk" in dockerfile and "tzdata" in dockerfile
    assert "hadolint Dockerfile" in ci and "vendor.compose-spec compose.yaml" in ci
    assert "bash .ci/package" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_compose_runs_two_replicas_beside_postgresql_15() -> None:
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))
    db, desk = compose["services"]["db"], compose["services"]["crossdesk"]
    assert db["image"] == "postgres:15" and db["healthcheck"]["test"]
    assert any(v.endswith(":/var/lib/postgresql/data") for v in db["volumes"])
    assert desk["deploy"]["replicas"] == 2
    assert desk["depends_on"]["db"]["condition"] == "service_healthy"
    assert desk["env_file"] == "crossdesk.env"
    assert desk["command"] == ["crossdesk", "serve", "--upgrade"]
    assert desk["environment"]["CROSSDESK_DATABASE_URL"].startswith("postgresql+psycopg://")
    # secrets come from files that never enter the image or the repository
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8").split()
    assert {".env", "*.env", "config.toml"} <= set(ignored)


def test_the_systemd_unit_upgrades_then_serves_as_its_own_user() -> None:
    unit = (ROOT / "deploy" / "crossdesk.service").read_text(encoding="utf-8")
    lines = {line.split("=", 1)[0]: line.split("=", 1)[1]
             for line in unit.splitlines() if "=" in line and not line.startswith("#")}
    assert lines["User"] == "crossdesk"
    assert lines["EnvironmentFile"] == "/etc/crossdesk/crossdesk.env"
    assert lines["Restart"] == "on-failure"
    assert lines["ExecStartPre"].endswith("crossdesk db upgrade")
    assert lines["ExecStart"].endswith("crossdesk serve")
