#!/usr/bin/env python3
"""Rank the diagnosis of published phenopacket cases among all OMIM diseases with hpo3.

Reference (hpo3) side of the differential-diagnosis benchmark: for every case
of a cases JSONL file (one object per line: id, cohort, disease = OMIM id of
the diagnosis, genes, observed, excluded), rank every OMIM disease hpo3 knows
by HPOSet similarity to the case's *observed* terms, and report where the
diagnosis lands. hpo3 is PyPI `hpo3` 1.5.1 (Rust core, imported as `pyhpo`),
loaded on the vendored HPO 2025-01-16 files.

How to run
----------
Normally through the wrapper, which makes the venv, installs hpo3 and
unpacks the vendored HPO files:

    bench/diagnosis/hpo3.sh                            # whole development half
    bench/diagnosis/hpo3.sh --per-disease 3 --out /tmp/hpo3_pd3.jsonl

Directly, with a Python that has hpo3==1.5.1 and a folder holding hp.obo,
phenotype.hpoa and genes_to_phenotype.txt:

    python bench/diagnosis/hpo3_rank.py --data DIR --cases CASES.jsonl[.gz] [options]

Options: --per-disease N (keep at most N cases per `disease`, the first N in
file order; default all), --limit N (then keep only the first N of those),
--kind (IC kind omim|orpha|gene, default omim), --method (default resnik),
--combine (funSimAvg|funSimMax|BMA, default funSimAvg), --threads N (sets
RAYON_NUM_THREADS before hpo3 loads; default all cores), --check N (compare
the batch scores with per-disease HPOSet.similarity on the first N cases,
default 2; 0 = off), --out PATH (JSONL; default stdout).

What is ranked
--------------
Every OMIM disease of hpo3 (Ontology.omim_diseases, 8,359 for the 2025-01-16
release), each as the HPOSet of all its non-NOT phenotype.hpoa rows (any
aspect), built once. ORPHA diseases are not ranked: the diagnoses are OMIM
ids. The case profile is the HPOSet of its observed terms; terms hpo3 does
not know (newer than the release) are skipped and counted ("ignored").
Excluded terms are not used (hpo3 similarity has no notion of them).
Scores come from HPOSet.similarity_scores(all disease sets, kind, method,
combine), which runs in parallel over the diseases (rayon thread pool).

Rank rule
---------
Diseases are ordered by descending score, ties broken by the disease id
string ("OMIM:123456"), but the rank reported is

    rank = 1 + (number of diseases with a strictly higher score than the diagnosis)

so a diagnosis tied with others gets the best rank of its tie group (the id
tie-break would otherwise favour or penalise it by accident of numbering);
"tied" says how many other diseases share its exact score (hpo3 computes in
f32). A miss gets rank = number of diseases ranked + 1; that is the case when
the case has no usable observed term, or when its diagnosis is not one of
hpo3's OMIM diseases (OMIM entries newer than the HPO release; "dx_known"
false).

Output
------
One JSON line per case, in input order:
  {"id", "disease", "rank", "ignored": n unknown observed terms,
   "ranked": n diseases ranked, "tied": other diseases with the same score
   (null on a miss), "dx_known": diagnosis is an hpo3 OMIM disease}
On stderr: setup lines and a summary table (cases, top-1, top-3, top-10 in %
with one decimal, median and mean rank) for all cases and for the cases
whose diagnosis hpo3 knows.
"""

import argparse
import gzip
import json
import os
import platform
import statistics
import sys
import time

# bench/hpo3_common.py, shared with bench/rank_vs_hpo3.py
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from hpo3_common import load_hpo3, machine_busy_s  # noqa: E402

