"""Shared by bench/rank_vs_hpo3.py and bench/diagnosis/hpo3_rank.py: loading
hpo3 (PyPI `hpo3`, imported as `pyhpo`) from a folder of HPO files, and the
machine's busy CPU time, so that both report timings the same way."""

import os
import sys
import time

# The files hpo3 1.5.1 reads from its data folder.
HPO3_FILES = ("hp.obo", "phenotype.hpoa", "genes_to_phenotype.txt")


def machine_busy_s():
    """Busy CPU seconds of the whole machine so far (all cores), from /proc/stat."""
    try:
        with open("/proc/stat") as f:
            v = [int(x) for x in f.readline().split()[1:]]
        idle = v[3] + (v[4] if len(v) > 4 else 0)  # idle + iowait
        return (sum(v[:8]) - idle) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def load_hpo3(data, threads=None):
    """Loads hpo3's ontology from `data` and returns (the pyhpo module, the
    load time in seconds). `threads` sets RAYON_NUM_THREADS, which rayon
    reads when hpo3 first builds its global pool, so it is set before the
    import. Exits with a message when a file is missing."""
    if threads is not None:
        os.environ["RAYON_NUM_THREADS"] = str(threads)
    import pyhpo

    for f in HPO3_FILES:
        if not os.path.exists(os.path.join(data, f)):
            sys.exit(f"missing {f} in {data}")
    t0 = time.perf_counter()
    pyhpo.Ontology(data, from_obo_file=True)
    return pyhpo, time.perf_counter() - t0
