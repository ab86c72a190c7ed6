"""Runs the comparisons, interleaved, and prints ratios and a Markdown table for the README."""

import collections
import datetime
import glob
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time

OUT = sys.argv[1]
BIN = "target/release/flink-backup"
VENV = f"{OUT}/venv/bin"
AJV = "bench/npm/node_modules/.bin/ajv"
SCHEMA = f"{OUT}/flinkdeployment.crd.schema.json"
ONE = f"{OUT}/corpus/one.yaml"
PAIR = f"{OUT}/corpus/pair.yaml"
MANY = f"{OUT}/corpus/many"
RESTORE_AT_SCALE = {scale: f"{OUT}/corpus/restore-{scale}x" for scale in (1, 2, 4)}
SAVEPOINT = "file:/opt/flink/volume/flink-sp/savepoint-caf2b2-39d09a1c170c"
YQ_RESTORE = (
    '.spec.job.upgradeMode = "savepoint" | .spec.job.state = "running"'
    f' | .spec.job.initialSavepointPath = "{SAVEPOINT}" | .spec.job.allowNonRestoredState = true'
    " | del(.status)"
)


class Finds(list):
    """A command that reports findings: it must exit 1, as validate does on errors."""


def run(cmd):
    """Wall time (s) and peak RSS (MB, 10^6 bytes, as the targets are written) of one process,
    which must succeed (or, for `Finds`, fail as expected)."""
    # stderr goes to a file: a restore of thousands writes a note per target, more than a pipe holds.
    with tempfile.TemporaryFile() as stderr:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=stderr)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        stderr.seek(0)
        err = stderr.read().decode()
    if os.waitstatus_to_exitcode(status) != (1 if isinstance(cmd, Finds) else 0):
        shown = " ".join(cmd[:4]) + (" ..." if len(cmd) > 4 else "")
        sys.exit(f"failed: {shown}\n{err[:2000]}")
    return elapsed, usage.ru_maxrss * 1024 / 1e6


def interleaved(commands, rounds, fewer=None):
    """Each round runs every command once, so drift on the machine hits all of them alike. A
    process that follows a large one (ajv-cli's 250 MB, check-jsonschema) starts slower, its
    caches cold: right after ajv-cli a one-file `validate` takes twice its back-to-back time. So
    the rounds follow a Williams design (`balanced_orders`): over a cycle of rounds each command
    follows every other command equally often. (Shuffled orders, as before, were not balanced over
    a few rounds: two commands doing the same work, flink-backup with and without `--backup-ready
    --strict`, had medians 17% apart, the slower one placed first in five rounds of nine, after
    the previous round's ajv-cli.)

    A command in `fewer` (name -> (runs, buffer)) runs only in the first `runs` rounds, just
    before `buffer`: check-jsonschema takes 80 s over (b), and ajv-cli, whose 2 s do not notice a
    cold start, is the one that follows it."""
    fewer = fewer or {}
    every = [name for name in commands if name not in fewer]
    cycle = balanced_orders(len(every))
    results = {name: [] for name in commands}
    for round_number in range(rounds):
        names = [every[i] for i in cycle[round_number % len(cycle)]]
        for name, (runs, buffer) in fewer.items():
            if round_number < runs:
                names.insert(names.index(buffer), name)
        for name in names:
            results[name].append(run(commands[name]))
    return {
        name: (statistics.median(t for t, _ in r), max(m for _, m in r), quartiles([t for t, _ in r]))
        for name, r in results.items()
    }


def balanced_orders(n):
    """A Williams design for `n` commands: orders in which each command takes each place once and
    follows every other command equally often (`n` orders for an even `n`, `2n` for an odd one)."""
    first, low, high = [0], 1, n - 1
    while len(first) < n:
        first.append(low)
        low += 1
        if len(first) < n:
            first.append(high)
            high -= 1
    orders = [[(i + shift) % n for i in first] for shift in range(n)]
    if n % 2:
        orders += [list(reversed(order)) for order in orders]
    # The property the measurements rest on, checked rather than trusted.
    follows = collections.Counter(pair for order in orders for pair in zip(order, order[1:]))
    assert all(sorted(order) == list(range(n)) for order in orders)
    assert len(follows) == n * (n - 1) and len(set(follows.values())) <= 1, follows
    return orders


def quartiles(times):
    """The middle half of the runs (first to third quartile): on a shared VM the spread says how
    far one median can be trusted."""
    q1, _, q3 = statistics.quantiles(times, n=4)
    return q1, q3


def spread_ms(result):
    q1, q3 = result[2]
    return f"{result[0] * 1000:.1f} ms (middle half {q1 * 1000:.1f}-{q3 * 1000:.1f})"


