"""`gnnrec stats` on bad input: one line on stderr naming file, column and rows; exit code 2; nothing written."""
import subprocess, sys, shutil
from pathlib import Path
import pytest

GNNREC = [sys.executable, '-m', 'gnnrec.cli']
HEADER = 'customer_id,item_id,timestamp,click,purchase\n'
GOOD = HEADER + 'u1,i1,2020-01-01,1,0\nu1,i2,2020-01-02,0,1\nu2,i1,2020-01-03,0,1\n'
ITEMS = 'item_id,price\ni1,10\ni2,20\n'


def run_stats(tmp_path, interactions=GOOD, items=None, name='interactions.csv', extra=()):
    f = tmp_path/name
    f.write_bytes(interactions) if isinstance(interactions, bytes) else f.write_text(interactions)
    args = ['stats', '--interactions', str(f), '--out', str(tmp_path/'out'), *extra]
    if items is not None:
        (tmp_path/'items.csv').write_text(items)
        args += ['--item-features', str(tmp_path/'items.csv')]
    r = subprocess.run(GNNREC + args, capture_output=True, text=True, timeout=120)
    return r


def check_error(r, tmp_path, *fragments):
    assert r.returncode == 2, (r.returncode, r.stdout, r.stderr)
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr              # one line, no traceback
    assert 'Traceback' not in r.stderr
    for frag in fragments: assert frag in lines[0], lines[0]
    assert not (tmp_path/'out').exists()        # nothing half-written
    assert not [p for p in tmp_path.iterdir() if p.name.startswith('.out')]


def test_good_input_writes_graph(tmp_path):
    r = run_stats(tmp_path, items=ITEMS)
    assert r.returncode == 0, r.stderr
    assert 'user -buys-> item' in r.stdout
    assert (tmp_path/'out'/'graph.bin').exists()


def test_missing_column(tmp_path):
    r = run_stats(tmp_path, GOOD.replace('purchase', 'bought'))
    check_error(r, tmp_path, 'interactions.csv', "column 'purchase'", 'missing')


def test_misspelt_column_gets_a_suggestion(tmp_path):
    r = run_stats(tmp_path, GOOD.replace('customer_id', 'custmer_id'))
    check_error(r, tmp_path, "column 'customer_id'", "did you mean 'custmer_id'")


def test_empty_file(tmp_path):
    check_error(run_stats(tmp_path, ''), tmp_path, 'interactions.csv', 'empty')


def test_header_only(tmp_path):
    check_error(run_stats(tmp_path, HEADER), tmp_path, 'interactions.csv', 'no rows')


def test_unparsable_timestamp(tmp_path):
    r = run_stats(tmp_path, GOOD + 'u3,i2,not-a-date,1,0\nu3,i1,2020-13-45,1,0\n')
    check_error(r, tmp_path, "column 'timestamp'", 'lines 5, 6')


def test_null_ids(tmp_path):
    r = run_stats(tmp_path, GOOD + ',i2,2020-01-04,1,0\n')
    check_error(r, tmp_path, "column 'customer_id'", 'empty ids', 'line')
    r = run_stats(tmp_path, GOOD + 'u3,,2020-01-04,1,0\n')
    check_error(r, tmp_path, "column 'item_id'", 'empty ids', 'lines 5')


@pytest.mark.parametrize('bad', ['2', '-1', 'yes', ''])
def test_flags_not_0_or_1(tmp_path, bad):
    r = run_stats(tmp_path, GOOD + f'u3,i2,2020-01-04,{bad},0\n')
    check_error(r, tmp_path, "column 'click'", '0 or 1', 'lines 5')


def test_neither_click_nor_purchase(tmp_path):
    r = run_stats(tmp_path, GOOD + 'u3,i2,2020-01-04,0,0\n')
    check_error(r, tmp_path, "'click' and 'purchase' are both 0", 'lines 5')


def test_feature_table_duplicate_ids(tmp_path):
    r = run_stats(tmp_path, items=ITEMS + 'i1,30\n')
    check_error(r, tmp_path, 'items.csv', "column 'item_id'", 'duplicate ids', 'lines 2, 4')


def test_feature_column_that_cannot_be_encoded(tmp_path):
    items = 'item_id,description\n' + ''.join(f'i{i},free text number {i}\n' for i in range(60))
    r = run_stats(tmp_path, items=items)
    check_error(r, tmp_path, 'items.csv', "column 'description'", 'cannot be one-hot encoded')


