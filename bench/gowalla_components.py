"""What each part of the Gowalla recipe brings: the graph filters alone and blended into the GNN, one table.

    .venv/bin/python bench/gowalla_components.py --run bench/out/gowalla_valid-run --split valid   # where choices are made
    .venv/bin/python bench/gowalla_components.py --run bench/out/gowalla-run --split test         # the figures reported

Reads a run written by bench/gowalla.py and scores every user of the split through the product's own scoring path
(`run_scorer`, `split_metrics`: full ranking, training items excluded, Recall@20 and NDCG@20 as the LightGCN code
defines them) with the run's GNN and filter settings varied one part at a time. The filter of the recipe is the one
in --params (bench/gowalla_params.yaml), the GNN the run's. Writes bench/results/gowalla_components_<split>.json.
"""
from __future__ import annotations
import argparse, json, os, sys, time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))


def variants(tc)->list:
    "(name, family, TrainConfig overrides) of each row; the recipe's own filter settings are read from `tc`."
    linear = dict(filter_rank=0, filter_cheb=0.0, filter_cheb_order=0, filter_degree=0.0, filter_item_norm=0.5, filter_sharpen=0.0)
    gfcf = dict(linear, filter_rank=256, filter_ideal=0.3, filter_ideal_norm=0.5)   # GF-CF's published setting
    bspm = dict(linear, filter_rank=448, filter_ideal=0.2, filter_ideal_norm=0.5, filter_sharpen=2.5, filter_sharpen_order=4)  # BSPM's Gowalla setting
    recipe = {k: getattr(tc, k) for k in ('filter_item_norm', 'filter_rank', 'filter_ideal', 'filter_ideal_norm', 'filter_cheb_order',
                                         'filter_cheb_cutoff', 'filter_cheb', 'filter_degree', 'filter_sharpen', 'filter_sharpen_order')}
    unsharp = dict(recipe, filter_sharpen=0.0)
    cheb = dict(linear, filter_cheb_order=8, filter_cheb_cutoff=0.2, filter_cheb=0.3)
    w = tc.weight_filter
    return [('filter: linear', 'filter', linear),
            ('filter: GF-CF (linear + ideal rank 256)', 'filter', gfcf),
            ('filter: linear + Chebyshev (order 8, cutoff 0.2)', 'filter', cheb),
            ("filter: BSPM's Gowalla setting (ideal rank 448 x 0.2, sharpened T 2.5)", 'filter', bspm),
            ("filter: the recipe's, not sharpened", 'filter', unsharp),
            ('filter: the recipe\'s', 'filter', recipe),
            ('GNN alone', 'gnn', dict(weight_filter=0.0)),
            ('GNN + 2 x linear filter (the previous recipe)', 'gnn', dict(linear, weight_filter=2.0)),
            (f"GNN + {w:g} x the recipe's filter, not sharpened", 'gnn', dict(unsharp, weight_filter=w)),
            (f'GNN + {w:g} x the recipe\'s filter', 'gnn', dict(recipe, weight_filter=w))]


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--run', type=Path, required=True)
    p.add_argument('--split', choices=('valid', 'test'), required=True)
    p.add_argument('--params', type=Path, default=HERE/'gowalla_params.yaml', help="the recipe: its filter settings and weight_filter")
    p.add_argument('--only', nargs='*', default=None, help='row numbers to compute (default: all)')
    a = p.parse_args(argv)
    from gnnrec.train import Config, load_run
    from gnnrec.scoring import embeddings, run_scorer, split_metrics
    from gnnrec.model import FilterModel, ModelConfig
    run = load_run(a.run)
    tc = run.cfg.train
    h = embeddings(run.model, run.g)
    print(f"load average at start {os.getloadavg()[0]:.2f} (2 cores); run {a.run}, split {a.split}; torch threads "
          f"{__import__('torch').get_num_threads()}", flush=True)
    rows = []
    for i, (name, family, over) in enumerate(variants(Config.load(a.params).train)):
        if a.only is not None and str(i) not in a.only: continue
        t0 = time.perf_counter()
        c = run.cfg.replace(**over).train
        model = FilterModel(ModelConfig(family='filter')) if family == 'filter' else run.model
        m = split_metrics(run_scorer(model, h, run.ds, c), run.ds, c, a.split)
        rows.append(dict(row=i, name=name, settings=over, recall=m['recall'], ndcg=m['ndcg'], seconds=time.perf_counter() - t0))
        print(f"{i}  {name:52s} Recall@20 {m['recall']:.4f}  NDCG@20 {m['ndcg']:.4f}  ({rows[-1]['seconds']:.0f} s)", flush=True)
    out = HERE/'results'/f'gowalla_components_{a.split}.json'
    if a.only is not None and out.exists():   # recompute some rows of an earlier table, keep the others
        done = {r['row'] for r in rows}
        rows = sorted([r for r in json.loads(out.read_text())['rows'] if r['row'] not in done] + rows, key=lambda r: r['row'])
    out.write_text(json.dumps(dict(run=str(a.run), split=a.split, rows=rows, load_end=os.getloadavg()[0]), indent=1))
    print(f"wrote {out}; load average at end {os.getloadavg()[0]:.2f}")


if __name__ == '__main__':
    main()
