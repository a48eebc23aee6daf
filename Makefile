# Two commands from a fresh clone: `make test` and `make demo`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: test lint typecheck pytest demo bench clean

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

demo: $(STAMP)
	@$(BIN)/python -c 'import sklearn' 2>/dev/null || $(BIN)/python -m pip install --quiet -e '.[data]'
	$(BIN)/python examples/demo.py

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet 'micrograd==0.1.0' 'torch==2.13.0'
	$(BIN)/python benchmarks/run_all.py
	@echo "make: figures in out/bench (ignored by git); to publish them in the README:" \
	      "$(BIN)/python benchmarks/run_all.py --out docs/bench, then commit docs/bench"

clean:
	rm -rf $(VENV) out build *.egg-info .mypy_cache .ruff_cache .pytest_cache .hypothesis