def test_empty_feature_column(tmp_path):
    r = run_stats(tmp_path, items='item_id,colour\ni1,\ni2,\n')
    check_error(r, tmp_path, 'items.csv', "column 'colour'", 'cannot be encoded')


def test_not_csv_or_parquet(tmp_path):
    r = run_stats(tmp_path, GOOD, name='interactions.xlsx')
    check_error(r, tmp_path, 'interactions.xlsx', 'not a CSV or Parquet file')


def test_corrupt_parquet(tmp_path):
    r = run_stats(tmp_path, b'PAR1 this is not parquet', name='interactions.parquet')
    check_error(r, tmp_path, 'interactions.parquet', 'cannot be read as Parquet')


def test_parquet_input_works_and_reports_rows(tmp_path):
    import pandas as pd
    df = pd.DataFrame({'customer_id': ['u1', 'u2', 'u3'], 'item_id': ['i1', 'i1', 'i2'],
                       'timestamp': ['2020-01-01', '2020-01-02', '2020-01-03'], 'click': [1, 3, 0], 'purchase': [0, 0, 1]})
    df.to_parquet(tmp_path/'x.parquet')
    r = subprocess.run(GNNREC + ['stats', '--interactions', str(tmp_path/'x.parquet'), '--out', str(tmp_path/'out')],
                       capture_output=True, text=True, timeout=120)
    check_error(r, tmp_path, 'x.parquet', "column 'click'", 'rows 1')


def test_missing_file(tmp_path):
    r = subprocess.run(GNNREC + ['stats', '--interactions', str(tmp_path/'nope.csv'), '--out', str(tmp_path/'out')],
                       capture_output=True, text=True, timeout=120)
    check_error(r, tmp_path, 'nope.csv', 'not found')


def test_bad_policy_value(tmp_path):
    r = run_stats(tmp_path, extra=['--duplicates', 'keep_first'])
    check_error(r, tmp_path, 'duplicates must be one of')


# ---- round two: every message names the field; nothing is silently guessed

def run_cli(tmp_path, *args):
    return subprocess.run(GNNREC + [str(a) for a in args], capture_output=True, text=True, timeout=300)


def test_params_file_value_of_the_wrong_type(tmp_path):
    (tmp_path/'interactions.csv').write_text(GOOD)
    for text, frag in (('epochs: many\n', "parameter 'epochs' = 'many': expected an integer"),
                       ('train: {lr: fast}\n', "parameter 'lr' = 'fast': expected a number"),
                       ('model: {norm: perhaps}\n', "parameter 'norm' = 'perhaps': expected true or false"),
                       ('data: {days_of_purchases: soon}\n', "parameter 'days_of_purchases' = 'soon': expected an integer or none")):
        (tmp_path/'p.yaml').write_text(text)
        r = run_cli(tmp_path, 'train', '--interactions', tmp_path/'interactions.csv', '--params', tmp_path/'p.yaml', '--out', tmp_path/'out')
        check_error(r, tmp_path, 'p.yaml', frag)


def test_flag_value_of_the_wrong_type_is_one_line(tmp_path):
    r = run_cli(tmp_path, 'train', '--interactions', tmp_path/'x.csv', '--epochs', 'many', '--out', tmp_path/'out')
    check_error(r, tmp_path, 'gnnrec train: error: argument --epochs', "invalid int value: 'many'")


def test_papermill_and_python_values_are_typed_too():
    from gnnrec.train import Config
    with pytest.raises(ValueError, match="parameter 'epochs' = 'many': expected an integer"): Config.from_dict({'epochs': 'many'})
    assert Config.from_dict({'epochs': '30', 'minutes': 'none', 'calibrate': 'false'}).train.epochs == 30   # text from papermill -p


def test_duplicate_column_names(tmp_path):
    r = run_stats(tmp_path, GOOD.replace('timestamp,click,purchase', 'timestamp,click,click').replace(',0\n', ',1\n'))
    check_error(r, tmp_path, 'interactions.csv', "column name(s) 'click' appear more than once (columns 4, 5)")
    r = run_stats(tmp_path, items='item_id,price,price\ni1,10,11\ni2,20,21\n')
    check_error(r, tmp_path, 'items.csv', "'price' appear more than once")


