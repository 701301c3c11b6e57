"""MovieLens-100k: the GNN with gnnrec's default settings against EASE and iALS (implicit), same split, same protocol.

    make bench-ml100k            # = OMP_NUM_THREADS=1 .venv/bin/python bench/ml100k.py (one thread: faster on this small graph)

What it does, with gnnrec's own functions (the same as `gnnrec convert`, `gnnrec train --exclude interacted --seed S`
and `gnnrec evaluate --tune-baselines`):
1. converts ../shared/data/ml-100k (rating >= 4 = purchase, lower = click; user age/gender/occupation and movie
   genres as feature tables) into bench/out/ml-100k/;
2. trains the GNN with gnnrec's defaults (no model or training flag; `--exclude interacted` is the protocol: a movie
   is rated once, so every rated movie leaves the ranking) once per seed (--seeds, default 0 1 2) into
   bench/out/ml100k-run-S/: on ~900 test users one seed's figures move by about ±0.005, as much as the gaps between
   the models, so the GNN is judged by its mean over the seeds (--params FILE trains a params file instead);
3. tunes EASE's lambda, item-kNN's neighbours and ALS's factors/regularisation/alpha on the validation split
   (`gnnrec.evaluate.tune_baselines`), so each baseline gets the same chance as the GNN (the baselines are
   deterministic given their seed);
4. evaluates everything on the test split under the run's protocol: per-user temporal split (the last 10 % of each
   user's ratings, visits kept whole), truth = the test purchases, every training rating excluded from the rankings,
   k = 20.
Prints the table (each seed, their mean, the baselines), the baselines' chosen hyper-parameters and the GNN's margin
over EASE and ALS.
"""
from __future__ import annotations
import argparse, os, sys, time, warnings
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
import pandas as pd
import torch

from gnnrec.data import find_shared_data, load_movielens
from gnnrec.evaluate import evaluate_run, tune_baselines
from gnnrec.baselines import BASELINE_GRID
from gnnrec.train import Config, train_run

warnings.filterwarnings('ignore', message='.*(CPU affinity|beta).*')


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--params', type=Path, help='a params file for the GNN (default: gnnrec\'s defaults)')
    p.add_argument('--out', type=Path, default=HERE/'out', help='where the converted data and the run go')
    p.add_argument('--default-baselines', action='store_true', help="keep the baselines' default hyper-parameters")
    p.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2], help='training seeds of the GNN')
    a = p.parse_args(argv)
    t_start = time.perf_counter()
    src = find_shared_data('ml-100k')
    if src is None: sys.exit("ml-100k not found: expected shared/data/ml-100k above the working directory")
    data = a.out/'ml-100k'
    data.mkdir(parents=True, exist_ok=True)
    for name, df in load_movielens(src).items(): df.to_csv(data/f'{name}.csv', index=False)
    cfg = Config.load(a.params) if a.params else Config.from_dict({'exclude': 'interacted'})
    print(f"torch threads {torch.get_num_threads()}, load average {os.getloadavg()[0]:.2f}; params {a.params or 'the defaults (exclude: interacted)'}")
    runs, rows = [], []
    me = 'filter' if cfg.model.family == 'filter' else 'gnn'   # the model's row: a filter-family run has no GNN
    for seed in a.seeds:
        t0 = time.perf_counter()
        run = train_run(cfg.replace(seed=seed), a.out/f'ml100k-run-{seed}', data/'interactions.csv', data/'users.csv',
                        data/'items.csv', ('title',), overwrite=True, progress=False, log=None)
        print(f"{me} seed {seed} trained in {time.perf_counter() - t0:.0f}s: best epoch {run.metrics['best_epoch']}, "
              f"validation recall@20 {run.metrics['valid']['recall']:.4f}, ndcg@20 {run.metrics['valid']['ndcg']:.4f}")
        runs.append(run)
    baselines = ('random', 'popularity', 'recent', 'ease', 'itemknn', 'als', 'graphfilter')
    bcfg = None
    if not a.default_baselines:
        t0 = time.perf_counter()
        bcfg, trials = tune_baselines(runs[0], ('ease', 'itemknn', 'als'))
        chosen = {f: getattr(bcfg, f) for g in BASELINE_GRID.values() for f in g}
        print(f"baselines tuned on validation ({len(trials)} candidates, {time.perf_counter() - t0:.0f}s): "
              + ', '.join(f"{k}={v}" for k, v in chosen.items()))
    tables = [evaluate_run(r, 'test', baselines=baselines if i == 0 else (), cfg=bcfg)[0] for i, r in enumerate(runs)]
    cols = ['precision@20', 'recall@20', 'ndcg@20', 'hit@20', 'mrr@20', 'coverage@20']
    gnn = pd.DataFrame([t.loc['gnn', cols] for t in tables], index=[f'{me} seed {s}' for s in a.seeds])
    table = pd.concat([gnn, gnn.mean().to_frame(f'{me} mean of {len(a.seeds)}').T, tables[0].drop(index='gnn')[cols]])
    with pd.option_context('display.width', 200):
        print(f"\ntest split ({int(tables[0].n_users.iloc[0])} users with test purchases), training ratings excluded, k = 20:")
        print(table[cols].round(4).to_string())
    mean = table.loc[f'{me} mean of {len(a.seeds)}']
    for b in ('ease', 'als'):
        r, n = mean['recall@20'] - table.loc[b, 'recall@20'], mean['ndcg@20'] - table.loc[b, 'ndcg@20']
        wins = int(((gnn['recall@20'] > table.loc[b, 'recall@20']) & (gnn['ndcg@20'] > table.loc[b, 'ndcg@20'])).sum())
        verdict = 'beats' if r > 0 and n > 0 else 'does NOT beat'
        print(f"{me} (mean of {len(a.seeds)} seeds) {verdict} {b}: recall@20 {r:+.4f} ({100 * r / table.loc[b, 'recall@20']:+.1f}%), "
              f"ndcg@20 {n:+.4f} ({100 * n / table.loc[b, 'ndcg@20']:+.1f}%); seeds beating it on both: {wins} of {len(a.seeds)}")
    print(f"wall time {time.perf_counter() - t_start:.0f}s; runs written to {a.out}/ml100k-run-*")


if __name__ == '__main__':
    main()
