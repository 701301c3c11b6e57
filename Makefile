# gnnrec: one command to set up and run the main job, one to set up and run the tests.
#   make run    virtualenv + pinned install + Jupyter kernel, then the main job on the built-in synthetic data
#   make test   virtualenv + pinned install, then the notebooks' tests (nbdev_test) and pytest
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
RUN    ?= runs/synthetic
DATA   ?= data/synth

.PHONY: setup run test test-slow docs-preview bench-gowalla bench-ml100k bench-recbole bench-defaults clean

setup: $(VENV)/.installed

# Reinstall when the declared requirements change; pip's cache keeps a re-install quick.
$(VENV)/.installed: settings.ini setup.py
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip wheel setuptools
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	$(BIN)/python -m ipykernel install --user --name gnnrec --display-name "Python (gnnrec)" >/dev/null
	$(BIN)/python -c "import dgl, torch, gnnrec; print('gnnrec', gnnrec.__version__, '| dgl', dgl.__version__, '| torch', torch.__version__)"
	touch $@

LINKS  := --item-links category --user-links declared_category=category
FILES  := --interactions $(DATA)/interactions.csv --user-features $(DATA)/users.csv --item-features $(DATA)/items.csv

# The main job on the built-in synthetic shop: data -> graph statistics -> training -> evaluation -> recommendations.
run: export OMP_NUM_THREADS = 1
run: setup
	$(BIN)/gnnrec synth --out $(DATA) --overwrite
	$(BIN)/gnnrec stats $(FILES) $(LINKS)
	$(BIN)/gnnrec train $(FILES) $(LINKS) --out $(RUN) --overwrite --no-progress
	$(BIN)/gnnrec evaluate --run $(RUN)
	$(BIN)/gnnrec recommend --run $(RUN) --users all --k 10 --out $(RUN)/recommendations.csv --overwrite

# The "gnnrec" Jupyter kernel is registered per user: another clone's `make setup` may have pointed it at its own venv,
# so the tests (papermill runs notebooks on that kernel) register this venv's first.
test: export OMP_NUM_THREADS = 1
test: setup
	$(BIN)/python -m ipykernel install --user --name gnnrec --display-name "Python (gnnrec)" >/dev/null
	cd nbs && ../$(BIN)/nbdev_test --n_workers 1 --timing
	$(BIN)/pytest -q tests

# Slow demonstrations (cells flagged `#| slow`) too.
test-slow: export OMP_NUM_THREADS = 1
test-slow: setup
	cd nbs && ../$(BIN)/nbdev_test --n_workers 1 --flags slow --timing

# A static HTML preview of the docs (nbdev_docs needs Quarto): executes the notebooks, writes _site/index.html.
docs-preview: export OMP_NUM_THREADS = 1
docs-preview: setup
	$(BIN)/python tools/docs_preview.py --out _site

# Benchmarks: scripts that print figures (they read ../shared/data; outputs in bench/out/). See each script's docstring.
#   bench-gowalla  gnnrec convert / train / evaluate on the LightGCN paper's Gowalla split, 15-minute budget (~20 min)
#   bench-ml100k   the default GNN (3 seeds) against EASE and iALS (tuned on validation) on MovieLens-100k (~5 min)
#   bench-defaults the candidate recipes compared on validation splits (ML-100k, synthetic shop, Gowalla) (~1 h)
#   bench-recbole  our LightGCN against RecBole's on MovieLens-100k, RecBole in its own venv .venv-recbole (~8 min
#                  the first time); ARGS="--recipe softmax" trains ours with its own loss instead of RecBole's BPR
bench-gowalla: export OMP_NUM_THREADS = 2
bench-gowalla: setup
	$(BIN)/python bench/gowalla.py

bench-ml100k: export OMP_NUM_THREADS = 1
bench-ml100k: setup
	$(BIN)/python bench/ml100k.py

bench-defaults: export OMP_NUM_THREADS = 1
bench-defaults: setup
	$(BIN)/python bench/defaults.py

bench-recbole: export OMP_NUM_THREADS = 1
bench-recbole:
	bash bench/setup_recbole.sh $(ARGS)

clean:
	rm -rf $(VENV) .venv-recbole _docs _proc _site
