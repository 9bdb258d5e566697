"""An output folder's storage, local or gs://: paths and JSON through Beam's FileSystems, the few local
operations publishing needs to be crash-safe (fsync, atomic writes, hard links), and the lock that lets
one run at a time write an output.

The lock is `<output>/_lock`, a small JSON record naming its holder (host, pid, run id, start). A local
lock file is made complete beside its final name and then hard-linked there, which fails if a lock is
already there, so no one ever sees a half-written lock; its holder keeps it `flock`ed for as long as it
runs, and the kernel drops that lock when the process dies, however it dies. A lock file that nobody
holds, left on this host, is therefore a dead run's and is taken over, saying so; one naming another
host is left to the user (a network file system may not share `flock`s). On gs:// the lock is an object
created only if absent (a generation precondition); its holder's liveness can only be told on the same
host, by its pid.
"""
from __future__ import annotations

import datetime as dt
import errno
import fcntl
import hashlib
import json
import os
import shutil
import socket
import sys
import uuid
from dataclasses import dataclass

from apache_beam.io.filesystem import CompressionTypes
from apache_beam.io.filesystems import FileSystems

from schemas.layout import LEGACY_DATA_CARD, LOCK, VERSIONS, version_link


def join(base: str, *parts: str) -> str:
    return FileSystems.join(base, *parts) if parts else base


def is_local(path: str) -> bool:
    return "://" not in path


def write_json(path: str, data) -> None:
    """A small JSON record (staged-file lists, input checksums) in the staging area."""
    with FileSystems.create(path, compression_type=CompressionTypes.UNCOMPRESSED) as handle:
        handle.write(json.dumps(data, indent=1).encode("utf-8"))


def read_json(path: str):
    with FileSystems.open(path, compression_type=CompressionTypes.UNCOMPRESSED) as handle:
        return json.loads(handle.read().decode("utf-8"))


# ---------------------------------------------------------------------------------------------------
# Crash-safe local operations


def fsync_path(path: str) -> None:
    """Forces a file's or a folder's content (a folder's: its entries) to the disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_text_atomically(path: str, text: str) -> None:
    """Replaces `path` with `text` so that a reader sees the old text or the new, never a part.

    Local: a hidden temporary file beside it, synced, renamed over it, and the folder synced, so the
    new name survives a power cut. gs://: an object appears whole when its upload ends.
    """
    data = text.encode("utf-8")
    if not is_local(path):
        with FileSystems.create(path, compression_type=CompressionTypes.UNCOMPRESSED) as handle:
            handle.write(data)
        return
    folder, name = os.path.split(path)
    temporary = os.path.join(folder, f".{name}.tmp-{uuid.uuid4().hex[:8]}")
    try:
        with open(temporary, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        _remove_quietly(temporary)
        raise
    fsync_path(folder or ".")


def link_or_copy(source: str, target: str) -> None:
    """`target` as a second name of `source` (published files are never changed in place, so versions
    share them); copied where the file system has no hard links."""
    try:
        os.link(source, target)
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.EXDEV, errno.EMLINK, errno.ENOTSUP, errno.EOPNOTSUPP):
            raise
        shutil.copyfile(source, target)


def sync_tree(folder: str) -> None:
    """Syncs every file and folder under `folder` (files last written by workers were never synced)."""
    for root, _, files in os.walk(folder):
        for name in files:
            fsync_path(os.path.join(root, name))
        fsync_path(root)


def _remove_quietly(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


# ---------------------------------------------------------------------------------------------------
# Version folders of local datasets (publish.py says how they are used)


class OutputStateError(Exception):
    """The output holds something publishing will not touch (the message says what and what to do)."""


def dataset_folder(output: str, dataset: str) -> str:
    """Where a dataset's files are now: its current version folder (local), else `<output>/<dataset>`.

    Resolving the symlink once pins a reader to one version, whatever is published meanwhile.
    """
    state = current_version(output, dataset)
    if state and state[0] is not None:
        return join(output, VERSIONS, dataset, state[0])
    return join(output, dataset)


def current_version(output: str, dataset: str) -> tuple[str | None, bool] | None:
    """(version, legacy) of a local dataset: its version's name, or (None, True) for a plain folder; None
    when there is no dataset. gs:// datasets have no versions: (None, False)."""
    if not is_local(output):
        return None, False
    path = os.path.join(output, dataset)
    if os.path.islink(path):
        target = os.readlink(path)
        version = target.rsplit("/", 1)[-1]
        if target != version_link(dataset, version) or not version or version.startswith("."):
            raise OutputStateError(f"{path} is a symlink to {target}, which wikidumps did not make; move it away")
        return version, False
    if os.path.isdir(path):
        return None, True
    if os.path.lexists(path):
        raise OutputStateError(f"{path} is a file where a dataset would go; move it away")
    return None


