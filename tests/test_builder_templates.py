"""Templates: one valid, canonical spec per kind of model in the course."""

from __future__ import annotations

import pytest

from nbkeras import datasets
from nbkeras.builder import SpecError, check_spec, normalize_spec, template, template_names


def test_template_names():
    assert template_names() == ("mlp", "cnn", "rnn", "text", "seq2seq")


@pytest.mark.parametrize("name", template_names())
def test_templates_are_valid_canonical_specs(name):
    spec = template(name)
    assert normalize_spec(spec) == spec
    report = check_spec(spec)
    assert report.ok and not report.warnings


def test_templates_are_fresh_copies():
    first = template("cnn")
    first["layers"].clear()
    assert template("cnn")["layers"]


def test_template_sizes_come_from_the_data_sets():
    assert template("text")["layers"][0]["config"]["input_dim"] == len(datasets.sentiment_vocabulary())
    (x, y), _ = datasets.addition(n_samples=10)
    spec = template("seq2seq")
    assert spec["input_shape"] == list(x.shape[1:])
    assert spec["layers"][1]["config"]["n"] == y.shape[1]


def test_unknown_template_lists_the_valid_names():
    with pytest.raises(SpecError) as caught:
        template("cnnn")
    issue = caught.value.issues[0]
    assert issue.argument == "name" and issue.received == "name='cnnn'"
    assert issue.expected == "one of: mlp, cnn, rnn, text, seq2seq"
    assert issue.fix.startswith("Did you mean one of 'cnn'")
    assert str(caught.value).startswith("Invalid value for argument `name` of template. Received: name='cnnn'.")
