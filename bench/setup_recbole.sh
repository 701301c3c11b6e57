#!/usr/bin/env bash
# gnnrec's LightGCN against RecBole's on MovieLens-100k, in a separate virtualenv (RecBole is no dependency of gnnrec).
#
#   bash bench/setup_recbole.sh [bench/vs_recbole.py options, e.g. --epochs 60 --threads 1]
#
# Creates .venv-recbole at the repository root (or reuses it when it is complete and no requirement file changed):
# gnnrec with its pinned requirements (`pip install -e .`), then bench/requirements-recbole.txt (recbole itself
# without its optional dependencies, see that file). Then runs bench/vs_recbole.py in it with the arguments given.
# Environment: PYTHON (the interpreter that creates the venv, default python3), RECBOLE_VENV (default .venv-recbole),
# OMP_NUM_THREADS (default 1: see --threads in bench/vs_recbole.py).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

PYTHON=${PYTHON:-python3}
VENV=${RECBOLE_VENV:-.venv-recbole}
REQ=bench/requirements-recbole.txt
STAMP=$VENV/.installed
PIP=("$VENV/bin/python" -m pip --quiet)

stale() {
    [ ! -f "$STAMP" ] && return 0
    for f in settings.ini setup.py "$REQ"; do [ "$f" -nt "$STAMP" ] && return 0; done
    return 1
}

if stale; then
    echo "setting up $VENV (one-off; reused afterwards) ..." >&2
    [ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
    echo '*' > "$VENV/.gitignore"   # keeps the venv out of git without touching the repository's .gitignore
    "${PIP[@]}" install --upgrade pip wheel setuptools
    # gnnrec with its pinned requirements and RecBole's import-time dependencies, resolved together; then RecBole
    # itself without its declared dependencies (see $REQ; pip may then warn that ray, thop, ... are missing)
    grep -vE '^[[:space:]]*recbole[=<>~ ]' "$REQ" > "$VENV/recbole-deps.txt"
    "${PIP[@]}" install -e . -r "$VENV/recbole-deps.txt"
    "${PIP[@]}" install --no-deps "$(grep -E '^[[:space:]]*recbole[=<>~ ]' "$REQ" | sed 's/#.*//; s/[[:space:]]//g')"
    "$VENV/bin/python" -c "
import warnings; warnings.filterwarnings('ignore')
import torch, dgl, recbole, gnnrec
from recbole.config import Config
from recbole.data import create_dataset, data_preparation
from recbole.model.general_recommender import LightGCN
from recbole.trainer import Trainer
print('recbole', recbole.__version__, '| gnnrec', gnnrec.__version__, '| dgl', dgl.__version__, '| torch', torch.__version__)" >&2
    touch "$STAMP"
fi

export OMP_NUM_THREADS=${OMP_NUM_THREADS:-1}
exec "$VENV/bin/python" bench/vs_recbole.py "$@"
