"""Training speed and memory: epoch time and peak RSS of `gnnrec.train` on MovieLens-100k and on a synthetic shop
of 100k users x 20k items x ~2M interactions.

    OMP_NUM_THREADS=2 .venv/bin/python bench/train.py [--epochs 2] [--only ml|synth] [--fanout 10] [--data DIR]

`--data DIR` reuses a shop written by `gnnrec synth --users 100000 --items 20000 --out DIR` (writing it takes minutes).

Prints one line per configuration: nodes/edges, seconds per epoch (mean over the epochs run), peak RSS of the
process, and the validation recall@20 reached. Figures, not assertions: this is a benchmark, not a test.
"""
import argparse, resource, sys, tempfile, time
from pathlib import Path

import torch

from gnnrec.data import DataConfig, find_shared_data, load_dataset, load_movielens, write_synthetic
from gnnrec.graph import build_graph
from gnnrec.model import ModelConfig
from gnnrec.train import Config, TrainConfig, train


def peak_rss_gb(): return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20


def bench(name, ds, cfgs, epochs):
    t = time.time(); g = build_graph(ds); t_graph = time.time() - t
    edges = sum(g.num_edges(c) for c in g.canonical_etypes if c[0] == 'user')
    print(f"\n{name}: {ds.n_users} users, {ds.n_items} items, {edges} user->item training edges (graph built in {t_graph:.1f}s)")
    for label, cfg in cfgs:
        cfg = cfg.replace(epochs=epochs, patience=epochs)
        t = time.time()
        _, hist, best = train(cfg, g, ds, progress=False, log=None)
        print(f"  {label:<38} {hist.seconds.mean():7.1f} s/epoch   peak RSS {peak_rss_gb():5.2f} GB   "
              f"valid recall@20 {best.get('recall', float('nan')):.4f}   ({time.time() - t:.0f}s total)", flush=True)


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--epochs', type=int, default=2)
    p.add_argument('--only', choices=['ml', 'synth'])
    p.add_argument('--fanout', type=int, default=10, help='fan-out for the large graph')
    p.add_argument('--users', type=int, default=100_000)
    p.add_argument('--items', type=int, default=20_000)
    p.add_argument('--data', type=Path, help='an existing synthetic shop directory to reuse')
    a = p.parse_args()
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads")
    tmp = Path(tempfile.mkdtemp())
    base = Config.from_dict(dict(family='sage', input='features', n_layers=2, norm=True, pred='cos', loss='max_margin', loss_score='head',
                                 neg_sample_size=10, full_graph=False, batch_size=1024))
    if a.only in (None, 'ml'):
        ml = find_shared_data('ml-100k')
        if ml is None: print('ml-100k not found (../shared/data/ml-100k)')
        else:
            for k, v in load_movielens(ml).items(): v.to_csv(tmp/f'ml_{k}.csv', index=False)
            ds = load_dataset(tmp/'ml_interactions.csv', DataConfig(), tmp/'ml_users.csv', tmp/'ml_items.csv', display_cols=('title',))
            bench('MovieLens-100k', ds, [
                ('sage mean, 2 layers, full neighbours', base),
                ('sage mean, 2 layers, fan-out 10', base.replace(fanout=10)),
                ('lightgcn, 3 layers, full graph, the default recipe', Config()),
            ], a.epochs)
    if a.only in (None, 'synth'):
        t = time.time()
        shop = a.data or write_synthetic(tmp/'shop', n_users=a.users, n_items=a.items, seed=0, sessions_per_user=6.0)
        if not a.data: print(f"\nsynthetic shop written in {time.time() - t:.0f}s")
        dcfg = DataConfig(item_links={'category': 'category'})
        ds = load_dataset(shop/'interactions.csv', dcfg, shop/'users.csv', shop/'items.csv')
        bench(f'synthetic {ds.n_users}x{ds.n_items} ({len(ds.interactions)} interactions)', ds, [
            (f'sage mean, 2 layers, fan-out {a.fanout}', base.replace(batch_size=4096, fanout=a.fanout)),
            ('lightgcn, 3 layers, full graph, the default recipe', Config(dcfg)),
        ], a.epochs)


if __name__ == '__main__': sys.exit(main())
