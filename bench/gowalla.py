"""Gowalla benchmark through the product itself: `gnnrec convert`, `gnnrec train`, `gnnrec evaluate`.

    make bench-gowalla                 # = OMP_NUM_THREADS=2 .venv/bin/python bench/gowalla.py   (30–55 min on 2 cores)
    .venv/bin/python bench/gowalla.py --valid     # the same on the validation part of train.txt (where choices are made)

1. `gnnrec convert --lightgcn ../shared/data/gowalla` writes the LightGCN paper's split (train.txt, test.txt;
   29,858 users, 40,981 items) in the gnnrec format, the split in a `split` column; with --valid, 20 % of each
   user's training items (users with >= 5) become the validation split (`--valid-frac 0.2`) and test is not used.
2. `gnnrec train --split column --params bench/gowalla_params.yaml --minutes 15 --serve propagate`: the one training
   loop with the recipe of that file (every value chosen on the validation split; see its header) and a 15-minute
   budget (no refit: the benchmark measures the model trained on train.txt, which is what `evaluate` scores).
3. `gnnrec evaluate --split test`: full ranking of every item not in the user's training set, Recall@20 and NDCG@20 as
   the LightGCN paper and code define them (`gnnrec.metrics`), beside popularity, item-kNN, iALS and the graph filter
   (EASE is skipped: 40,981 items exceed its dense limit).
4. bench/gowalla_components.py: what each part brings (the filters alone, the GNN alone, the blends), same split.
Prints the commands, their output, the table against the published figures, wall time and peak memory of each
command; writes bench/results/gowalla.json (--valid: bench/results/gowalla_valid.json). Data and runs go to the
git-ignored bench/out/.
"""
from __future__ import annotations
import argparse, json, os, resource, shlex, subprocess, sys, time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
GNNREC = [sys.executable, '-m', 'gnnrec.cli']
PUBLISHED = [   # Recall@20 / NDCG@20 on this split, full ranking (sources in the README)
    ('LightGCN (He et al., SIGIR 2020, Table 4)', 0.1830, 0.1554), ('UltraGCN (CIKM 2021)', 0.1862, 0.1580),
    ('SimpleX (CIKM 2021)', 0.1872, 0.1557), ('GF-CF (CIKM 2021)', 0.1849, 0.1518), ('SGFCF (KDD 2024)', 0.1898, 0.1566),
    ('PGSP (WWW 2023)', 0.1917, 0.1606), ('BSPM (SIGIR 2022)', 0.1921, 0.1597), ('ChebyCF (SIGIR 2025)', 0.1941, 0.1616)]


def run(cmd:list, env=None)->tuple:
    "Run a gnnrec command, echo it and its output; (seconds, peak RSS of the child in MB)."
    shown = ['gnnrec', *cmd[3:]] if cmd[1] == '-m' else ['.venv/bin/python', Path(cmd[1]).relative_to(ROOT), *cmd[2:]]
    print('$', ' '.join(str(c) for c in shown), flush=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t0 = time.perf_counter()
    r = subprocess.run(cmd, cwd=ROOT, env=env, text=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    secs = time.perf_counter() - t0
    print(r.stdout, flush=True)
    if r.returncode: sys.exit(f"command failed with exit code {r.returncode}")
    return secs, max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--valid', action='store_true', help='train on train.txt minus a validation part and report validation')
    p.add_argument('--minutes', type=float, default=15.0, help='training budget of gnnrec train')
    p.add_argument('--params', type=Path, default=HERE/'gowalla_params.yaml')
    p.add_argument('--out', type=Path, default=HERE/'out')
    p.add_argument('--set', default='', help='extra gnnrec train flags in one string, e.g. --set "--out_dim 64"')
    a = p.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from gnnrec.data import find_shared_data
    src = find_shared_data('gowalla')
    if src is None: sys.exit("gowalla data not found: expected shared/data/gowalla above the working directory")
    t_start = time.perf_counter()
    env = {**os.environ, 'OMP_NUM_THREADS': os.environ.get('OMP_NUM_THREADS', '2')}
    tag = 'gowalla_valid' if a.valid else 'gowalla'
    data, out = a.out/tag, a.out/f'{tag}-run'
    print(f"load average at start {os.getloadavg()[0]:.2f} (2 cores); OMP_NUM_THREADS={env['OMP_NUM_THREADS']}", flush=True)
    steps = {}
    steps['convert'] = run(GNNREC + ['convert', '--lightgcn', src, '--out', data, '--overwrite'] + (['--valid-frac', '0.2'] if a.valid else []), env)
    steps['train'] = run(GNNREC + ['train', '--interactions', data/'interactions.csv', '--split', 'column', '--params', a.params,
                                   '--minutes', str(a.minutes), '--valid_every', '10', '--serve', 'propagate', '--out', out, '--overwrite',
                                   '--no-progress', *shlex.split(a.set)], env)
    m = json.loads((out/'metrics.json').read_text())
    if a.valid:
        final = {'recall@20': m['valid']['recall'], 'ndcg@20': m['valid']['ndcg']}
        table = None
    else:
        steps['evaluate'] = run(GNNREC + ['evaluate', '--run', out, '--split', 'test', '--baselines', 'popularity', 'itemknn', 'als', 'graphfilter'], env)
        m = json.loads((out/'metrics.json').read_text())
        table = m['evaluation']['table']
        final = {k: table['gnn'][k] for k in ('recall@20', 'ndcg@20', 'precision@20', 'hit@20')}
    split = 'validation' if a.valid else 'test'
    steps['components'] = run([sys.executable, str(HERE/'gowalla_components.py'), '--run', out, '--split', 'valid' if a.valid else 'test',
                               '--params', a.params], env)
    print(f"\ngnnrec on Gowalla ({split}): Recall@20 {final['recall@20']:.4f}  NDCG@20 {final['ndcg@20']:.4f}  "
          f"({m['epochs_run']} epochs of {m['epochs_planned']} planned, {m['seconds_per_epoch']:.1f} s each; the run, from the command's start "
          f"to its directory written, {m['seconds_total']:.0f} s of the {a.minutes:g}-minute budget)")
    if not a.valid:
        for name, r, n in PUBLISHED:
            print(f"  vs {name:45s} {r:.4f} / {n:.4f}: {final['recall@20'] - r:+.4f} / {final['ndcg@20'] - n:+.4f}")
    for s, (secs, rss) in steps.items(): print(f"  {s:9s} {secs:7.1f} s wall, peak RSS {rss:7.0f} MB")
    wall = time.perf_counter() - t_start
    print(f"wall time {wall:.0f} s; load average at end {os.getloadavg()[0]:.2f}")
    res = dict(split=split, final=final, table=table, metrics=m, params=a.params.read_text(), extra_flags=a.set,
               steps={s: dict(seconds=round(t, 1), peak_rss_mb=round(r)) for s, (t, r) in steps.items()}, wall=wall,
               load_end=os.getloadavg()[0])
    (HERE/'results').mkdir(exist_ok=True)
    (HERE/'results'/f'{tag}.json').write_text(json.dumps(res, indent=1, default=str))
    print(f"wrote {HERE/'results'/f'{tag}.json'}")


if __name__ == '__main__':
    main()
