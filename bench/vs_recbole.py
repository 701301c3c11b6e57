"""gnnrec's LightGCN against RecBole's LightGCN on MovieLens-100k: seconds per training epoch and test recall@20 /
NDCG@20, on one split, under one evaluation protocol, in one process.

    bash bench/setup_recbole.sh [--epochs 60] [--lr 0.01] [--threads 1] [--negatives unseen|any] [--profile] ...

The shell script creates (once) and then reuses the separate virtualenv .venv-recbole (gnnrec + RecBole 1.2.1, see
bench/requirements-recbole.txt: RecBole is no dependency of gnnrec), then runs this file in it with the arguments
given. With that venv in place, `OMP_NUM_THREADS=1 .venv-recbole/bin/python bench/vs_recbole.py ...` does the same.
About 4-5 minutes on 2 cores with the defaults.

Data: the split `gnnrec train` / `gnnrec evaluate` use on MovieLens-100k (`gnnrec.data.load_movielens`, then
`DataConfig()`'s defaults: the last 10% of every user's ratings in time order are the test part, the 10% before them
validation, the rest training; rating >= 4 is a purchase, a lower rating a click). Both libraries learn from the same
training interactions (--positives all: every training rating, as graph edges and as BPR positives; --positives
purchase: the purchases only) and pick their best epoch on the same validation truth (the validation purchases,
training items masked), each with its own validation code. RecBole reads the split from atomic files
(`benchmark_filename`: train / valid / test, plus .user/.item files so that both have the same users and items)
written to bench/out/recbole/, where its logs and checkpoints go too (bench/out/ is git-ignored).

Model and training, the same on both sides: LightGCN, 64-dimensional id embeddings, 3 layers, layer-mean readout,
dot-product scores, BPR loss with 1 uniformly drawn negative per positive that is not one of the user's training
items (RecBole's sampler; gnnrec's remove_false_negatives, which redraws negatives that are training edges of the
same relation; --negatives any: gnnrec's default draw over all items), no L2 term (RecBole's reg_weight = 0, our
weight_decay = 0), Adam at --lr, batches of 2048 positives, every batch propagating the whole graph (gnnrec:
full_graph=True), the same number of epochs. Each library keeps its own initialisation (RecBole: Xavier uniform;
gnnrec: normal with std 0.1).

Timing: seconds per epoch of training only. RecBole: `Trainer._train_epoch` is timed. gnnrec: each epoch's
`seconds` in the training history minus the time spent in `gnnrec.train.validate` during that epoch. Threads:
torch.set_num_threads and DGL's set_num_threads get --threads on both sides; the default is 1 because a gnnrec process
holds two OpenMP thread pools (torch's bundled libgomp and the system libgomp that DGL links), and with 2 threads each
on a 2-core machine that is also running anything else, our epoch times swing by up to 10x; try --threads 2 on an
otherwise idle machine.

Accuracy: the test metrics of both models come from gnnrec's evaluation: `gnnrec.evaluate.evaluate_run` for ours,
the same `topk_scores` + `ranking_metrics` calls on RecBole's best-epoch embeddings (its `forward()`, mapped back to
our ids) for RecBole: truth = the test purchases, every training item of the user excluded from the ranking
(exclude='interacted'), k = 20. RecBole's own test figures (its protocol, which also masks validation items) are
printed for reference.

--profile then trains a few more epochs of each, timing their loops phase by phase (batch graphs and negatives,
propagation, pair scores and loss, backward, Adam), and cProfiles ours.
Figures, not assertions: this is a benchmark, not a test. Writes bench/out/vs_recbole.json.
"""
from __future__ import annotations

import argparse, contextlib, cProfile, io, json, os, pstats, shutil, sys, time, warnings
from pathlib import Path

import numpy as np
import pandas as pd
import torch
import dgl

warnings.filterwarnings('ignore', message='.*(beta|CPU affinity|TypedStorage|SparseTensor).*')
warnings.filterwarnings('ignore', category=FutureWarning, module='recbole')   # pandas 3 notices about RecBole's code
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from gnnrec.data import DataConfig, build_dataset, check_interactions, find_shared_data, load_movielens
from gnnrec.graph import build_graph
from gnnrec.model import ModelConfig
from gnnrec.metrics import topk_scores, ranking_metrics
from gnnrec.evaluate import evaluate_run
import gnnrec.train as gtrain
from gnnrec.scoring import exclusion, embeddings, make_score_fn