def test_feature_table_that_matches_nothing(tmp_path):
    r = run_stats(tmp_path, items='item_id,price\nx1,10\nx2,20\n')
    check_error(r, tmp_path, 'items.csv', "none of its 2 ids (column 'item_id') occurs in the interactions", '--item_col')


def test_feature_table_that_barely_matches_is_a_warning(tmp_path):
    r = run_stats(tmp_path, items='item_id,price\ni1,10\n' + ''.join(f'z{i},{i}\n' for i in range(5)))
    assert r.returncode == 0, r.stderr
    warn = [l for l in r.stderr.splitlines() if l.strip()]
    assert len(warn) == 1 and warn[0].startswith('gnnrec stats: warning: ') and 'only 1 of its 6 ids occur in the interactions' in warn[0], r.stderr


def test_no_purchase_at_all_says_what_to_do(tmp_path):
    (tmp_path/'interactions.csv').write_text(HEADER + 'u1,i1,2020-01-01,1,0\nu1,i2,2020-01-02,1,0\nu2,i1,2020-01-03,1,0\n')
    r = run_cli(tmp_path, 'train', '--interactions', tmp_path/'interactions.csv', '--out', tmp_path/'out')
    check_error(r, tmp_path, "column 'purchase' is 0 everywhere", '--purchase_col', '--truth all')


UNUSUAL = {   # name -> (file name, bytes): valid input that must keep working, with what must survive
    'bom': ('interactions.csv', ('\ufeff' + GOOD).encode('utf-8')),
    'crlf': ('interactions.csv', GOOD.replace('\n', '\r\n').encode()),
    'tsv': ('interactions.tsv', GOOD.replace(',', '\t').encode()),
    'extra_and_reordered_columns': ('interactions.csv', ('purchase,note,item_id,click,timestamp,customer_id\n'
                                                         '0,x,i1,1,2020-01-01,u1\n1,y,i2,0,2020-01-02,u1\n1,z,i1,0,2020-01-03,u2\n').encode()),
    'epoch_seconds': ('interactions.csv', (HEADER + 'u1,i1,1577836800,1,0\nu1,i2,1577923200,0,1\nu2,i1,1578009600,0,1\n').encode()),
    'leading_zeros': ('interactions.csv', (HEADER + '007,i1,2020-01-01,1,0\n7,i2,2020-01-02,0,1\n07,i1,2020-01-03,0,1\n').encode()),
    'quoted_ids_with_commas': ('interactions.csv', (HEADER + '"Smith, J",i1,2020-01-01,1,0\n"Smith, J","box, large",2020-01-02,0,1\n'
                                                    'u2,i1,2020-01-03,0,1\n').encode()),
    'non_ascii_ids': ('interactions.csv', (HEADER + 'Zoë,crème brûlée,2020-01-01,1,0\nZoë,寿司,2020-01-02,0,1\nМария,寿司,2020-01-03,0,1\n').encode()),
}
EXPECTED_USERS = {'leading_zeros': ['007', '07', '7'], 'quoted_ids_with_commas': ['Smith, J', 'u2'], 'non_ascii_ids': ['Zoë', 'Мария']}


@pytest.mark.parametrize('case', list(UNUSUAL))
def test_unusual_but_valid_input(tmp_path, case):
    import pandas as pd
    name, data = UNUSUAL[case]
    r = run_stats(tmp_path, data, name=name)
    assert r.returncode == 0, r.stderr
    assert 'user -buys-> item' in r.stdout and r.stderr == '', r.stderr
    users = pd.read_csv(tmp_path/'out'/'ids'/'user.csv', dtype=str, keep_default_na=False).raw_id.tolist()
    assert sorted(users) == sorted(EXPECTED_USERS.get(case, ['u1', 'u2'])), users
    inter = pd.read_parquet(tmp_path/'out'/'interactions.parquet')
    assert len(inter) == 3 and inter.timestamp.dt.year.unique().tolist() == [2020]


def test_filter_rank_larger_than_the_data(tmp_path):
    "A graph filter that cannot fit the data is refused before a run directory is started."
    (tmp_path/'interactions.csv').write_text(GOOD)
    r = subprocess.run(GNNREC + ['train', '--interactions', str(tmp_path/'interactions.csv'), '--family', 'filter',
                                 '--filter_rank', '50', '--out', str(tmp_path/'out'), '--no-progress'],
                       capture_output=True, text=True, timeout=120)
    check_error(r, tmp_path, 'filter_rank=50', '2 users x 2 items', '--filter_rank 2 or less')
