"""ModelInspector through the recording comm: every number it sends equals the inspect core's, on real models."""

from __future__ import annotations

import numpy as np
import pytest

import nbkeras
from nbkeras import datasets
from nbkeras.inspect import (
    class_metrics,
    confusion_matrix,
    feature_maps,
    grad_cam,
    regression_errors,
    top_losses,
)
from nbkeras.inspect.inspector import GALLERY_LIMIT, ModelInspector
from nbkeras.testing import CommRecorder

keras = pytest.importorskip("keras")


def _request(widget, seq, action, **args):
    CommRecorder.send_from_frontend(widget, {"type": "request", "seq": seq, "action": action, "args": args})


def _z(trace):
    """A heatmap's z as it reaches the view (float32 bytes + shape), back as an array."""
    wire = trace["z"]
    return np.frombuffer(wire["f32"], "<f4").reshape(wire["shape"])


def _floats(value):
    return np.frombuffer(value, "<f4")


@pytest.fixture(scope="module")
def digits_cnn():
    keras.utils.set_random_seed(0)
    (x_train, y_train), (x_test, y_test) = datasets.digits()
    model = keras.Sequential(
        [
            keras.Input((8, 8, 1)),
            keras.layers.Conv2D(8, 3, activation="relu", name="conv"),
            keras.layers.MaxPooling2D(2, name="pool"),
            keras.layers.Flatten(name="flat"),
            keras.layers.Dense(10, activation="softmax", name="out"),
        ]
    )
    model.compile("adam", "sparse_categorical_crossentropy")
    model.fit(x_train, y_train, epochs=4, batch_size=64, verbose=0)  # some mistakes left to look at
    return model, x_test, y_test


@pytest.fixture
def inspector(digits_cnn, wire):
    model, x, y = digits_cnn
    return ModelInspector(model, x, y)


# -- Errors ------------------------------------------------------------------------------------------


def test_opens_with_the_whole_state_and_the_matrix_equals_the_core(digits_cnn, wire):
    model, x, y = digits_cnn
    inspector = ModelInspector(model, x, y)
    messages = wire.messages_for(inspector)
    assert [m.msg_type for m in messages] == ["comm_open"]  # everything in one message
    state = messages[0].data["state"]
    expected = confusion_matrix(model, x, y)
    np.testing.assert_array_equal(inspector.confusion_matrix, expected)
    assert len(messages[0].buffers) >= 3  # matrix, thumbnails of both galleries: binary, not JSON
    (heatmap,) = inspector.errors_figure["data"]
    np.testing.assert_array_equal(_z(heatmap), expected)  # what the view draws
    assert heatmap["x"] == heatmap["y"] == [str(c) for c in range(10)]
    assert state["summary"]["mistakes"] == int(expected.sum() - np.trace(expected)) > 0
    assert state["task"] == "classification" and state["example_kind"] == "image"
    assert state["layer_names"] == ["conv", "pool", "flat", "out"] and state["layer"] == "conv"


def test_metrics_table_is_the_cores_per_class_metrics(inspector):
    m = class_metrics(inspector.confusion_matrix)
    rows = inspector.metrics_table["rows"]
    assert [r[0] for r in rows] == [str(c) for c in range(10)]
    np.testing.assert_allclose([r[1] for r in rows], m.precision, atol=5e-5)
    np.testing.assert_allclose([r[2] for r in rows], m.recall, atol=5e-5)
    np.testing.assert_allclose([r[3] for r in rows], m.f1, atol=5e-5)
    assert [r[4] for r in rows] == m.support.tolist()


def test_clicking_a_cell_selects_exactly_its_examples_without_calling_the_model(inspector, digits_cnn, monkeypatch):
    model, x, y = digits_cnn
    predicted = np.argmax(model.predict(x, verbose=0), axis=1)
    calls = []
    monkeypatch.setattr(model, "predict_on_batch", lambda *a, **k: calls.append(a))
    matrix = inspector.confusion_matrix
    off = matrix.copy()
    np.fill_diagonal(off, 0)
    t, p = (int(v) for v in np.unravel_index(np.argmax(off), off.shape))
    assert inspector.cell == [t, p]  # opens on the most frequent mistake
    _request(inspector, 1, "select_cell", true_class=3, predicted_class=3)
    assert inspector.error == "" and inspector.cell == [3, 3] and inspector._ack == 1
    expected = np.flatnonzero((y == 3) & (predicted == 3))
    assert sorted(inspector.selected.tolist()) == expected.tolist()
    assert len(inspector.selected) == matrix[3, 3]
    shown = inspector.cell_gallery["indices"]
    assert shown == inspector.selected[:GALLERY_LIMIT].tolist()
    assert inspector.cell_gallery["total"] == matrix[3, 3]
    losses = inspector.errors.losses[shown]
    assert np.all(np.diff(losses) <= 0)  # highest loss first
    assert calls == []  # only selected among the numbers computed at construction


