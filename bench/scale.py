"""The product at the size of a real shop: every phase of a user's session timed, with its peak memory, as the shop
grows from 10k to 1M users.

    make bench-scale                                   # = .venv/bin/python bench/scale.py   (10k, 100k, 1M users; ~40 min)
    .venv/bin/python bench/scale.py --users 10000 100000        # the two smaller shops (~5 min)

Each shop is the built-in synthetic generator (`gnnrec synth`: tastes over categories, power-law popularity,
sessions of clicks with some purchases, user and item features, categories as an extra node type) with N users and
N/10 items (at most 100k), about 20 interactions per user (`--sessions 5.7`: 1M users make 20M interactions).
Each phase is one `gnnrec` command, run as a user runs it, in its own process; its wall time and the peak RSS of that process (os.wait4) are recorded:
- synth:     `gnnrec synth --users N --items M --sessions 5.7`
- stats:     `gnnrec stats` with the feature tables and links — load and validate, then build the graph (it prints
             the two times, which are split out here), and its estimate of the default recipe's cost;
- train:     `gnnrec train` with the default recipe and `--minutes` (default: 5 at 100k users, 10 at 1M, none below): model
             selection to its plateau or its budget, calibration, the refit on every interaction, the run directory;
- recommend: `gnnrec recommend --users all --k 20 --out recs.csv` (streamed, blocked over users: the one phase that
             is inherently users x items);
- evaluate:  `gnnrec evaluate --baselines popularity` (the GNN's full ranking of the test users beside popularity).
Prints one table, then per phase the slope of log(time) and log(peak RSS) against log(interactions) (least squares
over the shops); writes bench/results/scale.json. Figures, not assertions.
"""
from __future__ import annotations
import argparse, json, math, os, re, shutil, subprocess, sys, time
from pathlib import Path

HERE = Path(__file__).resolve().parent
GNNREC = [sys.executable, '-m', 'gnnrec.cli']
SESSIONS = 5.7   # visits per user (Poisson mean, +1): about 20 interactions each


def timed(cmd:list, log:Path)->dict:
    "Run `cmd`, its output to `log`; wall seconds and the peak RSS (GB) of its process."
    t0 = time.perf_counter()
    with open(log, 'w') as f:
        p = subprocess.Popen([str(c) for c in cmd], stdout=f, stderr=subprocess.STDOUT)
        _, status, ru = os.wait4(p.pid, 0)
    secs = time.perf_counter() - t0
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(map(str, cmd))} failed: see {log}\n{log.read_text()[-2000:]}")
    return {'seconds': round(secs, 1), 'peak_rss_gb': round(ru.ru_maxrss / 2**20, 2)}


def slope(xs, ys):
    "Least-squares slope of log(y) against log(x)."
    lx, ly = [math.log(x) for x in xs], [math.log(max(y, 1e-3)) for y in ys]
    mx, my = sum(lx) / len(lx), sum(ly) / len(ly)
    return sum((a - mx) * (b - my) for a, b in zip(lx, ly)) / sum((a - mx) ** 2 for a in lx)


