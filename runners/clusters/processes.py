"""Local Flink and Spark clusters and the Prism binary: fetched once into a cache folder, started as
real processes on 127.0.0.1 and stopped by their process ids.

    python -m runners.clusters fetch flink|spark|prism|all   # downloads into the cache (once)
    python -m runners.clusters start flink|spark              # starts the cluster, prints how to use it
    python -m runners.clusters stop flink|spark               # stops the processes it started
    python -m runners.clusters status

What comes from where:
- Flink: the distribution's jars from PyPI (`apache-flink-libraries`); a JobManager and a TaskManager
  run as two Java processes.
- Spark: the distribution's jars from PyPI (`pyspark`); a standalone master and a worker; Iceberg's Spark
  runtime and the SQLite JDBC driver from Maven Central, with which Spark reads the Iceberg tables.
- Beam's job servers: from Maven Central, through `mvn`. Beam publishes them as shaded jars
  (`beam-runners-flink-1.19-job-server`); where Maven Central serves no such jar for the installed
  Beam, the same job server is put together from Beam's runner artifacts (`beam-runners-flink-1.19`
  or `beam-runners-spark-3`, and `beam-runners-java-job-service`) of BEAM_JAVA_FALLBACK, as a small
  jar whose manifest lists them.
- Prism: built with `go install` from the Go module proxy, at the installed Beam's version.

The cache folder is $WIKIDUMPS_CACHE, else ~/.cache/wikidumps. Nothing is fetched while a job or a
test runs: `fetch` is the only step that goes to the network.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tarfile
import tempfile
import time
import urllib.request
import zipfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.request import pathname2url

import apache_beam

from wikidumps import cache_root

BEAM_VERSION = apache_beam.__version__
# Flink 1.19 is the oldest Flink line Beam 2.77 supports and the newest whose Beam runner artifacts
# Maven Central serves here; the cluster uses its last patch release.
FLINK_LINE = "1.19"
FLINK_VERSION = "1.19.3"
# Beam's Spark 3 runner is built for Scala 2.12, which the pyspark 3.5 line ships (pyspark 4 is Scala 2.13).
SPARK_VERSION = "3.5.7"
# The newest Beam release whose Flink 1.19 runner, Spark 3 runner and job service are all on Maven
# Central as this machine reaches it (2.63 to 2.77 lack one or the other). Used only when the shaded
# job server jar of the installed Beam cannot be had.
BEAM_JAVA_FALLBACK = "2.62.0"
# What lets Spark read the Iceberg tables of `run update --table` (wikidumps/tables.py spark_config): Iceberg's
# Spark runtime for Spark 3.5 and Scala 2.12 (Iceberg 1.10, the newest line that supports Spark 3.5 on Java 17
# and reads pyiceberg's format-version 2 tables), and SQLite's JDBC driver for the embedded catalog.
ICEBERG_VERSION = "1.10.0"
ICEBERG_SPARK_ARTIFACTS = [f"org.apache.iceberg:iceberg-spark-runtime-3.5_2.12:{ICEBERG_VERSION}",
                           "org.xerial:sqlite-jdbc:3.51.1.0"]
READY_TIMEOUT_SECONDS = 90
LOG_TAIL_LINES = 40

# Java 17 closes JDK internals that Flink and Spark reach into; both distributions pass these flags.
JAVA_OPENS = [
    "java.base/java.lang", "java.base/java.lang.invoke", "java.base/java.lang.reflect", "java.base/java.io",
    "java.base/java.net", "java.base/java.nio", "java.base/java.text", "java.base/java.time",
    "java.base/java.util", "java.base/java.util.concurrent", "java.base/java.util.concurrent.atomic",
    "java.base/java.util.concurrent.locks", "java.base/jdk.internal.ref", "java.base/sun.nio.ch",
    "java.base/sun.nio.cs", "java.base/sun.security.action", "java.base/sun.util.calendar",
]
JAVA_EXPORTS = ["java.base/sun.net.util", "java.rmi/sun.rmi.registry", "java.security.jgss/sun.security.krb5"]
JAVA_MODULE_FLAGS = [f"--add-opens={m}=ALL-UNNAMED" for m in JAVA_OPENS] + \
    [f"--add-exports={m}=ALL-UNNAMED" for m in JAVA_EXPORTS]

JOB_SERVERS = {
    # name: (shaded job server artifact, runner artifact, main class)
    "flink": (f"beam-runners-flink-{FLINK_LINE}-job-server", f"beam-runners-flink-{FLINK_LINE}",
              "org.apache.beam.runners.flink.FlinkJobServerDriver"),
    "spark": ("beam-runners-spark-3-job-server", "beam-runners-spark-3",
              "org.apache.beam.runners.spark.SparkJobServerDriver"),
}


class ClusterError(Exception):
    """A cluster could not be fetched or started; the message carries the logs' last lines."""

    def __init__(self, message: str, pids: list[int] | None = None):
        super().__init__(message)
        self.pids = pids or []  # the processes that were started, and stopped again


