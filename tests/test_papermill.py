"""Recorded runs: nbs/runs/train.ipynb and nbs/runs/evaluate.ipynb under papermill (an executed notebook, a metrics JSON,
the run directory), the README's papermill commands exactly as printed, and the `parameters` tag surviving nbdev_clean."""
import json, os, re, shlex, shutil, subprocess, sys
from pathlib import Path

import pytest

from gnnrec.data import write_synthetic
from gnnrec.tune import kernel_name, training_notebook
from conftest import readme_commands

ROOT = Path(__file__).resolve().parent.parent
NB = ROOT/'nbs'/'runs'/'train.ipynb'
ENV = dict(os.environ)


def param_tags(nb:Path)->list:
    return [c['metadata'].get('tags', []) for c in json.loads(nb.read_text())['cells']]


def test_training_notebook_runs_under_papermill(tmp_path, monkeypatch):
    import papermill
    assert training_notebook() == NB
    shop = write_synthetic(tmp_path/'shop', n_users=200, n_items=100, seed=0)
    out_nb, run, metrics = tmp_path/'train.ipynb', tmp_path/'run', tmp_path/'metrics.json'
    papermill.execute_notebook(str(NB), str(out_nb), kernel_name=kernel_name(), progress_bar=False, cwd=str(NB.parent),
                               parameters=dict(interactions=str(shop/'interactions.csv'), item_features=str(shop/'items.csv'),
                                               user_features=None, item_links={'category': 'category'}, user_links={}, epochs=2,
                                               params={'out_dim': 8, 'lr': 0.01, 'seed': 3},
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
    assert 'lr: 0.01' in params and 'out_dim: 8' in params and 'epochs: 2' in params and 'seed: 3' in params


def test_readme_papermill_commands_as_printed(tmp_path):
    cmds = readme_commands('## Notebooks and papermill')
    assert len(cmds) == 4 and all(c.startswith(('.venv/bin/', 'mkdir')) for c in cmds), cmds
    venv = Path(sys.executable).parent.parent
    (tmp_path/'.venv').symlink_to(venv); (tmp_path/'nbs').symlink_to(ROOT/'nbs')
    for c in cmds:
        c = c.replace('gnnrec synth --out data/shop', 'gnnrec synth --users 300 --items 200 --out data/shop')   # a small shop: fast
        r = subprocess.run(c, shell=True, cwd=tmp_path, capture_output=True, text=True, env=ENV, timeout=600)
        assert r.returncode == 0, (c, r.stderr[-3000:])
    for f in ('runs/shop-train.ipynb', 'runs/shop-evaluate.ipynb', 'runs/shop/model.pt', 'runs/shop-train.json', 'runs/shop/evaluation.csv'):
        assert (tmp_path/f).exists(), f


def test_every_notebook_names_its_kernel_and_language():
    for nb in sorted((ROOT/'nbs').rglob('*.ipynb')):
        ks = json.loads(nb.read_text())['metadata'].get('kernelspec', {})
        assert ks.get('name') == 'gnnrec' and ks.get('language') == 'python', (nb, ks)


def test_parameters_tag_survives_nbdev_clean(tmp_path):
    assert ['parameters'] in param_tags(NB)
    nb = json.loads(NB.read_text())
    for c in nb['cells']:                      # make it dirty: outputs, counts, extra metadata
        if c['cell_type'] == 'code':
            c['execution_count'] = 7
            c['outputs'] = [{'output_type': 'stream', 'name': 'stdout', 'text': ['x\n']}]
            c['metadata']['scrolled'] = True
    nb['metadata']['language_info'] = {'name': 'python', 'version': '3.11.7'}
    copy = tmp_path/'train.ipynb'
    copy.write_text(json.dumps(nb, indent=1))
    nbdev_clean = Path(sys.executable).parent/'nbdev_clean'
    r = subprocess.run([str(nbdev_clean), '--fname', str(copy)], cwd=ROOT, capture_output=True, text=True, env=ENV)
    assert r.returncode == 0, r.stderr
    cleaned = json.loads(copy.read_text())
    code = [c for c in cleaned['cells'] if c['cell_type'] == 'code']
    assert all(c['execution_count'] is None and 'scrolled' not in c['metadata'] for c in code)   # nbdev_clean did clean
    assert ['parameters'] in param_tags(copy)                                                      # ... and kept the tag
    assert cleaned['metadata'] == json.loads(NB.read_text())['metadata']                           # ... and the committed metadata
