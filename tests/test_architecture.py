"""
The import rule (docs/architecture.md) is checked by lint-imports in `make lint`. These tests show
that the check would catch a break: they run it on a copy of the packages with one import added.
"""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ["config", "web", "dashboard", "feeds", "api", "demo", "events", "notifications", "outreach"]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
CONTRACT = "Interfaces over data apps, never the reverse"


@pytest.fixture
def tree(tmp_path):
    """The packages' Python files and pyproject.toml, nothing else (templates and data do not import)."""
    for package in PACKAGES:
        for source in (ROOT / package).rglob("*.py"):
            target = tmp_path / source.relative_to(ROOT)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
    shutil.copyfile(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def _lint_imports(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - the venv's own lint-imports on a copy we made
        [str(LINT_IMPORTS), "--no-cache", "--config", str(root / "pyproject.toml")],
        cwd=root,
        env={"PATH": "", "PYTHONPATH": str(root), "NO_COLOR": "1", "COLUMNS": "200"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def _append(path: Path, line: str) -> None:
    with path.open("a") as file:
        file.write(f"\n{line}\n")


def test_lint_imports_keeps_the_contract_on_the_code_as_it_is(tree):
    result = _lint_imports(tree)

    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{CONTRACT} KEPT" in result.stdout


def test_lint_imports_breaks_on_a_data_app_importing_an_interface_app(tree):
    _append(tree / "events" / "models.py", "import web.views  # noqa")

    result = _lint_imports(tree)

    assert result.returncode == 1, result.stdout + result.stderr
    assert f"{CONTRACT} BROKEN" in result.stdout
    assert "events is not allowed to import web:" in result.stdout
    assert "- events.models -> web.views" in result.stdout


def test_lint_imports_breaks_on_one_interface_app_importing_another(tree):
    _append(tree / "feeds" / "views.py", "from dashboard import views  # noqa")

    result = _lint_imports(tree)

    assert result.returncode == 1, result.stdout + result.stderr
    assert "feeds is not allowed to import dashboard:" in result.stdout
    assert "- feeds.views -> dashboard.views" in result.stdout


def test_lint_imports_breaks_on_a_lower_data_app_importing_a_higher_one(tree):
    _append(tree / "notifications" / "models.py", "from events import models  # noqa")

    result = _lint_imports(tree)

    assert result.returncode == 1, result.stdout + result.stderr
    assert "notifications is not allowed to import events:" in result.stdout
    assert "- notifications.models -> events.models" in result.stdout
