"""Benchmark of `gnnrec recommend`: wall time and peak RSS, each measurement a fresh `gnnrec` process as a user runs it.

1. MovieLens-100k: all 943 users, k=20 (a run trained for 3 epochs on the converted data).
2. A synthetic shop of 100k users and 20k items (a short training run): recommendations for 1k, 10k and 100k users,
   written to CSV batch by batch -- peak RSS must not grow with the number of users.

Usage (from the repository root; data and runs are created under --work once and reused):

    OMP_NUM_THREADS=1 .venv/bin/python bench/recommend.py --work /tmp/gnnrec-bench [--skip-ml] [--skip-big] [--repeat 3]

Peak RSS comes from /usr/bin/time -v (GNU time). The `gnnrec recommend` summary line splits the time into loading the
run + embedding the graph ("run loaded in") and ranking + writing ("ranked in"); the rest of the wall time ("other") is
Python start-up, importing torch and DGL, and interpreter shutdown. CPU is user + system time of the process: on a
shared machine the wall time grows with the load, the CPU time much less.
"""
import argparse, os, re, shutil, statistics, subprocess, sys, time
from pathlib import Path

GNNREC = [sys.executable, '-m', 'gnnrec.cli']
ENV = {**os.environ, 'OMP_NUM_THREADS': os.environ.get('OMP_NUM_THREADS', '1')}


def timed(args:list, log:Path|None=None)->dict:
    "Run a command under /usr/bin/time -v: wall seconds, peak RSS (MB) and stdout."
    if not Path('/usr/bin/time').exists(): sys.exit('this benchmark needs GNU time (/usr/bin/time): apt-get install time')
    r = subprocess.run(['/usr/bin/time', '-v', *map(str, args)], capture_output=True, text=True, env=ENV)
    if log: log.write_text(r.stdout + r.stderr)
    if r.returncode != 0: sys.exit(f"failed ({r.returncode}): {' '.join(map(str, args))}\n{r.stderr[-3000:]}")
    wall = re.search(r'Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)', r.stderr).group(1)
    secs = sum(float(x) * 60 ** i for i, x in enumerate(reversed(wall.split(':'))))
    rss = int(re.search(r'Maximum resident set size \(kbytes\): (\d+)', r.stderr).group(1)) / 1024
    cpu = sum(float(re.search(rf'{w} time \(seconds\): ([\d.]+)', r.stderr).group(1)) for w in ('User', 'System'))
    return {'wall': secs, 'cpu': cpu, 'rss_mb': rss, 'stdout': r.stdout, 'stderr': r.stderr}


def step(msg:str, args:list, log:Path)->dict:
    print(f"  {msg} ...", end=' ', flush=True)
    r = timed(args, log)
    print(f"{r['wall']:.0f} s (CPU {r['cpu']:.0f} s), peak RSS {r['rss_mb']:.0f} MB")
    return r


def recommend_once(run:Path, out:Path, users:list, k:int)->dict:
    "One `gnnrec recommend` in a fresh process: wall, peak RSS, and the split reported by the command."
    r = timed([*GNNREC, 'recommend', '--run', run, *users, '--k', k, '--out', out, '--overwrite', '--examples', '0'])
    m = re.search(r'(\d+) recommendations for (\d+) users .*run loaded in ([\d.]+) s, ranked in ([\d.]+) s', r['stdout'])
    r.update(rows=int(m.group(1)), users=int(m.group(2)), load=float(m.group(3)), rank=float(m.group(4)))
    return r


def median_run(run:Path, out:Path, users:list, k:int, repeat:int)->dict:
    rs = [recommend_once(run, out, users, k) for _ in range(repeat)]
    med = {key: statistics.median(r[key] for r in rs) for key in ('wall', 'cpu', 'rss_mb', 'load', 'rank')}
    return {**med, 'rows': rs[0]['rows'], 'users': rs[0]['users'], 'walls': [round(r['wall'], 1) for r in rs]}


def row(name:str, r:dict)->str:
    return (f"{name:28s} {r['users']:>7d} {r['rows']:>9d} {r['wall']:>8.1f} {r['cpu']:>7.1f} {r['load']:>8.1f} {r['rank']:>8.1f} "
            f"{r['wall'] - r['load'] - r['rank']:>8.1f} {r['rss_mb']:>9.0f}   {r['walls']}")


HEADER = (f"{'case':28s} {'users':>7s} {'rows':>9s} {'wall s':>8s} {'CPU s':>7s} {'load s':>8s} {'rank s':>8s} {'other s':>8s} "
          f"{'peak MB':>9s}   walls of the repeats")


