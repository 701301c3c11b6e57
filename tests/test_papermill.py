"""nbs/03_training.ipynb as a papermill-parameterised training run: an executed notebook and a metrics JSON come out,
and its `parameters` tag survives nbdev_clean."""
import json, os, shutil, subprocess, sys
from pathlib import Path

import pytest

from gnnrec.data import write_synthetic
from gnnrec.tune import kernel_name, training_notebook

ROOT = Path(__file__).resolve().parent.parent
NB = ROOT/'nbs'/'03_training.ipynb'
ENV = {**os.environ, 'OMP_NUM_THREADS': '1'}


def param_tags(nb:Path)->list:
    return [c['metadata'].get('tags', []) for c in json.loads(nb.read_text())['cells']]


def test_training_notebook_runs_under_papermill(tmp_path, monkeypatch):
    import papermill
    monkeypatch.setenv('OMP_NUM_THREADS', '1')
    assert training_notebook() == NB
    shop = write_synthetic(tmp_path/'shop', n_users=200, n_items=100, seed=0)
    out_nb, run, metrics = tmp_path/'train.ipynb', tmp_path/'run', tmp_path/'metrics.json'
    papermill.execute_notebook(str(NB), str(out_nb), kernel_name=kernel_name(), language='python', progress_bar=False, cwd=str(NB.parent),
                               parameters=dict(interactions=str(shop/'interactions.csv'), item_features=str(shop/'items.csv'),
                                               user_features=None, item_links={'category': 'category'}, user_links={}, epochs=2,
                                               params={'hidden_dim': 16, 'out_dim': 8, 'lr': 0.01, 'seed': 3},
                                               out=str(run), metrics_json=str(metrics)))
    nb = json.loads(out_nb.read_text())
    assert nb['metadata']['papermill']['exception'] is None
    tags = [c['metadata'].get('tags', []) for c in nb['cells']]
    i = next(i for i, t in enumerate(tags) if 'injected-parameters' in t)
    assert 'parameters' in tags[i - 1]                              # injected right after the parameters cell
    assert all(c.get('execution_count') for c in nb['cells'] if c['cell_type'] == 'code' and c['source'])   # every cell ran
    m = json.loads(metrics.read_text())
    assert {'recall', 'ndcg', 'precision'} <= set(m['valid']) and m['epochs_run'] <= 2 and m['k'] == 20
    assert json.loads((run/'metrics.json').read_text())['valid'] == m['valid']
    params = (run/'params.yaml').read_text()
    assert 'lr: 0.01' in params and 'hidden_dim: 16' in params and 'epochs: 2' in params and 'seed: 3' in params


def test_parameters_tag_survives_nbdev_clean(tmp_path):
    assert ['parameters'] in param_tags(NB)
    nb = json.loads(NB.read_text())
    for c in nb['cells']:                      # make it dirty: outputs, counts, extra metadata
        if c['cell_type'] == 'code':
            c['execution_count'] = 7
            c['outputs'] = [{'output_type': 'stream', 'name': 'stdout', 'text': ['x\n']}]
            c['metadata']['scrolled'] = True
    nb['metadata']['kernelspec'] = {'name': 'gnnrec', 'display_name': 'gnnrec', 'language': 'python'}
    copy = tmp_path/'03_training.ipynb'
    copy.write_text(json.dumps(nb, indent=1))
    nbdev_clean = Path(sys.executable).parent/'nbdev_clean'
    r = subprocess.run([str(nbdev_clean), '--fname', str(copy)], cwd=ROOT, capture_output=True, text=True, env=ENV)
    assert r.returncode == 0, r.stderr
    cleaned = json.loads(copy.read_text())
    code = [c for c in cleaned['cells'] if c['cell_type'] == 'code']
    assert all(c['execution_count'] is None and 'scrolled' not in c['metadata'] for c in code)   # nbdev_clean did clean
    assert ['parameters'] in param_tags(copy)                                                      # ... and kept the tag
