"""How the defaults were chosen: candidate recipes compared on VALIDATION splits only, across three kinds of data.

    make bench-defaults        # = .venv/bin/python bench/defaults.py   (~2 h on 2 cores; gnnrec sets its threads, GNNREC_THREADS=N overrides)
    .venv/bin/python bench/defaults.py --only ml100k synth    # the two small datasets, 3 seeds each (~50 min)

Datasets (validation split of each, never test):
- ml100k: MovieLens-100k (../shared/data/ml-100k) in the gnnrec format, user and movie features, default split
  (last 10 % of each user's history, visits kept whole), every rating excluded from the rankings (a movie is rated once);
- synth: the built-in synthetic shop (2,000 users, 1,000 items), categories linked to items and users, features;
- gowalla: the LightGCN split's train.txt with 20 % of each user's items (users with >= 5) held out for validation
  (`gnnrec convert --lightgcn ... --valid-frac 0.2`), ids only (the data has no features).
Every candidate trains through `gnnrec.train.train` (the one loop) with its own full config; EASE and iALS with
their default hyper-parameters are measured on the same validation split under the same protocol for reference.
Prints one table (validation recall@20 / NDCG@20 per candidate and dataset, seconds) and writes
bench/results/defaults.json. Gowalla candidates that would take long get a time budget (`--gowalla-minutes`).
"""
from __future__ import annotations
import argparse, json, os, sys, tempfile, time, warnings
from statistics import mean
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
import pandas as pd

from gnnrec.data import DataConfig, find_shared_data, load_dataset, load_movielens, load_lightgcn_split, write_synthetic
from gnnrec.graph import build_graph
from gnnrec.train import Config, Run, train, calibrate
from gnnrec.scoring import validate
from gnnrec.evaluate import evaluate_run
from gnnrec.distributed import BLOCKS_RECIPE

warnings.filterwarnings('ignore', message='.*(CPU affinity|beta).*')

GNNRECSYS = {**BLOCKS_RECIPE, 'epochs': 20, 'patience': 5}   # GNN-RecSys's recipe: distributed training's, spelled once in gnnrec.distributed
NO_EASE = dict(calibrate_ease_max_items=0)   # calibration without the filter's EASE part: every candidate measured before it existed
PREVIOUS = dict(NO_EASE, n_layers=3, weighting='user', patience=20)   # the default until '2 layers, every edge weighted the same' beat it
CANDIDATES = {   # name -> changes to Config(): {} is gnnrec's default recipe
    'default (2 layers, patience 40, calibrated with the EASE part)': {},
    'default without the EASE part (the default until it beat it)': NO_EASE,
    'gnnrec 0.1 default (GNN-RecSys: SAGE, max-margin, minibatch)': dict(NO_EASE, **GNNRECSYS),
    'LightGCN, minibatches of 1024 edges, BPR': dict(loss='bpr', loss_score='head', neg_sample_size=1, batch_size=1024, lr=0.005,
                                                     epochs=40, patience=5, train_on_clicks=False, calibrate=False),
    'previous default (3 layers, every user weighted the same)': PREVIOUS,
    'previous default, not calibrated': dict(PREVIOUS, calibrate=False),
    'previous default, purchases only': dict(PREVIOUS, train_on_clicks=False),
    'previous default, every click (clicks_sample 1)': dict(PREVIOUS, clicks_sample=1.0),
    'previous default, temperature 0.1': dict(PREVIOUS, temperature=0.1),
    'previous default, temperature 0.2': dict(PREVIOUS, temperature=0.2),
    'previous default, 64 dims': dict(PREVIOUS, out_dim=64),
    'previous default, 256 dims': dict(PREVIOUS, out_dim=256),
    'previous default, lr 0.03': dict(PREVIOUS, lr=0.03),
    'default without the EASE part, patience 20 (the default until patience 40 beat it)': dict(NO_EASE, patience=20),
    'previous default, patience 40': dict(PREVIOUS, patience=40),
    'default without the EASE part, readout 0.1 / 0.45 / 0.45': dict(NO_EASE, lightgcn_alpha=(0.1, 0.45, 0.45)),
}


