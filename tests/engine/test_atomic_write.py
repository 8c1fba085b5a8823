"""Saving: through a symbolic link to its target, never over a read-only file without leave,
never over anything that is not a regular file, errors naming the user's file, and temporary
files of a save killed midway cleaned at a later save."""
from __future__ import annotations

import errno
import os
import pwd
import signal
import socket
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from bounded import run_each

from nnsim.engine import atomic_write
from nnsim.engine.atomic_write import (
    STALE_AFTER_S,
    TEMP_NAME,
    ReadOnlyFile,
    SaveError,
    atomic_file,
    clean_stale_temporaries,
    replacing_read_only,
    write_json_atomic,
    write_text_atomic,
)
from nnsim.engine.fileformat import load_network
from nnsim.engine.network import Network

ROOT = Path(__file__).resolve().parents[2]


def leftovers(*folders: Path) -> list[str]:
    return [name for folder in folders for name in os.listdir(folder) if TEMP_NAME.fullmatch(name)]


# ---------------------------------------------------------------------- symbolic links
def test_a_save_through_a_symlink_updates_its_target_and_the_link_stays(tmp_path):
    real_dir, link_dir = tmp_path / "real", tmp_path / "links"
    real_dir.mkdir()
    link_dir.mkdir()
    target = real_dir / "net.json"
    target.write_text("old")
    link = link_dir / "net.json"
    link.symlink_to(os.path.relpath(target, link_dir))
    chain = link_dir / "chain.json"  # a link to the link
    chain.symlink_to("net.json")

    Network.layered([2, 3, 1], seed=0).save(chain)

    assert link.is_symlink() and chain.is_symlink()
    assert os.readlink(link) == os.path.relpath(target, link_dir)  # the links are untouched
    assert os.readlink(chain) == "net.json"
    assert not target.is_symlink() and target.is_file()
    assert load_network(target) == Network.layered([2, 3, 1], seed=0)
    assert sorted(os.listdir(link_dir)) == ["chain.json", "net.json"]
    assert os.listdir(real_dir) == ["net.json"]  # no temporary file left in either folder


def test_the_temporary_file_is_made_in_the_targets_folder(tmp_path, monkeypatch):
    """An atomic rename works only within one file system: the new content is written beside
    the target, not beside the link."""
    (tmp_path / "real").mkdir()
    (tmp_path / "links").mkdir()
    (tmp_path / "real" / "w.json").write_text("old")
    (tmp_path / "links" / "w.json").symlink_to(tmp_path / "real" / "w.json")
    renames = []
    real_replace = os.replace
    monkeypatch.setattr(os, "replace", lambda a, b: renames.append((a, b)) or real_replace(a, b))
    write_text_atomic("new", tmp_path / "links" / "w.json")
    [(tmp, dest)] = renames
    assert Path(tmp).parent == tmp_path / "real" and Path(dest) == tmp_path / "real" / "w.json"
    assert (tmp_path / "real" / "w.json").read_text() == "new"


def test_a_dangling_link_gets_its_target_made(tmp_path):
    link = tmp_path / "link.json"
    link.symlink_to("made.json")
    write_text_atomic("hello", link)
    assert link.is_symlink() and (tmp_path / "made.json").read_text() == "hello"


def test_links_that_loop_are_refused_naming_the_link(tmp_path):
    (tmp_path / "a").symlink_to("b")
    (tmp_path / "b").symlink_to("a")
    with pytest.raises(SaveError) as caught:
        write_text_atomic("x", tmp_path / "a")
    assert str(caught.value) == f"{tmp_path / 'a'}: is a symbolic link that loops"
    assert (tmp_path / "a").is_symlink() and (tmp_path / "b").is_symlink()


# ---------------------------------------------------------------------- read-only files
def test_a_read_only_file_is_refused_and_kept(tmp_path):
    """Our own check, which holds even for root (these tests run as root, who may write
    anything): no write permission bit means the owner wants the file kept."""
    path = tmp_path / "kept.json"
    path.write_text("precious")
    path.chmod(0o444)
    with pytest.raises(ReadOnlyFile) as caught:
        Network.layered([2, 1]).save(path)
    assert str(caught.value) == f"{path}: is read-only"
    assert caught.value.filename == str(path) and caught.value.errno == errno.EACCES
    assert path.read_text() == "precious" and stat.S_IMODE(path.stat().st_mode) == 0o444
    assert os.listdir(tmp_path) == ["kept.json"]