OUT = ROOT / 'bench' / 'out'
K = 20


def loadavg() -> str: return '/'.join(f'{x:.2f}' for x in os.getloadavg())


# ---------------------------------------------------------------------------------------------------------- data
def load_split(data: Path | None):
    "MovieLens-100k as a gnnrec `Dataset` with the default split (the one `gnnrec train`/`evaluate` use)."
    data = data or find_shared_data('ml-100k')
    if data is None: sys.exit("MovieLens-100k not found: expected shared/data/ml-100k above the repository (or pass --data)")
    cfg = DataConfig()
    return build_dataset(check_interactions(load_movielens(data)['interactions'], cfg), cfg), cfg


def train_part(ds, positives: str) -> pd.DataFrame:
    "The training interactions both libraries learn from: all of them, or the purchases only."
    tr = ds.interactions[ds.interactions.split == 'train']
    return tr if positives == 'all' else tr[tr.purchase == 1]


def evaluate_scores(ds, score_fn, exclude: str = 'interacted') -> dict:
    "Test metrics @K of a score function, exactly as `gnnrec.evaluate.evaluate_run` computes them for a run."
    truth = ds.matrix('test', 'purchase')
    users = np.flatnonzero(np.diff(truth.indptr) > 0)
    top, _ = topk_scores(score_fn, users, ds.n_items, K, exclusion(ds, exclude))
    return ranking_metrics(top, truth, users, ds.n_items)[0]


# --------------------------------------------------------------------------------------------------------- gnnrec
def gnnrec_config(a, dcfg: DataConfig) -> gtrain.Config:
    if a.recipe == 'softmax':   # gnnrec's own recipe: sampled softmax over negatives shared by the batch, cosine scores
        mc = ModelConfig(family='lightgcn', input='ids', out_dim=a.dim, n_layers=a.layers, norm=False, pred='cos',
                         loss='softmax', loss_score='head', temperature=0.1, neg_sample_size=1024, weighting='edge',
                         correction=False, lightgcn_backend=a.backend)
    else:
        mc = ModelConfig(family='lightgcn', input='ids', out_dim=a.dim, n_layers=a.layers, norm=False, pred='dot', loss='bpr',
                         loss_score='head', neg_sample_size=1, neg_sampler='uniform', remove_false_negatives=a.negatives == 'unseen',
                         weighting='edge', lightgcn_backend=a.backend)
    tc = gtrain.TrainConfig(epochs=a.epochs, batch_size=a.batch_size, full_graph=True, train_on_clicks=a.positives == 'all',
                            purchases_sample=1.0, clicks_sample=1.0, optimizer='adam', lr=a.lr, weight_decay=0.0,
                            patience=a.epochs, k=K, metric='recall', truth='purchase', exclude='interacted', seed=a.seed,
                            decay='none', calibrate=False)
    return gtrain.Config(dcfg, mc, tc)


@contextlib.contextmanager
def timed_validation(spent: list):
    "Record the wall time of every `gnnrec.train.validate` call (train() looks the function up at call time)."
    original = gtrain.validate
    def validate(*args, **kwargs):
        t0 = time.perf_counter()
        try: return original(*args, **kwargs)
        finally: spent.append(time.perf_counter() - t0)
    gtrain.validate = validate
    try: yield
    finally: gtrain.validate = original


def run_gnnrec(a, ds, dcfg) -> dict:
    cfg = gnnrec_config(a, dcfg)
    g = build_graph(ds, dcfg.duplicates, clicks=a.positives == 'all')
    valid_s, load0 = [], loadavg()
    with timed_validation(valid_s):
        model, hist, best = gtrain.train(cfg, g, ds, progress=False, log=print if a.verbose else None)
    epoch_s = (hist.seconds.values - np.array(valid_s)).tolist()   # one validate() per epoch
    run = gtrain.Run(cfg, g, ds, model, hist, best)
    table, _ = evaluate_run(run, 'test', K, 'purchase', baselines=('popularity',), exclude='interacted', write=False)
    check = evaluate_scores(ds, make_score_fn(model, embeddings(model, g)))
    assert abs(check[f'recall@{K}'] - table.loc['gnn', f'recall@{K}']) < 1e-9, 'evaluate_scores departs from evaluate_run'
    return dict(epoch_seconds=epoch_s, valid_seconds=valid_s, epochs=len(hist), best_epoch=best['best_epoch'],
                valid_recall=best.get('recall'), test={m: float(table.loc['gnn', f'{m}@{K}']) for m in ('recall', 'ndcg')},
                popularity={m: float(table.loc['popularity', f'{m}@{K}']) for m in ('recall', 'ndcg')},
                load=(load0, loadavg()), config=cfg.to_dict())


