"""Every Python example in README.md runs as written and shows what its prose promises.

The examples are taken from README.md itself (each ```python block, named by the heading above it), run
as a script would run them, one fresh namespace per block, and checked against the figures and results
the README states beside them: a README example that stops learning, or stops doing what it says, fails
here. A new example needs a check below (``test_every_readme_example_has_a_check``).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest

README = Path(__file__).resolve().parents[1] / "README.md"


def readme_examples() -> dict[str, list[str]]:
    """{heading: [python block, ...]} in README order."""
    examples: dict[str, list[str]] = {}
    heading = ""
    for match in re.finditer(
        r"^## (?P<heading>[^\n]+)$|^```python\n(?P<code>.*?)^```$", README.read_text("utf-8"), re.MULTILINE | re.DOTALL
    ):
        if match["heading"]:
            heading = match["heading"].strip()
        else:
            examples.setdefault(heading, []).append(match["code"])
    return examples


def run_example(code: str, namespace: dict[str, Any] | None = None) -> tuple[dict[str, Any], Any]:
    """Run a README block as a script (its last line, if an expression, is returned, as a notebook shows it)."""
    namespace = {"__name__": "__readme__"} if namespace is None else namespace
    tree = ast.parse(code)
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    exec(compile(tree, "README.md", "exec"), namespace)
    value = eval(compile(ast.Expression(last.value), "README.md", "eval"), namespace) if last else None
    return namespace, value


EXAMPLES = readme_examples()


def test_every_readme_example_has_a_check():
    assert EXAMPLES, "no ```python block found in README.md"
    assert set(EXAMPLES) == set(CHECKS), f"README python blocks under {sorted(EXAMPLES)}; checked: {sorted(CHECKS)}"
    assert {heading: len(blocks) for heading, blocks in EXAMPLES.items()} == {h: n for h, (n, _) in CHECKS.items()}


def check_explore_activations(blocks: list[str]) -> None:
    ns, _ = run_example(blocks[0])
    assert {"sigmoid", "tanh", "relu", "leaky_relu"} <= set(ns["nbkeras"].activation_names())
    assert ns["dy"][0] == pytest.approx(0.1)  # "dy[0] ≈ 0.1: the slope on the left"
    assert ns["dy"][-1] == pytest.approx(1.0)
    explorer = ns["explorer"]
    assert list(explorer.activations) == ["sigmoid", "tanh", "relu", "leaky_relu"]
    assert explorer.x_range == (-4.0, 4.0)
    assert explorer.params["leaky_relu"]["negative_slope"] == 0.05  # "every chosen activation with that parameter"
    assert explorer.depth_layers == 20
    assert "through 20 Dense layers" in str(explorer.depth_figure)


def check_train_and_watch(blocks: list[str]) -> None:
    ns, val_accuracy = run_example(blocks[0])
    run, model = ns["run"], ns["model"]
    assert run.state == "finished"
    assert len(run.history["loss"]) == 40
    assert val_accuracy >= 0.95, f"the README promises a validation accuracy of 0.95 or more; got {val_accuracy:.3f}"
    assert set(run.history) == {"loss", "accuracy", "val_loss", "val_accuracy"}  # Keras's History keys
    assert model.evaluate(ns["x_val"], ns["y_val"], verbose=0)[1] == pytest.approx(val_accuracy, abs=1e-6)

    ns, state = run_example(blocks[1], ns)
    assert state == "stopped"
    assert 1 <= len(ns["run"].history["loss"]) < 100  # "well before epoch 100", its history kept
    assert float(model.optimizer.learning_rate) == np.float32(1e-3)
    # the weights are kept: the model still separates the spirals
    assert model.evaluate(ns["x_val"], ns["y_val"], verbose=0)[1] >= 0.9


def check_build_a_model(blocks: list[str], tmp_path: Path) -> None:
    ns, _ = run_example(blocks[0])
    builder, model = ns["builder"], ns["model"]
    assert builder.spec["layers"][0]["class_name"] == "Conv2D"
    assert builder.spec["layers"][0]["config"]["filters"] == 32
    report = builder.check()
    assert report.ok and report.layers[0].output_shape[-1] == 32
    assert model.count_params() == report.total_params
    assert model.optimizer is not None  # "a fresh, compiled keras.Sequential"
    rebuilt: dict[str, Any] = {}
    exec(builder.to_code(), rebuilt)  # "Keras 3 code that rebuilds it"
    assert rebuilt["model"].count_params() == report.total_params
    assert (tmp_path / "cnn.json").is_file()
    assert ns["nbkeras"].ModelBuilder.load(tmp_path / "cnn.json").spec == builder.spec

    ns, same = run_example(blocks[1])
    assert same is True  # spec_from_model(model) == normalize_spec(spec)
    assert ns["report"].ok and ns["report"].layers[0].output_shape[-1] == 32
    assert ns["model"].count_params() == ns["report"].total_params


def check_data_sets(blocks: list[str]) -> None:
    ns, _ = run_example(blocks[0])
    datasets = ns["datasets"]
    (x_train, y_train), (x_test, _) = datasets.spirals(n_samples=1000, noise=0.1)
    assert len(x_train) + len(x_test) == 1000 and x_train.shape[1:] == (2,)
    x_train, y_train = ns["x_train"], ns["y_train"]  # the last line: addition(digits=2)
    questions = datasets.decode_addition(x_train)
    answers = datasets.decode_addition(y_train)
    for question, answer in zip(questions[:50], answers[:50]):  # "53+61" -> "114"
        left, right = question.strip().split("+")
        assert int(answer) == int(left) + int(right)
    (x_digits, _), _ = datasets.digits()
    assert x_digits.shape[1:] == (8, 8, 1)  # "(n, 8, 8, 1)"


def check_look_inside(blocks: list[str]) -> None:
    ns, f1 = run_example(blocks[0])
    model, found = ns["model"], ns["found"]
    assert found.stopped == "diverged" and found.suggestion <= found.minimum_rate
    assert 0.005 <= found.suggestion <= 0.1  # "about 0.035"
    accuracy = model.evaluate(ns["x_val"], ns["y_val"], verbose=0)[1]
    assert accuracy >= 0.95, f"the README promises 0.95 or more after the suggested rate; got {accuracy:.3f}"
    matrix = ns["matrix"]
    assert matrix.sum() == len(ns["y_val"]) and np.trace(matrix) / matrix.sum() == pytest.approx(accuracy, abs=1e-6)
    worst = ns["worst"]
    assert len(worst.indices) == 5 and np.all(np.diff(worst.losses) <= 0)  # highest first
    surface = ns["surface"]
    assert surface.probabilities.shape == (100, 100, 2)
    np.testing.assert_allclose(surface.probabilities.sum(axis=-1), 1.0, atol=1e-5)
    assert np.all(f1 > 0.9)


# heading: (number of python blocks under it, check)
CHECKS = {
    "Explore activations": (1, check_explore_activations),
    "Train and watch": (2, check_train_and_watch),
    "Build a model by stacking layers": (2, check_build_a_model),
    "Look inside a model": (1, check_look_inside),
    "Data sets, offline": (1, check_data_sets),
}


@pytest.mark.slow
@pytest.mark.parametrize("heading", list(CHECKS))
def test_readme_example(heading, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # examples that save files write them here
    _, check = CHECKS[heading]
    if heading == "Build a model by stacking layers":
        check(EXAMPLES[heading], tmp_path)
    else:
        check(EXAMPLES[heading])