def test_a_read_only_file_is_replaced_when_the_user_says_so_and_stays_read_only(tmp_path):
    path = tmp_path / "ro.json"
    path.write_text("old")
    path.chmod(0o444)
    link = tmp_path / "link.json"
    link.symlink_to(path)
    with replacing_read_only(link):  # the user was asked about the file they chose
        write_json_atomic({"a": 1}, link)
    assert path.read_text() == '{\n "a": 1\n}\n' and stat.S_IMODE(path.stat().st_mode) == 0o444
    with pytest.raises(ReadOnlyFile):  # the leave was for that save only
        write_text_atomic("again", link)
    write_text_atomic("forced", path, replace_read_only=True)
    assert path.read_text() == "forced"


def _save_as(uid: int, gid: int, path: Path) -> tuple[str, str]:
    """Fork; in the child, become uid/gid and save to `path`.  ("ok" | error class, message)."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        code = 0
        try:
            os.close(read_end)
            os.setgroups([])
            os.setgid(gid)
            os.setuid(uid)
            try:
                write_text_atomic("replaced", path)
                result = "ok\n"
            except OSError as exc:
                result = f"{type(exc).__name__}\n{exc}"
            os.write(write_end, result.encode())
        except BaseException:  # noqa: BLE001 - nothing may escape a forked child
            code = 1
        finally:
            os._exit(code)
    os.close(write_end)
    with os.fdopen(read_end) as pipe:
        answer = pipe.read()
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0, "the child could not switch user"
    kind, _, message = answer.partition("\n")
    return kind, message


def test_a_read_only_file_is_refused_for_a_normal_user(tmp_path):
    """As a non-root user, in a folder that user may write, where a rename would silently
    replace the file (the bug): the save is refused and the file kept."""
    if os.geteuid() != 0:
        pytest.skip("needs root to switch to another user (as a normal user, "
                    "test_a_read_only_file_is_refused_and_kept is this test)")
    try:
        nobody = pwd.getpwnam("nobody")
    except KeyError:
        pytest.skip("no user 'nobody' to switch to")
    folder = Path(tempfile_dir())
    try:
        os.chown(folder, nobody.pw_uid, nobody.pw_gid)
        path = folder / "theirs.json"
        path.write_text("precious")
        os.chown(path, nobody.pw_uid, nobody.pw_gid)
        path.chmod(0o444)
        kind, message = _save_as(nobody.pw_uid, nobody.pw_gid, path)
        assert (kind, message) == ("ReadOnlyFile", f"{path}: is read-only")
        assert path.read_text() == "precious" and os.listdir(folder) == ["theirs.json"]
        path.chmod(0o644)  # writable by them: the same save goes through
        assert _save_as(nobody.pw_uid, nobody.pw_gid, path) == ("ok", "")
        assert path.read_text() == "replaced" and path.stat().st_uid == nobody.pw_uid
    finally:
        for name in os.listdir(folder):
            os.unlink(folder / name)
        os.rmdir(folder)


def tempfile_dir() -> str:
    """A fresh folder under /tmp (pytest's tmp_path is private to root: nobody cannot enter)."""
    import tempfile

    return tempfile.mkdtemp(prefix="nnsim-atomic-test-", dir="/tmp")


def test_the_owner_of_a_file_is_kept_when_root_saves_it(tmp_path):
    if os.geteuid() != 0:
        pytest.skip("only root may give a file to another user")
    path = tmp_path / "shared.json"
    path.write_text("old")
    os.chown(path, 65534, 65534)
    write_text_atomic("new", path)
    assert (path.stat().st_uid, path.stat().st_gid) == (65534, 65534)
    assert path.read_text() == "new"


# ---------------------------------------------------------------------- not regular files
def _special_files(tmp_path: Path) -> dict[str, Path]:
    folder = tmp_path / "folder.json"
    folder.mkdir()
    (folder / "inside").write_text("kept")
    fifo = tmp_path / "fifo.json"
    os.mkfifo(fifo)
    sock = tmp_path / "sock.json"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(sock))
    server.close()
    found = {"folder": folder, "fifo": fifo, "socket": sock}
    link = tmp_path / "link-to-fifo.json"
    link.symlink_to(fifo)
    found["link to a fifo"] = link
    if os.geteuid() == 0:  # a device node of our own (never the real /dev/null: a bug would replace it)
        dev = tmp_path / "null.json"
        os.mknod(dev, stat.S_IFCHR | 0o666, os.makedev(1, 3))
        found["device"] = dev
    return found


