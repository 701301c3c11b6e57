"""`gnnrec train` killed with SIGKILL mid-run continues from its last checkpoint with --resume, and ends exactly where an
uninterrupted run with the same seed ends; the same seed gives the same metrics and best epoch whatever the shell's
OMP_NUM_THREADS (unset, 1 or 2; gnnrec respects it). These tests run without OMP_NUM_THREADS in their environment
(gnnrec then uses every core: two threads on the CI machines)."""
import os, signal, subprocess, sys, time
from pathlib import Path
import pandas as pd
import pytest

GNNREC = [sys.executable, '-m', 'gnnrec.cli']
ENV = {k: v for k, v in os.environ.items() if k not in ('OMP_NUM_THREADS', 'GNNREC_THREADS', 'MKL_NUM_THREADS')}


@pytest.fixture(scope='module')
def shop(tmp_path_factory):
    d = tmp_path_factory.mktemp('data')/'shop'
    subprocess.run(GNNREC + ['synth', '--out', str(d), '--users', '1500', '--items', '400', '--seed', '3'], check=True, env=ENV)
    return d


def train_args(shop, out, epochs=5):
    return GNNREC + ['train', '--interactions', str(shop/'interactions.csv'), '--item-features', str(shop/'items.csv'),
                     '--item-links', 'category', '--epochs', str(epochs), '--patience', '10', '--batch-size', '256',
                     '--hidden-dim', '32', '--out-dim', '16', '--seed', '7', '--out', str(out), '--no-progress']


def test_sigkill_then_resume_matches_uninterrupted_run(shop, tmp_path):
    out = tmp_path/'killed'
    partial = tmp_path/'.killed.partial'
    proc = subprocess.Popen(train_args(shop, out), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=ENV)
    ckpt = partial/'checkpoint.pt'
    deadline = time.time() + 300
    while not ckpt.exists():                       # wait for the first epoch's checkpoint ...
        assert proc.poll() is None, proc.stdout.read()
        assert time.time() < deadline, 'no checkpoint after 300 s'
        time.sleep(0.05)
    time.sleep(0.3)                                # ... then kill during the next epoch
    proc.send_signal(signal.SIGKILL); proc.wait()
    assert proc.returncode == -signal.SIGKILL
    assert not out.exists(), 'a killed run must not look complete'
    assert partial.exists()

    r = subprocess.run(GNNREC + ['train', '--out', str(out), '--resume', '--no-progress'], capture_output=True, text=True, env=ENV)
    assert r.returncode == 0, r.stderr
    assert 'resuming from the checkpoint of epoch' in r.stdout
    resumed_from = int(r.stdout.split('resuming from the checkpoint of epoch')[1].split()[0])
    assert 1 <= resumed_from < 5
    assert not partial.exists() and (out/'model.pt').exists()
    resumed = pd.read_csv(out/'history.csv')
    assert resumed.epoch.tolist() == [1, 2, 3, 4, 5]

    r = subprocess.run(train_args(shop, tmp_path/'straight'), capture_output=True, text=True, env=ENV)
    assert r.returncode == 0, r.stderr
    straight = pd.read_csv(tmp_path/'straight'/'history.csv')
    cols = [c for c in straight if c.startswith('valid_')]
    pd.testing.assert_frame_equal(resumed[cols], straight[cols])
    pd.testing.assert_series_equal(resumed.loss, straight.loss, rtol=1e-6)


@pytest.mark.parametrize('recipe', ['default', 'gnnrec-0.1'])
def test_same_seed_same_metrics_whatever_the_threads(shop, tmp_path, recipe):
    "Unset, 1 and 2: the same metrics, best epoch and losses (to float rounding); for the sampled-blocks recipe too."
    extra = [] if recipe == 'default' else ['--family', 'sage', '--input', 'features', '--n_layers', '2', '--norm', '--pred', 'cos',
                                            '--loss', 'max_margin', '--loss_score', 'head', '--neg_sample_size', '5', '--no-full-graph',
                                            '--fanout', '5', '--lr', '0.005']
    hists, metrics = [], []
    for name, threads in (('unset', None), ('one', '1'), ('two', '2')):
        env = ENV if threads is None else {**ENV, 'OMP_NUM_THREADS': threads}
        r = subprocess.run(train_args(shop, tmp_path/name, epochs=3) + extra, capture_output=True, text=True, env=env)
        assert r.returncode == 0, r.stderr
        hists.append(pd.read_csv(tmp_path/name/'history.csv'))
        metrics.append((tmp_path/name/'metrics.json').read_text().split('"seconds_total"')[0])
    cols = [c for c in hists[0] if c.startswith('valid_')]
    for h, m in zip(hists[1:], metrics[1:]):
        pd.testing.assert_frame_equal(hists[0][cols], h[cols])
        pd.testing.assert_series_equal(hists[0].loss, h.loss, rtol=1e-6)
        assert m == metrics[0]


def test_resume_without_partial_run_is_a_clear_error(tmp_path):
    r = subprocess.run(GNNREC + ['train', '--out', str(tmp_path/'nothing'), '--resume'], capture_output=True, text=True, env=ENV)
    assert r.returncode == 2
    assert len(r.stderr.strip().splitlines()) == 1 and 'no partial run to resume' in r.stderr
