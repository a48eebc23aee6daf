"""The checkout as a newcomer meets it: what git ignores, what make says, where bench writes."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _git(*args: str) -> subprocess.CompletedProcess[str]:
    """`git ARGS` in the checkout, or a skip when this is not a git checkout."""
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout (or git is not installed)")
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=False)


@pytest.mark.parametrize(
    "path", [".venv/bin/python", ".venv-3.12/bin/python", ".venv312", "out/train/model.json"]
)
def test_git_ignores_virtual_environments_and_outputs(path: str) -> None:
    assert _git("check-ignore", "--no-index", "--quiet", path).returncode == 0


def test_make_bench_writes_where_git_ignores_and_publishes_only_when_asked() -> None:
    script = (
        "import sys; sys.path.insert(0, 'benchmarks'); import run_all; "
        "print(run_all.parse_args([]).out); print(run_all.parse_args(['--out', 'docs/bench']).out)"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                          text=True, check=True)
    default, chosen = (Path(line) for line in done.stdout.splitlines())
    written = (default / "latest.md").relative_to(ROOT)
    assert _git("check-ignore", "--no-index", "--quiet", str(written)).returncode == 0
    assert chosen == Path("docs/bench")
    assert _git("check-ignore", "--no-index", "--quiet", "docs/bench/latest.md").returncode == 1


def test_the_slow_install_says_what_it_is_doing(tmp_path: Path) -> None:
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    venv = tmp_path / "venv"
    done = subprocess.run(
        ["make", "--dry-run", "--always-make", f"VENV={venv}", f"{venv}/.installed-stamp"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    )
    lines = done.stdout.splitlines()
    install = next(i for i, line in enumerate(lines) if "pip install" in line and "-e" in line)
    assert lines[install - 1].startswith("echo") and "installing chainrule" in lines[install - 1]
