"""`gnnrec recommend`: every user, lists and files of users, unknown users, new users with features, bought items (in
any split), fresh history and new items folded in, the CSV format, and corrupt run directories (one line on stderr,
exit code 2, nothing written).

Each scenario runs `python -m gnnrec.cli` in a subprocess, as a user would. The many ways of damaging a run directory
and of giving bad input are also checked in-process through `gnnrec.cli.main` (the same code path, minus the start-up
of a new interpreter, which costs seconds per case)."""
import io, os, shutil, subprocess, sys
from pathlib import Path
import pandas as pd
import pytest

GNNREC = [sys.executable, '-m', 'gnnrec.cli']
ENV = dict(os.environ)
COLUMNS = ['customer_id', 'item_id', 'rank', 'score', 'source']


def gnnrec(*args, check=True):
    r = subprocess.run(GNNREC + [str(a) for a in args], capture_output=True, text=True, env=ENV, timeout=300)
    if check: assert r.returncode == 0, r.stderr
    return r


def cli(capsys, *args):
    "`gnnrec.cli.main` in this process: (exit code, stdout, stderr)."
    from gnnrec.cli import main
    rc = main([str(a) for a in args])
    cap = capsys.readouterr()
    return rc, cap.out, cap.err


def train(shop, out, *extra):
    gnnrec('train', '--interactions', shop/'interactions.csv', '--user-features', shop/'users.csv',
           '--item-features', shop/'items.csv', '--item-links', 'category', '--epochs', '1', '--batch-size', '256',
           '--hidden-dim', '16', '--out-dim', '8', '--seed', '1', '--out', out, '--no-progress', *extra)
    return out


@pytest.fixture(scope='module')
def shop(tmp_path_factory):
    d = tmp_path_factory.mktemp('data')/'shop'
    gnnrec('synth', '--out', d, '--users', '200', '--items', '100', '--seed', '2')
    return d


@pytest.fixture(scope='module')
def run(shop):
    return train(shop, shop.parent/'run')


def read(path):
    return pd.read_csv(path, dtype={'customer_id': str, 'item_id': str})


def user_ids(run):
    return pd.read_csv(run/'graph'/'ids'/'user.csv', dtype=str).raw_id.tolist()


def bought_pairs(run, splits=('train', 'valid', 'test')):
    "(customer_id, item_id) pairs bought in the run's data, in the given splits."
    inter = pd.read_parquet(run/'graph'/'interactions.parquet')
    items = pd.read_csv(run/'graph'/'ids'/'item.csv', dtype=str).raw_id.values
    tr = inter[inter.split.isin(splits) & (inter.purchase == 1)]
    users = pd.Series(user_ids(run))
    return set(zip(users.values[tr.user.values], items[tr.item.values]))


def recommend(run, tmp_path, *args, name='recs.csv', check=True):
    out = tmp_path/name
    r = gnnrec('recommend', '--run', run, '--out', out, *args, check=check)
    return r, (read(out) if out.exists() else None)


@pytest.fixture(scope='module')
def all_recs(run, tmp_path_factory):
    "`gnnrec recommend --users all --k 30`: (the process, the CSV read back, the output directory)."
    d = tmp_path_factory.mktemp('all')
    r, recs = recommend(run, d, '--users', 'all', '--k', '30')
    return r, recs, d


def test_all_users_rows_and_columns(run, all_recs):
    r, recs, d = all_recs
    n_users = len(user_ids(run))
    assert list(recs.columns) == COLUMNS
    assert len(recs) == n_users * 30
    assert recs.customer_id.unique().tolist() == user_ids(run)
    assert set(recs.source) == {'gnn'}
    assert recs.groupby('customer_id')['rank'].apply(list).map(lambda r: r == list(range(1, 31))).all()
    assert (recs.groupby('customer_id').score.diff().dropna() <= 1e-6).all()      # best first
    assert f'{n_users * 30} recommendations for {n_users} users' in r.stdout
    assert 'category' in r.stdout and 'price' in r.stdout                          # examples show the items' features
    assert r.stderr == ''
    assert [p.name for p in d.iterdir()] == ['recs.csv']                          # no temporary file left


NO_TORCH = ("import sys; from gnnrec.cli import main; rc = main(sys.argv[1:]); "
            "print('imported:', sorted(m for m in ('torch', 'dgl') if m in sys.modules), file=sys.stderr); sys.exit(rc)")