class Phases:
    "Wall time per phase of a training loop, summed over batches."
    def __init__(self): self.t, self.batches = {}, 0
    @contextlib.contextmanager
    def __call__(self, name: str):
        t0 = time.perf_counter()
        try: yield
        finally: self.t[name] = self.t.get(name, 0.0) + time.perf_counter() - t0
    def row(self, epochs: int) -> str:
        tot = sum(self.t.values())
        return (f"{tot / epochs:6.3f} s/epoch, {1000 * tot / max(self.batches, 1):5.1f} ms/batch = "
                + ', '.join(f"{k} {1000 * v / max(self.batches, 1):.1f}" for k, v in self.t.items()))


def phases_gnnrec(a, ds, dcfg, epochs: int) -> Phases:
    "gnnrec's training loop (as `gnnrec.train.train` runs it, validation left out) split into phases."
    cfg = gnnrec_config(a, dcfg)
    tc = cfg.train
    g = build_graph(ds, dcfg.duplicates, clicks=a.positives == 'all')
    gtrain.seed_everything(tc.seed)
    model = gtrain.build_model(g, cfg.model)
    opt = torch.optim.Adam(model.parameters(), lr=tc.lr)
    ph = Phases()
    for epoch in range(1, epochs + 1):
        model.train()
        eids = gtrain.epoch_edges(g, tc, np.random.default_rng(epoch))
        it = gtrain.batches(g, model, eids, tc)
        while True:
            with ph('batch graphs + negatives'):
                batch = next(it, None)
            if batch is None: break
            graphs, pos_g, neg_g, input_nodes = batch
            ets = [c for c in eids if pos_g.num_edges(c) > 0]
            with ph('propagation'): h = model.embed(graphs, input_nodes)
            with ph('pair scores + loss'):
                loss = model.loss(model.score(pos_g, h, ets), model.score(neg_g, h, ets), model.pos_weights(g, pos_g, ets))
            with ph('backward'): opt.zero_grad(); loss.backward()
            with ph('adam'): opt.step()
            loss.item(); ph.batches += 1
    return ph


def phases_recbole(train_data, model, trainer, epochs: int) -> Phases:
    "RecBole's `Trainer._train_epoch` loop split into the same phases (its forward() is the propagation)."
    ph, forward = Phases(), model.forward
    def timed_forward():
        with ph('propagation'): return forward()
    model.forward = timed_forward
    try:
        for epoch in range(epochs):
            model.train()
            it = iter(train_data)
            while True:
                with ph('batch graphs + negatives'):
                    inter = next(it, None)
                if inter is None: break
                trainer.optimizer.zero_grad()
                t0 = time.perf_counter()
                loss = model.calculate_loss(inter)
                ph.t['pair scores + loss'] = ph.t.get('pair scores + loss', 0.0) + time.perf_counter() - t0
                with ph('backward'): loss.backward()
                with ph('adam'): trainer.optimizer.step()
                loss.item(); ph.batches += 1
    finally: model.forward = forward
    ph.t['pair scores + loss'] -= ph.t['propagation']   # calculate_loss includes forward()
    return ph


def profile_gnnrec(a, ds, dcfg, epochs: int = 3):
    "cProfile of a few of our training epochs (validation included: it is listed separately)."
    cfg = gnnrec_config(a, dcfg).replace(epochs=epochs, patience=epochs)
    g = build_graph(ds, dcfg.duplicates, clicks=a.positives == 'all')
    pr = cProfile.Profile()
    pr.enable(); gtrain.train(cfg, g, ds, progress=False, log=None); pr.disable()
    s = io.StringIO(); pstats.Stats(pr, stream=s).strip_dirs().sort_stats('tottime').print_stats(20)
    print(f"\ncProfile of gnnrec's train(), {epochs} epochs (+ their validation), by own time:")
    print('\n'.join(l for l in s.getvalue().splitlines() if l.strip())[:5000])


