#!/usr/bin/env python3
"""Rank every disease hpo3 knows for an HPO phenotype profile, and time it.

Reference side of the "rank all diseases for a phenotype profile" benchmark:
the same question the rarekg server answers, asked of hpo3 (PyPI `hpo3`
1.5.1, Rust core, imported as `pyhpo`) so the two can be compared side by
side (scores, order, latency).

How to run
----------
Normally through the wrapper, which makes the venv, installs hpo3 and
unpacks the vendored HPO 2025-01-16 files:

    bench/rank_vs_hpo3.sh                       # default profile, 30 reps
    bench/rank_vs_hpo3.sh --json /tmp/hpo3.json
    bench/rank_vs_hpo3.sh --terms HP:0001250,HP:0001263 --method resnik --combine BMA

Directly, with a Python that has hpo3==1.5.1 and a folder holding hp.obo,
phenotype.hpoa and genes_to_phenotype.txt (hpo3 1.5.1 does not need
phenotype_to_genes.txt):

    python bench/rank_vs_hpo3.py --data DIR [options]

Options: --terms (comma/space separated HPO ids; default the polymyositis-like
profile HP:0003326 HP:0001324 HP:0003236 HP:0003701 HP:0012378), --kind
(IC kind: omim|orpha|gene, default omim), --method (resnik|lin|jc|graphic,
default graphic), --combine (funSimAvg|funSimMax|BMA, default funSimAvg),
--sources (omim,orpha; default both), --reps N (30), --warmup N (3),
--top N (20), --api (scores|batch|loop, default scores), --threads N (sets
RAYON_NUM_THREADS before hpo3 loads; default: hpo3's own, i.e. all cores),
--no-check, --json OUT.

What it prints
--------------
Lines starting with '#' (to stdout): versions, load time, the profile terms
with their IC, how many OMIM / ORPHA / DECIPHER diseases are ranked (hpo3
has no DECIPHER diseases: it reports how many the .hpoa holds, ranked 0),
the API used, a one-off correctness check (batch result == HPOSet.similarity
per disease), the thread count, and the timing of the whole ranking
(similarity against every disease + full sort) over --reps repetitions after
--warmup warm-ups: p50 / p99 / mean / min / max in ms (p99 is nearest-rank,
i.e. the max when reps < 100), then how many cores this process and all
other processes kept busy during the timed reps (other processes > ~0.1 of
a core means the machine was shared and the numbers are inflated). Then the
top N as TSV with a header row: rank, disease id (OMIM:123456 / ORPHA:732),
name, score (6 decimals; hpo3 computes in f32). Ties are broken by the
disease id string so the order is deterministic.

Disease HPOSets are built once (Omim/Orpha.hpo_set(), every non-NOT row of
phenotype.hpoa of any aspect, so inheritance / onset / course terms are
included) outside the timed loop, as a user would cache them.

--json OUT writes the same facts (top N, timings incl. every sample,
counts, parameters) for later comparison with the rarekg side.
"""

import argparse
import json
import math
import os
import platform
import statistics
import sys
import time

from hpo3_common import load_hpo3, machine_busy_s

DEFAULT_TERMS = ["HP:0003326", "HP:0001324", "HP:0003236", "HP:0003701", "HP:0012378"]
METHODS = ["resnik", "lin", "jc", "graphic"]
COMBINES = ["funSimAvg", "funSimMax", "BMA"]
KINDS = ["omim", "orpha", "gene"]


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--data", default=os.environ.get("RAREKG_HPO3_DATA"),
                   help="folder with hp.obo, phenotype.hpoa, genes_to_phenotype.txt "
                        "(default $RAREKG_HPO3_DATA)")
    p.add_argument("--terms", default=",".join(DEFAULT_TERMS),
                   help="HPO ids, comma or space separated")
    p.add_argument("--kind", default="omim", choices=KINDS, help="information content kind")
    p.add_argument("--method", default="graphic", choices=METHODS)
    p.add_argument("--combine", default="funSimAvg", choices=COMBINES)
    p.add_argument("--sources", default="omim,orpha",
                   help="disease sources to rank: omim, orpha (comma separated)")
    p.add_argument("--reps", type=int, default=30)
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--top", type=int, default=20)
    p.add_argument("--api", default="scores", choices=["scores", "batch", "loop"],
                   help="scores: profile.similarity_scores(disease_sets) [default]; "
                        "batch: pyhpo.helper.batch_set_similarity(pairs); "
                        "loop: profile.similarity(d) per disease")
    p.add_argument("--threads", type=int, default=None,
                   help="set RAYON_NUM_THREADS before loading hpo3")
    p.add_argument("--no-check", action="store_true",
                   help="skip the one-off check against per-disease HPOSet.similarity")
    p.add_argument("--json", metavar="OUT", help="write top N + timings as JSON")
    a = p.parse_args(argv)
    if not a.data:
        p.error("--data DIR (or $RAREKG_HPO3_DATA) is required")
    a.terms = [t for t in a.terms.replace(",", " ").split() if t]
    if not a.terms:
        p.error("--terms is empty")
    a.sources = [s.strip().lower() for s in a.sources.split(",") if s.strip()]
    for s in a.sources:
        if s not in ("omim", "orpha"):
            p.error(f"unknown source {s!r}: hpo3 exposes only omim and orpha diseases")
    if a.reps < 1 or a.warmup < 0 or a.top < 1:
        p.error("--reps >= 1, --warmup >= 0, --top >= 1")
    return a