def test_served_from_saved_arrays_without_torch(run, all_recs, tmp_path):
    "`gnnrec train` saved the run's ranker (serving/); `gnnrec recommend` ranks from it without torch or DGL, the lists of the full path."
    assert (run/'serving'/'arrays.npz').exists()
    r = subprocess.run([sys.executable, '-c', NO_TORCH, 'recommend', '--run', str(run), '--users', 'all', '--k', '30',
                        '--out', str(tmp_path/'recs.csv')], capture_output=True, text=True, env=ENV, timeout=300)
    assert r.returncode == 0 and 'imported: []' in r.stderr, r.stderr
    from gnnrec.inference import Recommender, recommend as recommend_in_process
    full = recommend_in_process(Recommender(run), 'all', k=30)           # embeds the graph with the served model
    fast = read(tmp_path/'recs.csv')
    pd.testing.assert_frame_equal(fast.drop(columns='score'), full.drop(columns='score'))
    assert (fast.score - full.score).abs().max() < 1e-5


def test_saved_arrays_follow_the_run(run, tmp_path):
    "A run without serving/ gets it at its first recommend; a run whose files changed is loaded again, never served stale."
    d = tmp_path/'run'
    shutil.copytree(run, d)
    shutil.rmtree(d/'serving')
    recommend(d, tmp_path, '--users', 'all', '--k', '5')
    assert (d/'serving'/'arrays.npz').exists()
    stamp = (d/'serving'/'ranker.json').read_text()
    os.utime(d/'served_model.pt')                                          # "other weights": the stamp no longer matches
    r = subprocess.run([sys.executable, '-c', NO_TORCH, 'recommend', '--run', str(d), '--users', 'all', '--k', '5',
                        '--out', str(tmp_path/'again.csv')], capture_output=True, text=True, env=ENV, timeout=300)
    assert r.returncode == 0 and "imported: ['dgl', 'torch']" in r.stderr, r.stderr
    assert (d/'serving'/'ranker.json').read_text() != stamp                # saved again, for the new files
    pd.testing.assert_frame_equal(read(tmp_path/'again.csv'), read(tmp_path/'recs.csv'))


def test_never_an_item_bought_in_any_split(run, all_recs, tmp_path):
    ever = bought_pairs(run)
    recent = bought_pairs(run, ('valid', 'test')) - bought_pairs(run, ('train',))
    assert len(recent) > 50                                  # the users' most recent purchases are in validation and test
    recs = all_recs[1]
    assert not set(zip(recs.customer_id, recs.item_id)) & ever                    # never an item bought, in any split
    _, kept = recommend(run, tmp_path, '--users', 'all', '--k', '30', '--keep-bought', name='kept.csv')
    assert len(set(zip(kept.customer_id, kept.item_id)) & recent) > 0             # with --keep-bought they come back
    assert len(kept) == len(recs)


def test_fresh_history_without_retraining(run, all_recs, tmp_path):
    recs, items = all_recs[1], pd.read_csv(run/'graph'/'ids'/'item.csv', dtype=str).raw_id
    u = user_ids(run)[0]
    before = recs[recs.customer_id == u].item_id.tolist()
    picked = [i for i in items if (u, i) not in bought_pairs(run)][:6]
    hist = pd.DataFrame({'customer_id': [u, u, 'fresh', 'fresh', 'fresh', 'fresh'],
                         'item_id': [before[0], before[1], picked[2], picked[3], picked[4], picked[4]],
                         'timestamp': '2021-03-01', 'click': [0, 0, 1, 1, 1, 0], 'purchase': [1, 1, 0, 0, 0, 1]})
    hist.to_csv(tmp_path/'fresh.csv', index=False)
    r, after = recommend(run, tmp_path, '--users', u, 'fresh', '--history', tmp_path/'fresh.csv', '--k', '30', name='after.csv')
    mine = after[after.customer_id == u].item_id.tolist()
    assert before[0] not in mine and before[1] not in mine                        # just bought: excluded
    assert mine[:28] != before[2:]                                                  # and the list moved, not just shifted
    fresh = after[after.customer_id == 'fresh']
    assert set(fresh.source) == {'history'} and picked[4] not in fresh.item_id.tolist()
    _, ghost = recommend(run, tmp_path, '--users', 'ghost', '--k', '30', name='ghost.csv')
    assert fresh.item_id.tolist() != ghost.item_id.tolist()                       # personalised, not the popularity fallback
    assert '6 fresh interactions, 1 new users, 0 new items' in r.stdout