# -------------------------------------------------------------------------------------------------------- RecBole
def write_atomic_files(ds, positives: str, d: Path, name: str):
    "The split as RecBole atomic files; tokens are our node ids, and the .user/.item files give both sides one id space."
    d.mkdir(parents=True, exist_ok=True)
    inter = ds.interactions
    parts = {'train': train_part(ds, positives),
             'valid': inter[(inter.split == 'valid') & (inter.purchase == 1)],
             'test': inter[(inter.split == 'test') & (inter.purchase == 1)]}
    for part, df in parts.items():
        df[['user', 'item']].to_csv(d / f'{name}.{part}.inter', sep='\t', index=False, header=['user_id:token', 'item_id:token'])
    pd.DataFrame({'user_id:token': np.arange(ds.n_users)}).to_csv(d / f'{name}.user', sep='\t', index=False)
    pd.DataFrame({'item_id:token': np.arange(ds.n_items)}).to_csv(d / f'{name}.item', sep='\t', index=False)


@contextlib.contextmanager
def cwd(path: Path):
    "RecBole writes log/ and log_tensorboard/ into the working directory: keep them in bench/out/recbole."
    old = Path.cwd(); os.chdir(path)
    try: yield
    finally: os.chdir(old)


def recbole_setup(a, ds, work: Path) -> tuple:
    "RecBole's config and dataloaders for our split (atomic files written under `work`)."
    from recbole.config import Config as RConfig
    from recbole.data import create_dataset, data_preparation
    from recbole.utils import init_seed, init_logger
    name = 'ml100k_gnnrec'
    write_atomic_files(ds, a.positives, work / name, name)
    conf = dict(
        data_path=str(work), benchmark_filename=['train', 'valid', 'test'],
        load_col={'inter': ['user_id', 'item_id'], 'user': ['user_id'], 'item': ['item_id']},
        embedding_size=a.dim, n_layers=a.layers, reg_weight=0.0, require_pow=False,
        epochs=a.epochs, train_batch_size=a.batch_size, learner='adam', learning_rate=a.lr, weight_decay=0.0,
        train_neg_sample_args={'distribution': 'uniform', 'sample_num': 1, 'alpha': 1.0, 'dynamic': False, 'candidate_num': 0},
        eval_args={'mode': 'full', 'order': 'RO', 'split': {'RS': [0.8, 0.1, 0.1]}, 'group_by': 'user'},  # split: unused with benchmark files
        eval_step=1, stopping_step=a.epochs + 1, metrics=['Recall', 'NDCG'], topk=[K], valid_metric=f'recall@{K}',
        eval_batch_size=4096, use_gpu=False, gpu_id='', seed=a.seed, reproducibility=True, worker=0, shuffle=True,
        show_progress=False, checkpoint_dir=str(work / 'saved'), state='INFO' if a.verbose else 'WARNING')
    argv, sys.argv = sys.argv, sys.argv[:1]   # RecBole's Config also parses --key=value from the command line
    try: config = RConfig(model='LightGCN', dataset=name, config_dict=conf)
    finally: sys.argv = argv
    if a.verbose: init_logger(config)
    init_seed(config['seed'], config['reproducibility'])
    dataset = create_dataset(config)
    return (config, dataset, *data_preparation(config, dataset))


def recbole_model(config, train_data) -> tuple:
    "A freshly initialised RecBole LightGCN and its trainer."
    from recbole.model.general_recommender import LightGCN
    from recbole.trainer import Trainer
    from recbole.utils import init_seed
    init_seed(config['seed'], config['reproducibility'])
    model = LightGCN(config, train_data._dataset).to(config['device'])
    return model, Trainer(config, model)


def run_recbole(a, ds, work: Path) -> dict:
    with cwd(work):
        config, dataset, train_data, valid_data, test_data = recbole_setup(a, ds, work)
        model, trainer = recbole_model(config, train_data)
        epoch_s, valid = [], []
        train_epoch = trainer._train_epoch
        def timed_train_epoch(*args, **kwargs):
            t0 = time.perf_counter()
            try: return train_epoch(*args, **kwargs)
            finally: epoch_s.append(time.perf_counter() - t0)
        trainer._train_epoch = timed_train_epoch
        load0 = loadavg()
        trainer.fit(train_data, valid_data, verbose=a.verbose, saved=True, show_progress=False,
                    callback_fn=lambda epoch, score: valid.append(score))
        load1 = loadavg()
        own = trainer.evaluate(test_data, load_best_model=True, show_progress=False)   # loads the best epoch's weights
        model.eval()
        with torch.no_grad(): hu, hi = model.forward()
        phases = phases_recbole(train_data, *recbole_model(config, train_data), a.profile_epochs) if a.profile else None
    # RecBole's ids -> ours: its tokens are our node ids; row 0 of its tables is the padding id
    u_of = torch.as_tensor(np.array([dataset.field2token_id['user_id'][str(u)] for u in range(ds.n_users)]))
    i_of = torch.as_tensor(np.array([dataset.field2token_id['item_id'][str(i)] for i in range(ds.n_items)]))
    hu, hi = hu[u_of], hi[i_of]
    test = evaluate_scores(ds, lambda users: hu[torch.as_tensor(users)] @ hi.T)
    best = int(np.argmax(valid)) + 1
    return dict(epoch_seconds=epoch_s, epochs=len(epoch_s), best_epoch=best, valid_recall=float(valid[best - 1]),
                test={m: float(test[f'{m}@{K}']) for m in ('recall', 'ndcg')},
                own_test={k: float(v) for k, v in own.items()}, load=(load0, load1), phases=phases)