def bench_ml(work:Path, ml:Path, repeat:int)->list:
    data, run = work/'ml', work/'ml_run'
    print(f"MovieLens-100k ({ml})")
    if not (data/'interactions.csv').exists():
        step('gnnrec convert', [*GNNREC, 'convert', '--movielens', ml, '--out', data, '--overwrite'], work/'ml_convert.log')
    if not (run/'model.pt').exists():
        step('gnnrec train (3 epochs)', [*GNNREC, 'train', '--interactions', data/'interactions.csv', '--user-features', data/'users.csv',
              '--item-features', data/'items.csv', '--display-cols', 'title', '--epochs', '3', '--out', run, '--overwrite',
              '--no-progress'], work/'ml_train.log')
    imp = [timed([sys.executable, '-c', 'import gnnrec.cli, gnnrec.inference, gnnrec.train']) for _ in range(repeat)]
    print(f"  python -c 'import gnnrec.cli, gnnrec.inference, gnnrec.train' (torch + DGL), start to exit: median wall "
          f"{statistics.median(r['wall'] for r in imp):.1f} s, CPU {statistics.median(r['cpu'] for r in imp):.1f} s")
    return [('ml-100k all users, k=20', median_run(run, work/'ml_recs.csv', ['--users', 'all'], 20, repeat))]


def bench_big(work:Path, n_users:int, n_items:int, sizes:list, repeat:int)->list:
    data, run = work/f'synth_{n_users}', work/f'synth_{n_users}_run'
    print(f"synthetic shop: {n_users} users, {n_items} items")
    if not (data/'interactions.csv').exists():
        step('gnnrec synth', [*GNNREC, 'synth', '--users', n_users, '--items', n_items, '--out', data, '--overwrite'], work/'synth.log')
    if not (run/'model.pt').exists():
        step('gnnrec train (1 epoch, 5% of purchases)', [*GNNREC, 'train', '--interactions', data/'interactions.csv',
              '--user-features', data/'users.csv', '--item-features', data/'items.csv', '--item-links', 'category',
              '--epochs', '1', '--purchases-sample', '0.05', '--batch-size', '4096', '--hidden-dim', '64', '--out-dim', '32',
              '--fanout', '10', '--out', run, '--overwrite', '--no-progress'], work/'synth_train.log')
    ids = (run/'graph'/'ids'/'user.csv').read_text().split()[1:]
    out = []
    for n in sizes:
        if n >= len(ids): users = ['--users', 'all']
        else:
            f = work/f'users_{n}.txt'; f.write_text('\n'.join(ids[:n]) + '\n')
            users = ['--users-file', f]
        r = median_run(run, work/f'synth_recs_{n}.csv', users, 20, repeat)
        out.append((f'synthetic {min(n, len(ids))} users, k=20', r))
        print('  ' + row(out[-1][0], r))
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--work', type=Path, default=Path('/tmp/gnnrec-bench'), help='where data, runs and outputs go (reused)')
    p.add_argument('--ml', type=Path, default=None, help='MovieLens-100k directory (default: shared/data/ml-100k)')
    p.add_argument('--users', type=int, default=100_000, help='users of the synthetic shop')
    p.add_argument('--items', type=int, default=20_000, help='items of the synthetic shop')
    p.add_argument('--sizes', type=int, nargs='+', default=[1_000, 10_000, 100_000], help='numbers of users to recommend for')
    p.add_argument('--repeat', type=int, default=3, help='runs per measurement (the median is reported)')
    p.add_argument('--skip-ml', action='store_true'); p.add_argument('--skip-big', action='store_true')
    a = p.parse_args()
    a.work.mkdir(parents=True, exist_ok=True)
    t0, results = time.time(), []
    print(f"OMP_NUM_THREADS={ENV['OMP_NUM_THREADS']}, {os.cpu_count()} CPUs, load average before: "
          f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    if not a.skip_ml:
        from gnnrec.data import find_shared_data
        ml = a.ml or find_shared_data('ml-100k')
        if ml is None: sys.exit('MovieLens-100k not found: pass --ml DIR')
        results += bench_ml(a.work, ml, a.repeat)
    if not a.skip_big: results += bench_big(a.work, a.users, a.items, a.sizes, a.repeat)
    print(f"\n{HEADER}\n" + '\n'.join(row(n, r) for n, r in results))
    print(f"\nload average after: {' '.join(f'{x:.1f}' for x in os.getloadavg())}; benchmark took {time.time() - t0:.0f} s")


if __name__ == '__main__': main()
