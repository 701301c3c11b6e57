"""Hyperparameter search (gnnrec.tune): a small study end to end, a study killed with SIGKILL mid-trial and resumed
with no finished trial lost, pruning, papermill trials, and the errors a user can hit."""
import json, os, signal, sqlite3, subprocess, sys, textwrap, time
from pathlib import Path

import optuna
import pandas as pd
import pytest
from optuna.trial import TrialState

from gnnrec.data import DataError, load_dataset, write_synthetic
from gnnrec.graph import build_graph
from gnnrec.train import Config, train
from gnnrec.tune import run_study, study_lock, training_notebook, EMBED_CLASSES, SPACE, Param

ENV = dict(os.environ)
FIX = ['hidden_dim', 'out_dim']   # tiny dimensions: fast trials


@pytest.fixture(scope='module')
def shop(tmp_path_factory):
    d = write_synthetic(tmp_path_factory.mktemp('data')/'shop', n_users=200, n_items=100, seed=0)
    return dict(interactions=d/'interactions.csv', user_features=d/'users.csv', item_features=d/'items.csv')


def tiny(**kw):
    return Config.from_dict({**dict(hidden_dim=16, out_dim=8, epochs=2, batch_size=256, item_links={'category': 'category'}), **kw})


def test_three_trial_study(shop, tmp_path):
    out = tmp_path/'tune'
    lines = []
    study = run_study(tiny(), **shop, trials=3, out=out, fixed=FIX, log=lines.append)
    assert [t.state for t in study.trials] == [TrialState.COMPLETE] * 3
    assert study.trials[0].user_attrs['base'] and Config.from_dict(study.trials[0].user_attrs['config']) == tiny()
    for t in study.trials:     # every trial: its metrics, epochs and duration; its params are a Config
        assert {'valid_recall', 'valid_ndcg', 'valid_precision', 'best_epoch', 'epochs_run', 'seconds'} <= set(t.user_attrs)
        assert t.value == t.user_attrs['valid_recall'] and t.duration.total_seconds() > 0
        cfg = Config.from_dict(t.params)
        assert cfg.model.family == t.params.get('family', 'sage')
    df = pd.read_csv(out/'trials.csv')
    assert len(df) == 3 and df['recall@20'].tolist() == pytest.approx([t.value for t in study.trials])
    assert {'seconds', 'duration', 'user_attrs_valid_ndcg', 'params_lr', 'state'} <= set(df.columns)
    best = Config.load(out/'best_params.yaml')
    assert best == Config.from_dict(study.best_trial.user_attrs['config'])
    assert (best.model.out_dim, best.model.hidden_dim, best.train.epochs) == (8, 16, 2)
    assert (out/'plots'/'history.png').stat().st_size > 0
    summary = json.loads((out/'summary.json').read_text())
    assert summary['done'] and summary['complete'] == 3 and summary['best_trial'] == study.best_trial.number
    assert (out/'plots'/'importances.png').exists() or any('importances' in n for n in summary['notes'])
    assert any('3 of 3 trials finished' in l for l in lines)
    # the same command again: nothing to do; the report is rebuilt
    again = run_study(tiny(), **shop, trials=3, out=out, fixed=FIX, log=None)
    assert len(again.trials) == 3 and (out/'best_params.yaml').exists()


def test_best_params_are_accepted_by_gnnrec_train(shop, tmp_path):
    out = tmp_path/'tune'
    run_study(tiny(remove=0.2), **shop, trials=1, out=out, fixed=FIX, log=None)
    best = Config.load(out/'best_params.yaml')
    assert best.data.remove == 0.0        # the user sample is for tuning only
    r = subprocess.run([sys.executable, '-m', 'gnnrec.cli', 'train', '--interactions', str(shop['interactions']),
                        '--item-features', str(shop['item_features']), '--user-features', str(shop['user_features']),
                        '--params', str(out/'best_params.yaml'), '--epochs', '1', '--out', str(tmp_path/'run'), '--no-progress'],
                       capture_output=True, text=True, env=ENV)
    assert r.returncode == 0, r.stderr
    saved = Config.load(tmp_path/'run'/'params.yaml')   # the run's params, with what calibration chose
    assert saved == best.replace(epochs=1, norm_power=saved.model.norm_power, weight_filter=saved.train.weight_filter)