def test_anything_but_a_regular_file_is_refused_at_once_and_left_as_it_was(tmp_path):
    specials = _special_files(tmp_path)
    args = [["text", str(p)] for p in specials.values()]
    results = run_each("nnsim.engine.atomic_write:write_text_atomic", args, timeout=60)
    kinds = {"folder": "a folder", "fifo": "a pipe (FIFO)", "socket": "a socket",
             "link to a fifo": "a pipe (FIFO)", "device": "a device"}
    for (what, path), result in zip(specials.items(), results, strict=True):
        assert result["error"] == "SaveError", (what, result)
        assert result["message"] == f"{path}: is {kinds[what]}, not a file", (what, result)
        assert result["cpu"] < 2
    assert (specials["folder"] / "inside").read_text() == "kept"
    assert stat.S_ISFIFO(os.stat(specials["fifo"]).st_mode)
    assert stat.S_ISSOCK(os.lstat(specials["socket"]).st_mode)
    assert specials["link to a fifo"].is_symlink()
    if "device" in specials:
        assert stat.S_ISCHR(os.lstat(specials["device"]).st_mode)
    assert leftovers(tmp_path) == []


# ---------------------------------------------------------------------- errors name the user's file
def test_errors_name_the_users_file_never_the_temporary_one(tmp_path, monkeypatch):
    path = tmp_path / "mine.json"
    path.write_text("old")

    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(SaveError) as caught:
        write_text_atomic("new", path)
    assert str(caught.value) == f"{path}: No space left on device"
    assert caught.value.errno == errno.ENOSPC and caught.value.filename == str(path)
    monkeypatch.undo()

    def cross_device(src, dst):
        raise OSError(errno.EXDEV, "Invalid cross-device link", src, None, dst)

    monkeypatch.setattr(os, "replace", cross_device)
    with pytest.raises(SaveError) as caught:
        write_text_atomic("new", path)
    assert str(caught.value) == f"{path}: Invalid cross-device link"
    assert "nnsim-" not in repr(caught.value) and ".tmp" not in repr(caught.value)
    monkeypatch.undo()
    assert path.read_text() == "old" and os.listdir(tmp_path) == ["mine.json"]

    with pytest.raises(SaveError) as caught:  # no such folder
        write_text_atomic("x", tmp_path / "no" / "such.json")
    assert str(caught.value) == f"{tmp_path / 'no' / 'such.json'}: No such file or directory"


def test_a_folder_we_may_not_write_names_the_file(tmp_path):
    if os.geteuid() == 0:
        pytest.skip("root may write any folder")
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        with pytest.raises(SaveError) as caught:
            write_text_atomic("x", folder / "f.json")
        assert str(caught.value) == f"{folder / 'f.json'}: Permission denied"
    finally:
        folder.chmod(0o755)


def test_an_error_of_the_callers_own_about_another_file_is_left_as_it_is(tmp_path):
    with pytest.raises(FileNotFoundError) as caught:
        with atomic_file(tmp_path / "out.json") as fh:
            fh.write("x")
            open(tmp_path / "source.csv")  # noqa: SIM115 - the caller reads something that is not there
    assert caught.value.filename == str(tmp_path / "source.csv")
    assert os.listdir(tmp_path) == []


# ---------------------------------------------------------------------- killed midway
def _leftover(folder: Path, name: str, pid: int, age: float, rand: str = "abc12_xy") -> Path:
    path = folder / f".{name}.nnsim-{pid}-{rand}.tmp"
    path.write_text("half")
    then = time.time() - age
    os.utime(path, (then, then))
    return path


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_a_stale_temporary_file_of_ours_is_removed_at_the_next_save(tmp_path):
    dead = _dead_pid()
    old = STALE_AFTER_S + 60
    stale = _leftover(tmp_path, "net.json", dead, old)
    other_file = _leftover(tmp_path, "other.json", dead, old)  # any of our files in the folder
    young = _leftover(tmp_path, "net.json", dead, 5, "young_01")  # a save may still be under way elsewhere
    live = _leftover(tmp_path, "net.json", 1, old, "live0_01")  # its process runs
    not_ours = [tmp_path / n for n in (".net.json.abc12_xy.tmp", "net.json.nnsim-1-abc12_xy.tmp",
                                       f".net.json.nnsim-{dead}-abc12_xy.tmp.bak",
                                       f".net.json.nnsim-{dead}-abc12_x.tmp", "notes.txt")]
    for p in not_ours:
        p.write_text("someone else's")
        os.utime(p, (time.time() - old, time.time() - old))
    folder_named_like_ours = tmp_path / f".dir.nnsim-{dead}-abc12_xy.tmp"
    folder_named_like_ours.mkdir()
    os.utime(folder_named_like_ours, (time.time() - old, time.time() - old))
    link_named_like_ours = tmp_path / f".link.nnsim-{dead}-abc12_xy.tmp"
    link_named_like_ours.symlink_to("notes.txt")

    write_text_atomic("new", tmp_path / "net.json")

    assert not stale.exists() and not other_file.exists()
    assert young.exists() and live.exists()
    assert all(p.read_text() == "someone else's" for p in not_ours)
    assert folder_named_like_ours.is_dir() and link_named_like_ours.is_symlink()
    assert (tmp_path / "net.json").read_text() == "new"