def datasets(only, tmp:Path)->dict:
    out = {}
    if 'ml100k' in only and (src := find_shared_data('ml-100k')):
        d = tmp/'ml'; d.mkdir()
        for n, df in load_movielens(src).items(): df.to_csv(d/f'{n}.csv', index=False)
        out['ml100k'] = (load_dataset(d/'interactions.csv', DataConfig(), d/'users.csv', d/'items.csv', ('title',)), dict(exclude='interacted'))
    if 'synth' in only:
        d = write_synthetic(tmp/'synth')
        dc = DataConfig(item_links={'category': 'category'}, user_links={'declared_category': 'category'})
        out['synth'] = (load_dataset(d/'interactions.csv', dc, d/'users.csv', d/'items.csv'), dict(item_links={'category': 'category'},
                                                                                               user_links={'declared_category': 'category'}))
    if 'gowalla' in only and (src := find_shared_data('gowalla')):
        d = tmp/'gowalla'; d.mkdir()
        load_lightgcn_split(src, valid_frac=0.2)['interactions'].to_csv(d/'interactions.csv', index=False)
        out['gowalla'] = (load_dataset(d/'interactions.csv', DataConfig(split='column')), dict(split='column', valid_every=20))
    return out


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--only', nargs='+', default=['ml100k', 'synth', 'gowalla'])
    p.add_argument('--candidates', nargs='+', help='names (prefixes) of the candidates to run; default all')
    p.add_argument('--gowalla-minutes', type=float, default=5.0, help='time budget of each Gowalla candidate')
    p.add_argument('--gowalla-candidates', nargs='+', default=['previous default (3', 'previous default, not calibrated', 'previous default, temperature 0.1',
                   'previous default, temperature 0.2', 'previous default, 64 dims', 'previous default, 256 dims', 'default (2', 'default without the EASE part',
                   'previous default, patience 40'], help='the candidates run on Gowalla (the slow one)')
    p.add_argument('--seeds', nargs='+', type=int, default=[0, 1, 2], help='training seeds of each candidate (its figures are their mean)')
    p.add_argument('--gowalla-seeds', nargs='+', type=int, default=[0], help='training seeds on Gowalla (five minutes each)')
    p.add_argument('--out', type=Path, default=HERE/'results'/'defaults.json')
    a = p.parse_args(argv)
    t_start = time.perf_counter()
    tmp = Path(tempfile.mkdtemp())
    data = datasets(a.only, tmp)
    cands = {k: v for k, v in CANDIDATES.items() if not a.candidates or any(k.startswith(c) for c in a.candidates)}
    rows = json.loads(a.out.read_text()) if a.out.exists() else []
    print(f"load average {os.getloadavg()[0]:.2f}; datasets {', '.join(data)}; {len(cands)} candidates", flush=True)
    for dname, (ds, dflags) in data.items():
        g = build_graph(ds)
        first = None
        for cname, changes in cands.items():
            if dname == 'gowalla' and not any(cname.startswith(c) for c in a.gowalla_candidates): continue   # minibatch recipes: one epoch alone overruns the budget
            extra = dict(minutes=a.gowalla_minutes) if dname == 'gowalla' else {}
            runs = []
            for seed in (a.gowalla_seeds if dname == 'gowalla' else a.seeds):
                cfg = Config.from_dict({**dflags, **changes, **extra, 'seed': seed})
                t0 = time.perf_counter()
                model, hist, best = train(cfg, g, ds, progress=False, log=None)
                cfg, cal = calibrate(cfg, model, g, ds)   # as gnnrec train does (a no-op with calibrate=False)
                m = validate(model, g, ds, cfg.train) if len(cal) else best
                runs.append(dict(seed=seed, recall=m.get('recall'), ndcg=m.get('ndcg'), best_epoch=best['best_epoch'], epochs=int(hist.epoch.max()),
                                 norm_power=cfg.model.norm_power, weight_filter=cfg.train.weight_filter, filter_ease=cfg.train.filter_ease, seconds=round(time.perf_counter() - t0, 1)))
            row = dict(dataset=dname, candidate=cname, recall=mean(r['recall'] for r in runs), ndcg=mean(r['ndcg'] for r in runs),
                       seeds=runs, seconds=round(sum(r['seconds'] for r in runs), 1), load=round(os.getloadavg()[0], 2))
            print(row, flush=True)
            rows = [r for r in rows if (r['dataset'], r['candidate']) != (dname, cname)] + [row]
            first = first or Run(cfg, g, ds, model, hist, {}, None)
            a.out.parent.mkdir(exist_ok=True); a.out.write_text(json.dumps(rows, indent=1))
        if first is not None:
            base = ('ease', 'als') if ds.n_items <= 20_000 else ('als', 'itemknn')
            table, _ = evaluate_run(first, 'valid', baselines=base, write=False)
            for b in base:
                row = dict(dataset=dname, candidate=f'{b} (default hyper-parameters)', recall=float(table.loc[b, 'recall@20']),
                           ndcg=float(table.loc[b, 'ndcg@20']), seconds=round(float(table.loc[b, 'seconds']), 1))
                print(row, flush=True)
                rows = [r for r in rows if (r['dataset'], r['candidate']) != (dname, row['candidate'])] + [row]
        a.out.parent.mkdir(exist_ok=True); a.out.write_text(json.dumps(rows, indent=1))
    df = pd.DataFrame(rows)
    table = df.pivot_table(index='candidate', columns='dataset', values=['recall', 'ndcg'], sort=False)
    with pd.option_context('display.width', 250, 'display.max_colwidth', 60):
        print("\nvalidation recall@20 and NDCG@20 (validation splits only):")
        print(table.round(4).to_string())
    print(f"wall time {time.perf_counter() - t_start:.0f}s; written to {a.out}")


if __name__ == '__main__':
    main()