def machine():
    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            cpu = next(l.split(":", 1)[1].strip() for l in f if l.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return f"{os.cpu_count()} cores, {cpu}, {platform.system()} {platform.release()}"


def main():
    many_files = sorted(glob.glob(f"{MANY}/*.yaml"))
    single_files = sorted(glob.glob(f"{MANY}-single/*.yaml"))
    documents = len(single_files)
    # ajv-cli reads one document per file and expands the glob itself; --strict=false lets it
    # read the CRD's x-kubernetes-* keywords, as check-jsonschema does.
    ajv = [AJV, "validate", "--strict=false", "-s", SCHEMA, "-d"]
    # The floors: what the machine charges before any work, measured in the same rounds.
    a = interleaved({
        "floor": ["true"],
        "flink-backup": [BIN, "validate", ONE],
        "flink-backup --backup-ready --strict": [BIN, "validate", "--backup-ready", "--strict", ONE],
        "check-jsonschema": [f"{VENV}/check-jsonschema", "--schemafile", SCHEMA, ONE],
        "ajv-cli": [*ajv, ONE],
    }, rounds=20)
    b = interleaved({
        "floor": ["cat", *many_files],
        "flink-backup": [BIN, "validate", MANY],
        "flink-backup --backup-ready --strict": [BIN, "validate", "--backup-ready", "--strict", MANY],
        "check-jsonschema": [f"{VENV}/check-jsonschema", "--schemafile", SCHEMA, *single_files],
        "ajv-cli": [*ajv, f"{MANY}-single/*.yaml"],
    }, rounds=8, fewer={"check-jsonschema": (3, "ajv-cli")})
    c = interleaved({
        "flink-backup": [BIN, "restore", PAIR],
        "yq": [f"{VENV}/yq", "-y", YQ_RESTORE, ONE],
    }, rounds=20)

    e = interleaved({
        f"{scale}x": [BIN, "restore", folder] for scale, folder in RESTORE_AT_SCALE.items()
    }, rounds=6)

    f = interleaved({
        f"{shape} {scale}x": Finds([BIN, "validate", f"{OUT}/corpus/findings-{shape}-{scale}x.yaml"])
        for shape in ("stream", "list") for scale in (1, 4)
    }, rounds=6)

    fb_a, cj_a, ajv_a = (a[k][0] for k in ("flink-backup", "check-jsonschema", "ajv-cli"))
    fb_b, cj_b, ajv_b = (b[k][0] for k in ("flink-backup", "check-jsonschema", "ajv-cli"))
    strict_b = b["flink-backup --backup-ready --strict"][0]
    fb_c, yq_c = c["flink-backup"][0], c["yq"][0]
    rate = lambda seconds: f"{documents / seconds:,.0f} docs/s"
    # A ratio near its target is shown with a decimal: 24.9x rounded to 25x would read as met.
    times = lambda slow, fast: f"{slow / fast:.0f}x" if slow / fast >= 100 else f"{slow / fast:.1f}x"
    rows = [
        ("(a) validate one file, whole process", spread_ms(a["flink-backup"]),
         f"{cj_a * 1000:.0f} ms (check-jsonschema)", f"{times(cj_a, fb_a)} faster",
         "at most 2.5 ms, at least 100x check-jsonschema"),
        ("", "", f"{ajv_a * 1000:.0f} ms (ajv-cli)", f"{times(ajv_a, fb_a)} faster", "at least 300x ajv-cli"),
        ("(a) the same, `--backup-ready --strict`", spread_ms(a["flink-backup --backup-ready --strict"]),
         "", "", "at most 2.5 ms"),
        ("(a) floor: a process that does nothing (`true`)", spread_ms(a["floor"]), "", "", ""),
        (f"(b) validate {documents:,} FlinkDeployments ({len(many_files):,} files; one per file for the peers)",
         f"{fb_b:.3f} s = {rate(fb_b)}", f"{cj_b:.1f} s = {rate(cj_b)} (check-jsonschema)",
         f"{times(cj_b, fb_b)} the throughput", "at least 100,000 docs/s"),
        ("", "", f"{ajv_b:.2f} s = {rate(ajv_b)} (ajv-cli)", f"{times(ajv_b, fb_b)} the throughput",
         "at least 25x ajv-cli"),
        ("(b) the same, `--backup-ready --strict`", f"{strict_b:.3f} s = {rate(strict_b)}", "", "",
         "at least 100,000 docs/s"),
        ("(b) floor: reading the same files and nothing else (`cat`)", f"{b['floor'][0]:.3f} s", "", "", ""),
        ("(c) restore one pair, whole process", spread_ms(c["flink-backup"]), f"{yq_c * 1000:.0f} ms (yq)",
         f"{times(yq_c, fb_c)} faster", "at least 15x"),
        ("(d) peak memory of (b)", f"{b['flink-backup'][1]:.1f} MB",
         f"{b['check-jsonschema'][1]:.0f} MB (check-jsonschema), {b['ajv-cli'][1]:.0f} MB (ajv-cli)",
         "", "at most 30 MB"),
    ]
    for scale in RESTORE_AT_SCALE:
        seconds, peak, _ = e[f"{scale}x"]
        rows.append((
            f"(e) restore at scale, {scale}x: {3000 * scale:,} targets, {30000 * scale:,} snapshots",
            f"{seconds:.2f} s, {peak:.0f} MB", "", f"{seconds / e['1x'][0]:.1f}x the time of 1x",
            "1x: under 0.5 s and 150 MB; linear",
        ))
    for shape, unit, count in (("stream", "documents", 1000), ("list", "List items", 500)):
        for scale in (1, 4):
            seconds = f[f"{shape} {scale}x"][0]
            rows.append((
                f"(f) validate one file of {count * scale:,} {unit}, a finding in each",
                f"{seconds:.3f} s", "", f"{seconds / f[f'{shape} 1x'][0]:.1f}x the time of 1x", "linear",
            ))
    print(f"Measured {datetime.date.today().isoformat()} on {machine()}, with `bench/compare.sh`;")
    print("median wall time of interleaved runs in a balanced order (20 for a and c; 8 for b, 3 of them")
    print("with check-jsonschema; 6 for e and f); for one process,")
    print("the middle half of the runs too.\n")
    print("| comparison | flink-backup | today's tool | ratio | target |")
    print("|---|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
