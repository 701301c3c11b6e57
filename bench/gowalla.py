"""Gowalla benchmark: gnnrec's LightGCN trained within a time budget, full-ranking Recall@20 / NDCG@20.

    OMP_NUM_THREADS=2 .venv/bin/python bench/gowalla.py [--minutes 15] [--valid] [--profile]

Data: train.txt / test.txt of the LightGCN repository (../shared/data/gowalla, found with
`gnnrec.data.find_shared_data`). The model is `gnnrec.model`'s LightGCN (3 layers, layer-mean readout, id
embeddings, propagation with DGL's kernels; 512 dimensions by default, --dim 64 for the paper's width) trained with
`gnnrec.model.train_full_graph`: every step propagates the whole graph once and scores every training edge against
itself and 1024 uniformly drawn items shared by all users, with the sampled-softmax loss on cosine scores
(temperature 0.1, log(n_items/1024) sampling correction, every user weighted the same), Adam at lr 0.1 with a cosine
decay over 60 steps (= epochs) or over --minutes of training time if that comes first. Items are ranked by the dot
product of the final embeddings. Every choice (loss, temperature, negatives, weighting, correction, lr, width, steps,
ranking score) was made on the validation split (--valid). Metrics follow the LightGCN paper and code: for every test user,
all items except the user's training items are ranked; recall@20 = hits / |test items|, NDCG@20 = DCG / IDCG with
IDCG over min(|test items|, 20) positions; both averaged over test users (`gnnrec.evaluate.ranking_metrics`).

--valid trains on train.txt minus a validation part (20% of the items of every user with at least 5, seeded) and
evaluates on that part: use it for every choice; the default trains on all of train.txt and reports test.
Prints: the torch.sparse / DGL propagation comparison, training progress, the time-to-accuracy curve (embeddings
snapshotted during training, evaluated afterwards, off the clock), final metrics, wall time, peak RSS and load
averages. Writes bench/out/gowalla_curve.png (bench/out/ is git-ignored) and bench/out/gowalla.json.
--profile runs a few steps under cProfile and prints where the time goes, per phase and per function.
"""
from __future__ import annotations
import argparse, cProfile, io, json, os, pstats, resource, sys, time, warnings
from pathlib import Path

import numpy as np
import scipy.sparse as sp
import torch
import torch.nn.functional as F
import dgl

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from gnnrec.data import find_shared_data, load_lightgcn
from gnnrec.model import (ModelConfig, FullGraphConfig, PairScores, build_model, edge_weights, full_graph_loss,
                          train_full_graph)
from gnnrec.train import GraphFilter, make_score_fn
from gnnrec.metrics import topk_scores, ranking_metrics

warnings.filterwarnings('ignore', message='.*(beta|CPU affinity).*')
OUT = Path(__file__).resolve().parent / 'out'
PAPER = {'LightGCN (paper, Table 4)': (0.1830, 0.1554), 'SimpleX (stretch)': (0.1872, 0.1557)}


def loadavg()->str: return '/'.join(f'{x:.2f}' for x in os.getloadavg())
def peak_rss_mb()->float: return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def load_split(valid:bool, seed:int=123):
    "(train pairs, truth pairs, n_users, n_items): train.txt/test.txt, or train.txt minus / plus a validation part."
    d = find_shared_data('gowalla')
    if d is None: sys.exit("gowalla data not found: expected shared/data/gowalla above the working directory")
    tr, te = load_lightgcn(d / 'train.txt'), load_lightgcn(d / 'test.txt')
    n_users = int(max(tr.user.max(), te.user.max())) + 1
    n_items = int(max(tr.item.max(), te.item.max())) + 1
    if not valid: return tr, te, n_users, n_items
    n = tr.groupby('user').item.transform('size').values
    held = (np.random.default_rng(seed).random(len(tr)) < 0.2) & (n >= 5)
    return tr[~held], tr[held], n_users, n_items


def csr(df, n_users, n_items)->sp.csr_matrix:
    return sp.csr_matrix((np.ones(len(df), np.float32), (df.user.values, df.item.values)), shape=(n_users, n_items))


def make_graph(df, n_users, n_items)->dgl.DGLGraph:
    "The user-item heterograph in gnnrec.graph's shape (buys and its reverse)."
    u, i = torch.as_tensor(df.user.values), torch.as_tensor(df.item.values)
    return dgl.heterograph({('user', 'buys', 'item'): (u, i), ('item', 'bought-by', 'user'): (i, u)},
                           num_nodes_dict={'user': n_users, 'item': n_items})