SCRIPT = textwrap.dedent("""
    import sys
    from gnnrec.train import Config
    from gnnrec.tune import run_study
    d, out = sys.argv[1], sys.argv[2]
    cfg = Config.from_dict(dict(hidden_dim=16, out_dim=8, epochs=4, patience=10, batch_size=256, item_links={'category': 'category'}))
    run_study(cfg, f'{d}/interactions.csv', f'{d}/users.csv', f'{d}/items.csv', trials=3, out=out, study_name='killed',
              storage=f'sqlite:///{out}/study.db', fixed=['hidden_dim', 'out_dim'], prune=False)
""")


def states(db:Path)->dict:
    "number -> state, read straight from Optuna's SQLite tables."
    if not db.exists(): return {}
    try:
        with sqlite3.connect(f'file:{db}?mode=ro', uri=True, timeout=5) as c:
            return dict(c.execute('SELECT number, state FROM trials').fetchall())
    except sqlite3.OperationalError: return {}    # tables not created yet


def test_sigkill_mid_trial_then_resume_loses_nothing(shop, tmp_path):
    script, out = tmp_path/'study.py', tmp_path/'tune'
    script.write_text(SCRIPT)
    cmd = [sys.executable, str(script), str(shop['interactions'].parent), str(out)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=ENV)
    deadline = time.time() + 120
    while True:                       # wait until one trial is COMPLETE and the next one RUNNING ...
        st = states(out/'study.db')
        if 'COMPLETE' in st.values() and 'RUNNING' in st.values(): break
        assert proc.poll() is None, proc.stdout.read()
        assert time.time() < deadline, f'no complete trial after 120 s: {st}'
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL); proc.wait()        # ... and kill it mid-trial
    assert proc.returncode == -signal.SIGKILL
    st = states(out/'study.db')
    killed = [n for n, s in st.items() if s == 'RUNNING']
    assert len(killed) == 1, st
    assert not (out/'best_params.yaml').exists() and not (out/'summary.json').exists(), 'a killed study must not look complete'
    before = {t.number: t for t in optuna.load_study(study_name='killed', storage=f'sqlite:///{out}/study.db').trials}

    r = subprocess.run(cmd, capture_output=True, text=True, env=ENV)          # the same command resumes
    assert r.returncode == 0, r.stderr
    assert f're-running trial(s) {killed[0]}' in r.stdout
    study = optuna.load_study(study_name='killed', storage=f'sqlite:///{out}/study.db')
    finished = [t for t in study.trials if t.state == TrialState.COMPLETE]
    assert len(finished) == 3, [(t.number, t.state) for t in study.trials]
    for n, t in before.items():                   # trials finished before the kill are intact
        if t.state == TrialState.COMPLETE:
            after = study.trials[n]
            assert (after.state, after.value, after.params, after.datetime_complete) == (t.state, t.value, t.params, t.datetime_complete)
    k = study.trials[killed[0]]
    assert k.state == TrialState.FAIL and k.user_attrs['interrupted']
    retry = [t for t in study.trials if t.user_attrs.get('retry_of') == killed[0]]
    assert len(retry) == 1 and retry[0].state == TrialState.COMPLETE
    assert k.params.items() <= retry[0].params.items()    # the interrupted configuration was run again
    summary = json.loads((out/'summary.json').read_text())
    assert summary['done'] and summary['complete'] == 3 and summary['fail'] == 1
    assert len(pd.read_csv(out/'trials.csv')) == len(study.trials)


class PruneAll(optuna.pruners.BasePruner):
    def prune(self, study, trial): return True


def test_pruned_trials_count_as_finished(shop, tmp_path):
    study = run_study(tiny(epochs=3), **shop, trials=2, out=tmp_path/'t', fixed=FIX, prune=PruneAll(), log=None)
    assert [t.state for t in study.trials] == [TrialState.PRUNED] * 2
    assert [list(t.intermediate_values) for t in study.trials] == [[1], [1]]   # stopped after the first epoch
    assert not (tmp_path/'t'/'best_params.yaml').exists()
    assert json.loads((tmp_path/'t'/'summary.json').read_text())['pruned'] == 2