def hpoa_counts(path):
    """Distinct disease ids per database in phenotype.hpoa (what the file holds)."""
    ids = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or line.startswith("database_id"):
                continue
            did = line.split("\t", 1)[0]
            ids.setdefault(did.split(":", 1)[0], set()).add(did)
    return {k: len(v) for k, v in ids.items()}


def percentile(sorted_vals, q):
    """Nearest-rank percentile (q in 0..100) of an ascending list."""
    k = max(1, math.ceil(q / 100.0 * len(sorted_vals)))
    return sorted_vals[k - 1]


def loadavg():
    try:
        with open("/proc/loadavg") as f:
            return float(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def os_threads():
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        return None


def main(argv=None):
    a = parse_args(sys.argv[1:] if argv is None else argv)
    out = print
    threads_before = os_threads()
    pyhpo, load_s = load_hpo3(a.data, a.threads)
    from pyhpo import HPOSet, Ontology, helper

    out(f"# hpo3 {pyhpo.__version__} (backend {pyhpo.__backend__}), python {platform.python_version()}, "
        f"HPO release {Ontology.version()}, {len(Ontology)} terms")
    out(f"# ontology load ({a.data}): {load_s:.3f} s")

    # profile
    try:
        profile = HPOSet.from_queries(a.terms)
    except Exception as e:  # unknown / malformed id
        sys.exit(f"bad --terms: {e}")
    out(f"# profile ({len(profile)} terms), IC kind '{a.kind}':")
    for t in profile:
        ic = getattr(t.information_content, a.kind)
        out(f"#   {t.id}\t{t.name}\tIC={ic:.6f}")

    # every disease hpo3 knows, with its HPOSet built once (a user caches these)
    t0 = time.perf_counter()
    ids, names, sets = [], [], []
    counts = {}
    if "omim" in a.sources:
        ds = list(Ontology.omim_diseases)
        counts["OMIM"] = len(ds)
        for d in ds:
            ids.append(f"OMIM:{d.id}")
            names.append(d.name)
            sets.append(d.hpo_set())
    if "orpha" in a.sources:
        ds = list(Ontology.orpha_diseases)
        counts["ORPHA"] = len(ds)
        for d in ds:
            ids.append(f"ORPHA:{d.id}")
            names.append(d.name)
            sets.append(d.hpo_set())
    counts["DECIPHER"] = 0  # hpo3 has no DECIPHER disease type
    build_ms = (time.perf_counter() - t0) * 1000
    in_file = hpoa_counts(os.path.join(a.data, "phenotype.hpoa"))
    n = len(sets)
    out(f"# diseases ranked: {n} = " + ", ".join(f"{k} {v}" for k, v in counts.items())
        + "  (phenotype.hpoa holds: " + ", ".join(f"{k} {v}" for k, v in sorted(in_file.items())) + ")")
    out(f"# disease HPOSets built once, outside the timed loop: {build_ms:.1f} ms")

    kw = dict(kind=a.kind, method=a.method, combine=a.combine)
    if a.api == "scores":
        api_name = "HPOSet.similarity_scores(disease_sets, kind, method, combine)"

        def similarities():
            return profile.similarity_scores(sets, **kw)
    elif a.api == "batch":
        api_name = "pyhpo.helper.batch_set_similarity([(profile, d), ...], kind, method, combine)"
        pairs = [(profile, s) for s in sets]

        def similarities():
            return helper.batch_set_similarity(pairs, **kw)
    else:
        api_name = "[profile.similarity(d, kind, method, combine) for d in disease_sets]"

        def similarities():
            return [profile.similarity(s, **kw) for s in sets]

    order_key_ids = ids  # tie-break on id for a deterministic order

    def rank():
        scores = similarities()
        order = sorted(range(n), key=lambda i: (-scores[i], order_key_ids[i]))
        return scores, order

    out(f"# api: {api_name}; kind={a.kind} method={a.method} combine={a.combine}")

    # one-off correctness check: batch API == per-pair HPOSet.similarity
    if not a.no_check and a.api != "loop":
        ref = [profile.similarity(s, **kw) for s in sets]
        got = similarities()
        diff = max((abs(x - y) for x, y in zip(ref, got)), default=0.0)
        out(f"# check: {api_name.split('(')[0]} vs HPOSet.similarity per disease over {n}: "
            f"max |diff| = {diff:.3g}" + ("" if diff == 0 else "  <-- MISMATCH"))

    load_before = loadavg()
    for _ in range(a.warmup):
        rank()
    samples = []
    threads_during = 0
    cpu0, busy0, wall0 = time.process_time(), machine_busy_s(), time.perf_counter()
    for _ in range(a.reps):
        t0 = time.perf_counter()
        scores, order = rank()
        samples.append((time.perf_counter() - t0) * 1000)
        threads_during = max(threads_during, os_threads() or 0)
    wall = time.perf_counter() - wall0
    own_cpu = time.process_time() - cpu0
    busy1 = machine_busy_s()
    others_cpu = (busy1 - busy0 - own_cpu) if (busy0 is not None and busy1 is not None) else None
    # share of the sort alone (for context), same number of reps
    sort_samples = []
    for _ in range(min(a.reps, 10)):
        t0 = time.perf_counter()
        sorted(range(n), key=lambda i: (-scores[i], order_key_ids[i]))
        sort_samples.append((time.perf_counter() - t0) * 1000)

    load_after = loadavg()
    s = sorted(samples)
    timing = {
        "reps": a.reps, "warmup": a.warmup,
        "p50_ms": percentile(s, 50), "p99_ms": percentile(s, 99),
        "mean_ms": statistics.fmean(s), "min_ms": s[0], "max_ms": s[-1],
        "sort_only_p50_ms": statistics.median(sort_samples),
        "samples_ms": samples,
        "loadavg_1min_before": load_before, "loadavg_1min_after": load_after,
        "own_cpu_per_wall": own_cpu / wall,
        "other_processes_cpu_per_wall": (max(0.0, others_cpu) / wall) if others_cpu is not None else None,
    }
    rayon_env = os.environ.get("RAYON_NUM_THREADS")
    threads = {
        "cpu_count": os.cpu_count(),
        "RAYON_NUM_THREADS": rayon_env,
        "os_threads_before_load": threads_before,
        "os_threads_after_ranking": threads_during,
        # rayon's global pool = extra OS threads beyond the Python main thread
        "rayon_pool_threads_est": (threads_during - threads_before) if threads_before else None,
    }
    out(f"# threads: cpu_count={os.cpu_count()} RAYON_NUM_THREADS={rayon_env or '(unset)'} "
        f"process threads {threads_before} before load -> {threads_during} after ranking "
        f"(=> hpo3/rayon pool ~{threads['rayon_pool_threads_est']} workers)")
    out(f"# ranking all {n} diseases (similarity + full sort), {a.reps} reps after {a.warmup} warm-ups: "
        f"p50 {timing['p50_ms']:.2f} ms  p99 {timing['p99_ms']:.2f} ms  mean {timing['mean_ms']:.2f} ms  "
        f"min {timing['min_ms']:.2f}  max {timing['max_ms']:.2f}  (sort alone p50 {timing['sort_only_p50_ms']:.2f} ms)")
    oc = timing["other_processes_cpu_per_wall"]
    out(f"# cores busy during the timed reps: this process {timing['own_cpu_per_wall']:.2f}, "
        f"other processes {('%.2f' % oc) if oc is not None else '?'} (of {os.cpu_count()}); "
        f"1-min loadavg {load_before} -> {load_after}. Other processes > ~0.1 means the numbers are contended.")

    top = []
    for r, i in enumerate(order[: a.top], 1):
        top.append({"rank": r, "id": ids[i], "name": names[i], "score": round(float(scores[i]), 6)})
    out("rank\tdisease_id\tname\tscore")
    for row in top:
        out(f"{row['rank']}\t{row['id']}\t{row['name']}\t{row['score']:.6f}")

    if a.json:
        doc = {
            "tool": "hpo3", "hpo3_version": pyhpo.__version__, "hpo_release": Ontology.version(),
            "python": platform.python_version(), "data": os.path.abspath(a.data),
            "terms": [t.id for t in profile], "kind": a.kind, "method": a.method,
            "combine": a.combine, "api": api_name, "load_s": load_s,
            "build_disease_sets_ms": build_ms, "counts_ranked": counts,
            "counts_in_hpoa": in_file, "n_ranked": n, "timing": timing, "threads": threads,
            "top": top,
        }
        with open(a.json, "w", encoding="utf-8") as f:
            json.dump(doc, f, indent=2)
            f.write("\n")
        out(f"# wrote {a.json}")


if __name__ == "__main__":
    main()