def fast_topk(h_users, h_items, users, train:sp.csr_matrix, k=20, batch=2048)->np.ndarray:
    "Blocked full ranking: scores of a block of users against every item, training items set to -inf, top-k."
    out = np.empty((len(users), k), np.int64)
    for s in range(0, len(users), batch):
        u = users[s:s + batch]
        sc = h_users[torch.from_numpy(u)] @ h_items.T
        sub = train[u]
        rows = torch.from_numpy(np.repeat(np.arange(len(u)), np.diff(sub.indptr)))
        sc[rows, torch.from_numpy(sub.indices.astype(np.int64))] = -torch.inf
        out[s:s + len(u)] = torch.topk(sc, k, dim=1).indices.numpy()
    return out


def rank_embeddings(h:dict, rank:str):
    hu, hi = h['user'], h['item']
    if rank == 'cos': hu, hi = F.normalize(hu, dim=1), F.normalize(hi, dim=1)
    return hu, hi


def compare_backends(g, reps=3):
    "Forward + backward of the 3-layer, 64-dim propagation with torch.sparse CSR and with DGL's kernels."
    res = {}
    for backend in ('torch', 'dgl', 'torch', 'dgl'):   # interleaved: the machine is shared, its load drifts
        m = build_model(g, ModelConfig(family='lightgcn', input='ids', out_dim=64, n_layers=3, lightgcn_backend=backend))
        m.embed(g)   # builds and caches the adjacency
        for _ in range(reps):
            t0, c0 = time.perf_counter(), time.process_time()
            h = m.embed(g); (h['user'].sum() + h['item'].sum()).backward()
            res.setdefault(backend, []).append((time.perf_counter() - t0, time.process_time() - c0))
    for b, v in res.items():
        v = np.array(v)
        print(f"  propagation {b:5s}: forward+backward wall median {np.median(v[:, 0]):.3f}s (min {v[:, 0].min():.3f}s), "
              f"CPU median {np.median(v[:, 1]):.3f}s   [load {loadavg()}]")
    return {b: float(np.median(np.array(v)[:, 1])) for b, v in res.items()}