def test_a_cell_out_of_range_is_refused_with_the_range(inspector):
    _request(inspector, 1, "select_cell", true_class=12, predicted_class=0)
    assert "Invalid value for argument `true_class`" in inspector.error and "12" in inspector.error
    assert inspector._ack == 1


def test_thumbnails_decode_to_the_images_as_compact_uint8(inspector, digits_cnn):
    _, x, _ = digits_cnn
    for gallery in (inspector.top_gallery, inspector.cell_gallery):
        n = len(gallery["indices"])
        assert gallery["shape"] == [n, 8, 8, 1]
        assert len(gallery["pixels"]) == n * 64  # one byte a pixel: 16 digits = 1,024 bytes
        pixels = np.frombuffer(gallery["pixels"], np.uint8).reshape(gallery["shape"])
        lo, hi = float(x.min()), float(x.max())
        expected = np.rint((x[gallery["indices"]] - lo) / (hi - lo) * 255).astype(np.uint8)
        np.testing.assert_array_equal(pixels, expected)
    assert len(inspector.top_gallery["pixels"]) == 16 * 64 == 1024


def test_colour_thumbnails_of_32x32x3_images_cost_3072_bytes_each(digits_cnn, wire):
    # CIFAR-sized colour input, built from real digits (upsampled, three tinted channels).
    _, x, y = digits_cnn
    colour = np.concatenate([np.kron(x, np.ones((1, 4, 4, 1))) * s for s in (1.0, 0.6, 0.3)], axis=-1)
    model = keras.Sequential(
        [
            keras.Input((32, 32, 3)),
            keras.layers.Conv2D(4, 3, activation="relu"),
            keras.layers.GlobalAveragePooling2D(),
            keras.layers.Dense(10, activation="softmax"),
        ]
    )
    model.compile("adam", "sparse_categorical_crossentropy")
    inspector = ModelInspector(model, colour[:64], y[:64])
    top = inspector.top_gallery
    assert top["shape"] == [16, 32, 32, 3] and len(top["pixels"]) == 16 * 3072 == 49152
    pixels = np.frombuffer(top["pixels"], np.uint8).reshape(top["shape"])
    expected = np.rint(colour[:64][top["indices"]] / colour[:64].max() * 255).astype(np.uint8)
    np.testing.assert_array_equal(pixels, expected)


def test_large_images_are_subsampled_to_the_thumbnail_side(digits_cnn, wire, monkeypatch):
    import nbkeras.inspect.inspector as module

    _, x, y = digits_cnn
    model = keras.Sequential(
        [keras.Input((8, 8, 1)), keras.layers.Flatten(), keras.layers.Dense(10, activation="softmax")]
    )
    model.compile("adam", "sparse_categorical_crossentropy")
    monkeypatch.setattr(module, "THUMBNAIL_SIDE", 3)  # 8 pixels a side -> every third pixel: 3×3
    inspector = ModelInspector(model, x[:40], y[:40])
    top = inspector.top_gallery
    assert top["shape"] == [16, 3, 3, 1] and len(top["pixels"]) == 16 * 9
    pixels = np.frombuffer(top["pixels"], np.uint8).reshape(top["shape"])
    lo, hi = float(x[:40].min()), float(x[:40].max())
    expected = np.rint((x[:40][top["indices"]][:, ::3, ::3] - lo) / (hi - lo) * 255).astype(np.uint8)
    np.testing.assert_array_equal(pixels, expected)


def test_top_losses_equal_the_cores(inspector, digits_cnn):
    model, x, y = digits_cnn
    core = top_losses(model, x, y, k=16)
    assert inspector.top_gallery["indices"] == core.indices.tolist()
    mine = inspector.top_losses(5)
    np.testing.assert_array_equal(mine.indices, core.indices[:5])
    np.testing.assert_allclose(mine.losses, core.losses[:5], rtol=1e-6)
    first = int(core.indices[0])
    caption = inspector.top_gallery["captions"][0]
    assert caption.startswith(f"#{first} · {y[first]} → ") and f"loss {core.losses[0]:.3g}" in caption


# -- Layers ------------------------------------------------------------------------------------------


