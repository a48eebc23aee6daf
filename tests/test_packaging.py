"""The checkout as a newcomer meets it: what git ignores, what make says, where bench writes,
and what a plain `pip install` of it gives."""

from __future__ import annotations

import os
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


NOT_SHIPPED = shutil.ignore_patterns(".git", ".venv*", "out", "build", "*.egg-info", "__pycache__",
                                     ".*_cache", ".hypothesis", "docs")


def test_a_plain_pip_install_without_extras_trains_and_skips_the_pictures(tmp_path: Path) -> None:
    """`pip install .` in a fresh venv: no matplotlib, tqdm or graphviz, nothing editable."""
    source = tmp_path / "chainrule"
    shutil.copytree(ROOT, source, ignore=NOT_SHIPPED)
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    bin_dir = venv / ("Scripts" if os.name == "nt" else "bin")
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    work = tmp_path / "work"  # not the checkout, so `import nn` finds the installed copy
    work.mkdir()

    def run(*argv: str | Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(a) for a in argv], cwd=work, env=env, capture_output=True,
                              text=True, timeout=300, check=False)

    install = run(bin_dir / "python", "-m", "pip", "install", "--verbose", source)
    assert install.returncode == 0, install.stdout[-3000:] + install.stderr[-3000:]
    assert "SetuptoolsDeprecationWarning" not in install.stdout + install.stderr

    train = run(bin_dir / "chainrule", "train", "--dataset", "xor")
    assert train.returncode == 0, train.stdout + train.stderr
    assert train.stderr.splitlines() == [
        "chainrule train: skipping the plots: matplotlib is not installed "
        "(pip install 'chainrule[plots]'; --no-plots silences this)"
    ]
    assert "train loss" in train.stdout and "accuracy 100.0%" in train.stdout
    assert sorted(os.listdir(work / "out" / "xor")) == ["model.json"]

    graph = run(bin_dir / "chainrule", "graph", "a*b", "--set", "a=2", "b=3", "--source")
    assert graph.returncode == 1 and "Traceback" not in graph.stderr
    assert "pip install 'chainrule[graph]'" in graph.stderr

    metadata = run(bin_dir / "python", "-c",
                   "from importlib import metadata; d = metadata.distribution('chainrule'); "
                   "print(d.metadata['License-Expression']); "
                   "print(sorted(f.name for f in d.files or [] if 'LICENSE' in f.name))")
    assert metadata.stdout.split("\n")[:2] == ["MIT", "['LICENSE']"], metadata.stderr
