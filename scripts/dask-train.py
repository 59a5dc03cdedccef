#!/usr/bin/python3
"""Train mlx's XGBoost booster on a Dask cluster, outside mlx.

Reads `mlx export features --format csv --model NAME/VERSION` with
dask.dataframe, trains with xgboost.dask on a LocalCluster of worker
processes bound to 127.0.0.1 (no dashboard), and saves the booster as
XGBoost's JSON model for `mlx models import --xgb FILE --like NAME/VERSION`.

The version it stands in for (`mlx models show NAME VERSION --json`, or its
manifest.json) fixes the inputs and their order, the objective and tree
parameters, and the rows: the version's own final-fit training rows, before
its validation window, because `models import` refits the head on that window
and a booster that had seen it would make the head's fit in-sample.

stdout: one JSON document describing the run; stderr: progress for people.
Needs Debian's python3-dask, python3-distributed, python3-xgboost and
python3-pandas (`bash scripts/setup.sh --with-dask`); Debian has no pyarrow,
so the export is read as CSV.
"""

import argparse
import json
import logging
import math
import os
import shutil
import sys
import tempfile

MODEL_SCHEMA = "mlx.model/2"
# mlx's own XGBoost parameters that carry over unchanged to xgboost.dask.
CARRIED_PARAMS = (
    "objective",
    "max_depth",
    "eta",
    "subsample",
    "colsample_bytree",
    "min_child_weight",
    "lambda",
    "max_bin",
)
# mlx's shortest validation window, in sessions (src/training/folds.ts).
MIN_VALIDATION_SESSIONS = 40


class UsageError(Exception):
    """Bad arguments or files: exit 2, as mlx does."""


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog="dask-train.py",
        description="Train an mlx model version's XGBoost booster with xgboost.dask on a\n"
        "local Dask cluster, from mlx's CSV feature export; save it as XGBoost JSON.",
        epilog="example:\n"
        "  mlx models show default --json > like.json\n"
        "  mlx export features --format csv --model default/VERSION --out export\n"
        "  /usr/bin/python3 scripts/dask-train.py export/features.csv xgb.json --like like.json\n"
        "  mlx models import --xgb xgb.json --like default/VERSION --promote",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "features", help="features.csv of mlx export features --format csv --model NAME/VERSION"
    )
    parser.add_argument("out", help="where to save the booster (XGBoost JSON, e.g. xgb.json)")
    parser.add_argument(
        "rounds",
        type=int,
        nargs="?",
        help="boosting rounds (default: as many trees as the --like version kept)",
    )
    parser.add_argument(
        "--like",
        required=True,
        metavar="FILE",
        help="the version the booster stands in for: mlx models show NAME VERSION --json, "
        "or that version's manifest.json",
    )
    parser.add_argument(
        "--workers", type=int, default=2, metavar="N", help="Dask worker processes (default: 2)"
    )
    parser.add_argument(
        "--threads", type=int, default=1, metavar="N", help="threads per worker (default: 1)"
    )
    args = parser.parse_args(argv)
    if (args.rounds is not None and args.rounds < 1) or args.workers < 1 or args.threads < 1:
        parser.error("rounds, --workers and --threads must be at least 1")
    return args


def read_like(file):
    """The like version's manifest, from `mlx models show --json` or manifest.json."""
    try:
        with open(file, encoding="utf8") as f:
            document = json.load(f)
    except (OSError, ValueError) as err:
        raise UsageError(f"{file}: cannot read it as JSON ({err})")
    manifest = document.get("manifest", document) if isinstance(document, dict) else None
    if not isinstance(manifest, dict) or manifest.get("schema") != MODEL_SCHEMA:
        raise UsageError(f"{file}: not an mlx model manifest ({MODEL_SCHEMA})")
    if "xgb" not in manifest["models"] or manifest["per_symbol"]:
        version = f"{manifest['name']}/{manifest['version']}"
        raise UsageError(f"{file}: {version} has no pooled XGBoost model")
    return manifest


def input_columns(manifest):
    """XGBoost's inputs in the version's order: standardised features, then per-date ranks."""
    return [f"{name}_scaled" for name in manifest["feature_set"]["names"]] + [
        f"{name}_cs_rank" for name in manifest["params"]["feature_ranks"]
    ]


def kept_rounds(manifest):
    """The trees the version's booster holds: mlx keeps best_iteration + 1 of the rounds it ran."""
    final_fit = manifest["params"].get("final_fit") or {}
    if "xgb" in final_fit:
        return final_fit["xgb"]["best_iteration"] + 1
    if final_fit.get("imported"):
        return final_fit["rounds"]
    version = f"{manifest['name']}/{manifest['version']}"
    raise UsageError(f"{version} does not record its rounds: give them as an argument")


def training_window(keys, manifest):
    """
    The version's final-fit split, as mlx computes it on its dataset (bars up to
    data_range.until): the labelled sessions, the last validation_share of them
    (at least 40) for validation, purged by the horizon. `keys` holds the
    export's (symbol, date) pairs; the export runs past `until`, so labels
    are judged by each symbol's sessions up to `until`, as mlx saw them.
    """
    horizon = manifest["label"]["horizon_days"]
    share = manifest["params"]["walk_forward"]["validation_share"]
    since, until = manifest["data_range"]["from"], manifest["data_range"]["until"]
    seen = keys[(keys.date >= since) & (keys.date <= until)]
    dates = sorted(seen.date.unique())
    position = {date: i for i, date in enumerate(dates)}
    last_labelled = -1
    for _, symbol_dates in seen.groupby("symbol").date:
        ordered = sorted(symbol_dates)
        # A row's label needs `horizon` more sessions of its symbol.
        if len(ordered) > horizon:
            last_labelled = max(last_labelled, position[ordered[-horizon - 1]])
    span = last_labelled + 1
    valid_length = max(MIN_VALIDATION_SESSIONS, math.floor(span * share + 0.5))
    valid_start = span - valid_length
    train_end = valid_start - horizon - 1
    if train_end < 0:
        raise UsageError(f"too few sessions before the validation window ({span} labelled)")
    return {
        "train": {"from": dates[0], "to": dates[train_end]},
        "validation": {"from": dates[valid_start], "to": dates[span - 1]},
    }


