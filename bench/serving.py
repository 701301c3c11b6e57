"""Serving from everything known, measured on a temporal split: refit vs propagation vs the selected model, fresh
history folded in without retraining, and warm-start updates — against full retrains.

    make bench-serving        # = OMP_NUM_THREADS=1 .venv/bin/python bench/serving.py   (~15 min)

The log (the built-in synthetic shop, 4,000 users and 2,000 items, seed 5; and MovieLens-100k) is cut by date into
three periods: A (before the 80 % quantile of the timestamps), B (up to the 90 % quantile) and C (the rest).
1. **What to serve** (`TrainConfig.serve`). `gnnrec train` on A (its own split inside A selects the model); the
   recommendations are scored on B's purchases, for the users who bought in B, with everything bought in A removed:
   - selected: the selected model on the training graph of A's training split (what `serve` would give if it did
     nothing);
   - propagate: the selected weights propagated over the graph of all of A;
   - refit: the recipe retrained on all of A for the selected epochs (the default).
2. **Fresh history without retraining** (`gnnrec recommend --history`). The run trained on A, with B folded in as
   history, against a run retrained on A + B; both scored on C, for all users and for users the run never saw: a
   seeded tenth of the users active in B who buy in C lose their period-A events (they arrive in B; the
   generator's users all arrive in the first year, so few arrive in B by themselves); the ratio of recall@20.
3. **Warm-start update** (`gnnrec update --minutes 1.5`). The run on A updated with B against a full retrain on
   A + B, both scored on C for every user who bought in C; the ratio of recall@20 and the time each took.
Prints the tables; writes bench/results/serving.json. `--sections 3 --synth-users 40000 --update-minutes 1 2` measures
only the update, on a larger shop (one row per budget; `--update-lr` adds peak learning rates), into `--out`.
"""
from __future__ import annotations
import argparse, json, os, sys, tempfile, time, warnings
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
import numpy as np
import pandas as pd

from gnnrec.data import find_shared_data, load_movielens, synthesize
from gnnrec.train import Config, train_run
from gnnrec.scoring import embeddings, run_scorer
from gnnrec.metrics import topk_scores, ranking_metrics
from gnnrec.inference import Recommender, RecommendWarning, update_run

warnings.filterwarnings('ignore', message='.*(CPU affinity|beta).*')
warnings.filterwarnings('ignore', category=RecommendWarning)


def periods(inter:pd.DataFrame)->tuple:
    t1, t2 = inter.timestamp.quantile(0.8), inter.timestamp.quantile(0.9)
    return inter[inter.timestamp < t1], inter[(inter.timestamp >= t1) & (inter.timestamp < t2)], inter[inter.timestamp >= t2]


def score(top_items:dict, truth:pd.DataFrame, users, k=20)->dict:
    "recall@k and ndcg@k of {raw user: [raw items]} against the purchases of `truth`, for `users`."
    t = truth[truth.purchase == 1]
    users = [u for u in users if u in top_items]
    items = pd.Index(pd.unique(np.concatenate([t.item_id.values.astype(str), *[np.asarray(top_items[u], str) for u in users]])))
    uidx = {u: i for i, u in enumerate(users)}
    import scipy.sparse as sp
    sub = t[t.customer_id.isin(uidx)]
    T = sp.csr_matrix((np.ones(len(sub)), (sub.customer_id.map(uidx).values, items.get_indexer(sub.item_id.values))), shape=(len(users), len(items)))
    top = np.full((len(users), k), -1)
    for u, i in uidx.items():
        rec = items.get_indexer(np.asarray(top_items[u][:k], str)); top[i, :len(rec)] = rec
    m, _ = ranking_metrics(top, T, None, len(items))
    return {'recall': m[f'recall@{k}'], 'ndcg': m[f'ndcg@{k}'], 'users': m['n_users']}


def rec_lists(rec:Recommender, users, k=20)->dict:
    df = pd.concat(list(rec.batches(list(users), k)), ignore_index=True)
    return df.groupby('customer_id', sort=False).item_id.apply(list).to_dict()


def selected_lists(run, users, k=20)->dict:
    "The selected model on its training graph, everything bought in the run's data removed."
    ds = run.ds
    fn = run_scorer(run.model, embeddings(run.model, run.g), ds, run.cfg.train)
    nodes = ds.ids['user'].to_node(list(users)); nodes = nodes[nodes >= 0]
    top, _ = topk_scores(fn, nodes, ds.n_items, k, ds.matrix('all', 'purchase' if run.cfg.train.exclude == 'bought' else 'all'))
    return {u: list(ds.ids['item'].to_raw(t[t >= 0])) for u, t in zip(ds.ids['user'].to_raw(nodes), top)}