# ---------------------------------------------------------------------------------------------------
# Fetching


def flink_home(cache: Path) -> Path:
    return cache / f"flink-{FLINK_VERSION}"


def spark_home(cache: Path) -> Path:
    return cache / f"spark-{SPARK_VERSION}"


def iceberg_spark_jars(cache: Path) -> list[Path]:
    """The jars `spark.jars` needs to read the tables (empty when they are not in the cache)."""
    return sorted((cache / f"iceberg-spark-{ICEBERG_VERSION}").glob("*.jar"))


def job_server_jar(cache: Path, runner: str) -> Path:
    return cache / f"beam-{runner}-job-server-{BEAM_VERSION}" / "job-server.jar"


def prism_binary(cache: Path) -> Path:
    return cache / f"prism-{BEAM_VERSION}" / "prism"


def missing(cache: Path, what: str) -> list[Path]:
    """The cached files `what` (flink, spark, prism) needs that are not there yet."""
    needed = {
        "flink": [flink_home(cache) / "lib", job_server_jar(cache, "flink")],
        "spark": [spark_home(cache) / "jars", job_server_jar(cache, "spark"), cache / f"iceberg-spark-{ICEBERG_VERSION}"],
        "prism": [prism_binary(cache)],
    }[what]
    return [path for path in needed if not path.exists()]


def fetch(what: str, cache: Path | None = None) -> None:
    """Downloads what `what` needs into the cache, unless it is there already."""
    cache = cache or cache_root()
    cache.mkdir(parents=True, exist_ok=True)
    if not missing(cache, what):
        return
    if what == "flink":
        _fetch_pypi_distribution(cache, "apache-flink-libraries", FLINK_VERSION, flink_home(cache),
                                 {"deps/lib/": "lib/", "deps/bin/": "bin/"})
        _fetch_job_server(cache, "flink", [])
    elif what == "spark":
        home = spark_home(cache)
        _fetch_pypi_distribution(cache, "pyspark", SPARK_VERSION, home, {"deps/jars/": "jars/"})
        if not job_server_jar(cache, "spark").exists():  # (a cache from before the Iceberg jars has it)
            _fetch_job_server(cache, "spark", sorted((home / "jars").glob("*.jar")))
        _fetch_iceberg_spark(cache)
    elif what == "prism":
        _fetch_prism(cache)
    else:
        raise ValueError(f"unknown component {what!r}")