def shop(n_users:int, work:Path, minutes:float|None, threads:int)->dict:
    n_items = min(n_users // 10, 100_000)
    d, run = work/f'shop-{n_users}', work/f'run-{n_users}'
    logs = work/f'logs-{n_users}'; logs.mkdir(parents=True, exist_ok=True)
    files = ['--interactions', d/'interactions.csv', '--user-features', d/'users.csv', '--item-features', d/'items.csv',
             '--item-links', 'category', '--user-links', 'declared_category=category']
    row = {'users': n_users, 'items': n_items, 'phases': {}}
    ph = row['phases']
    ph['synth'] = timed(GNNREC + ['synth', '--out', d, '--users', n_users, '--items', n_items, '--sessions', SESSIONS, '--overwrite'], logs/'synth.log')
    row['interactions'] = sum(1 for _ in open(d/'interactions.csv')) - 1
    stats = timed(GNNREC + ['stats', *files, '--estimate'], logs/'stats.log')
    text = (logs/'stats.log').read_text()
    t_load = float(re.search(r'loaded and validated \d+ interactions in ([\d.]+) s', text).group(1))
    t_graph = float(re.search(r'graph built in ([\d.]+) s', text).group(1))
    ph['load'] = {'seconds': t_load, 'peak_rss_gb': stats['peak_rss_gb']}
    ph['graph'] = {'seconds': t_graph, 'peak_rss_gb': stats['peak_rss_gb']}
    est = re.search(r'estimate: .*', text)
    row['estimate'] = est.group(0) if est else None
    budget = ['--minutes', minutes] if minutes else []
    ph['train'] = timed(GNNREC + ['train', *files, *budget, '--out', run, '--overwrite', '--no-progress'], logs/'train.log')
    m = json.loads((run/'metrics.json').read_text())
    row['train'] = {k: m.get(k) for k in ('best_epoch', 'epochs_run', 'seconds_total') if k in m}
    row['train']['valid_recall@20'] = m.get('valid', {}).get('recall')
    ph['recommend'] = timed(GNNREC + ['recommend', '--run', run, '--users', 'all', '--k', '20', '--out', work/f'recs-{n_users}.csv',
                                      '--overwrite', '--no-progress'], logs/'recommend.log')
    ph['evaluate'] = timed(GNNREC + ['evaluate', '--run', run, '--baselines', 'popularity'], logs/'evaluate.log')
    ev = (logs/'evaluate.log').read_text()
    g = re.search(r'^gnn\s+[\d.]+\s+([\d.]+)\s+([\d.]+)', ev, re.M)
    if g: row['test'] = {'recall@20': float(g.group(1)), 'ndcg@20': float(g.group(2))}
    row['threads'] = threads; row['load_average'] = round(os.getloadavg()[0], 2)
    return row


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--users', type=int, nargs='+', default=[10_000, 100_000, 1_000_000])
    p.add_argument('--minutes', type=float, nargs='+', default=None,
                   help='training budget per shop, 0 = none (default: none below 100k users, 5 minutes at 100k, 10 at 1M)')
    p.add_argument('--work', type=Path, default=HERE/'out'/'scale', help='where shops and runs go (git-ignored)')
    p.add_argument('--keep', action='store_true', help='keep the shops and runs (default: delete each after use)')
    p.add_argument('--out', type=Path, default=HERE/'results'/'scale.json')
    a = p.parse_args(argv)
    import gnnrec
    threads = gnnrec.threads()
    budgets = a.minutes or [10.0 if n >= 1_000_000 else 5.0 if n >= 100_000 else 0 for n in a.users]
    rows = json.loads(a.out.read_text()) if a.out.exists() else []
    print(f"threads {threads}, load average {os.getloadavg()[0]:.2f}; shops of {', '.join(map(str, a.users))} users", flush=True)
    for n, minutes in zip(a.users, budgets):
        row = shop(n, a.work, minutes, threads)
        print(json.dumps(row), flush=True)
        rows = [r for r in rows if r['users'] != n] + [row]
        rows.sort(key=lambda r: r['users'])
        a.out.parent.mkdir(exist_ok=True); a.out.write_text(json.dumps(rows, indent=1))
        if not a.keep:
            for q in (a.work/f'shop-{n}', a.work/f'run-{n}', a.work/f'recs-{n}.csv'):
                shutil.rmtree(q, ignore_errors=True) if q.is_dir() else q.unlink(missing_ok=True)
    phases = ['synth', 'load', 'graph', 'train', 'recommend', 'evaluate']
    print(f"\n{'users':>9} {'items':>7} {'interactions':>12} " + ' '.join(f'{ph:>16}' for ph in phases) + '   (seconds / peak RSS GB)')
    for r in rows:
        print(f"{r['users']:>9} {r['items']:>7} {r['interactions']:>12} " +
              ' '.join(f"{r['phases'][ph]['seconds']:>8.1f} /{r['phases'][ph]['peak_rss_gb']:>6.2f}" for ph in phases))
    if len(rows) >= 2:
        xs = [r['interactions'] for r in rows]
        print('slope of log(time) / log(peak RSS) against log(interactions):')
        for ph in phases:
            print(f"  {ph:<10} {slope(xs, [r['phases'][ph]['seconds'] for r in rows]):5.2f} / "
                  f"{slope(xs, [r['phases'][ph]['peak_rss_gb'] for r in rows]):5.2f}")
    print(f"written to {a.out}")


if __name__ == '__main__':
    main()