def test_new_items_from_features(run, shop, tmp_path):
    items = pd.read_csv(shop/'items.csv')
    new = items.head(2).assign(item_id=['launched-1', 'launched-2'])
    new.to_csv(tmp_path/'new_items.csv', index=False)
    r, recs = recommend(run, tmp_path, '--users', 'all', '--new-items', tmp_path/'new_items.csv', '--k', '100')
    assert {'launched-1', 'launched-2'} <= set(recs.item_id)                     # recommendable from their features
    assert '0 fresh interactions, 0 new users, 2 new items' in r.stdout and 'not recommendable' not in r.stdout


def test_unknown_users(run, tmp_path):
    known = user_ids(run)[:2]
    strangers = [f'ghost{i}' for i in range(7)]
    r, recs = recommend(run, tmp_path, '--users', known[0], *strangers, known[1], '--k', '4')
    assert r.returncode == 0
    warn = [l for l in r.stderr.splitlines() if 'warning' in l]
    assert len(warn) == 1, r.stderr
    assert '7 unknown user id(s)' in warn[0] and 'ghost0, ghost1, ghost2, ghost3, ghost4 (first 5 of 7)' in warn[0]
    assert recs.customer_id.unique().tolist() == [known[0], *strangers, known[1]]
    src = recs.drop_duplicates('customer_id').set_index('customer_id').source
    assert (src[strangers] == 'popularity_fallback').all() and (src[known] == 'gnn').all()
    fb = recs[recs.customer_id.isin(strangers)]
    assert fb.groupby('customer_id').item_id.apply(tuple).nunique() == 1            # the same popular items for all
    assert len(recs) == 9 * 4


def test_users_file(run, tmp_path):
    ids = user_ids(run)[5:12]
    (tmp_path/'users.txt').write_text('customer_id\n' + '\n'.join(ids) + '\n\n')
    _, recs = recommend(run, tmp_path, '--users-file', tmp_path/'users.txt', '--k', '3')
    assert recs.customer_id.unique().tolist() == ids and len(recs) == len(ids) * 3
    pd.DataFrame({'customer_id': ids[::-1], 'other': 1}).to_csv(tmp_path/'users.csv', index=False)
    _, recs2 = recommend(run, tmp_path, '--users-file', tmp_path/'users.csv', '--k', '3', name='recs2.csv')
    assert recs2.customer_id.unique().tolist() == ids[::-1]


def test_users_file_errors(run, tmp_path, capsys):
    (tmp_path/'empty.txt').write_text('\n')
    pd.DataFrame({'user': ['u1']}).to_csv(tmp_path/'wrong.csv', index=False)
    for f, msg in (('empty.txt', 'no user id'), ('missing.txt', 'file not found'), ('wrong.csv', "column 'customer_id'")):
        rc, out, err = cli(capsys, 'recommend', '--run', run, '--users-file', tmp_path/f, '--out', tmp_path/'r.csv')
        assert rc == 2 and msg in err and len(err.strip().splitlines()) == 1, err
        assert not (tmp_path/'r.csv').exists()
    rc, out, err = cli(capsys, 'recommend', '--run', run)
    assert rc == 2 and '--users' in err


def test_new_users_with_features(run, shop, tmp_path):
    users = pd.read_csv(shop/'users.csv')
    new = users.head(4).assign(customer_id=['n1', 'n2', 'n3', 'n4'])
    new.loc[3, 'gender'] = 'unheard-of'
    new.to_csv(tmp_path/'new.csv', index=False)
    r, recs = recommend(run, tmp_path, '--users', user_ids(run)[0], 'ghost', '--new-users', tmp_path/'new.csv', '--k', '5')
    src = recs.drop_duplicates('customer_id').set_index('customer_id').source.to_dict()
    assert src == {user_ids(run)[0]: 'gnn', 'ghost': 'popularity_fallback', 'n1': 'new_user_features',
                   'n2': 'new_user_features', 'n3': 'new_user_features', 'n4': 'new_user_features'}
    assert "column 'gender' has values not seen in training (unheard-of)" in r.stderr
    unknown = [l for l in r.stderr.splitlines() if 'unknown user' in l]
    assert len(unknown) == 1 and 'ghost' in unknown[0] and 'n1' not in unknown[0], r.stderr
    # new users are embedded from their features: different features, different lists (not popularity)
    lists = recs[recs.source == 'new_user_features'].groupby('customer_id').item_id.apply(tuple)
    assert lists.nunique() > 1
    # the same table as Parquet, alone (no --users): the same recommendations
    new.to_parquet(tmp_path/'new.parquet', index=False)
    _, recs_pq = recommend(run, tmp_path, '--new-users', tmp_path/'new.parquet', '--k', '5', name='pq.csv')
    pd.testing.assert_frame_equal(recs_pq, recs[recs.source == 'new_user_features'].reset_index(drop=True))