def _fetch_iceberg_spark(cache: Path) -> None:
    """Iceberg's Spark runtime and the SQLite JDBC driver, into a folder renamed into place when complete."""
    folder = cache / f"iceberg-spark-{ICEBERG_VERSION}"
    if folder.exists():
        return
    partial = folder.with_name(folder.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    failure = _maven(cache, ICEBERG_SPARK_ARTIFACTS, partial, transitive=False)
    if failure is not None:
        shutil.rmtree(partial, ignore_errors=True)
        raise ClusterError(f"Maven Central did not give {', '.join(ICEBERG_SPARK_ARTIFACTS)}:\n{failure}")
    partial.rename(folder)


def _run(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run(command, capture_output=True, text=True, **kwargs)
    if result.returncode != 0:
        tail = "\n".join((result.stdout + result.stderr).splitlines()[-LOG_TAIL_LINES:])
        raise ClusterError(f"{' '.join(command[:4])} ... failed (exit {result.returncode}):\n{tail}")
    return result


def _fetch_pypi_distribution(cache: Path, package: str, version: str, home: Path, members: dict[str, str]) -> None:
    """Downloads a package's source archive with pip and unpacks the distribution folders it ships."""
    if all((home / target).exists() for target in members.values()):
        return
    with tempfile.TemporaryDirectory(dir=cache) as download:
        _run([sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:", "--dest", download,
              f"{package}=={version}"])
        (archive,) = Path(download).glob("*.tar.gz")
        staging = Path(download) / "unpacked"
        with tarfile.open(archive) as tar:
            for member in tar.getmembers():
                inner = member.name.split("/", 1)[1] if "/" in member.name else ""
                for source, target in members.items():
                    if inner.startswith(source) and (member.isfile() or member.isdir()):
                        member.name = target + inner[len(source):]
                        tar.extract(member, staging, filter="data")
        home.mkdir(parents=True, exist_ok=True)
        for target in members.values():
            shutil.rmtree(home / target, ignore_errors=True)
            shutil.move(str(staging / target), str(home / target))


def _maven(cache: Path, artifacts: list[str], folder: Path, transitive: bool) -> str | None:
    """Copies Maven artifacts (group:artifact:version) and, if asked, their dependencies into `folder`.

    Returns None when it worked, else the end of Maven's output.
    """
    folder.mkdir(parents=True, exist_ok=True)
    dependencies = "".join(
        "<dependency><groupId>{}</groupId><artifactId>{}</artifactId><version>{}</version></dependency>".format(
            *artifact.split(":")) for artifact in artifacts)
    pom = (f'<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>'
           f'<groupId>wikidumps</groupId><artifactId>fetch</artifactId><version>1</version>'
           f'<dependencies>{dependencies}</dependencies></project>')
    with tempfile.TemporaryDirectory(dir=cache) as work:
        (Path(work) / "pom.xml").write_text(pom)
        command = ["mvn", "-q", "-B", "-f", str(Path(work) / "pom.xml"), "dependency:copy-dependencies",
                   f"-DoutputDirectory={folder}", "-DincludeScope=runtime", f"-DexcludeTransitive={str(not transitive).lower()}"]
        result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode == 0:
        return None
    return "\n".join((result.stdout + result.stderr).splitlines()[-LOG_TAIL_LINES:])


def _fetch_job_server(cache: Path, runner: str, provided_jars: list[Path]) -> None:
    """Beam's job server for `runner` as one jar that `java -jar` starts."""
    shaded, runner_artifact, main_class = JOB_SERVERS[runner]
    target = job_server_jar(cache, runner)
    folder = target.parent
    shutil.rmtree(folder, ignore_errors=True)
    if _maven(cache, [f"org.apache.beam:{shaded}:{BEAM_VERSION}"], folder / "official", transitive=False) is None:
        (jar,) = (folder / "official").glob("*.jar")
        jar.rename(target)
        return
    shutil.rmtree(folder / "official", ignore_errors=True)
    lib = folder / "lib"
    artifacts = [f"org.apache.beam:{runner_artifact}:{BEAM_JAVA_FALLBACK}",
                 f"org.apache.beam:beam-runners-java-job-service:{BEAM_JAVA_FALLBACK}"]
    failure = _maven(cache, artifacts, lib, transitive=True)
    if failure is not None:
        shutil.rmtree(folder, ignore_errors=True)
        raise ClusterError(f"Maven Central has neither {shaded}:{BEAM_VERSION} nor {', '.join(artifacts)}:\n{failure}")
    write_manifest_jar(target, main_class, classpath_jars(sorted(lib.glob("*.jar")), provided_jars))


def classpath_jars(beam_jars: list[Path], provided_jars: list[Path]) -> list[Path]:
    """One jar per library, the newest version winning when Beam and the engine both bring one."""
    chosen: dict[str, tuple[list, Path]] = {}
    for jar in [*provided_jars, *beam_jars]:
        match = re.match(r"(.+?)-(\d[\w.\-]*)\.jar$", jar.name)
        name, version = (match.group(1), match.group(2)) if match else (jar.stem, "0")
        key = [int(part) if part.isdigit() else -1 for part in re.split(r"[.\-]", version)]
        if name not in chosen or key > chosen[name][0]:
            chosen[name] = (key, jar)
    return sorted(jar for _, jar in chosen.values())


def write_manifest_jar(target: Path, main_class: str, jars: list[Path]) -> None:
    """A jar holding only a manifest: its main class, its class path, and the Java 17 opens it needs."""
    def header(name: str, value: str) -> str:
        line = f"{name}: {value}"
        lines = [line[:72]] + [" " + line[i : i + 71] for i in range(72, len(line), 71)]
        return "\r\n".join(lines)

    classpath = " ".join(pathname2url(os.path.relpath(jar, target.parent)) for jar in jars)
    manifest = "\r\n".join([
        "Manifest-Version: 1.0",
        header("Main-Class", main_class),
        header("Add-Opens", " ".join(JAVA_OPENS)),
        header("Add-Exports", " ".join(JAVA_EXPORTS)),
        header("Class-Path", classpath),
    ]) + "\r\n\r\n"
    with zipfile.ZipFile(target, "w") as jar:
        jar.writestr("META-INF/MANIFEST.MF", manifest)


def _fetch_prism(cache: Path) -> None:
    binary = prism_binary(cache)
    binary.parent.mkdir(parents=True, exist_ok=True)
    environment = {**os.environ, "GOBIN": str(binary.parent), "GOFLAGS": "-mod=mod"}
    _run(["go", "install", f"github.com/apache/beam/sdks/v2/go/cmd/prism@v{BEAM_VERSION}"], env=environment)


# ---------------------------------------------------------------------------------------------------
# Running


@dataclass
class Cluster:
    """A running cluster: what a job needs to reach it and what `stop` needs to end it."""

    name: str
    folder: str
    pids: list[int] = field(default_factory=list)
    logs: list[str] = field(default_factory=list)
    master: str = ""  # flink: host:rest-port; spark: spark://host:port
    web_ui: str = ""

    def save(self) -> None:
        Path(self.folder, "cluster.json").write_text(json.dumps(asdict(self), indent=1))

    def log_tail(self, lines: int = LOG_TAIL_LINES) -> str:
        parts = []
        for log in self.logs:
            try:
                text = Path(log).read_text(errors="replace").splitlines()[-lines:]
            except OSError:
                text = ["(no log)"]
            parts.append(f"--- {log} (last {lines} lines)\n" + "\n".join(text))
        return "\n".join(parts)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def running_cluster(name: str, cache: Path | None = None) -> Cluster | None:
    """The cluster `start` left running for `name`, if its processes are all alive."""
    state = (cache or cache_root()) / "clusters" / name / "cluster.json"
    try:
        cluster = Cluster(**json.loads(state.read_text()))
    except (OSError, ValueError, TypeError):
        return None
    alive = cluster.pids and all(_alive(pid) and _runs_in(pid, cluster.folder) for pid in cluster.pids)
    return cluster if alive else None


def _runs_in(pid: int, folder: str) -> bool:
    """Whether the process works in the cluster's folder (so an id reused since is never stopped)."""
    try:
        return os.path.samefile(os.readlink(f"/proc/{pid}/cwd"), folder)
    except OSError:
        return False


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _spawn(cluster: Cluster, command: list[str], log_name: str, env: dict | None = None) -> None:
    log = Path(cluster.folder, "log", log_name)
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "ab") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                   cwd=cluster.folder, env={**os.environ, **(env or {})}, start_new_session=True)
    cluster.pids.append(process.pid)
    cluster.logs.append(str(log))
    cluster.save()


