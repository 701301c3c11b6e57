# gnnrec: one command to set up and run the main job, one to set up and run the tests.
#   make run    virtualenv + pinned install + Jupyter kernel, then the main job on the built-in synthetic data
#   make test   virtualenv + pinned install, then the notebooks' tests (nbdev_test) and pytest
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
RUN    ?= runs/synthetic
DATA   ?= data/synth

.PHONY: setup run test test-slow docs-preview bench-gowalla bench-ml100k bench-recbole bench-defaults bench-serving bench-scale clean

setup: $(VENV)/.installed

# Reinstall when the declared requirements change; pip's cache keeps a re-install quick.
$(VENV)/.installed: settings.ini setup.py tools/jupyter_server_config.py
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip wheel setuptools
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	$(BIN)/python -m ipykernel install --sys-prefix --name gnnrec --display-name "Python (gnnrec)" >/dev/null
	mkdir -p $(VENV)/etc/jupyter && cp tools/jupyter_server_config.py $(VENV)/etc/jupyter/jupyter_server_config.py
	$(BIN)/python -c "import dgl, torch, gnnrec; print('gnnrec', gnnrec.__version__, '| dgl', dgl.__version__, '| torch', torch.__version__)"
	touch $@

LINKS  := --item-links category --user-links declared_category=category
FILES  := --interactions $(DATA)/interactions.csv --user-features $(DATA)/users.csv --item-features $(DATA)/items.csv

# The main job on the built-in synthetic shop: data -> graph statistics -> training -> evaluation -> recommendations.
# gnnrec chooses its threads itself (every core, passive OpenMP waits; GNNREC_THREADS=N to change): nothing to export.
run: setup
	$(BIN)/gnnrec synth --out $(DATA) --overwrite
	$(BIN)/gnnrec stats $(FILES) $(LINKS)
	$(BIN)/gnnrec train $(FILES) $(LINKS) --out $(RUN) --overwrite --no-progress
	$(BIN)/gnnrec evaluate --run $(RUN)
	$(BIN)/gnnrec recommend --run $(RUN) --users all --k 10 --out $(RUN)/recommendations.csv --overwrite

# The "gnnrec" Jupyter kernel lives in the venv (--sys-prefix; Jupyter prefers it to a per-user one of the same name, so
# another clone's kernel cannot shadow it); registered again here for venvs made before it moved there.
test: setup
	$(BIN)/python -m ipykernel install --sys-prefix --name gnnrec --display-name "Python (gnnrec)" >/dev/null
	cd nbs && ../$(BIN)/nbdev_test --n_workers 1 --timing
	$(BIN)/pytest -q tests

# Slow demonstrations (cells flagged `#| slow`) too.
test-slow: setup
	cd nbs && ../$(BIN)/nbdev_test --n_workers 1 --flags slow --timing

# A static HTML preview of the docs (nbdev_docs needs Quarto): executes the notebooks, writes _site/index.html.
docs-preview: setup
	$(BIN)/python tools/docs_preview.py --out _site

# Benchmarks: scripts that print figures (they read ../shared/data; outputs in bench/out/). See each script's docstring.
#   bench-gowalla  gnnrec convert / train / evaluate / components on the LightGCN paper's Gowalla split, 15-minute budget (30–55 min)
#   bench-ml100k   the default GNN (3 seeds) against EASE and iALS (tuned on validation) on MovieLens-100k (~5 min)
#   bench-defaults the candidate recipes compared on validation splits (ML-100k, synthetic shop, Gowalla) (~2 h)
#   bench-serving  refit vs propagation, fresh history folded in, warm-start updates, on a temporal split (~5 min)
#   bench-scale    every phase timed with its peak memory, shops of 10k, 100k and 1M users (~40 min)
#   bench-recbole  our LightGCN against RecBole's on MovieLens-100k, RecBole in its own venv .venv-recbole (~8 min
#                  the first time); ARGS="--recipe softmax" trains ours with its own loss instead of RecBole's BPR
bench-gowalla: setup
	$(BIN)/python bench/gowalla.py

bench-ml100k: setup
	$(BIN)/python bench/ml100k.py

bench-defaults: setup
	$(BIN)/python bench/defaults.py

bench-scale: setup
	$(BIN)/python bench/scale.py

bench-serving: setup
	$(BIN)/python bench/serving.py

bench-recbole:
	bash bench/setup_recbole.sh $(ARGS)

clean:
	rm -rf $(VENV) .venv-recbole _docs _proc _site
