# Two commands from a fresh clone: `make test` and `make demo`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: test lint typecheck pytest fuzz demo bench clean

# setuptools explains at length that an editable install is editable: the filter hides only that.
$(STAMP): pyproject.toml
	@echo "make: creating the virtual environment $(VENV) with $(PYTHON) ..."
	$(PYTHON) -m venv $(VENV)
	@echo "make: upgrading pip in $(VENV) ..."
	$(BIN)/python -m pip install --quiet --upgrade pip
	@echo "make: installing chainrule (editable) and its test tools into $(VENV); quiet, ~30 s ..."
	PYTHONWARNINGS='ignore:Editable installation' $(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)
	@echo "make: $(VENV) is ready; PyTorch, the tests' oracle, is separate: see the README"

test: lint typecheck pytest

lint: $(STAMP)
	$(BIN)/ruff check autograd nn tests examples benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy --strict autograd nn

pytest: $(STAMP)
	$(BIN)/pytest -q

# The fuzz tests run in `make test` with a few hundred examples; here with 50 times as many (a
# couple of minutes). CHAINRULE_FUZZ=N on the command line for N times as many.
CHAINRULE_FUZZ ?= 50
fuzz: $(STAMP)
	CHAINRULE_FUZZ=$(CHAINRULE_FUZZ) $(BIN)/pytest -q tests/nn/test_fuzz.py

demo: $(STAMP)
	@$(BIN)/python -c 'import sklearn' 2>/dev/null || $(BIN)/python -m pip install --quiet -e '.[data]'
	$(BIN)/python examples/demo.py

# `make bench ARGS=--quick` for a shorter run; ARGS="--out docs/bench" writes the published figures.
bench: $(STAMP)
	@echo "make: installing what the benchmarks compare against (micrograd, torch, jax) ..."
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	$(BIN)/python benchmarks/run_all.py $(ARGS)
	@echo "make: figures in out/bench (ignored by git); to publish them in the README, from a" \
	      "clean tree: $(BIN)/python benchmarks/run_all.py --out docs/bench, then commit docs/bench"

clean:
	rm -rf $(VENV) out build *.egg-info .mypy_cache .ruff_cache .pytest_cache .hypothesis