def _wait_until(cluster: Cluster, ready, what: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not all(_alive(pid) for pid in cluster.pids):
            break
        try:
            if ready():
                return
        except OSError:
            pass  # not listening yet
        time.sleep(0.5)
    reason = "a process exited" if not all(_alive(pid) for pid in cluster.pids) else f"not ready after {timeout:.0f} s"
    tail = cluster.log_tail()
    stop(cluster)
    raise ClusterError(f"the {cluster.name} cluster did not start ({what}: {reason})\n{tail}", cluster.pids)


def _get_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=2) as response:
        return json.loads(response.read().decode())


def _java() -> str:
    java_home = os.environ.get("JAVA_HOME")
    return str(Path(java_home, "bin", "java")) if java_home else "java"


def _flink_memory_flags(home: Path, conf: Path, process: str) -> tuple[list[str], list[str]]:
    """JVM flags and dynamic options for a JobManager or TaskManager, as Flink's start scripts compute them."""
    command = "GET_JM_RESOURCE_PARAMS" if process == "jobmanager" else "GET_TM_RESOURCE_PARAMS"
    output = _run([_java(), "-cp", f"{home / 'bin' / 'bash-java-utils.jar'}:{home / 'lib'}/*",
                   "org.apache.flink.runtime.util.bash.BashJavaUtils", command, "--configDir", str(conf)]).stdout
    results = [line.split(":", 1)[1] for line in output.splitlines() if line.startswith("BASH_JAVA_UTILS_EXEC_RESULT:")]
    jvm, dynamic = results[-2].split(), results[-1].split()
    return jvm, dynamic


