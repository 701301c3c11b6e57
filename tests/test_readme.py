"""The README's commands and its Python example, run exactly as printed (in a scratch copy of the repository layout:
the venv, and ../shared/data when this machine has it), with a smaller shop and fewer trials so that it stays quick."""
import os, subprocess, sys
from pathlib import Path

import pytest

from conftest import ROOT, readme_block, readme_commands

ENV = dict(os.environ)
SHARED = ROOT.parent/'shared'
QUICK = {'gnnrec synth --out data/shop': 'gnnrec synth --users 400 --items 250 --out data/shop', '--trials 20': '--trials 2'}


@pytest.fixture
def repo(tmp_path):
    (tmp_path/'repo').mkdir()
    (tmp_path/'repo'/'.venv').symlink_to(Path(sys.executable).parent.parent)
    if SHARED.exists(): (tmp_path/'shared').symlink_to(SHARED)
    return tmp_path/'repo'


def test_readme_commands_as_printed(repo):
    cmds = readme_commands('## Commands')
    assert len(cmds) >= 12 and all(c.startswith('.venv/bin/gnnrec ') for c in cmds), cmds
    ran = []
    for c in cmds:
        if '../shared/data' in c and not SHARED.exists(): continue
        for a, b in QUICK.items(): c = c.replace(a, b)
        r = subprocess.run(c, shell=True, cwd=repo, capture_output=True, text=True, env=ENV, timeout=600)
        assert r.returncode == 0, (c, r.stderr[-3000:])
        ran.append(c.split()[1])
    for f in ('runs/shop/served_model.pt', 'runs/shop-tuned/model.pt', 'runs/shop-study/best_params.yaml', 'runs/shop-recs.csv',
              'runs/shop-recs-later.csv', 'runs/shop-2/model.pt'):
        assert (repo/f).exists(), f
    assert {'synth', 'stats', 'tune', 'train', 'evaluate', 'recommend', 'update'} <= set(ran)


def test_readme_python_example_as_printed(repo):
    code = readme_block('## Python API', 'python')
    r = subprocess.run([sys.executable, '-c', code], cwd=repo, capture_output=True, text=True, env=ENV, timeout=600)
    assert r.returncode == 0, r.stderr[-3000:]
    assert 'recall@20' in r.stdout and (repo/'runs'/'api-shop'/'model.pt').exists()
