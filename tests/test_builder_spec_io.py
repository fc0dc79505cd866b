"""load_spec / dump_spec / normalize_spec: JSON in and out, refusing anything unsafe."""

from __future__ import annotations

import json

import pytest

from nbkeras.builder import SpecError, dump_spec, load_spec, normalize_spec, template, template_names
from nbkeras.builder.spec import MAX_SPEC_BYTES

SMALL = '{"input_shape": [4], "layers": [{"class_name": "Dense", "config": {"units": 2}}]}'


def refused(source, **kwargs):
    with pytest.raises(SpecError) as caught:
        load_spec(source, **kwargs)
    return str(caught.value)


@pytest.mark.parametrize("name", template_names())
def test_dump_then_load_is_the_same_spec(name, tmp_path):
    spec = template(name)
    assert load_spec(dump_spec(spec)) == spec
    path = tmp_path / f"{name}.json"
    dump_spec(spec, path)
    assert load_spec(path) == spec and load_spec(str(path)) == spec
    assert path.read_text(encoding="utf-8").endswith("}\n")


def test_load_accepts_text_bytes_and_paths():
    expected = {"input_shape": [4], "layers": [{"class_name": "Dense", "config": {"units": 2}}]}
    assert load_spec(SMALL) == load_spec(SMALL.encode()) == expected


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ('{"input_shape": [4], "layers": [{"class_name": "Dropout", "config": {"rate": NaN}}]}', "NaN"),
        ('{"input_shape": [4], "layers": [{"class_name": "Dropout", "config": {"rate": Infinity}}]}', "Infinity"),
        ('{"input_shape": [4], "layers": [{"class_name": "Dropout", "config": {"rate": -Infinity}}]}', "Infinity"),
        ('{"input_shape": [4], "layers": [{"class_name": "Dropout", "config": {"rate": 1e999}}]}', "Infinity"),
        ('{"input_shape": [4], "input_shape": [8], "layers": []}', "duplicate key 'input_shape'"),
        (
            '{"input_shape": [4], "layers": [{"class_name": "Dense", "config": {"units": 2, "units": 3}}]}',
            "duplicate key 'units'",
        ),
        ('{"input_shape": [4], "layers": [{"class_name": "Lambda", "config": {"function": "f"}}]}', "Lambda"),
        ('{"input_shape": [4], "layers": [{"class_name": "Dense", "config": {"units": 2, "kwargs": {}}}]}', "kwargs"),
        ('{"input_shape": [4], "layers": [{"class_name": "Dense", "module": "os", "config": {"units": 2}}]}', "module"),
        ('{"input_shape": [4], "layers": [], "run": "rm -rf"}', "Unknown key `run`"),
        ('{"input_shape": [4], "layers": [', "not valid JSON"),
        ('{"input_shape": [' + "1" * 5000 + "]}", "refused"),
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
    ],
)
def test_load_refuses(text, words):
    assert words in refused(text)


def test_a_keras_config_is_not_deserialized():
    # A Keras-serialized layer (what safe_mode has failed to guard) is just unknown keys.
    keras_style = {
        "input_shape": [4],
        "layers": [
            {
                "module": "keras.layers",
                "class_name": "Lambda",
                "config": {"function": {"class_name": "__lambda__", "config": {"code": "ZGVm"}}},
                "registered_name": None,
            }
        ],
    }
    message = refused(json.dumps(keras_style))
    assert "Unknown key `module`" in message and "Unknown layer class 'Lambda'" in message


def test_oversize_input_is_refused_before_parsing(tmp_path):
    big = '{"input_shape": [4], "layers": [], "pad": "' + "x" * MAX_SPEC_BYTES + '"}'
    assert "too large" in refused(big)
    assert "too large" in refused(big.encode())
    path = tmp_path / "big.json"
    path.write_text(big)
    assert "too large" in refused(path)
    assert "too large" in refused(SMALL, max_bytes=10)


def test_unreadable_sources():
    assert "Cannot read the spec file" in refused("/nonexistent/spec.json")
    assert "Cannot read a spec" in refused(12)
    assert "not UTF-8" in refused(b"\xff\xfe{")


def test_dump_refuses_invalid_specs_and_nan():
    with pytest.raises(SpecError, match="rate"):
        dump_spec({"input_shape": [4], "layers": [{"class_name": "Dropout", "config": {"rate": float("nan")}}]})
    with pytest.raises(SpecError, match="Lambda"):
        dump_spec({"input_shape": [4], "layers": [{"class_name": "Lambda", "config": {}}]})


def test_normalize_drops_defaults_and_collapses_windows():
    spec = {
        "input_shape": (8, 8, 1),
        "input_dtype": "float32",
        "layers": [
            {
                "class_name": "Conv2D",
                "config": {"filters": 4, "kernel_size": (3, 3), "strides": [1, 1], "padding": "valid"},
            },
            {"class_name": "Conv2D", "config": {"filters": 4, "kernel_size": [3, 1], "name": "tall"}},
            {"class_name": "Flatten"},
            {"class_name": "Dense", "config": {"units": 2, "activation": "linear", "use_bias": True}},
        ],
        "compile": {"optimizer": "sgd", "loss": "mse"},
    }
    assert normalize_spec(spec) == {
        "input_shape": [8, 8, 1],
        "layers": [
            {"class_name": "Conv2D", "config": {"filters": 4, "kernel_size": 3}},
            {"class_name": "Conv2D", "config": {"filters": 4, "kernel_size": [3, 1], "name": "tall"}},
            {"class_name": "Flatten", "config": {}},
            {"class_name": "Dense", "config": {"units": 2}},
        ],
        "compile": {"optimizer": "sgd", "learning_rate": 0.01, "loss": "mse", "metrics": []},
    }
    assert spec["input_shape"] == (8, 8, 1)  # the input is not modified


def test_normalize_accepts_numpy_numbers():
    np = pytest.importorskip("numpy")
    spec = {"input_shape": [np.int64(4)], "layers": [{"class_name": "Dropout", "config": {"rate": np.float32(0.5)}}]}
    assert normalize_spec(spec) == {"input_shape": [4], "layers": [{"class_name": "Dropout", "config": {"rate": 0.5}}]}
    json.dumps(normalize_spec(spec))