LOG4J = """rootLogger.level = INFO
rootLogger.appenderRef.main.ref = Main
appender.main.name = Main
appender.main.type = Console
appender.main.layout.type = PatternLayout
appender.main.layout.pattern = %d{HH:mm:ss,SSS} %-5p %c{1} - %m%n
"""


def start_flink(cache: Path | None = None, *, slots: int = 2, rest_port: int | None = None,
                folder: Path | None = None, timeout: float = READY_TIMEOUT_SECONDS) -> Cluster:
    """Starts a JobManager and a TaskManager with `slots` slots; returns when the TaskManager registered."""
    cache = cache or cache_root()
    _require(cache, "flink")
    home = flink_home(cache)
    folder = folder or cache / "clusters" / "flink"
    shutil.rmtree(folder, ignore_errors=True)
    conf = folder / "conf"
    conf.mkdir(parents=True)
    rest_port = rest_port or free_port()
    settings = {
        "jobmanager.rpc.address": "127.0.0.1", "jobmanager.bind-host": "127.0.0.1",
        "jobmanager.rpc.port": free_port(), "rest.address": "127.0.0.1", "rest.bind-address": "127.0.0.1",
        "rest.port": rest_port, "taskmanager.host": "127.0.0.1", "taskmanager.bind-host": "127.0.0.1",
        "taskmanager.numberOfTaskSlots": slots, "parallelism.default": slots,
        "jobmanager.memory.process.size": "1024m", "taskmanager.memory.process.size": "2048m",
        # Beam's batch pipelines shuffle between many operators at once: they need network buffers more
        # than Flink's managed memory, which Beam does not use.
        "taskmanager.memory.network.min": "384m", "taskmanager.memory.network.max": "384m",
        "taskmanager.memory.managed.fraction": "0.1",
        "blob.server.port": free_port(), "io.tmp.dirs": str(folder / "tmp"),
    }
    (conf / "config.yaml").write_text("".join(f"{key}: {value}\n" for key, value in settings.items()))
    (conf / "log4j.properties").write_text(LOG4J)
    (folder / "tmp").mkdir()
    cluster = Cluster("flink", str(folder), master=f"127.0.0.1:{rest_port}", web_ui=f"http://127.0.0.1:{rest_port}")
    for process, main_class in (("jobmanager", "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint"),
                                ("taskmanager", "org.apache.flink.runtime.taskexecutor.TaskManagerRunner")):
        jvm, dynamic = _flink_memory_flags(home, conf, process)
        _spawn(cluster, [_java(), *JAVA_MODULE_FLAGS, *jvm, f"-Dlog4j.configurationFile=file:{conf / 'log4j.properties'}",
                         "-cp", f"{home / 'lib'}/*", main_class, "--configDir", str(conf), *dynamic], f"{process}.log")
    _wait_until(cluster, lambda: _get_json(f"{cluster.web_ui}/overview")["taskmanagers"] >= 1,
                "waiting for the TaskManager to register", timeout)
    return cluster