def test_a_stale_file_of_another_user_is_left_alone(tmp_path):
    if os.geteuid() != 0:
        pytest.skip("needs root to give a file to another user")
    theirs = _leftover(tmp_path, "net.json", _dead_pid(), STALE_AFTER_S + 60)
    os.chown(theirs, 65534, 65534)
    assert clean_stale_temporaries(tmp_path) == []
    assert theirs.exists()


def test_a_save_killed_midway_keeps_the_old_file_and_its_leftover_is_cleaned_later(tmp_path):
    """A real kill -9 of a process in the middle of writing (it has written part of the new
    content and waits): the old file is whole, and the next save once the leftover is stale
    removes it."""
    path = tmp_path / "work.json"
    path.write_text("the old content")
    writer = ("import sys, time\n"
              "from nnsim.engine.atomic_write import atomic_file\n"
              "with atomic_file(sys.argv[1]) as fh:\n"
              "    fh.write('half of the new'); fh.flush()\n"
              "    print('writing', flush=True)\n"
              "    time.sleep(600)\n"
              "    fh.write(' content')\n")
    child = subprocess.Popen([sys.executable, "-c", writer, str(path)], stdout=subprocess.PIPE,
                             text=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        assert child.stdout.readline().strip() == "writing"
        [name] = leftovers(tmp_path)
        assert (tmp_path / name).read_text() == "half of the new"
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
        child.stdout.close()
    assert path.read_text() == "the old content"
    [name] = leftovers(tmp_path)
    assert int(TEMP_NAME.fullmatch(name)["pid"]) == child.pid

    write_text_atomic("saved again", path)  # at once: too young to be sure it is abandoned
    assert leftovers(tmp_path) == [name]
    then = time.time() - STALE_AFTER_S - 1
    os.utime(tmp_path / name, (then, then))
    write_text_atomic("and again", path)
    assert leftovers(tmp_path) == [] and path.read_text() == "and again"


def test_a_failed_save_removes_its_temporary_file_and_keeps_the_old_one(tmp_path):
    path = tmp_path / "w.json"
    path.write_text("old")
    with pytest.raises(ValueError):
        with atomic_file(path) as fh:
            fh.write("new")
            raise ValueError("the caller gave up")
    assert path.read_text() == "old" and os.listdir(tmp_path) == ["w.json"]


def test_new_files_get_the_usual_permissions_and_existing_ones_keep_theirs(tmp_path):
    umask = os.umask(0o022)
    try:
        write_text_atomic("x", tmp_path / "new.json")
        assert stat.S_IMODE((tmp_path / "new.json").stat().st_mode) == 0o644
        (tmp_path / "old.json").write_text("y")
        (tmp_path / "old.json").chmod(0o600)
        write_text_atomic("z", tmp_path / "old.json")
        assert stat.S_IMODE((tmp_path / "old.json").stat().st_mode) == 0o600
    finally:
        os.umask(umask)


def test_temporary_names_match_the_pattern_the_cleaner_looks_for(tmp_path, monkeypatch):
    seen = []
    real_replace = os.replace
    monkeypatch.setattr(os, "replace", lambda a, b: seen.append(a) or real_replace(a, b))
    long_name = "n" * 240 + ".json"  # a temporary name stays under the 255-byte limit
    write_text_atomic("x", tmp_path / long_name)
    write_text_atomic("x", tmp_path / "line\nbreak.json")
    for tmp in seen:
        match = atomic_write.TEMP_NAME.fullmatch(os.path.basename(tmp))
        assert match and int(match["pid"]) == os.getpid()
    assert sorted(os.listdir(tmp_path)) == sorted([long_name, "line\nbreak.json"])