def test_median_pruner_prunes_a_hopeless_trial(shop, tmp_path):
    "After 5 complete trials, a trial below the median at epoch 2 (lr=1e-4) is pruned by the default MedianPruner."
    space = {'lr': Param(low=1e-4, high=0.3, log=True)}
    db = f"sqlite:///{tmp_path/'s.db'}"
    base = tiny(epochs=3, lr=0.01, patience=10)
    run_study(base, **shop, trials=5, out=tmp_path/'t', storage=db, fixed=FIX, space=space, log=None)
    study = optuna.load_study(study_name='gnnrec', storage=db)
    assert all(t.state == TrialState.COMPLETE for t in study.trials)
    study.enqueue_trial({'lr': 1e-4})
    study = run_study(base, **shop, trials=6, out=tmp_path/'t', storage=db, fixed=FIX, space=space, log=None)
    last = study.trials[-1]
    assert last.params == {'lr': 1e-4}
    assert last.state == TrialState.PRUNED and list(last.intermediate_values) == [1, 2]   # no pruning before epoch 2
    others = sorted(max(v for s, v in t.intermediate_values.items() if s <= 2) for t in study.trials[:5])
    assert max(last.intermediate_values.values()) < others[2]                           # below the median at epoch 2
    assert json.loads((tmp_path/'t'/'summary.json').read_text())['pruned'] == 1


def test_papermill_trials_leave_executed_notebooks(shop, tmp_path):
    out = tmp_path/'pm'
    items = pd.read_csv(shop['item_features'], dtype=str, keep_default_na=False)
    items['title'] = [f'Item number {i}' for i in range(len(items))]     # display-only text: one value per item
    items.to_csv(tmp_path/'items.csv', index=False)
    data = {**shop, 'item_features': tmp_path/'items.csv'}
    study = run_study(tiny(epochs=1), **data, display_cols=('title',), trials=1, out=out, fixed=FIX, papermill=True, log=None)
    t = study.trials[0]
    assert t.state == TrialState.COMPLETE, t.user_attrs.get('error')
    # the run notebook declares display_cols: the trial passed them on (no stripped copies of the tables needed)
    assert sorted(p.name for p in (out/'trials').iterdir()) == ['0000.ipynb', '0000.json']
    nb = json.loads((out/'trials'/'0000.ipynb').read_text())
    injected = [c for c in nb['cells'] if 'injected-parameters' in c['metadata'].get('tags', [])]
    assert len(injected) == 1 and 'display_cols = ["title"]' in ''.join(injected[0]['source'])
    assert nb['metadata']['papermill']['exception'] is None
    metrics = json.loads((out/'trials'/'0000.json').read_text())
    assert t.value == metrics['valid']['recall']
    # the same config trained in this process gives the same validation metric
    cfg = Config.from_dict(t.user_attrs['config'])
    ds = load_dataset(shop['interactions'], cfg.data, shop['user_features'], tmp_path/'items.csv', ('title',))
    _, _, best = train(cfg, build_graph(ds, cfg.data.duplicates), ds, progress=False, log=None)
    assert best['recall'] == pytest.approx(t.value, rel=1e-6)


def test_user_errors(shop, tmp_path):
    with pytest.raises(ValueError, match='unknown parameter'):
        run_study(tiny(), **shop, trials=1, out=tmp_path/'a', fixed=['learning_rate'])
    with pytest.raises(ValueError, match='interactions file is required'):
        run_study(tiny(), trials=1, out=tmp_path/'a')
    with pytest.raises(FileNotFoundError, match='install it from a clone'):
        training_notebook(tmp_path)
    with pytest.raises(DataError, match='file not found'):
        run_study(tiny(), tmp_path/'missing.csv', trials=1, out=tmp_path/'b', log=None)
    run_study(tiny(), **shop, trials=1, out=tmp_path/'c', fixed=FIX, log=None)
    with pytest.raises(ValueError, match='different objective'):   # same study name, different base config
        run_study(tiny(epochs=3), **shop, trials=1, out=tmp_path/'c', fixed=FIX, log=None)
    with pytest.raises(RuntimeError, match='3 trials in a row failed'):   # a broken configuration does not loop forever
        run_study(tiny(), **shop, trials=5, out=tmp_path/'d', space={'valid_every': Param(low=0, high=0)}, log=None)
    assert json.loads((tmp_path/'d'/'summary.json').read_text())['fail'] == 3
    with study_lock(tmp_path/'c'/'study.db.lock'):                  # another process holds the study
        with pytest.raises(DataError, match='another process'):
            run_study(tiny(), **shop, trials=2, out=tmp_path/'c', fixed=FIX, log=None)


def test_embedding_size_classes_cover_the_defaults():
    base = Config()
    assert base.model.out_dim in EMBED_CLASSES and base.model.family == 'lightgcn'   # LightGCN has no hidden layer
    assert EMBED_CLASSES[base.replace(family='sage', out_dim=64).model.out_dim] == base.model.hidden_dim
