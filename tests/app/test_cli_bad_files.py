"""Bad files on the command line and as the settings file (issue 12): `main.py FILE` and
`main.py record FILE` on a FIFO, a link to /dev/zero or /dev/urandom, a folder or a file with an
integer too large for a double print one line naming the file and exit 2; a settings file that
is not a regular file of at most 1 MB is moved aside and the app starts with default settings."""
from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from nnsim.engine import Network
from nnsim.engine.fileformat import network_to_dict

ROOT = Path(__file__).resolve().parents[2]


def run_main(*args, env=None, timeout=120):
    full_env = {k: v for k, v in os.environ.items()
                if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    full_env.update(env or {})
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], capture_output=True,
                          text=True, env=full_env, timeout=timeout, cwd=ROOT)


@pytest.fixture
def bad_files(tmp_path):
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    zero = tmp_path / "zero.json"
    zero.symlink_to("/dev/zero")
    urandom = tmp_path / "random.json"
    urandom.symlink_to("/dev/urandom")
    folder = tmp_path / "folder.json"
    folder.mkdir()
    huge = tmp_path / "huge.json"
    huge.write_text(json.dumps(network_to_dict(Network.layered([2, 1], seed=0)))
                    .replace('"bias": 0.0', '"bias": ' + "9" * 400, 1))
    return {fifo: "is a pipe (FIFO), not a file", zero: "is a device, not a file",
            urandom: "is a device, not a file", folder: "is a folder, not a file",
            huge: "neurons[0].bias: a 400-digit integer is too large"}


def test_main_and_record_refuse_a_bad_file_in_one_line_with_exit_2(bad_files, tmp_path):
    for path, words in bad_files.items():
        for args, prefix in (((str(path),), "nnsim: "),
                             (("record", str(path), "--out", str(tmp_path / "o.gif")),
                              "nnsim record: ")):
            result = run_main(*args)
            lines = result.stderr.strip().splitlines()
            assert result.returncode == 2, (args, result.stderr[-2000:])
            assert lines == [f"{prefix}{path}: {lines[0].split(': ', 2)[2]}"], lines
            assert words in lines[0], lines
            assert "Traceback" not in result.stderr and "MemoryError" not in result.stderr
    assert not (tmp_path / "o.gif").exists()


# ---------------------------------------------------------------------- the settings file
def test_the_app_starts_with_a_fifo_as_its_settings_file(tmp_path):
    settings = tmp_path / "settings"
    settings.mkdir()
    os.mkfifo(settings / "nnsim.ini")
    result = run_main(env={"NNSIM_SETTINGS_DIR": str(settings), "NNSIM_STARTUP_PROBE": "1",
                           "QT_QPA_PLATFORM": "offscreen"})
    assert result.returncode == 0 and "nnsim: window shown" in result.stdout, result.stderr[-2000:]
    assert (settings / "nnsim.ini.damaged").is_fifo()
    assert (settings / "nnsim.ini").is_file()  # a fresh one, written by the app
    assert f"the settings file {settings / 'nnsim.ini'} is a pipe (FIFO), not a file; moved it " \
           "to nnsim.ini.damaged" in result.stderr


MAKE_SETTINGS = (
    "from nnsim.app.settings import make_settings\n"
    "s = make_settings(); s.setValue('k', 1); s.sync()\n"
    "print(s.fileName(), s.value('k'))\n"
)


@pytest.mark.parametrize("kind, words", [
    ("zero", "is a device, not a file"),
    ("urandom", "is a device, not a file"),
    ("folder", "is a folder, not a file"),
    ("big", "is 2.0 MB, over the limit of 1 MB"),
    ("loop", "cannot be read (Too many levels of symbolic links)"),
])
def test_a_settings_file_qt_must_not_read_is_moved_aside(tmp_path, kind, words):
    settings = tmp_path / "settings"
    settings.mkdir()
    ini = settings / "nnsim.ini"
    if kind == "zero":
        ini.symlink_to("/dev/zero")
    elif kind == "urandom":
        ini.symlink_to("/dev/urandom")
    elif kind == "folder":
        ini.mkdir()
    elif kind == "big":
        ini.write_bytes(b"[General]\n" + b"x=1\n" * (512 * 1024))
    else:
        ini.symlink_to(ini)
    env = {**os.environ, "NNSIM_SETTINGS_DIR": str(settings), "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run([sys.executable, "-c", MAKE_SETTINGS], capture_output=True, text=True,
                            env=env, timeout=120, cwd=ROOT)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split() == [str(ini), "1"]  # Qt reads and writes a fresh file there
    assert os.path.lexists(settings / "nnsim.ini.damaged") and ini.is_file()
    assert f"the settings file {ini} {words}; moved it to nnsim.ini.damaged" in result.stderr


def test_a_good_settings_file_is_kept_and_a_stuck_one_is_kept_clear_of(private_settings,
                                                                         monkeypatch, caplog):
    from nnsim.app import settings as settings_module

    private_settings.mkdir(parents=True, exist_ok=True)
    ini = private_settings / "nnsim.ini"
    ini.write_text("[General]\nk=7\n")
    assert settings_module.make_settings().value("k") == "7"
    assert sorted(p.name for p in private_settings.iterdir()) == ["nnsim.ini"]
    # a folder where the file should be, that cannot be moved: the session's settings go elsewhere
    ini.unlink()
    ini.mkdir()

    def cannot_move(path):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(settings_module, "move_aside", cannot_move)
    with caplog.at_level(logging.WARNING, logger="nnsim.app.settings"):
        qsettings = settings_module.make_settings()
    assert Path(qsettings.fileName()).parent != private_settings and ini.is_dir()
    qsettings.setValue("k", 3)
    assert qsettings.value("k") == 3
    assert f"the settings file {ini} is a folder, not a file and cannot be moved aside " \
           "(Permission denied); settings are not kept this session" in caplog.text


def test_the_native_store_files_are_guarded_too(tmp_path, monkeypatch):
    """Without the override, the user's INI files of Qt's native store on Linux: the
    application's and the organisation's fallback, under XDG_CONFIG_HOME."""
    from nnsim.app import settings as settings_module

    monkeypatch.delenv("NNSIM_SETTINGS_DIR")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    files = settings_module.settings_files()
    assert files == [tmp_path / "config" / "nnsim" / "nnsim.conf", tmp_path / "config" / "nnsim.conf"]
    files[0].parent.mkdir(parents=True)
    files[0].symlink_to("/dev/zero")
    os.mkfifo(files[1])
    assert settings_module.guard_settings_files()
    assert os.path.islink(files[0].with_name("nnsim.conf.damaged"))
    assert files[1].with_name("nnsim.conf.damaged").is_fifo()
    assert not os.path.lexists(files[0]) and not os.path.lexists(files[1])