def fresh_version_name(output: str, dataset: str, base: str) -> str:
    """`base`, or `base-2`, `base-3`... if a version of that name is there (a re-used run id, a leftover)."""
    name, n = base, 1
    while os.path.lexists(join(output, VERSIONS, dataset, name)):
        n += 1
        name = f"{base}-{n}"
    return name


def switch_version(output: str, dataset: str, version: str, legacy_old: str | None = None) -> None:
    """`<output>/<dataset>` becomes a symlink to its version `version`, by one rename.

    A plain folder (the layout before versions) is first moved to the version `legacy_old`: for that
    instant, once per dataset, the dataset is absent (docs/decisions.md).
    """
    link = join(output, dataset)
    temporary = join(output, VERSIONS, dataset, f".link-{uuid.uuid4().hex[:8]}")
    os.symlink(version_link(dataset, version), temporary)  # relative: right once it is at `link`
    try:
        if os.path.isdir(link) and not os.path.islink(link):
            os.replace(link, join(output, VERSIONS, dataset, legacy_old or fresh_version_name(output, dataset, "legacy")))
        os.replace(temporary, link)
    finally:
        if os.path.lexists(temporary):
            os.unlink(temporary)
    fsync_path(output)


def retire_versions(output: str, dataset: str) -> None:
    """Removes every version of a dataset that its symlink does not point to (no reader reaches them)."""
    folder = join(output, VERSIONS, dataset)
    if not os.path.isdir(folder):
        return
    state = current_version(output, dataset)
    keep = state[0] if state else None
    for entry in os.listdir(folder):
        if entry != keep:
            path = join(folder, entry)
            if os.path.isdir(path) and not os.path.islink(path):
                shutil.rmtree(path, ignore_errors=True)
            else:
                os.unlink(path)
    if keep is None:
        shutil.rmtree(folder, ignore_errors=True)


# ---------------------------------------------------------------------------------------------------
# The output's lock


class OutputLocked(Exception):
    """Another run is writing the output (the message names it and says what to do)."""

    def __init__(self, output: str, holder: dict):
        self.output = output
        self.holder = holder
        super().__init__(
            f"{output} is being written by run {holder.get('run_id', '?')} (pid {holder.get('pid', '?')} on "
            f"{holder.get('host', '?')} since {holder.get('started', '?')}); wait for it or remove "
            f"{join(output, LOCK)} if that process is gone")


@dataclass
class OutputLock:
    """A held lock; `release()` gives it up (also safe to call twice)."""

    output: str
    holder: dict
    fd: int | None = None  # local: the open, flock'ed lock file
    blob: object = None  # gs://: the lock object and the generation this run created
    generation: int | None = None

    def release(self) -> None:
        global _held_fd
        path = join(self.output, LOCK)
        if self.fd is not None:
            # Unlink before closing: whoever opened this file meanwhile finds, once our flock is gone,
            # that it is no longer the lock at `path`, and starts again.
            try:
                if _same_file(self.fd, path):
                    os.unlink(path)
            finally:
                os.close(self.fd)
                self.fd = _held_fd = None
        elif self.blob is not None:
            from google.api_core import exceptions

            try:
                self.blob.delete(if_generation_match=self.generation)
            except exceptions.GoogleAPIError:
                pass  # taken over or removed by the user: it is not ours any more
            self.blob = None


_held_fd: int | None = None


def _close_in_child() -> None:
    """A process forked while a run holds the lock must not keep the lock alive after the run dies."""
    if _held_fd is not None:
        try:
            os.close(_held_fd)
        except OSError:
            pass


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_close_in_child)


def holder_record(run_id: str) -> dict:
    started = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    return {"run_id": run_id, "pid": os.getpid(), "host": socket.gethostname(), "started": started}