def test_new_users_bad_table(run, shop, tmp_path, capsys):
    users = pd.read_csv(shop/'users.csv').head(2).assign(customer_id=['n1', 'n2'])
    users.drop(columns='age').to_csv(tmp_path/'noage.csv', index=False)
    users.assign(age=['old', 'young']).to_csv(tmp_path/'textage.csv', index=False)
    users.assign(customer_id=['n1', 'n1']).to_csv(tmp_path/'dup.csv', index=False)
    users.drop(columns='customer_id').to_csv(tmp_path/'noid.csv', index=False)
    for f, msg in (('noage.csv', 'feature column(s) age of the run are missing'), ('textage.csv', "column 'age' must be numeric"),
                   ('dup.csv', 'duplicate user ids n1'), ('noid.csv', "column 'customer_id' (user ids) is missing"),
                   ('nothere.csv', 'file not found')):
        rc, out, err = cli(capsys, 'recommend', '--run', run, '--new-users', tmp_path/f, '--out', tmp_path/'r.csv')
        assert rc == 2 and msg in err and len(err.strip().splitlines()) == 1, err
        assert not (tmp_path/'r.csv').exists() and not list(tmp_path.glob('.r.csv*'))


def test_new_users_without_feature_path(shop, tmp_path):
    ids_run = train(shop, tmp_path/'ids_run', '--input', 'ids')
    pd.read_csv(shop/'users.csv').head(3).assign(customer_id=['n1', 'n2', 'n3']).to_csv(tmp_path/'new.csv', index=False)
    r, recs = recommend(ids_run, tmp_path, '--new-users', tmp_path/'new.csv', '--k', '4')
    assert "no feature path for users (input='ids')" in r.stderr and 'n1, n2, n3' in r.stderr
    assert set(recs.source) == {'popularity_fallback'} and len(recs) == 12
    pd.read_csv(shop/'items.csv').head(1).assign(item_id='launched').to_csv(tmp_path/'new_items.csv', index=False)
    r, recs = recommend(ids_run, tmp_path, '--users', 'all', '--new-items', tmp_path/'new_items.csv', '--k', '100', name='ni.csv')
    assert '1 new items (1 of them not recommendable)' in r.stdout and 'launched' not in set(recs.item_id)
    assert "1 new item(s) cannot be recommended" in r.stderr


def test_csv_on_stdout(run):
    r = gnnrec('recommend', '--run', run, '--users', user_ids(run)[3], '--k', '3')
    recs = pd.read_csv(io.StringIO(r.stdout), dtype=str)
    assert list(recs.columns) == COLUMNS and len(recs) == 3
    assert 'recommendations for 1 users' in r.stderr                              # the summary goes to stderr


def test_existing_output_needs_overwrite(run, tmp_path, capsys):
    (tmp_path/'recs.csv').write_text('precious\n')
    rc, out, err = cli(capsys, 'recommend', '--run', run, '--users', 'all', '--out', tmp_path/'recs.csv')
    assert rc == 2 and 'already exists' in err
    assert (tmp_path/'recs.csv').read_text() == 'precious\n'
    rc, out, err = cli(capsys, 'recommend', '--run', run, '--users', 'all', '--k', '2', '--out', tmp_path/'recs.csv', '--overwrite')
    assert rc == 0 and len(read(tmp_path/'recs.csv')) == 2 * len(user_ids(run))