def read_header(features, inputs):
    """The export's columns, once it is known to hold the version's inputs and the label."""
    import pandas as pd

    try:
        header = list(pd.read_csv(features, nrows=0).columns)
    except (OSError, ValueError) as err:
        raise UsageError(f"{features}: cannot read it as CSV ({err})")
    missing = [c for c in inputs + ["label"] if c not in header]
    if missing:
        raise UsageError(
            f"{features} lacks {len(missing)} of the version's input columns "
            f"(first: {missing[0]}): export it with --model NAME/VERSION of that version"
        )
    return header


def load_rows(args, manifest, header):
    """The labelled training and validation rows, spread over the workers and held there."""
    import dask.dataframe as dd
    from dask.distributed import wait

    # Every numeric column as float: dask infers types from the first block,
    # and a column empty (NULL) there but not later would fail to parse.
    dtypes = {c: ("object" if c in ("symbol", "date") else "float64") for c in header}
    size = os.path.getsize(args.features)
    # At least two blocks per worker, so every worker holds rows to train on.
    blocksize = max(1 << 20, min(64 << 20, math.ceil(size / (2 * args.workers))))
    frame = dd.read_csv(args.features, dtype=dtypes, blocksize=blocksize)
    window = training_window(frame[["symbol", "date"]].compute(), manifest)
    labelled = frame[frame.label.notnull()]
    parts = {
        name: labelled[(labelled.date >= span["from"]) & (labelled.date <= span["to"])]
        .repartition(npartitions=max(args.workers, frame.npartitions))
        .persist()
        for name, span in window.items()
    }
    wait(list(parts.values()))
    return window, parts


def train(args, manifest):
    # Imported here so that --help and argument errors work without Dask installed.
    import dask
    import xgboost as xgb
    from dask.distributed import Client, LocalCluster

    # distributed logs each connection at INFO, and XGBoost's tracker gives the
    # root logger a handler that would print them: warnings and errors only.
    logging.basicConfig(level=logging.WARNING, format="%(name)s: %(message)s")
    logging.getLogger("distributed").setLevel(logging.WARNING)
    inputs = input_columns(manifest)
    header = read_header(args.features, inputs)
    params = {k: manifest["params"]["xgb"][k] for k in CARRIED_PARAMS}
    params.update(tree_method="hist", seed=manifest["seed"], nthread=args.threads)
    params.update(eval_metric="rmse")

    scratch = tempfile.mkdtemp(prefix="mlx-dask-")
    # The Rabit tracker would otherwise guess a public address; keep it on loopback.
    with dask.config.set({"xgboost.scheduler_address": "127.0.0.1"}):
        cluster = LocalCluster(
            n_workers=args.workers,
            threads_per_worker=args.threads,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
            local_directory=scratch,
            silence_logs=logging.ERROR,
        )
        try:
            with Client(cluster) as client:
                window, parts = load_rows(args, manifest, header)
                rows = {name: int(len(part)) for name, part in parts.items()}
                span = window["train"]
                log(
                    f"{rows['train']:,} training rows ({span['from']} → {span['to']}), "
                    f"{rows['validation']:,} validation rows, {len(inputs)} inputs, "
                    f"{args.workers} workers × {args.threads} threads"
                )
                matrices = {
                    name: xgb.dask.DaskDMatrix(client, part[inputs], part["label"])
                    for name, part in parts.items()
                }
                result = xgb.dask.train(
                    client,
                    params,
                    matrices["train"],
                    num_boost_round=args.rounds,
                    evals=[(matrices[name], name) for name in ("train", "validation")],
                    verbose_eval=False,
                )
                workers = sorted(client.scheduler_info()["workers"])
        finally:
            cluster.close()
            shutil.rmtree(scratch, ignore_errors=True)

    result["booster"].save_model(args.out)
    rmse = {name: history["rmse"][-1] for name, history in result["history"].items()}
    log(
        f"rmse after {args.rounds} rounds: "
        f"train {rmse['train']:.5f}, validation {rmse['validation']:.5f}"
    )
    return {
        "booster": os.path.abspath(args.out),
        "like": f"{manifest['name']}/{manifest['version']}",
        "rounds": args.rounds,
        "inputs": len(inputs),
        "training_rows": rows["train"],
        "validation_rows": rows["validation"],
        "window": window,
        "rmse": rmse,
        "params": params,
        "workers": workers,
        "xgboost": xgb.__version__,
        "dask": dask.__version__,
    }


def log(message):
    print(f"dask-train: {message}", file=sys.stderr, flush=True)


def main(argv):
    args = parse_args(argv)
    try:
        manifest = read_like(args.like)
        if args.rounds is None:
            args.rounds = kept_rounds(manifest)
        summary = train(args, manifest)
    except UsageError as err:
        log(str(err))
        return 2
    json.dump(summary, sys.stdout)
    print()
    return 0


# Dask's worker processes re-import this file: only the parent may start the cluster.
if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
