#!/usr/bin/env python3
"""Run Brightway (bw2calc with PARDISO) on the system `tanji bench lca` wrote, time it, and compare with tanji.

Usage: bench-lca-brightway.py DIR [--iterations N] [--repeats R] [--all-products-subset K]

DIR holds A.mtx, B.mtx, c.mtx, A.uncertainty.csv, B.uncertainty.csv and tanji-bench.json from `tanji bench lca
--out DIR`. The matrices become one bw_processing datapackage (technosphere, biosphere and characterisation vectors,
lognormal uncertainty as stats_arrays type 2 with loc = ln|amount|, scale = ln GSD and the negative flag; fixed
amounts as type 0), built in memory from NumPy arrays, and also saved to DIR/brightway.zip to time a start from files.

Timed, each from a fresh object (no factorisation reused):
- one demand: `LCA(...)`, `lci()`, `lcia()`: the first call's cold start, as the issue's anchor;
- every product's score: `FastScoresOnlyMultiLCA(direction="adjoint")` with one demand per product;
- Monte Carlo: `IterativeLCA(use_distributions=True)`, every exchange of A and B resampled, iterations after a
  warm-up (the first `lci()` and two `next()`), iterations per second;
- PARDISO's factorisation alone, as `lci()` runs it inside `spsolve`: the analysis (phase 11: METIS ordering and
  symbolic factorisation) and the numeric LU (phase 22) of the technosphere matrix Brightway builds, each from a
  fresh solver, with MKL's default threads and with one thread (tanji's LU runs on one), of A (what `lci()` factorises)
  and of Aᵀ (what `tanji lca solve --method lu` factorises); its minimum is the figure the issue's goal "the LU within
  1.5× of PARDISO" compares with.
Then every deterministic score is compared with tanji's (`tanji-scores.csv`, maximum relative difference), and the
Monte Carlo percentiles with tanji's, each with a 95 % order-statistic interval.
"""

import argparse
import json
import math
import statistics
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import scipy.io
import scipy.sparse

import bw2calc as bc
import bw_processing as bwp
import pypardiso

FLOW_ID_OFFSET = 10_000_000
IMPACT_CATEGORY = ("synthetic", "gwp100")


def read_exchanges(directory: Path, stem: str):
    """Rows, columns (0-based), amounts and GSDs of one matrix, checked against its Matrix Market file."""
    table = np.loadtxt(directory / f"{stem}.uncertainty.csv", delimiter=",", skiprows=1)
    rows, cols = table[:, 0].astype(np.int64) - 1, table[:, 1].astype(np.int64) - 1
    amounts, gsds = table[:, 2], table[:, 3]
    matrix = scipy.sparse.coo_array(scipy.io.mmread(directory / f"{stem}.mtx"))
    if not (np.array_equal(matrix.row, rows) and np.array_equal(matrix.col, cols) and np.array_equal(matrix.data, amounts)):
        sys.exit(f"{stem}.uncertainty.csv does not list the entries of {stem}.mtx in the same order")
    return rows, cols, amounts, gsds


def distributions(amounts: np.ndarray, gsds: np.ndarray) -> np.ndarray:
    array = np.zeros(len(amounts), dtype=bwp.UNCERTAINTY_DTYPE)
    lognormal = gsds > 1.0
    array["uncertainty_type"] = np.where(lognormal, 2, 0)
    array["loc"] = np.where(lognormal, np.log(np.abs(amounts)), amounts)
    array["scale"] = np.where(lognormal, np.log(np.where(lognormal, gsds, 2.0)), np.nan)
    array["shape"] = np.nan
    array["minimum"] = np.nan
    array["maximum"] = np.nan
    array["negative"] = amounts < 0
    return array


