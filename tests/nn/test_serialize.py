"""save/load: an exact round trip, an atomic write, and bad files that change nothing."""

from __future__ import annotations

import json
import os
import re
import signal
import stat
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from nn import MLP, Layer, Neuron, load_model
from nn.serialize import FORMAT, VERSION


def _bits(model: MLP) -> list[str]:
    return [p.data.hex() for p in model.parameters()]


def _trained_looking(seed: int = 0) -> MLP:
    """A model whose numbers use every bit of their floats (not round initial values)."""
    model = MLP(2, [5, 3, 1], activation="tanh", output_activation="sigmoid", seed=seed)
    for i, p in enumerate(model.parameters()):
        p.data = p.data / 3.0 + i / 7.0
    return model


def test_round_trip_is_exact_to_the_bit(tmp_path: Path) -> None:
    model = _trained_looking()
    path = tmp_path / "model.json"
    model.save(path)
    other = MLP(2, [5, 3, 1], activation="tanh", output_activation="sigmoid", seed=99)
    other.load(path)
    assert _bits(other) == _bits(model)
    assert _bits(load_model(path)) == _bits(model)  # type: ignore[arg-type]
    assert other([0.3, 0.4]).data == model([0.3, 0.4]).data  # type: ignore[union-attr]


def test_file_holds_format_version_architecture_and_parameters(tmp_path: Path) -> None:
    model = _trained_looking()
    model.save(tmp_path / "m.json")
    document = json.loads((tmp_path / "m.json").read_text())
    assert document["format"] == FORMAT and document["version"] == VERSION
    assert document["architecture"] == {
        "kind": "MLP", "nin": 2, "nouts": [5, 3, 1], "activation": "tanh",
        "output_activation": "sigmoid",
    }
    assert document["parameters"] == model.state_dict()
    assert list(document["parameters"])[:2] == ["L1.N0.w0", "L1.N0.w1"]


def test_state_dict_round_trip_for_neuron_and_layer(tmp_path: Path) -> None:
    neuron, layer = Neuron(3, "relu", seed=1), Layer(3, 2, "linear", seed=1)
    neuron.save(tmp_path / "n.json")
    layer.save(tmp_path / "l.json")
    assert load_model(tmp_path / "n.json").state_dict() == neuron.state_dict()
    assert repr(load_model(tmp_path / "l.json")) == "Layer(3, 2, activation='linear')"
    twin = Neuron(3, "relu", seed=2)
    twin.load_state_dict(neuron.state_dict())
    assert twin.state_dict() == neuron.state_dict()


def test_save_is_atomic_a_failed_write_keeps_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "model.json"
    _trained_looking(0).save(path)
    before = path.read_bytes()

    def crash(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="disk full"):
        _trained_looking(1).save(path)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["model.json"]  # the temporary file is gone too


def _assert_load_fails_and_changes_nothing(path: Path, match: str) -> None:
    model = _trained_looking(5)
    before = _bits(model)
    with pytest.raises(ValueError, match=match):
        model.load(path)
    assert _bits(model) == before
    with pytest.raises(ValueError, match=match):
        load_model(path)


def test_missing_file(tmp_path: Path) -> None:
    _assert_load_fails_and_changes_nothing(tmp_path / "nope.json", "no model file at")


def test_corrupt_and_not_utf8_files(tmp_path: Path) -> None:
    path = tmp_path / "m.json"
    path.write_text("this is not json")
    _assert_load_fails_and_changes_nothing(path, "corrupt or truncated: not valid JSON")
    path.write_bytes(b"\xff\xfe\x00garbage")
    _assert_load_fails_and_changes_nothing(path, "cannot read model file")
    path.write_text("[1, 2, 3]")
    _assert_load_fails_and_changes_nothing(path, "not a chainrule model file")


def test_every_truncation_of_a_saved_file_is_refused(tmp_path: Path) -> None:
    source = tmp_path / "full.json"
    _trained_looking().save(source)
    text = source.read_text().rstrip("\n")
    path = tmp_path / "cut.json"
    for cut in range(0, len(text), 7):
        path.write_text(text[:cut])
        _assert_load_fails_and_changes_nothing(path, "corrupt or truncated")


def _edited(tmp_path: Path, edit: object) -> Path:
    path = tmp_path / "m.json"
    _trained_looking().save(path)
    document = json.loads(path.read_text())
    edit(document)  # type: ignore[operator]
    path.write_text(json.dumps(document))
    return path


def test_mismatched_architecture_names_both(tmp_path: Path) -> None:
    path = tmp_path / "small.json"
    MLP(2, [4, 1], seed=0).save(path)
    model = _trained_looking()
    before = _bits(model)
    with pytest.raises(ValueError, match=r"holds MLP\(nin=2, nouts=\[4, 1\].*but the model is "
                       r"MLP\(nin=2, nouts=\[5, 3, 1\]"):
        model.load(path)
    assert _bits(model) == before