def acquire_lock(output: str, run_id: str, err=None) -> OutputLock:
    """Takes `<output>/_lock` for this run, or raises OutputLocked naming the run that holds it.

    A lock left by a process of this host that has died is taken over, with a line on `err` saying so.

    Raises:
        OutputLocked: a live run holds it (or a run on another host, whose liveness cannot be told).
        OSError: the output cannot be written (read-only, full, not a folder, ...).
    """
    err = err or sys.stderr
    holder = holder_record(run_id)
    if is_local(output):
        return _acquire_local(output, holder, err)
    return _acquire_gcs(output, holder, err)


def _acquire_local(output: str, holder: dict, err) -> OutputLock:
    global _held_fd
    os.makedirs(output, exist_ok=True)
    path = os.path.join(output, LOCK)
    data = (json.dumps(holder) + "\n").encode("utf-8")
    previous: dict = {}
    for _ in range(10):
        temporary = os.path.join(output, f"{LOCK}.{uuid.uuid4().hex[:8]}")
        fd = os.open(temporary, os.O_CREAT | os.O_EXCL | os.O_RDWR, 0o644)
        try:
            _try_flock(fd)  # nobody else can know this file yet
            os.write(fd, data)
            os.fsync(fd)
            os.link(temporary, path)
            fsync_path(output)
            _held_fd = fd
            return OutputLock(output, holder, fd=fd)
        except BaseException as exc:
            os.close(fd)
            if not isinstance(exc, FileExistsError):
                raise
        finally:
            _remove_quietly(temporary)
        # A lock is there: is its holder alive?
        try:
            fd = os.open(path, os.O_RDWR)
        except FileNotFoundError:
            continue  # released meanwhile
        previous = _read_holder(fd)
        if not _holder_is_gone(fd, previous):
            os.close(fd)
            raise OutputLocked(output, previous)
        if not _same_file(fd, path):  # released (and perhaps taken) while we looked
            os.close(fd)
            continue
        print(f"wikidumps: taking over {path}: run {previous.get('run_id', '?')} (pid {previous.get('pid', '?')} on "
              f"{previous.get('host', '?')} since {previous.get('started', '?')}) is no longer running", file=err)
        os.ftruncate(fd, 0)
        os.pwrite(fd, data, 0)
        os.fsync(fd)
        _held_fd = fd
        return OutputLock(output, holder, fd=fd)
    raise OutputLocked(output, previous)


def _try_flock(fd: int) -> bool | None:
    """Takes the file's flock: True, or False when another process holds it, or None where the file
    system has no flocks."""
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False
    except OSError as exc:
        if exc.errno in (errno.ENOLCK, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EINVAL):
            return None
        raise


def _holder_is_gone(fd: int, holder: dict) -> bool:
    """Whether the run named in a lock file (opened as `fd`) has ended; if so, its flock is now ours."""
    taken = _try_flock(fd)
    if taken is False:
        return False  # held: its process is alive
    if holder and holder.get("host") != socket.gethostname():
        return False  # another host's flocks may not reach us: let the user decide
    # An unreadable record is a lock that was never finished by hand or a damaged one. A free flock on this host means its holder died (pids get reused, flocks do not lie); without
    # flocks the pid is all there is.
    return taken or not _pid_alive(holder.get("pid"))


def _pid_alive(pid) -> bool:
    if not isinstance(pid, int) or pid <= 0:
        return False
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    return True


def _read_holder(fd: int) -> dict:
    try:
        record = json.loads(os.pread(fd, 4096, 0).decode("utf-8"))
        return record if isinstance(record, dict) else {}
    except (ValueError, OSError):
        return {}


def _same_file(fd: int, path: str) -> bool:
    try:
        here, there = os.fstat(fd), os.stat(path)
    except FileNotFoundError:
        return False
    return (here.st_dev, here.st_ino) == (there.st_dev, there.st_ino)