def start_spark(cache: Path | None = None, *, cores: int = 2, memory: str = "2g", port: int | None = None,
                folder: Path | None = None, timeout: float = READY_TIMEOUT_SECONDS) -> Cluster:
    """Starts a standalone master and one worker; returns when the worker registered."""
    cache = cache or cache_root()
    _require(cache, "spark")
    home = spark_home(cache)
    folder = folder or cache / "clusters" / "spark"
    shutil.rmtree(folder, ignore_errors=True)
    (folder / "work").mkdir(parents=True)
    port = port or free_port()
    ui_port = free_port()
    cluster = Cluster("spark", str(folder), master=f"spark://127.0.0.1:{port}", web_ui=f"http://127.0.0.1:{ui_port}")
    # The worker launches executors through Spark's launcher, which needs these to find the jars.
    env = {"SPARK_HOME": str(home), "SPARK_SCALA_VERSION": "2.12", "SPARK_LOCAL_IP": "127.0.0.1",
           "SPARK_LOCAL_DIRS": str(folder / "work")}
    java = [_java(), *JAVA_MODULE_FLAGS, "-Xmx512m", "-cp", f"{home / 'jars'}/*"]
    _spawn(cluster, [*java, "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port", str(port),
                     "--webui-port", str(ui_port)], "master.log", env)
    _wait_until(cluster, lambda: _get_json(f"{cluster.web_ui}/json/")["status"] == "ALIVE",
                "waiting for the master", timeout)
    _spawn(cluster, [*java, "org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1", "--cores", str(cores),
                     "--memory", memory, "--work-dir", str(folder / "work"), "--webui-port", str(free_port()),
                     cluster.master], "worker.log", env)
    _wait_until(cluster, lambda: _get_json(f"{cluster.web_ui}/json/")["aliveworkers"] >= 1,
                "waiting for the worker to register", timeout)
    return cluster


def _require(cache: Path, what: str) -> None:
    absent = missing(cache, what)
    if absent:
        raise ClusterError(f"{what} is not in the cache {cache} ({', '.join(map(str, absent))} missing); "
                           f"run `make fetch-runners` (python -m runners.clusters fetch {what}) first")


def stop(cluster: Cluster, grace_seconds: float = 15) -> None:
    """Ends the cluster's processes, by id: SIGTERM, then SIGKILL for any still there after the grace time."""
    for pid in reversed(cluster.pids):
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    deadline = time.monotonic() + grace_seconds
    for pid in cluster.pids:
        while _alive(pid) and time.monotonic() < deadline:
            _reap(pid)
            time.sleep(0.2)
        if _alive(pid):
            os.kill(pid, signal.SIGKILL)
        _reap(pid)
    Path(cluster.folder, "cluster.json").unlink(missing_ok=True)


def _reap(pid: int) -> None:
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass  # not our child (started by an earlier command): its parent reaps it


# ---------------------------------------------------------------------------------------------------
# Command line


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m runners.clusters", description=__doc__.split("\n\n")[0])
    parser.add_argument("action", choices=["fetch", "start", "stop", "status"])
    parser.add_argument("what", nargs="?", choices=["flink", "spark", "prism", "all"], default="all")
    args = parser.parse_args(argv)
    cache = cache_root()
    names = ["flink", "spark", "prism"] if args.what == "all" else [args.what]
    try:
        if args.action == "fetch":
            for name in names:
                print(f"fetching {name} into {cache} ...", flush=True)
                fetch(name, cache)
        elif args.action == "start":
            for name in names:
                if name == "prism":
                    continue  # Prism is started by each job itself
                if running_cluster(name, cache):
                    print(f"{name} is already running", file=sys.stderr)
                    continue
                fetch(name, cache)
                cluster = (start_flink if name == "flink" else start_spark)(cache)
                print(f"{name} cluster running (pids {' '.join(map(str, cluster.pids))}), web UI {cluster.web_ui}\n"
                      f"  wikidumps run history --runner {name} --input ... --output ...\n"
                      f"  stop it with: make cluster-{name}-stop")
        elif args.action == "stop":
            for name in names:
                cluster = running_cluster(name, cache)
                if cluster:
                    stop(cluster)
                    print(f"stopped {name} (pids {' '.join(map(str, cluster.pids))})")
        else:
            for name in names:
                cluster = running_cluster(name, cache)
                state = f"running, {cluster.master}, pids {cluster.pids}" if cluster else "not running"
                absent = missing(cache, name)
                print(f"{name}: {state}; cache: {'missing ' + ', '.join(map(str, absent)) if absent else 'complete'}")
    except ClusterError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0