def test_layer_and_example_picks_draw_the_cores_feature_maps(inspector, digits_cnn):
    model, x, _ = digits_cnn
    np.testing.assert_allclose(inspector.layer_output, feature_maps(model, "conv", x[0]), rtol=1e-6)
    _request(inspector, 1, "set", name="layer", value="pool")
    _request(inspector, 2, "set", name="example", value=7)
    assert inspector.error == "" and (inspector.layer, inspector.example) == ("pool", 7)
    maps = feature_maps(model, "pool", x[7])
    assert maps.shape == (3, 3, 8)
    np.testing.assert_allclose(inspector.layer_output, maps, rtol=1e-6)
    traces = inspector.layer_figure["data"]
    assert len(traces) == 8
    for c, trace in enumerate(traces):
        np.testing.assert_allclose(_z(trace), maps[:, :, c], rtol=1e-6)
    inspector.layer = 2  # an index into model.layers, as the core takes it: stored as the name
    assert inspector.layer == "flat"
    (bars,) = inspector.layer_figure["data"]
    np.testing.assert_allclose(_floats(bars["y"]), feature_maps(model, "flat", x[7]), rtol=1e-6)


def test_grad_cam_is_overlaid_on_the_image(inspector, digits_cnn):
    model, x, _ = digits_cnn
    _request(inspector, 1, "set", name="example", value=4)
    image, cam, over = inspector.cam_figure["data"]
    expected = grad_cam(model, x[4], layer="conv")  # the shown layer is spatial: its Grad-CAM
    np.testing.assert_allclose(inspector.cam, expected, atol=1e-6)
    np.testing.assert_allclose(_z(cam), expected, atol=1e-6)
    np.testing.assert_allclose(_z(image), x[4, :, :, 0], atol=1e-6)
    np.testing.assert_allclose(_z(over), 0.6 * expected + 0.4 * x[4, :, :, 0], atol=1e-6)
    _request(inspector, 2, "set", name="layer", value="out")  # not spatial: the last spatial layer's
    np.testing.assert_allclose(_z(inspector.cam_figure["data"][1]), grad_cam(model, x[4], layer="pool"), atol=1e-6)


def test_filters_and_activation_distributions_are_computed_once(inspector, digits_cnn):
    model, _, _ = digits_cnn
    kernel = model.get_layer("conv").kernel.numpy()  # (3, 3, 1, 8)
    traces = inspector.filters_figure["data"]
    assert len(traces) == 8
    np.testing.assert_allclose(_z(traces[5]), kernel[:, :, 0, 5], rtol=1e-6)
    histograms = inspector.histogram_figure["data"]
    assert len(histograms) == 4 and all(len(_floats(t["y"])) == 40 for t in histograms)
    assert _floats(histograms[0]["y"]).sum() == 256 * 6 * 6 * 8  # conv's every value on 256 examples


def test_bad_picks_are_refused_and_the_last_good_state_stays(inspector):
    _request(inspector, 1, "set", name="layer", value="cnov")
    assert "Invalid value for argument `layer`" in inspector.error
    assert "'conv', 'pool', 'flat', 'out'" in inspector.error and "Did you mean 'conv'?" in inspector.error
    assert inspector.layer == "conv"
    _request(inspector, 2, "set", name="example", value=359)
    assert "example=359" in inspector.error and "between 0 and 358" in inspector.error
    assert inspector.example == 0


# -- bad input at construction ----------------------------------------------------------------------------


def test_bad_input_is_refused_at_construction(digits_cnn, wire):
    model, x, y = digits_cnn
    with pytest.raises(ValueError, match=r"y with 10 examples and x with 359"):
        ModelInspector(model, x, y[:10])
    with pytest.raises(ValueError, match=r"Received: layer='dense'.*'conv', 'pool', 'flat', 'out'"):
        ModelInspector(model, x, y, layer="dense")
    with pytest.raises(ValueError, match=r"one name per class: a list of 10 names"):
        ModelInspector(model, x, y, labels=["zero", "one"])
    raw = keras.Sequential(
        [keras.Input((8, 8, 1)), keras.layers.Flatten(), keras.layers.Dense(10, activation="softmax")]
    )
    with pytest.raises(ValueError, match=r"no compiled loss.*model.compile\(loss=...\)"):
        ModelInspector(raw, x, y)
    with pytest.raises(ValueError, match=r"Received: task='regresion'"):
        ModelInspector(model, x, y, task="regresion")
    with pytest.raises(TypeError, match="a Keras model"):
        ModelInspector("model", x, y)


# -- other kinds of models and examples ----------------------------------------------------------------