METHODS = ["resnik", "lin", "jc", "jc2", "rel", "ic", "graphic", "dist"]
COMBINES = ["funSimAvg", "funSimMax", "BMA"]
KINDS = ["omim", "orpha", "gene"]


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--data", default=os.environ.get("RAREKG_HPO3_DATA"),
                   help="folder with hp.obo, phenotype.hpoa, genes_to_phenotype.txt "
                        "(default $RAREKG_HPO3_DATA)")
    p.add_argument("--cases", required=True, help="cases JSONL, plain or .gz")
    p.add_argument("--per-disease", type=int, default=None, metavar="N",
                   help="keep at most N cases per disease (first N in file order)")
    p.add_argument("--limit", type=int, default=None, metavar="N",
                   help="keep only the first N cases (after --per-disease)")
    p.add_argument("--kind", default="omim", choices=KINDS, help="information content kind")
    p.add_argument("--method", default="resnik", choices=METHODS)
    p.add_argument("--combine", default="funSimAvg", choices=COMBINES)
    p.add_argument("--threads", type=int, default=None,
                   help="set RAYON_NUM_THREADS before loading hpo3")
    p.add_argument("--check", type=int, default=2, metavar="N",
                   help="check batch scores against HPOSet.similarity on the first N cases (0 = off)")
    p.add_argument("--out", default=None, help="JSONL output (default stdout)")
    a = p.parse_args(argv)
    if not a.data:
        p.error("--data DIR (or $RAREKG_HPO3_DATA) is required")
    if a.per_disease is not None and a.per_disease < 1:
        p.error("--per-disease must be >= 1")
    if a.limit is not None and a.limit < 0:
        p.error("--limit must be >= 0")
    return a