def _acquire_gcs(output: str, holder: dict, err) -> OutputLock:
    from apache_beam.io.gcp.gcsio import GcsIO, parse_gcs_path
    from google.api_core import exceptions

    bucket_name, name = parse_gcs_path(join(output, LOCK))
    bucket = GcsIO().client.bucket(bucket_name)
    blob = bucket.blob(name)
    data = json.dumps(holder) + "\n"
    previous: dict = {}
    for _ in range(10):
        existing = bucket.get_blob(name)
        if existing is None:
            try:  # created only if still absent: the precondition is what makes two runs exclusive
                blob.upload_from_string(data, content_type="application/json", if_generation_match=0)
                return OutputLock(output, holder, blob=blob, generation=blob.generation)
            except exceptions.PreconditionFailed:
                continue
        try:
            previous = json.loads(existing.download_as_bytes())
        except exceptions.NotFound:
            continue  # released meanwhile
        except (exceptions.GoogleAPIError, ValueError):
            previous = {}
        if previous.get("host") != socket.gethostname() or _pid_alive(previous.get("pid")):
            raise OutputLocked(output, previous)
        try:
            blob.upload_from_string(data, content_type="application/json", if_generation_match=existing.generation)
        except exceptions.PreconditionFailed:
            continue  # another run took it over first
        print(f"wikidumps: taking over {join(output, LOCK)}: run {previous.get('run_id', '?')} (pid "
              f"{previous.get('pid', '?')} on {previous.get('host', '?')} since {previous.get('started', '?')}) is no "
              "longer running", file=err)
        return OutputLock(output, holder, blob=blob, generation=blob.generation)
    raise OutputLocked(output, previous)


# ---------------------------------------------------------------------------------------------------
# Checking a dataset's files against its manifest

HASH_BLOCK = 1 << 20


def data_files(folder: str) -> dict[str, int]:
    """Every file of a dataset folder that a Parquet reader of the folder reads, by relative path, with
    its size: names starting with `_` or `.` (at any depth) are skipped, as pyarrow, pandas and Spark do."""
    found = {}
    if is_local(folder):
        for root, dirs, files in os.walk(folder):
            dirs[:] = [d for d in dirs if not d.startswith(("_", "."))]
            for name in files:
                if not name.startswith(("_", ".")):
                    path = os.path.join(root, name)
                    found[os.path.relpath(path, folder).replace(os.sep, "/")] = os.path.getsize(path)
        return found
    prefix = folder.rstrip("/") + "/"
    for match in FileSystems.match([join(folder, "**")])[0].metadata_list:
        relpath = match.path[len(prefix):]
        if not any(part.startswith(("_", ".")) for part in relpath.split("/")):
            found[relpath] = match.size_in_bytes
    return found


def sha256_of(path: str) -> str:
    digest = hashlib.sha256()
    with FileSystems.open(path, compression_type=CompressionTypes.UNCOMPRESSED) as handle:
        while block := handle.read(HASH_BLOCK):
            digest.update(block)
    return digest.hexdigest()


def file_problems(folder: str, files: list[dict], *, check_sha256: bool = False,
                  sizes: dict[str, int] | None = None) -> list[str]:
    """What differs between a partition's files and their manifest entries (size, and sha256 if asked),
    one message per file; `sizes` (from `data_files`) saves a lookup per file."""
    problems = []
    for item in files:
        path = join(folder, item["path"])
        if sizes is not None:
            size = sizes.get(item["path"])
        else:
            size = _size(path)
        if size is None:
            problems.append(f"{path} is missing")
        elif size != item["bytes"]:
            problems.append(f"{path} has {size:,} bytes where the manifest says {item['bytes']:,}")
        elif check_sha256 and sha256_of(path) != item["sha256"]:
            problems.append(f"{path} does not have the sha256 the manifest says")
    return problems


def dataset_problems(folder: str, manifest: dict, *, check_sha256: bool = False) -> tuple[dict, list[str]]:
    """A dataset folder against its manifest.

    Returns:
        The complete partitions whose files do not match, by (wiki_db, snapshot), each the first problem;
        and the files a reader of the folder would read that the manifest does not list (a data card of
        the layout before `_README.md` is not one).
    """
    sizes = data_files(folder)
    bad, listed = {}, set()
    for partition in manifest.get("partitions", []):
        listed.update(item["path"] for item in partition.get("files", []))
        problems = file_problems(folder, partition.get("files", []), check_sha256=check_sha256, sizes=sizes)
        if problems:
            bad[(partition["wiki_db"], partition["snapshot"])] = problems[0]
    unlisted = sorted(path for path in sizes if path not in listed and path != LEGACY_DATA_CARD)
    return bad, unlisted


def _size(path: str) -> int | None:
    if is_local(path):
        try:
            return os.path.getsize(path) if os.path.isfile(path) else None
        except OSError:
            return None
    matches = FileSystems.match([path])[0].metadata_list
    return matches[0].size_in_bytes if matches else None