def test_wrong_version_missing_and_extra_parameters_and_bad_numbers(tmp_path: Path) -> None:
    path = _edited(tmp_path, lambda d: d.update(version=2))
    _assert_load_fails_and_changes_nothing(path, "format version 2; this chainrule reads version 1")
    path = _edited(tmp_path, lambda d: d["parameters"].pop("L2.N1.b"))
    _assert_load_fails_and_changes_nothing(path, "missing 'L2.N1.b', unexpected none")
    path = _edited(tmp_path, lambda d: d["parameters"].update(extra=1.0))
    _assert_load_fails_and_changes_nothing(path, "missing none, unexpected 'extra'")
    path = _edited(tmp_path, lambda d: d["parameters"].update({"L3.N0.b": "0.5"}))
    _assert_load_fails_and_changes_nothing(path, "parameter 'L3.N0.b' must be a number")
    path = _edited(tmp_path, lambda d: d["parameters"].update({"L1.N0.w0": float("nan")}))
    _assert_load_fails_and_changes_nothing(path, "parameter 'L1.N0.w0' is nan")
    path = _edited(tmp_path, lambda d: d.pop("architecture"))
    _assert_load_fails_and_changes_nothing(path, "has no 'architecture' object")


def test_load_state_dict_checks_everything_before_changing_anything() -> None:
    model = _trained_looking()
    before = _bits(model)
    state: dict[str, object] = dict(model.state_dict())
    state["L1.N0.w0"] = 123.0
    state["L3.N0.b"] = True
    with pytest.raises(ValueError, match=r"parameter 'L3\.N0\.b' must be a number, got True"):
        model.load_state_dict(state)
    assert _bits(model) == before


def test_saving_a_diverged_model_is_refused(tmp_path: Path) -> None:
    model = _trained_looking()
    model.layers[0].neurons[0].b.data = float("inf")
    with pytest.raises(ValueError, match=r"parameter 'L1\.N0\.b' is inf"):
        model.save(tmp_path / "m.json")
    assert not os.listdir(tmp_path)


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
@pytest.mark.parametrize(("mask", "mode"), [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)],
                         ids=["umask-022", "umask-077", "umask-002"])
def test_a_new_file_gets_the_mode_the_umask_gives(
    tmp_path: Path, umask: Callable[[int], None], mask: int, mode: int
) -> None:
    umask(mask)
    _trained_looking(0).save(tmp_path / "model.json")
    assert stat.S_IMODE(os.stat(tmp_path / "model.json").st_mode) == mode
    assert os.listdir(tmp_path) == ["model.json"]


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
@pytest.mark.parametrize("mode", [0o644, 0o640, 0o666, 0o600], ids=oct)
def test_saving_over_a_file_keeps_its_mode(
    tmp_path: Path, umask: Callable[[int], None], mode: int
) -> None:
    umask(0o077)
    path = tmp_path / "model.json"
    path.write_text("{}")
    path.chmod(mode)
    _trained_looking(0).save(path)
    assert stat.S_IMODE(os.stat(path).st_mode) == mode
    assert load_model(path).state_dict() == _trained_looking(0).state_dict()


def test_saving_into_a_folder_that_does_not_exist_names_the_folder(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=r"there is no folder '.*nowhere'"):
        MLP(2, [1], seed=0).save(tmp_path / "nowhere" / "model.json")
    assert list(tmp_path.iterdir()) == []


_KILLED_SAVE = """
import os, signal, sys
from nn import MLP
os.fsync = lambda fd: os.kill(os.getpid(), signal.SIGKILL)  # die with the model half-saved
MLP(2, [5, 3, 1], seed=int(sys.argv[2])).save(sys.argv[1])
"""


@pytest.mark.skipif(os.name != "posix", reason="kill -9 is POSIX")
def test_saves_killed_with_sigkill_leave_at_most_one_leftover_which_the_next_save_removes(
    tmp_path: Path,
) -> None:
    path = tmp_path / "model.json"
    _trained_looking(0).save(path)
    for seed in range(3):
        killed = subprocess.run([sys.executable, "-c", _KILLED_SAVE, str(path), str(seed)],
                                check=False)
        assert killed.returncode == -signal.SIGKILL
        assert sorted(os.listdir(tmp_path)) == [".model.json.chainrule-tmp", "model.json"]
        assert _bits(load_model(path)) == _bits(_trained_looking(0))  # type: ignore[arg-type]
    _trained_looking(1).save(path)
    assert os.listdir(tmp_path) == ["model.json"]
    assert _bits(load_model(path)) == _bits(_trained_looking(1))  # type: ignore[arg-type]