# ----------------------------------------------------------------------------------------------------------- main
def summary(res: dict) -> tuple:
    s = np.array(res['epoch_seconds'])
    return float(s.mean()), float(np.median(s)), float(s[0])


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--epochs', type=int, default=60, help='training epochs of both libraries (best epoch picked on validation)')
    p.add_argument('--lr', type=float, default=0.01, help='Adam learning rate of both')
    p.add_argument('--batch-size', type=int, default=2048, help='positive interactions per batch')
    p.add_argument('--dim', type=int, default=64, help='embedding width')
    p.add_argument('--layers', type=int, default=3, help='LightGCN propagation layers')
    p.add_argument('--positives', default='all', choices=('all', 'purchase'),
                   help='training interactions (graph and BPR positives): all ratings, or ratings >= 4 only')
    p.add_argument('--backend', default='dgl', choices=('dgl', 'torch'), help="gnnrec's LightGCN propagation (ModelConfig.lightgcn_backend)")
    p.add_argument('--negatives', default='unseen', choices=('unseen', 'any'),
                   help="gnnrec's negatives: 'unseen' redraws those that are training edges (remove_false_negatives, as "
                        "RecBole's sampler never draws the user's training items); 'any': gnnrec's default uniform draw")
    p.add_argument('--threads', type=int, default=int(os.environ.get('OMP_NUM_THREADS', 1)),
                   help='torch and DGL threads, both sides (default: OMP_NUM_THREADS, else 1)')
    p.add_argument('--recipe', default='same', choices=('same', 'softmax'),
                   help="gnnrec's loss: 'same' as RecBole's (BPR, 1 negative) or gnnrec's own 'softmax' (1024 negatives shared "
                        "per batch, cosine scores, temperature 0.1); RecBole's LightGCN only has BPR")
    p.add_argument('--seed', type=int, default=0)
    p.add_argument('--data', type=Path, help='MovieLens-100k directory (default: shared/data/ml-100k found above the repository)')
    p.add_argument('--only', choices=('gnnrec', 'recbole'), help='run one side only (no ratios)')
    p.add_argument('--profile', action='store_true',
                   help="afterwards, time both training loops phase by phase and cProfile ours: where the time goes")
    p.add_argument('--profile-epochs', type=int, default=3, help='epochs of each side that --profile times')
    p.add_argument('--verbose', action='store_true', help="print both libraries' per-epoch logs")
    a = p.parse_args(argv)
    t_start = time.perf_counter()
    torch.set_num_threads(a.threads); dgl.utils.set_num_threads(a.threads)
    print(f"torch {torch.__version__}, dgl {dgl.__version__}, {torch.get_num_threads()} torch/DGL threads "
          f"(OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS', 'unset')}), {os.cpu_count()} cores, load average {loadavg()}")
    ds, dcfg = load_split(a.data)
    c = ds.interactions.split.value_counts()
    print(f"MovieLens-100k: {ds.n_users} users, {ds.n_items} items; {c['train']} train / {c['valid']} valid / {c['test']} test "
          f"ratings; training on {len(train_part(ds, a.positives))} {'ratings' if a.positives == 'all' else 'purchases'}, "
          f"test truth = {ds.matrix('test', 'purchase').nnz} purchases")
    if a.recipe == 'softmax': print("gnnrec: sampled softmax over 1024 negatives shared per batch, cosine scores, temperature 0.1; RecBole: as below")
    print(f"both: LightGCN dim {a.dim}, {a.layers} layers, BPR with 1 negative ({'unseen' if a.negatives == 'unseen' else 'any item for gnnrec'}), "
          f"Adam lr {a.lr}, batch {a.batch_size}, {a.epochs} epochs, best epoch on validation recall@{K}\n")
    OUT.mkdir(parents=True, exist_ok=True)
    res = {}
    if max(os.getloadavg()[:2]) > 0.5:
        print(f"warning: the machine is busy (load average {loadavg()}): with other processes on the cores, timings are "
              f"unreliable, most of all with --threads > 1 (OpenMP threads then wait for each other)\n")
    if a.only in (None, 'gnnrec'):
        print(f"training gnnrec ...  [load {loadavg()}]", flush=True)
        res['gnnrec'] = run_gnnrec(a, ds, dcfg)
        if a.profile: res['gnnrec']['phases'] = phases_gnnrec(a, ds, dcfg, a.profile_epochs)
    if a.only in (None, 'recbole'):
        work = OUT / 'recbole'
        shutil.rmtree(work, ignore_errors=True); work.mkdir(parents=True)
        print(f"training RecBole ...  [load {loadavg()}]", flush=True)
        res['recbole'] = run_recbole(a, ds, work)
    # ------------------------------------------------------------------ the table
    print(f"\ntest split, truth = purchases, training items excluded, k = {K}, evaluated by gnnrec for both:")
    print(f"{'library':<22}{'s/epoch':>9}{'median':>9}{'1st ep.':>9}{'epochs':>8}{'best':>6}{'recall@20':>11}{'ndcg@20':>9}   load (start / end)")
    names = {'gnnrec': f'gnnrec ({a.backend}{", softmax" if a.recipe == "softmax" else ""})', 'recbole': 'RecBole 1.2.1'}
    for lib, r in res.items():
        mean, med, first = summary(r)
        print(f"{names[lib]:<22}{mean:9.3f}{med:9.3f}{first:9.3f}{r['epochs']:8d}{r['best_epoch']:6d}"
              f"{r['test']['recall']:11.4f}{r['test']['ndcg']:9.4f}   {r['load'][0]} / {r['load'][1]}")
    if 'gnnrec' in res:
        pop = res['gnnrec']['popularity']
        print(f"{'popularity (floor)':<22}{'':>9}{'':>9}{'':>9}{'':>8}{'':>6}{pop['recall']:11.4f}{pop['ndcg']:9.4f}")
    if a.profile:
        print(f"\nwhere a training batch goes ({a.profile_epochs} more epochs of each, timed phase by phase; ms per batch):")
        for lib, r in res.items():
            print(f"  {names[lib]:<20}{r['phases'].row(a.profile_epochs)}")
            r['phases'] = {k: v / r['phases'].batches for k, v in r['phases'].t.items()}
    out = {'args': {k: str(v) if isinstance(v, Path) else v for k, v in vars(a).items()},
           'threads': torch.get_num_threads(), **res}
    if len(res) == 2:
        g, r = res['gnnrec'], res['recbole']
        speed, speed_med = summary(r)[0] / summary(g)[0], summary(r)[1] / summary(g)[1]
        rec, ndcg = g['test']['recall'] / r['test']['recall'], g['test']['ndcg'] / r['test']['ndcg']
        print(f"\nRecBole s/epoch / gnnrec s/epoch: {speed:.2f}x (medians: {speed_med:.2f}x)   target >= 2x: "
              f"{'met' if speed >= 2 else 'NOT met'}")
        print(f"gnnrec recall@20 / RecBole recall@20: {rec:.3f}   ndcg@20: {ndcg:.3f}   target >= 1: "
              f"{'met' if rec >= 1 else 'NOT met'}")
        out['ratios'] = dict(seconds_per_epoch=speed, seconds_per_epoch_median=speed_med, recall=rec, ndcg=ndcg)
    if 'recbole' in res:
        own = res['recbole']['own_test']
        print(f"RecBole's own test figures (its protocol: training and validation items masked): "
              + ', '.join(f'{k} {v:.4f}' for k, v in own.items()))
    if a.profile and 'gnnrec' in res:
        profile_gnnrec(a, ds, dcfg, a.profile_epochs)
    wall = time.perf_counter() - t_start
    out['wall_seconds'] = wall
    (OUT / 'vs_recbole.json').write_text(json.dumps(out, indent=1, default=str))
    print(f"\nwall time {wall:.0f}s, load average at end {loadavg()}; wrote {OUT / 'vs_recbole.json'}")


if __name__ == '__main__':
    main()