def _corrupt(d, how):
    g = d/'graph'
    {'missing_model': lambda: (d/'model.pt').unlink(),
     'garbage_model': lambda: (d/'model.pt').write_bytes(os.urandom(2000)),
     'truncated_model': lambda: (d/'model.pt').write_bytes((d/'model.pt').read_bytes()[:500]),
     'model_of_other_dims': lambda: (d/'params.yaml').write_text((d/'params.yaml').read_text().replace('out_dim: 8', 'out_dim: 12')),
     'garbage_params': lambda: (d/'params.yaml').write_text('{{{ not: yaml ::\n- ]'),
     'params_not_a_mapping': lambda: (d/'params.yaml').write_text('- 1\n- 2\n'),
     'params_unknown_name': lambda: (d/'params.yaml').write_text('model: {hidden_size: 3}\n'),
     'params_bad_value': lambda: (d/'params.yaml').write_text('model: {out_dim: many}\n'),
     'missing_params': lambda: (d/'params.yaml').unlink(),
     'garbage_graph': lambda: (g/'graph.bin').write_bytes(os.urandom(4000)),
     'truncated_graph': lambda: (g/'graph.bin').write_bytes((g/'graph.bin').read_bytes()[:3000]),
     'empty_graph': lambda: (g/'graph.bin').write_bytes(b''),
     'missing_graph_dir': lambda: shutil.rmtree(g),
     'garbage_dataset_json': lambda: (g/'dataset.json').write_text('{"split_date": '),
     'garbage_interactions': lambda: (g/'interactions.parquet').write_bytes(b'PAR1 nope'),
     'ids_do_not_match': lambda: (g/'ids'/'user.csv').write_text('raw_id\na\nb\n'),
    }[how]()


CORRUPTIONS = ['missing_model', 'garbage_model', 'truncated_model', 'model_of_other_dims', 'garbage_params',
               'params_not_a_mapping', 'params_unknown_name', 'params_bad_value', 'missing_params', 'garbage_graph',
               'truncated_graph', 'empty_graph', 'missing_graph_dir', 'garbage_dataset_json', 'garbage_interactions',
               'ids_do_not_match']


def check_one_line_error(rc, err, bad, tmp_path):
    assert rc == 2, (rc, err)
    lines = err.strip().splitlines()
    assert len(lines) == 1 and 'Traceback' not in err, err
    assert lines[0].startswith('gnnrec recommend: error: ') and str(bad) in lines[0], lines[0]
    assert not (tmp_path/'recs.csv').exists() and not list(tmp_path.glob('.recs*'))


@pytest.mark.parametrize('how', CORRUPTIONS)
def test_corrupt_run_directory(run, tmp_path, how, capsys):
    bad = tmp_path/'bad'
    shutil.copytree(run, bad)
    _corrupt(bad, how)
    rc, out, err = cli(capsys, 'recommend', '--run', bad, '--users', 'all', '--out', tmp_path/'recs.csv')
    check_one_line_error(rc, err, bad, tmp_path)


@pytest.mark.parametrize('how', ['garbage_graph', 'model_of_other_dims', 'garbage_params'])
def test_corrupt_run_directory_subprocess(run, tmp_path, how):
    bad = tmp_path/'bad'
    shutil.copytree(run, bad)
    _corrupt(bad, how)
    r, recs = recommend(bad, tmp_path, '--users', 'all', check=False)
    check_one_line_error(r.returncode, r.stderr, bad, tmp_path)


@pytest.mark.parametrize('what', ['nowhere', 'a_file', 'empty_dir'])
def test_not_a_run_directory(tmp_path, what, capsys):
    p = tmp_path/what
    if what == 'a_file': p.write_text('x')
    if what == 'empty_dir': p.mkdir()
    rc, out, err = cli(capsys, 'recommend', '--run', p, '--users', 'all', '--out', tmp_path/'recs.csv')
    check_one_line_error(rc, err, p, tmp_path)


def test_faiss_index(run, all_recs, tmp_path):
    pytest.importorskip('faiss')
    exact = all_recs[1]
    _, fast = recommend(run, tmp_path, '--users', 'all', '--k', '30', '--index', 'faiss', name='faiss.csv')
    assert (exact.item_id == fast.item_id).mean() > 0.99                          # 'Flat' is exact (up to ties)
    assert (exact.score - fast.score).abs().max() < 1e-4
    assert not set(zip(fast.customer_id, fast.item_id)) & bought_pairs(run)