@pytest.mark.skipif(os.name != "posix", reason="symbolic links")
def test_saving_through_a_symbolic_link_writes_its_target_and_keeps_the_link(
    tmp_path: Path,
) -> None:
    (tmp_path / "runs").mkdir()
    real = tmp_path / "runs" / "model-v1.json"
    _trained_looking(0).save(real)
    real.chmod(0o640)
    link = tmp_path / "model.json"
    link.symlink_to(real)
    _trained_looking(1).save(link)
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert _bits(load_model(real)) == _bits(_trained_looking(1))  # type: ignore[arg-type]
    assert stat.S_IMODE(os.stat(real).st_mode) == 0o640
    assert sorted(os.listdir(tmp_path / "runs")) == ["model-v1.json"]


@pytest.mark.skipif(os.name != "posix", reason="flock is POSIX")
def test_a_save_waits_while_another_holds_the_temporary_file(tmp_path: Path) -> None:
    import fcntl

    path = tmp_path / "model.json"
    _trained_looking(0).save(path)
    temporary = tmp_path / ".model.json.chainrule-tmp"
    holder = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    fcntl.flock(holder, fcntl.LOCK_EX)  # as a save in progress holds it
    saving = threading.Thread(target=_trained_looking(1).save, args=(path,))
    saving.start()
    saving.join(0.5)
    assert saving.is_alive()  # waiting its turn, not writing into the other save's file
    assert _bits(load_model(path)) == _bits(_trained_looking(0))  # type: ignore[arg-type]
    os.close(holder)  # the other save dies without renaming: its file is a leftover now
    saving.join(10)
    assert not saving.is_alive()
    assert _bits(load_model(path)) == _bits(_trained_looking(1))  # type: ignore[arg-type]
    assert os.listdir(tmp_path) == ["model.json"]


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_a_read_only_leftover_does_not_block_the_next_save(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "model.json"
    _trained_looking(0).save(path)
    leftover = tmp_path / ".model.json.chainrule-tmp"
    leftover.write_text('{"half": ')  # a save of a read-only model, killed after its chmod
    leftover.chmod(0o444)
    path.chmod(0o444)
    real_open = os.open

    def as_a_user(file: str, flags: int, mode: int = 0o777) -> int:
        """os.open as it is for anyone but root, whom file modes do not stop."""
        writes = flags & (os.O_WRONLY | os.O_RDWR) and not flags & os.O_EXCL
        if writes and os.path.exists(file) and not os.stat(file).st_mode & 0o200:
            raise PermissionError(13, "Permission denied", file)
        return real_open(file, flags, mode)

    monkeypatch.setattr(os, "open", as_a_user)
    _trained_looking(1).save(path)
    monkeypatch.undo()
    assert _bits(load_model(path)) == _bits(_trained_looking(1))  # type: ignore[arg-type]
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o444
    assert os.listdir(tmp_path) == ["model.json"]


@pytest.mark.skipif(os.name != "posix", reason="symbolic links and named pipes")
def test_a_link_to_something_other_than_a_file_is_never_replaced(tmp_path: Path) -> None:
    """As a link to /dev/null (a way to throw output away), tried on a named pipe of our own:
    a test that failed must not replace the machine's /dev/null."""
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    (tmp_path / "model.json").symlink_to(pipe)
    with pytest.raises(FileExistsError, match=f"{re.escape(repr(str(pipe)))} is not a regular"):
        _trained_looking(0).save(tmp_path / "model.json")
    assert stat.S_ISFIFO(os.stat(pipe).st_mode)
    (tmp_path / "folder.json").mkdir()
    with pytest.raises(FileExistsError, match="is not a regular file"):
        _trained_looking(0).save(tmp_path / "folder.json")


def test_a_name_as_long_as_the_file_system_allows_still_saves(tmp_path: Path) -> None:
    path = tmp_path / ("m" * 245 + ".json")  # 250 bytes: the temporary name is made shorter
    _trained_looking(0).save(path)
    assert _bits(load_model(path)) == _bits(_trained_looking(0))  # type: ignore[arg-type]
    assert os.listdir(tmp_path) == [path.name]


def test_saves_of_one_file_from_many_threads_at_once_always_leave_a_whole_model(
    tmp_path: Path,
) -> None:
    path = tmp_path / "model.json"
    models = [_trained_looking(seed) for seed in range(4)]
    models[0].save(path)
    expected = {tuple(_bits(model)) for model in models}
    failures: list[BaseException] = []

    def save_often(model: MLP) -> None:
        try:
            for _ in range(15):
                model.save(path)
        except BaseException as error:
            failures.append(error)

    def load_often() -> None:
        try:
            for _ in range(40):
                assert tuple(_bits(load_model(path))) in expected  # type: ignore[arg-type]
        except BaseException as error:
            failures.append(error)

    threads = [threading.Thread(target=save_often, args=(m,)) for m in models]
    threads.append(threading.Thread(target=load_often))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert os.listdir(tmp_path) == ["model.json"]
    assert tuple(_bits(load_model(path))) in expected  # type: ignore[arg-type]


def test_a_path_that_names_a_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(IsADirectoryError, match="a path ending in '/' names a folder"):
        _trained_looking(0).save(f"{tmp_path}/model.json/")
    assert list(tmp_path.iterdir()) == []
