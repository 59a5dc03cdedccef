"""The lab peer on mlx's walk-forward folds: daily Rank IC by test date, as JSON on stdout.

  python3 bench/skill/peer.py TOOLS_DIR BLOCKS_JSON CSV_DIR [CSV_DIR...]

TOOLS_DIR holds the reference peer (skill_lab.py, python_peer.py: pandas + XGBoost, not part of
mlx); this runs its "per-date rank label, raw features" variant with its own parameters, retrained
once per block of BLOCKS_JSON ([[first_test_date, last_test_date], ...], mlx's folds), purged by 5
sessions, early-stopped on the last 252 sessions before the block. Prints
{"dates": [...], "rank_ic": [...]} for the skill bench to pair with mlx's figures date by date.
"""
import json, sys

import numpy as np, pandas as pd, xgboost as xgb

sys.path.insert(0, sys.argv[1])
from skill_lab import load  # noqa: E402  (the peer's own loader)
from python_peer import features  # noqa: E402  (the peer's 38 features)

H = 5


def main():
    blocks = json.loads(open(sys.argv[2]).read())
    frames = {}
    for folder in sys.argv[3:]:
        frames.update(load(folder))
    parts = []
    for sym, df in frames.items():
        f = features(df)
        f['fwd'] = np.log(df['close']).shift(-H) - np.log(df['close'])
        f['symbol'] = sym
        parts.append(f)
    data = pd.concat(parts).replace([np.inf, -np.inf], np.nan)
    data.index.name = 'date'
    data = data.reset_index()
    cols = [c for c in data.columns if c not in ('date', 'symbol', 'fwd')]
    data = data.dropna(subset=cols)
    data['fwd_rank'] = data.groupby('date')['fwd'].rank(pct=True) - 0.5
    dates = np.array(sorted(data['date'].unique()))
    out_dates, out_ic = [], []
    for first, last in blocks:
        block = dates[(dates >= pd.Timestamp(first)) & (dates <= pd.Timestamp(last))]
        cut = np.searchsorted(dates, block[0])
        train_end = dates[max(0, cut - H - 1)]
        tr = data[data['date'] <= train_end].dropna(subset=['fwd_rank'])
        val_split = dates[max(0, np.searchsorted(dates, train_end) - 252)]
        fit = tr[tr['date'] < val_split - pd.Timedelta(days=10)]
        val = tr[tr['date'] >= val_split]
        te = data[data['date'].isin(block)].dropna(subset=['fwd'])
        params = dict(objective='reg:squarederror', tree_method='hist', max_depth=5, eta=0.05,
                      subsample=0.8, colsample_bytree=0.8, min_child_weight=50, nthread=2, seed=7)
        dfit = xgb.DMatrix(fit[cols].values.astype(np.float32), label=fit['fwd_rank'].values)
        dval = xgb.DMatrix(val[cols].values.astype(np.float32), label=val['fwd_rank'].values)
        b = xgb.train(params, dfit, 200, evals=[(dval, 'val')], early_stopping_rounds=30,
                      verbose_eval=False)
        te = te.assign(score=b.predict(xgb.DMatrix(te[cols].values.astype(np.float32)),
                                       iteration_range=(0, b.best_iteration + 1)))
        for day, d in te.groupby('date'):
            if len(d) < 5:
                continue
            out_dates.append(pd.Timestamp(day).strftime('%Y-%m-%d'))
            out_ic.append(float(d['score'].corr(d['fwd'], method='spearman')))
        print(f'peer: block {first} → {last} done', file=sys.stderr)
    print(json.dumps({'dates': out_dates, 'rank_ic': out_ic}))


if __name__ == '__main__':
    main()