def profile_steps(model, g, tc:FullGraphConfig, n=4):
    "Per-phase timing of a few training steps, then cProfile's top functions."
    pairs = PairScores(*g.edges(etype='buys'), g.num_nodes('user'), g.num_nodes('item'))
    w = edge_weights(pairs, tc.weighting)
    opt = torch.optim.Adam(model.parameters(), lr=1e-4)
    ph = dict(propagate=0., loss=0., backward=0., adam=0.)
    def step():
        t0 = time.perf_counter(); h = model.embed(g)
        t1 = time.perf_counter(); loss = full_graph_loss(model, h, pairs, tc.n_negatives, tc.score, weight=w, correction=tc.correction)
        t2 = time.perf_counter(); opt.zero_grad(); loss.backward()
        t3 = time.perf_counter(); opt.step(); t4 = time.perf_counter()
        for k, a, b in (('propagate', t0, t1), ('loss', t1, t2), ('backward', t2, t3), ('adam', t3, t4)): ph[k] += b - a
    step()
    ph = dict.fromkeys(ph, 0.)
    for _ in range(n): step()
    tot = sum(ph.values())
    print(f"  per step (mean of {n}), wall: " + ', '.join(f"{k} {v / n:.2f}s ({100 * v / tot:.0f}%)" for k, v in ph.items())
          + f"   [load {loadavg()}]")
    pr = cProfile.Profile(); pr.enable()
    for _ in range(2): step()
    pr.disable()
    s = io.StringIO(); pstats.Stats(pr, stream=s).sort_stats('tottime').print_stats(12)
    print('\n'.join(l for l in s.getvalue().splitlines() if l.strip())[:3000])


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--minutes', type=float, default=15.0, help='training-time budget (the schedule runs on it)')
    p.add_argument('--valid', action='store_true', help='train on train.txt minus a validation part, evaluate on it')
    p.add_argument('--steps', type=int, default=60, help='optimizer steps (= epochs); the schedule ends at --steps or --minutes, whichever comes first')
    p.add_argument('--dim', type=int, default=512, help='embedding width')
    p.add_argument('--layers', type=int, default=3)
    p.add_argument('--lr', type=float, default=0.1)
    p.add_argument('--temperature', type=float, default=0.1)
    p.add_argument('--negatives', type=int, default=1024)
    p.add_argument('--loss', default='softmax', choices=('softmax', 'ccl', 'bpr'))
    p.add_argument('--rank', default='dot', choices=('dot', 'cos'), help='ranking score of the final embeddings')
    p.add_argument('--backend', default='dgl', choices=('dgl', 'torch'), help='LightGCN propagation')
    p.add_argument('--warmup', type=float, default=0.0)
    p.add_argument('--weighting', default='user', choices=('user', 'edge'))
    p.add_argument('--no-correction', action='store_true', help='no log(n_items / negatives) correction of the sampled softmax')
    p.add_argument('--snapshots', type=int, default=10, help='points of the time-to-accuracy curve')
    p.add_argument('--profile', action='store_true', help='profile a few steps and exit')
    p.add_argument('--no-compare', action='store_true', help='skip the torch/DGL propagation comparison')
    p.add_argument('--seed', type=int, default=0)
    p.add_argument('--filter-weight', type=float, default=2.0,
                   help='weight of the training-free graph filter blended into the final scores (gnnrec TrainConfig.weight_filter); 0 = LightGCN alone')
    p.add_argument('--save-embeddings', action='store_true', help='also write the final embeddings to bench/out/<tag>_emb.pt')
    a = p.parse_args(argv)
    t_start = time.perf_counter()
    torch.set_num_threads(2); dgl.utils.set_num_threads(2)
    torch.manual_seed(a.seed)
    print(f"load average at start: {loadavg()}  (2 cores, shared)")
    train, truth, n_users, n_items = load_split(a.valid)
    split = 'validation' if a.valid else 'test'
    R, T = csr(train, n_users, n_items), csr(truth, n_users, n_items)
    users = np.flatnonzero(np.diff(T.indptr) > 0)
    g = make_graph(train, n_users, n_items)
    print(f"gowalla: {n_users} users, {n_items} items, {R.nnz} train interactions, {T.nnz} {split} interactions "
          f"({len(users)} {split} users)")
    OUT.mkdir(exist_ok=True)
    prop = None if a.no_compare else compare_backends(g)
    mc = ModelConfig(family='lightgcn', input='ids', out_dim=a.dim, n_layers=a.layers, norm=False,
                     pred='cos' if a.rank == 'cos' else 'dot', loss=a.loss, temperature=a.temperature,
                     neg_sample_size=1, lightgcn_backend=a.backend)
    tc = FullGraphConfig(steps=a.steps, minutes=a.minutes, lr=a.lr, warmup=a.warmup, decay='cos', n_negatives=a.negatives,
                         correction=not a.no_correction, weighting=a.weighting,
                         score='head' if a.loss == 'bpr' else 'cos', seed=a.seed)
    model = build_model(g, mc)
    print(f"model: {mc}\ntraining: {tc}")
    if a.profile:
        profile_steps(model, g, tc); return
    snaps, every_steps = [], max(1, a.steps // a.snapshots)
    def snapshot(step, seconds, m):
        if step % every_steps == 0:   # snaps[0] is the initial state; the last step is added after training
            with torch.no_grad():
                m.eval(); h = m.embed(g)
            snaps.append((step, seconds, {k: v.detach().clone() for k, v in h.items()}, loadavg()))
    with torch.no_grad(): h0 = model.embed(g)
    snaps.append((0, 0.0, {k: v.clone() for k, v in h0.items()}, loadavg()))
    t0, c0 = time.perf_counter(), time.process_time()
    hist = train_full_graph(model, g, tc, callback=snapshot, log=lambda s: print(f"  {s}   [load {loadavg()}]", flush=True),
                            log_every=20)
    train_wall, train_cpu = time.perf_counter() - t0, time.process_time() - c0
    if snaps[-1][0] != hist[-1]['step']: snapshot(hist[-1]['step'], hist[-1]['seconds'], model)
    print(f"trained {len(hist)} steps (= epochs) in {hist[-1]['seconds']:.1f}s of training time "
          f"({train_wall:.1f}s wall incl. snapshots, {train_cpu:.1f}s CPU)   [load {loadavg()}]")
    # time-to-accuracy curve, evaluated off the clock
    curve = []
    print(f"\ntime-to-accuracy ({split}, all {len(users)} users, train items excluded):")
    print(f"  {'step':>5} {'train s':>8} {'recall@20':>10} {'ndcg@20':>8}  load")
    for step, secs, h, la in snaps:
        top = fast_topk(*rank_embeddings(h, a.rank), users, R)
        m, _ = ranking_metrics(top, T, users, n_items)
        curve.append(dict(step=step, seconds=round(secs, 1), recall=m['recall@20'], ndcg=m['ndcg@20'], load=la))
        print(f"  {step:5d} {secs:8.1f} {m['recall@20']:10.4f} {m['ndcg@20']:8.4f}  {la}", flush=True)
    # final figures through the library's scoring and evaluation path (gnnrec.train / gnnrec.evaluate), checked
    # against the fast path; then with the training-free graph filter blended in (TrainConfig.weight_filter)
    t_ev = time.perf_counter()
    model.eval()
    with torch.no_grad(): h = model.embed(g)
    hu, hi = rank_embeddings(h, a.rank)
    top, _ = topk_scores(make_score_fn(model, h), users, n_items, 20, exclude=R, batch_size=2048)
    alone, _ = ranking_metrics(top, T, users, n_items)
    same = float((top == fast_topk(hu, hi, users, R)).all(1).mean())
    print(f"\nLightGCN alone ({split}): Recall@20 {alone['recall@20']:.4f}  NDCG@20 {alone['ndcg@20']:.4f}  "
          f"({time.perf_counter() - t_ev:.1f}s; identical top-20 lists with the fast path for {100 * same:.2f}% of users)")
    final = alone
    if a.filter_weight:
        t_f = time.perf_counter()
        fn = make_score_fn(model, h, filt=GraphFilter(R), weight_filter=a.filter_weight)
        top, _ = topk_scores(fn, users, n_items, 20, exclude=R, batch_size=1024)
        final, _ = ranking_metrics(top, T, users, n_items)
        print(f"LightGCN + graph filter (weight {a.filter_weight}, no training; scoring {time.perf_counter() - t_f:.1f}s): "
              f"Recall@20 {final['recall@20']:.4f}  NDCG@20 {final['ndcg@20']:.4f}")
        curve.append(dict(step=hist[-1]['step'], seconds=round(hist[-1]['seconds'], 1), recall=final['recall@20'],
                          ndcg=final['ndcg@20'], load=loadavg(), blend=True))
    if not a.valid:
        for name, (r, n) in PAPER.items():
            print(f"  vs {name}: recall {r:.4f} ({final['recall@20'] - r:+.4f})  ndcg {n:.4f} ({final['ndcg@20'] - n:+.4f})")
    wall = time.perf_counter() - t_start
    print(f"wall time {wall:.1f}s total (training {hist[-1]['seconds']:.1f}s), peak RSS {peak_rss_mb():.0f} MB, "
          f"load average at end {loadavg()}")
    tag = 'gowalla_valid' if a.valid else 'gowalla'
    res = dict(args=vars(a), split=split, final={k: final[k] for k in ('recall@20', 'ndcg@20', 'precision@20', 'hit@20')},
               lightgcn_alone={k: alone[k] for k in ('recall@20', 'ndcg@20', 'precision@20', 'hit@20')},
               steps=len(hist), train_seconds=hist[-1]['seconds'], train_cpu=train_cpu, wall=wall, peak_rss_mb=peak_rss_mb(),
               propagation_cpu_s=prop, curve=curve, model=str(mc), training=str(tc))
    (OUT / f'{tag}.json').write_text(json.dumps(res, indent=1))
    if a.save_embeddings: torch.save({'user': hu, 'item': hi}, OUT / f'{tag}_emb.pt')
    plot(curve, OUT / f'{tag}_curve.png', split, a.valid)
    print(f"wrote {OUT / f'{tag}_curve.png'} and {OUT / f'{tag}.json'}")


def plot(curve, path, split, valid):
    import matplotlib; matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(7, 4))
    blend = [c for c in curve if c.get('blend')]
    curve = [c for c in curve if not c.get('blend')]
    x = [c['seconds'] / 60 for c in curve]
    ax.plot(x, [c['recall'] for c in curve], 'o-', label='Recall@20 (LightGCN)')
    ax.plot(x, [c['ndcg'] for c in curve], 's-', label='NDCG@20 (LightGCN)')
    for c in blend:
        ax.plot([c['seconds'] / 60], [c['recall']], 'o', color='C0', mfc='none', ms=10, label='Recall@20 + graph filter')
        ax.plot([c['seconds'] / 60], [c['ndcg']], 's', color='C1', mfc='none', ms=10, label='NDCG@20 + graph filter')
    if not valid:
        ax.axhline(0.1830, color='C0', ls=':', lw=1, label='LightGCN paper recall 0.1830')
        ax.axhline(0.1554, color='C1', ls=':', lw=1, label='LightGCN paper NDCG 0.1554')
    ax.set_xlabel('training time (minutes, 2 shared CPU cores)'); ax.set_ylabel(split)
    ax.set_title('gnnrec LightGCN on Gowalla: time to accuracy'); ax.grid(alpha=.3); ax.legend(fontsize='small')
    fig.tight_layout(); fig.savefig(path, dpi=110); plt.close(fig)


if __name__ == '__main__':
    main()