def indices(rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    array = np.zeros(len(rows), dtype=bwp.INDICES_DTYPE)
    array["row"] = rows
    array["col"] = cols
    return array


def build_datapackage(directory: Path, fs=None):
    a_rows, a_cols, a_amounts, a_gsds = read_exchanges(directory, "A")
    b_rows, b_cols, b_amounts, b_gsds = read_exchanges(directory, "B")
    c = scipy.sparse.coo_array(scipy.io.mmread(directory / "c.mtx"))
    # Activity j has id j + 1 (its 1-based column); flow f has id FLOW_ID_OFFSET + f.
    package = bwp.create_datapackage(fs=fs, name="tanji-bench-lca", sum_intra_duplicates=True)
    package.add_persistent_vector(
        matrix="technosphere_matrix",
        name="technosphere",
        indices_array=indices(a_rows + 1, a_cols + 1),
        data_array=a_amounts,
        distributions_array=distributions(a_amounts, a_gsds),
        flip_array=np.zeros(len(a_amounts), dtype=bool),
    )
    package.add_persistent_vector(
        matrix="biosphere_matrix",
        name="biosphere",
        indices_array=indices(b_rows + FLOW_ID_OFFSET, b_cols + 1),
        data_array=b_amounts,
        distributions_array=distributions(b_amounts, b_gsds),
    )
    flows = c.row.astype(np.int64) + FLOW_ID_OFFSET
    package.add_persistent_vector(
        matrix="characterization_matrix",
        name="characterization",
        identifier=list(IMPACT_CATEGORY),
        indices_array=indices(flows, flows),
        data_array=c.data,
        distributions_array=distributions(c.data, np.ones(len(c.data))),
    )
    return package


def median(values):
    return statistics.median(values)


def timed(function):
    started = time.perf_counter()
    result = function()
    return time.perf_counter() - started, result


def pardiso_factorisation(matrix, repeats: int, threads: int | None):
    """Seconds of PARDISO's analysis (phase 11) and numeric factorisation (phase 22) of the CSR `matrix`, each run
    from a fresh solver; `threads` None keeps MKL's default. The checks `factorize()` makes (sorted indices, no empty
    row) are done once before the timing, as they are not part of the factorisation."""
    b = np.zeros((matrix.shape[0], 1))
    runs = []
    for _ in range(repeats):
        solver = pypardiso.PyPardisoSolver()
        default_threads = solver.libmkl.MKL_Get_Max_Threads()
        if threads is not None:
            solver.libmkl.MKL_Set_Num_Threads(threads)
        solver._check_A(matrix)
        solver.set_phase(11)
        analysis_s, _ = timed(lambda: solver._call_pardiso(matrix, b))
        solver.set_phase(22)
        numeric_s, _ = timed(lambda: solver._call_pardiso(matrix, b))
        solver.free_memory(everything=True)
        solver.libmkl.MKL_Set_Num_Threads(default_threads)
        runs.append({"analysis_s": analysis_s, "numeric_s": numeric_s, "total_s": analysis_s + numeric_s})
    return {
        "threads": threads if threads is not None else int(default_threads),
        "runs": runs,
        "min_total_s": min(run["total_s"] for run in runs),
        "median_total_s": median([run["total_s"] for run in runs]),
    }


def percentiles(scores: np.ndarray):
    """2.5/50/97.5 percentiles (NumPy linear) with 95 % order-statistic intervals, as tanji reports them."""
    ordered = np.sort(scores)
    n = len(ordered)
    out = []
    for percent in (2.5, 50.0, 97.5):
        p = percent / 100
        half = 1.96 * math.sqrt(n * p * (1 - p))
        lower = ordered[max(0, math.floor(n * p - half))]
        upper = ordered[min(n - 1, math.ceil(n * p + half))]
        out.append({"percent": percent, "value": float(np.percentile(ordered, percent)), "lower_95": float(lower), "upper_95": float(upper)})
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("directory", type=Path)
    parser.add_argument("--iterations", type=int, default=100, help="Monte Carlo iterations after the warm-up")
    parser.add_argument("--repeats", type=int, default=3, help="cold runs of each deterministic figure")
    parser.add_argument(
        "--all-products-subset",
        type=int,
        default=0,
        help="time FastScoresOnlyMultiLCA on K demands only and extrapolate linearly (0: all products)",
    )
    args = parser.parse_args()
    directory = args.directory
    tanji = json.loads((directory / "tanji-bench.json").read_text())
    n = tanji["n_activities"]
    demand_id = tanji["demand_product"]  # Activity ids are the 1-based columns.
    warnings.simplefilter("ignore", FutureWarning)
    # The generated datapackages carry no reference-exchange flags, and IterativeLCA then uses A's diagonal for its
    # Jacobi preconditioner: exactly the production amounts here, so the warning does not apply.
    warnings.filterwarnings("ignore", message="No reference exchange flags")

    print(f"Brightway: bw2calc {bc.__version__}, solver {'PARDISO' if bc.PYPARDISO else 'not PARDISO'}", file=sys.stderr)
    package = build_datapackage(directory)
    zip_path = directory / "brightway.zip"
    zip_path.unlink(missing_ok=True)
    saved = build_datapackage(directory, fs=bwp.io_helpers.generic_zipfile_filesystem(dirpath=directory, filename="brightway.zip"))
    saved.finalize_serialization()
    method_config = {"impact_categories": [IMPACT_CATEGORY]}

    def one_demand(data_objs):
        lca = bc.LCA({demand_id: 1}, data_objs=data_objs)
        lca.lci()
        lca.lcia()
        return lca.score

    def from_zip():
        return [bwp.load_datapackage(bwp.io_helpers.generic_zipfile_filesystem(dirpath=directory, filename="brightway.zip", write=False))]

    one_demand_runs, one_demand_file_runs = [], []
    for _ in range(max(1, args.repeats)):
        seconds, score = timed(lambda: one_demand([package]))
        one_demand_runs.append(seconds)
        seconds, _ = timed(lambda: one_demand(from_zip()))
        one_demand_file_runs.append(seconds)
    print(f"  one demand: {[round(s, 3) for s in one_demand_runs]} s (in memory), {[round(s, 3) for s in one_demand_file_runs]} s (from zip)", file=sys.stderr)

    k = args.all_products_subset if 0 < args.all_products_subset < n else n
    demands = {f"p{j}": {j: 1} for j in range(1, k + 1)}

    def all_products(data_objs):
        lca = bc.FastScoresOnlyMultiLCA(demands=demands, method_config=method_config, data_objs=data_objs, direction="adjoint")
        next(lca)
        return lca

    all_runs, all_file_runs = [], []
    for _ in range(max(1, args.repeats)):
        seconds, lca = timed(lambda: all_products([package]))
        all_runs.append(seconds)
        seconds, _ = timed(lambda: all_products(from_zip()))
        all_file_runs.append(seconds)
    extrapolated = k < n
    scale = n / k
    print(f"  all products ({k} demands): {[round(s, 3) for s in all_runs]} s", file=sys.stderr)

    # Every deterministic score against tanji's. `product_scores` is every product's, from the adjoint solve.
    product_scores = lca.product_scores.sel(LCIA=str(IMPACT_CATEGORY)).values
    product_ids = np.asarray(lca.product_scores.coords["products"].values, dtype=np.int64)
    brightway_scores = np.empty(n)
    brightway_scores[product_ids - 1] = product_scores
    tanji_scores = np.loadtxt(directory / "tanji-scores.csv", delimiter=",", skiprows=1)[:, 1]
    scale_of = np.maximum(np.abs(brightway_scores), np.abs(tanji_scores))
    relative = np.abs(brightway_scores - tanji_scores) / np.where(scale_of > 0, scale_of, 1.0)
    max_relative_difference = float(relative.max())
    one_demand_difference = abs(score - tanji["one_demand_score"]) / abs(score)

    # PARDISO's factorisation alone, of the technosphere matrix Brightway builds for one demand.
    matrices = bc.LCA({demand_id: 1}, data_objs=[package])
    matrices.load_lci_data()
    technosphere = matrices.technosphere_matrix.tocsr()
    transposed = technosphere.T.tocsr()
    pardiso = {
        f"{name}_{'default' if threads is None else threads}_threads": pardiso_factorisation(matrix, max(3, args.repeats), threads)
        for name, matrix in [("A", technosphere), ("AT", transposed)]
        for threads in [None, 1]
    }
    for name, figure in pardiso.items():
        print(f"  PARDISO factorisation of {name}: {[round(run['total_s'], 3) for run in figure['runs']]} s "
              f"(analysis {[round(run['analysis_s'], 3) for run in figure['runs']]} s)", file=sys.stderr)

    # Monte Carlo.
    iterative = bc.IterativeLCA({demand_id: 1}, data_objs=[package], use_distributions=True, seed_override=tanji["seed"])
    warm_up_s, _ = timed(lambda: (iterative.lci(), iterative.lcia()))
    for _ in range(2):
        next(iterative)
    mc_scores = []
    started = time.perf_counter()
    for _ in range(args.iterations):
        next(iterative)
        mc_scores.append(iterative.score)
    mc_seconds = time.perf_counter() - started
    mc_scores = np.asarray(mc_scores)
    stats = dict(iterative.solver_stats)
    brightway_percentiles = percentiles(mc_scores)
    tanji_mc = tanji["monte_carlo"]
    tanji_percentiles = tanji_mc["result"]["summary"]["percentiles"]

    figures = {
        "bw2calc": bc.__version__,
        "one_demand_s": {"first": one_demand_runs[0], "median": median(one_demand_runs), "runs": one_demand_runs},
        "one_demand_from_zip_s": {"median": median(one_demand_file_runs), "runs": one_demand_file_runs},
        "all_products_s": {"median": median(all_runs) * scale, "runs": all_runs, "demands_timed": k, "extrapolated": extrapolated},
        "all_products_from_zip_s": {"median": median(all_file_runs) * scale, "runs": all_file_runs},
        "pardiso_factorisation": pardiso,
        "max_relative_score_difference": max_relative_difference,
        "one_demand_relative_difference": one_demand_difference,
        "monte_carlo": {
            "iterations": args.iterations,
            "warm_up_s": warm_up_s,
            "seconds": mc_seconds,
            "iterations_per_s": args.iterations / mc_seconds,
            "solver_stats": stats,
            "mean": float(mc_scores.mean()),
            "sd": float(mc_scores.std(ddof=1)),
            "percentiles": brightway_percentiles,
        },
    }
    (directory / "brightway-bench.json").write_text(json.dumps(figures, indent=2) + "\n")
    report(tanji, figures)


def report(tanji, bw):
    mc = tanji["monte_carlo"]
    rows = [
        # what, tanji seconds, Brightway seconds, goal (Brightway / tanji at least)
        ("all products, cold (adjoint)", tanji["all_products_in_memory_s"]["median"], bw["all_products_s"]["median"], 10),
        ("  … both from files", tanji["all_products_from_files_s"]["median"], bw["all_products_from_zip_s"]["median"], None),
        ("one demand, cold (first lci)", tanji["one_demand_in_memory_s"]["median"], bw["one_demand_s"]["first"], 5),
        ("  … median of cold runs", tanji["one_demand_in_memory_s"]["median"], bw["one_demand_s"]["median"], None),
        ("  … both from files", tanji["one_demand_from_files_s"]["median"], bw["one_demand_from_zip_s"]["median"], None),
        ("Monte Carlo, s per iteration", 1 / mc["iterations_per_s"], 1 / bw["monte_carlo"]["iterations_per_s"], 10),
    ]
    print(f"\n{'figure':<32} {'tanji':>12} {'Brightway':>12} {'ratio':>8}  goal")
    for what, tanji_s, bw_s, goal in rows:
        ratio = bw_s / tanji_s
        verdict = "" if goal is None else (f"≥ {goal}×: {'met' if ratio >= goal else 'MISSED'}")
        print(f"{what:<32} {tanji_s * 1e3:>9.1f} ms {bw_s * 1e3:>9.1f} ms {ratio:>7.1f}×  {verdict}")
    if bw["all_products_s"]["extrapolated"]:
        print(f"  (Brightway's all-products time is extrapolated linearly from {bw['all_products_s']['demands_timed']} demands)")
    print(
        f"Monte Carlo: tanji {mc['iterations_per_s']:.1f} iterations/s ({mc['iterations']} iterations, {tanji['threads']} threads), "
        f"Brightway IterativeLCA {bw['monte_carlo']['iterations_per_s']:.2f} iterations/s ({bw['monte_carlo']['iterations']} iterations; "
        f"solver stages {bw['monte_carlo']['solver_stats']})"
    )
    print("PARDISO factorisation alone (analysis + numeric LU, fresh solver each run), min / median:")
    for name, figure in bw["pardiso_factorisation"].items():
        print(f"  {name:<22} {figure['min_total_s'] * 1e3:8.1f} / {figure['median_total_s'] * 1e3:8.1f} ms")
    difference = bw["max_relative_score_difference"]
    print(
        f"deterministic scores: max relative difference over all {tanji['n_activities']} products {difference:.2e} "
        f"(goal ≤ 1e-9: {'met' if difference <= 1e-9 else 'MISSED'}); one demand {bw['one_demand_relative_difference']:.2e}"
    )
    print("Monte Carlo percentiles (95 % order-statistic interval):")
    all_overlap = True
    for ours, theirs in zip(mc["result"]["summary"]["percentiles"], bw["monte_carlo"]["percentiles"]):
        overlap = ours["lower_95"] <= theirs["upper_95"] and theirs["lower_95"] <= ours["upper_95"]
        all_overlap &= overlap
        print(
            f"  {ours['percent']:>4} %: tanji {ours['value']:.5e} [{ours['lower_95']:.5e}, {ours['upper_95']:.5e}]  "
            f"Brightway {theirs['value']:.5e} [{theirs['lower_95']:.5e}, {theirs['upper_95']:.5e}]  "
            f"{'agree' if overlap else 'DISAGREE'}"
        )
    print(f"  mean: tanji {mc['result']['summary']['mean']:.5e} (sd {mc['result']['summary']['sd']:.3e}), "
          f"Brightway {bw['monte_carlo']['mean']:.5e} (sd {bw['monte_carlo']['sd']:.3e})")
    print(f"percentiles within sampling error: {'met' if all_overlap else 'MISSED'}")


if __name__ == "__main__":
    main()