def test_a_regression_model_gets_predicted_against_true_and_residuals(wire):
    keras.utils.set_random_seed(0)
    (x_train, y_train), (x_test, y_test) = datasets.sine_waves(n_samples=400)
    model = keras.Sequential([keras.Input((32, 1)), keras.layers.Flatten(), keras.layers.Dense(1, name="next")])
    model.compile("adam", "mse")
    model.fit(x_train, y_train, epochs=3, verbose=0)
    inspector = ModelInspector(model, x_test, y_test)
    assert inspector.task == "regression" and inspector.example_kind == "values"
    core = regression_errors(model, x_test, y_test)
    points, line, residuals = inspector.errors_figure["data"]
    np.testing.assert_allclose(_floats(points["x"]), core.y_true[:, 0], rtol=1e-6)
    np.testing.assert_allclose(_floats(points["y"]), core.y_pred[:, 0], rtol=1e-6)
    np.testing.assert_allclose(_floats(residuals["y"]), core.residuals[:, 0], rtol=1e-5, atol=1e-6)
    assert inspector.summary["mse"] == [round(float(core.mse[0]), 6)]
    assert inspector.top_gallery["indices"] == core.top_losses(16).indices.tolist()
    first = inspector.top_gallery["indices"][0]
    assert inspector.top_gallery["texts"][0].startswith(f"{x_test[first, 0, 0]:.3g}, ")
    assert inspector.cam_figure == {} and inspector.cell == [] and inspector.metrics_table == {}
    with pytest.raises(ValueError, match="no confusion matrix"):
        _ = inspector.confusion_matrix
    _request(inspector, 1, "select_cell", true_class=0, predicted_class=0)
    assert "needs a classifier" in inspector.error


def test_token_sequences_are_decoded_with_the_vocabulary(wire):
    keras.utils.set_random_seed(0)
    (x_train, y_train), (x_test, y_test) = datasets.sentiment(n_samples=600)
    vocabulary = datasets.sentiment_vocabulary()
    model = keras.Sequential(
        [
            keras.Input((x_train.shape[1],), dtype="int32"),
            keras.layers.Embedding(len(vocabulary), 8),
            keras.layers.GlobalAveragePooling1D(),
            keras.layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile("adam", "binary_crossentropy")
    model.fit(x_train, y_train, epochs=2, verbose=0)
    inspector = ModelInspector(model, x_test, y_test, labels=["negative", "positive"], vocabulary=vocabulary)
    assert inspector.example_kind == "text" and inspector.confusion_matrix.shape == (2, 2)
    for gallery in (inspector.top_gallery, inspector.cell_gallery):
        for index, text in zip(gallery["indices"], gallery["texts"]):
            assert text == datasets.decode_sentiment(x_test[index : index + 1])[0]
    assert inspector.top_gallery["captions"][0].split(" · ")[1] in ("negative → positive", "positive → negative")


def test_two_dimensional_inputs_are_drawn_as_points_of_the_data_set(wire):
    keras.utils.set_random_seed(0)
    (x_train, y_train), (x_test, y_test) = datasets.spirals(n_samples=400)
    model = keras.Sequential(
        [keras.Input((2,)), keras.layers.Dense(16, activation="tanh"), keras.layers.Dense(2, activation="softmax")]
    )
    model.compile("adam", "sparse_categorical_crossentropy")
    model.fit(x_train, y_train, epochs=3, verbose=0)
    inspector = ModelInspector(model, x_test, y_test)
    assert inspector.example_kind == "points"
    background, chosen = inspector.top_gallery["figure"]["data"]
    assert len(_floats(background["x"])) == len(x_test)
    shown = inspector.top_gallery["indices"]
    np.testing.assert_allclose(_floats(chosen["x"]), x_test[shown, 0], rtol=1e-6)
    np.testing.assert_allclose(_floats(chosen["y"]), x_test[shown, 1], rtol=1e-6)


# -- picture, repr, import ---------------------------------------------------------------------------------


def test_the_picture_shows_the_matrix_galleries_and_layers_and_follows_a_click(inspector, outputs):
    titles = [title for title, _ in inspector.static_figures()]
    assert titles == [
        "Errors",
        "Top losses",
        inspector.cell_gallery["title"],
        "Layer output",
        "Grad-CAM",
        "First convolution",
    ]
    inspector.display_once()
    picture = outputs[-1]
    assert "image/svg+xml" in str(picture.data) or "text/html" in picture.data
    _request(inspector, 1, "select_cell", true_class=2, predicted_class=2)
    assert inspector.flush_picture()
    assert picture.updates and picture.updates[-1] != picture.data


def test_repr_is_deterministic(inspector):
    assert repr(inspector) == "ModelInspector(task='classification', examples=359, classes=10, layer='conv', example=0)"


def test_reaches_the_top_level_lazily():
    assert nbkeras.ModelInspector is ModelInspector and "ModelInspector" in dir(nbkeras)