def write(tables:dict, d:Path, **frames)->dict:
    d.mkdir(parents=True, exist_ok=True)
    out = {}
    for name, df in frames.items(): df.to_csv(d/f'{name}.csv', index=False); out[name] = d/f'{name}.csv'
    for name, df in tables.items():
        if name != 'interactions': df.to_csv(d/f'{name}.csv', index=False); out[name] = d/f'{name}.csv'
    return out


def summary(runs:dict)->dict:
    "Mean, standard deviation, min and max over seeds of every ratio and recall the runs share."
    out = {}
    for key in runs[next(iter(runs))]:
        if not key[0].isdigit(): continue
        vals = {}
        for r in runs.values():
            d = r[key]
            for k, v in [('recall ratio', d.get('recall ratio'))] + [(f'{m} recall', d[m]['recall']) for m in d if isinstance(d[m], dict) and 'recall' in d[m]]:
                if v is not None: vals.setdefault(k, []).append(v)
        out[key] = {k: {'mean': float(np.mean(v)), 'sd': float(np.std(v, ddof=1)) if len(v) > 1 else 0.0, 'min': float(min(v)), 'max': float(max(v)), 'n': len(v)}
                    for k, v in vals.items()}
    return out


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--only', nargs='+', default=['synth', 'ml100k'])
    p.add_argument('--update-lr', type=float, nargs='+', default=None, help='peak learning rates of the update (default: the run\'s)')
    p.add_argument('--update-minutes', type=float, nargs='+', default=[1.5], help='budgets of the update (one row each)')
    p.add_argument('--seeds', type=int, nargs='+', default=[0], help='training seeds (of every run: A, A+B, the update); several give the mean and spread of each ratio')
    p.add_argument('--sections', type=int, nargs='+', default=[1, 2, 3], help='which of the three questions to measure')
    p.add_argument('--out', type=Path, default=HERE/'results'/'serving.json')
    p.add_argument('--synth-users', type=int, default=4000, help='users of the synthetic shop (items: half as many, at most 10,000)')
    a = p.parse_args(argv)
    tmp, res, t_start = Path(tempfile.mkdtemp()), {}, time.perf_counter()
    print(f"load average {os.getloadavg()[0]:.2f}", flush=True)
    for name in a.only:
        if name == 'synth':
            tables = synthesize(n_users=a.synth_users, n_items=min(a.synth_users // 2, 10_000), seed=5)
            extra = dict(item_links={'category': 'category'}, user_links={'declared_category': 'category'})
        else:
            src = find_shared_data('ml-100k')
            if src is None: print('ml-100k not found'); continue
            tables, extra = load_movielens(src), dict(exclude='interacted')
        inter = tables['interactions'].astype({'customer_id': str, 'item_id': str})
        A, B, C = periods(inter)
        fa = write(tables, tmp/name/'A', interactions=A)
        fab = write(tables, tmp/name/'AB', interactions=pd.concat([A, B]))
        feats = dict(user_features=fa.get('users'), item_features=fa.get('items'), display_cols=('title',) if name == 'ml100k' else ())
        runs = {}
        for seed in a.seeds:   # the training seed of every run (the data stay those of seed 5)
            cfg = Config.from_dict({**extra, 'seed': seed})
            r = {}
            t0 = time.perf_counter()
            run_a = train_run(cfg, tmp/name/'run_a', fa['interactions'], overwrite=True, progress=False, log=None, **feats)
            r['seconds_train_a_refit'] = time.perf_counter() - t0
            need = set(a.sections)
            if 1 in need:
                t0 = time.perf_counter()
                run_ap = train_run(cfg.replace(serve='propagate'), tmp/name/'run_a_prop', fa['interactions'], overwrite=True, progress=False, log=None, **feats)
                r['seconds_train_a_propagate'] = time.perf_counter() - t0
            buyers_b = B[B.purchase == 1].customer_id.unique()
            known = set(run_a.ds.ids['user'].raw)
            buyers_b = [u for u in buyers_b if u in known]
            if 1 in need:
                r['1_what_to_serve'] = {
                    'selected': score(selected_lists(run_a, buyers_b), B, buyers_b),
                    'propagate': score(rec_lists(Recommender(run_ap), buyers_b), B, buyers_b),
                    'refit': score(rec_lists(Recommender(run_a), buyers_b), B, buyers_b)}
                print(name, '1. what to serve (scored on period B):', json.dumps(r['1_what_to_serve']), flush=True)
            # 2. fresh history: the run on A + B folded in, vs retrained on A + B; scored on C. Users the run never saw: a
            #    seeded 10 % of the users active in B and buying in C lose their events of period A (they arrive in B)
            t0 = time.perf_counter()
            run_ab = train_run(cfg, tmp/name/'run_ab', fab['interactions'], overwrite=True, progress=False, log=None, **feats)
            r['seconds_train_ab'] = time.perf_counter() - t0
            buyers_c = C[C.purchase == 1].customer_id.unique()
            if 2 in need:
                cand = np.intersect1d(buyers_c, B.customer_id.unique())
                fresh = set(np.random.default_rng(0).choice(cand, size=max(1, len(cand) // 10), replace=False))
                A2 = A[~A.customer_id.isin(fresh)]
                fa2 = write(tables, tmp/name/'A2', interactions=A2)
                fab2 = write(tables, tmp/name/'AB2', interactions=pd.concat([A2, B]))
                run_a2 = train_run(cfg, tmp/name/'run_a2', fa2['interactions'], overwrite=True, progress=False, log=None, **feats)
                run_ab2 = train_run(cfg, tmp/name/'run_ab2', fab2['interactions'], overwrite=True, progress=False, log=None, **feats)
                folded2, retrained2 = Recommender(run_a2, history=B), Recommender(run_ab2)
                users = sorted(fresh)
                f, t = score(rec_lists(folded2, users), C, users), score(rec_lists(retrained2, users), C, users)
                fb = score({u: list(folded2.ds.ids['item'].to_raw(folded2.fallback(1, 20)[0][0])) for u in users}, C, users)
                src = pd.concat(list(folded2.batches(users, 1))).source.value_counts().to_dict()
                r['2_fresh_history'] = {'users the run never saw (first events in B)': {
                    'history folded in': f, 'retrained on A+B': t, 'popularity fallback': fb, 'recall ratio': f['recall'] / t['recall'], 'sources': src}}
                folded, retrained = Recommender(run_a, history=B), Recommender(run_ab)
                users = list(buyers_c)
                f, t = score(rec_lists(folded, users), C, users), score(rec_lists(retrained, users), C, users)
                r['2_fresh_history']['all users'] = {'history folded in': f, 'retrained on A+B': t, 'recall ratio': f['recall'] / t['recall'],
                                                      'no history (the run on A alone)': score(rec_lists(Recommender(run_a), users), C, users)}
                print(name, '2. fresh history (scored on C):', json.dumps(r['2_fresh_history']), flush=True)
            if 3 in need:
                # 3. warm-start update vs full retrain, scored on C
                t_ = score(rec_lists(Recommender(run_ab), buyers_c), C, buyers_c)
                for m in a.update_minutes:
                    for lr in a.update_lr or [None]:
                        t0 = time.perf_counter()
                        up = update_run(run_a, tmp/name/'run_up', B, minutes=m, overwrite=True, log=None, **({'lr': lr} if lr else {}))
                        secs = time.perf_counter() - t0
                        u_ = score(rec_lists(Recommender(up), buyers_c), C, buyers_c)
                        one = len(a.update_minutes) == 1 and not a.update_lr
                        key = '3_update' if one else f'3_update_{m:g}min' + (f'_lr{lr:g}' if lr else '')
                        r[key] = {'update': u_, 'full retrain': t_, 'recall ratio': u_['recall'] / t_['recall'], 'minutes': m, 'lr': up.cfg.train.lr,
                                  'seconds update': secs, 'seconds full retrain': r['seconds_train_ab'],
                                  'update valid recall (its own split)': up.metrics['valid'].get('recall'),
                                  'update epochs (selected, run)': [up.metrics['best_epoch'], up.metrics['epochs_run']]}
                        print(name, f'3. update ({key}) vs retrain (scored on C):', json.dumps(r[key]), flush=True)
            runs[seed] = r
        r = runs[a.seeds[0]] if len(a.seeds) == 1 else {'seeds': runs, 'summary': summary(runs)}
        if len(a.seeds) > 1: print(name, 'over seeds', a.seeds, json.dumps(r['summary']), flush=True)
        res[name] = r
    a.out.parent.mkdir(exist_ok=True)
    a.out.write_text(json.dumps(res, indent=1, default=float))
    print(f"wall {time.perf_counter() - t_start:.0f}s; load average {os.getloadavg()[0]:.2f}; wrote {a.out}")


if __name__ == '__main__':
    main()