def test_faiss_missing_is_a_clear_error(run, tmp_path):
    code = ("import sys; sys.modules['faiss'] = None\nfrom gnnrec.cli import main\n"
            f"sys.exit(main(['recommend', '--run', {str(run)!r}, '--users', 'all', '--index', 'faiss', '--out', {str(tmp_path/'r.csv')!r}]))")
    r = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, env=ENV, timeout=300)
    assert r.returncode == 2 and 'pip install faiss-cpu' in r.stderr and len(r.stderr.strip().splitlines()) == 1, r.stderr
    assert not (tmp_path/'r.csv').exists()


def test_filter_family_trains_evaluates_and_serves(shop, tmp_path):
    "A run of the training-free filter family goes through train, evaluate and recommend like any run."
    run = tmp_path/'filter-run'
    r = gnnrec('train', '--interactions', shop/'interactions.csv', '--family', 'filter', '--filter_rank', '16',
               '--filter_degree', '0.1', '--out', run, '--no-progress')
    assert 'nothing to refit' in r.stdout and (run/'model.pt').exists()
    gnnrec('evaluate', '--run', run, '--baselines', 'popularity', 'graphfilter')
    table = pd.read_csv(run/'evaluation.csv', index_col='model')
    assert table.loc['gnn', 'recall@20'] > table.loc['popularity', 'recall@20']   # the filter ranks, not a stub
    assert table.loc['gnn', 'recall@20'] != table.loc['graphfilter', 'recall@20'] # the rank-16 part changes the linear filter's lists
    _, recs = recommend(run, tmp_path, '--users', 'all', '--k', '20')
    assert set(recs.source) == {'gnn'} and not set(zip(recs.customer_id, recs.item_id)) & bought_pairs(run)
    items = pd.read_csv(run/'graph'/'ids'/'item.csv', dtype=str).raw_id.tolist()
    hist = pd.DataFrame({'customer_id': 'fresh', 'item_id': items[:3], 'timestamp': '2021-03-01', 'click': 0, 'purchase': 1})
    hist.to_csv(tmp_path/'history.csv', index=False)
    _, fresh = recommend(run, tmp_path, '--users', 'fresh', 'ghost', '--history', tmp_path/'history.csv', '--k', '20', name='fresh.csv')
    mine, ghost = fresh[fresh.customer_id == 'fresh'], fresh[fresh.customer_id == 'ghost']
    assert set(mine.source) == {'history'} and not set(items[:3]) & set(mine.item_id)   # from the history, bought ones excluded
    assert mine.item_id.tolist() != ghost.item_id.tolist()                              # personalised, not the popularity fallback
    r = gnnrec('recommend', '--run', run, '--users', 'all', '--index', 'faiss', check=False)
    assert r.returncode == 2 and r.stderr.count('\n') == 1 and ('embeddings' in r.stderr or 'faiss' in r.stderr)


@pytest.mark.parametrize('flags, saved', [(('--filter_ease', '4'), 'filter_ease: 4.0'),
                                          (('--filter_sharpen', '1', '--filter_sharpen_order', '2'), 'filter_sharpen: 1.0')])
def test_filter_with_an_ease_part_or_sharpened_serves_what_it_evaluates(shop, tmp_path, flags, saved):
    "A filter with an EASE part (B rebuilt from the saved matrix) or sharpened (λ_max saved) trains, evaluates and serves, its lists not the linear filter's."
    run = tmp_path/'filter-run'
    gnnrec('train', '--interactions', shop/'interactions.csv', '--family', 'filter', *flags, '--out', run, '--no-progress')
    assert saved in (run/'params.yaml').read_text()
    gnnrec('evaluate', '--run', run, '--baselines', 'graphfilter')
    table = pd.read_csv(run/'evaluation.csv', index_col='model')
    assert table.loc['gnn', 'recall@20'] != table.loc['graphfilter', 'recall@20']   # the part changes the linear filter's lists
    _, recs = recommend(run, tmp_path, '--users', 'all', '--k', '10')
    _, again = recommend(run, tmp_path, '--users', 'all', '--k', '10', name='again.csv')   # from the saved serving arrays
    assert recs.item_id.tolist() == again.item_id.tolist() and not set(zip(recs.customer_id, recs.item_id)) & bought_pairs(run)