def read_cases(path, per_disease, limit):
    opener = gzip.open if path.endswith(".gz") else open
    cases, seen = [], {}
    with opener(path, "rt", encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            line = line.strip()
            if not line:
                continue
            try:
                c = json.loads(line)
            except json.JSONDecodeError as e:
                sys.exit(f"{path}:{lineno}: bad JSON: {e}")
            dx = c.get("disease")
            if per_disease is not None:
                if seen.get(dx, 0) >= per_disease:
                    continue
                seen[dx] = seen.get(dx, 0) + 1
            cases.append(c)
            if limit is not None and len(cases) >= limit:
                break
    return cases


def summary_rows(label, ranks):
    n = len(ranks)
    if n == 0:
        return [label, "0", "-", "-", "-", "-", "-"]

    def pct(k):
        return f"{100.0 * sum(1 for r in ranks if r <= k) / n:.1f}"

    med = statistics.median(ranks)
    med_s = f"{med:.0f}" if float(med).is_integer() else f"{med:.1f}"
    return [label, str(n), pct(1), pct(3), pct(10), med_s, f"{statistics.fmean(ranks):.1f}"]


def print_table(rows):
    header = ["subset", "cases", "top-1 %", "top-3 %", "top-10 %", "median rank", "mean rank"]
    widths = [max(len(str(r[i])) for r in [header] + rows) for i in range(len(header))]
    fmt = lambda r: "  ".join(str(v).ljust(widths[0]) if i == 0 else str(v).rjust(widths[i])
                              for i, v in enumerate(r))
    log(fmt(header))
    for r in rows:
        log(fmt(r))


def main(argv=None):
    a = parse_args(sys.argv[1:] if argv is None else argv)
    t_start = time.perf_counter()
    pyhpo, load_s = load_hpo3(a.data, a.threads)
    from pyhpo import HPOSet, Ontology

    log(f"[hpo3_rank] hpo3 {pyhpo.__version__}, python {platform.python_version()}, "
        f"HPO release {Ontology.version()}, {len(Ontology)} terms; load {load_s:.2f} s")

    t0 = time.perf_counter()
    dis_ids, dis_sets = [], []
    for d in Ontology.omim_diseases:
        dis_ids.append(f"OMIM:{d.id}")
        dis_sets.append(d.hpo_set())
    # fixed order: by id string (the tie-break order)
    order = sorted(range(len(dis_ids)), key=lambda i: dis_ids[i])
    dis_ids = [dis_ids[i] for i in order]
    dis_sets = [dis_sets[i] for i in order]
    index = {d: i for i, d in enumerate(dis_ids)}
    n_dis = len(dis_ids)
    log(f"[hpo3_rank] {n_dis} OMIM disease HPOSets built in {time.perf_counter() - t0:.2f} s")

    cases = read_cases(a.cases, a.per_disease, a.limit)
    log(f"[hpo3_rank] {len(cases)} cases from {a.cases}"
        + (f" (per-disease {a.per_disease})" if a.per_disease else "")
        + (f" (limit {a.limit})" if a.limit is not None else "")
        + f"; kind={a.kind} method={a.method} combine={a.combine}; "
          f"RAYON_NUM_THREADS={os.environ.get('RAYON_NUM_THREADS', '(unset: all cores)')}, "
          f"cpu_count={os.cpu_count()}")

    kw = dict(kind=a.kind, method=a.method, combine=a.combine)
    known_term = {}

    def usable(tid):
        ok = known_term.get(tid)
        if ok is None:
            try:
                Ontology.get_hpo_object(tid)
                ok = True
            except (RuntimeError, KeyError, ValueError, NameError):
                ok = False
            known_term[tid] = ok
        return ok

    out = open(a.out, "w", encoding="utf-8") if a.out else sys.stdout
    ranks_all, ranks_known = [], []
    n_ignored_terms = n_cases_ignoring = n_no_terms = n_dx_unknown = 0
    max_check_diff = None
    t0, cpu0, busy0 = time.perf_counter(), time.process_time(), machine_busy_s()
    try:
        for ci, c in enumerate(cases):
            observed = list(dict.fromkeys(c.get("observed") or []))
            terms = [t for t in observed if usable(t)]
            ignored = len(observed) - len(terms)
            n_ignored_terms += ignored
            n_cases_ignoring += ignored > 0
            dx = c.get("disease")
            di = index.get(dx)
            dx_known = di is not None
            n_dx_unknown += not dx_known
            rank, tied = n_dis + 1, None
            if not terms:
                n_no_terms += 1
            elif dx_known:
                profile = HPOSet.from_queries(terms)
                scores = profile.similarity_scores(dis_sets, **kw)
                if ci < a.check:
                    ref = [profile.similarity(s, **kw) for s in dis_sets]
                    diff = max(abs(x - y) for x, y in zip(ref, scores))
                    max_check_diff = diff if max_check_diff is None else max(max_check_diff, diff)
                target = scores[di]
                higher = sum(1 for s in scores if s > target)
                tied = sum(1 for s in scores if s == target) - 1
                rank = 1 + higher
            ranks_all.append(rank)
            if dx_known:
                ranks_known.append(rank)
            out.write(json.dumps({"id": c.get("id"), "disease": dx, "rank": rank,
                                  "ignored": ignored, "ranked": n_dis, "tied": tied,
                                  "dx_known": dx_known}) + "\n")
    finally:
        if a.out:
            out.close()
        else:
            out.flush()
    rank_s = time.perf_counter() - t0
    own_cpu = time.process_time() - cpu0
    busy1 = machine_busy_s()
    others = (max(0.0, busy1 - busy0 - own_cpu) / rank_s) if (busy0 is not None and busy1 is not None
                                                                 and rank_s > 0) else None

    if max_check_diff is not None:
        log(f"[hpo3_rank] check: similarity_scores vs HPOSet.similarity per disease on the first "
            f"{min(a.check, len(cases))} case(s): max |diff| = {max_check_diff:.3g}"
            + ("" if max_check_diff == 0 else "  <-- MISMATCH"))
    log(f"[hpo3_rank] ranking took {rank_s:.1f} s ({1000 * rank_s / max(1, len(cases)):.1f} ms/case); "
        f"total {time.perf_counter() - t_start:.1f} s; cores busy while ranking: this process "
        f"{own_cpu / rank_s if rank_s > 0 else 0:.2f}, other processes "
        f"{('%.2f' % others) if others is not None else '?'} (of {os.cpu_count()})")
    log(f"[hpo3_rank] observed terms unknown to hpo3: {n_ignored_terms} in {n_cases_ignoring} cases; "
        f"cases with no usable term: {n_no_terms}; cases whose diagnosis is not an hpo3 OMIM disease "
        f"(counted as misses, rank {n_dis + 1}): {n_dx_unknown}")
    print_table([summary_rows("all cases", ranks_all),
                 summary_rows("diagnosis known to hpo3", ranks_known)])


if __name__ == "__main__":
    main()
