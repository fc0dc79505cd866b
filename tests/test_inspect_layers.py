"""Tests for nbkeras.inspect.layers: feature maps vs a Keras sub-model, filters, histograms, Grad-CAM vs a tape."""

from __future__ import annotations

import numpy as np
import pytest

from nbkeras import datasets
from nbkeras.inspect import activation_histograms, conv_filters, feature_maps, grad_cam
from nbkeras.inspect.layers import spatial_layers


@pytest.fixture(scope="module")
def k():
    from nbkeras._keras import keras

    mod = keras()
    mod.utils.set_random_seed(1)
    yield mod
    mod.backend.clear_session()


@pytest.fixture(scope="module")
def digits():
    return datasets.digits()


@pytest.fixture(scope="module")
def cnn(k, digits):
    (x, y), _ = digits
    model = k.Sequential(
        [
            k.Input((8, 8, 1)),
            k.layers.Conv2D(6, 3, padding="same", activation="relu", name="conv1"),
            k.layers.Conv2D(8, 3, activation="relu", name="conv2"),
            k.layers.MaxPooling2D(name="pool"),
            k.layers.Flatten(name="flat"),
            k.layers.Dropout(0.2, name="drop"),
            k.layers.Dense(10, activation="softmax", name="probs"),
        ],
        name="cnn",
    )
    model.compile(k.optimizers.Adam(0.01), "sparse_categorical_crossentropy")
    model.fit(x, y, epochs=3, batch_size=64, verbose=0)
    return model


def test_feature_maps_equal_a_keras_sub_model(k, cnn, digits):
    _, (x, _) = digits
    for name in ("conv1", "conv2", "pool", "flat"):
        sub = k.Model(cnn.inputs, cnn.get_layer(name).output)
        np.testing.assert_allclose(feature_maps(cnn, name, x), sub.predict(x, verbose=0), rtol=1e-6, atol=1e-7)
    reference = k.Model(cnn.inputs, cnn.get_layer("conv2").output).predict(x[:5], verbose=0)
    assert reference.shape == (5, 6, 6, 8)
    # By index (negative from the end), by the layer object, in small batches: the same.
    np.testing.assert_allclose(feature_maps(cnn, 1, x[:5]), reference, rtol=1e-6)
    np.testing.assert_allclose(feature_maps(cnn, -5, x[:5]), reference, rtol=1e-6)
    np.testing.assert_allclose(feature_maps(cnn, cnn.layers[1], x[:5], batch_size=2), reference, rtol=1e-6)
    # One example: its maps, without a batch axis.
    np.testing.assert_allclose(feature_maps(cnn, "conv2", x[3]), reference[3], rtol=1e-6)
    # Inference mode: dropout is off, so the output layer's maps are the model's predictions.
    np.testing.assert_allclose(feature_maps(cnn, "probs", x), cnn.predict(x, verbose=0), rtol=1e-6)


def test_a_functional_model_lists_its_input_but_inspections_skip_it(k):
    inputs = k.Input((8, 8, 1), name="image")
    maps = k.layers.Conv2D(4, 3, activation="relu", name="conv")(inputs)
    pooled = k.layers.GlobalAveragePooling2D(name="gap")(maps)
    model = k.Model(inputs, k.layers.Dense(3, activation="softmax", name="probs")(pooled), name="functional")
    x = np.random.default_rng(0).uniform(size=(6, 8, 8, 1)).astype("float32")
    assert [layer.name for layer in model.layers] == ["image", "conv", "gap", "probs"]
    assert spatial_layers(model) == ["conv"]  # Grad-CAM's default is the convolution, not the image
    assert [h.layer for h in activation_histograms(model, x)] == ["conv", "gap", "probs"]
    np.testing.assert_allclose(
        feature_maps(model, "conv", x), k.Model(inputs, maps).predict(x, verbose=0), rtol=1e-6, atol=1e-7
    )
    np.testing.assert_allclose(grad_cam(model, x), grad_cam(model, x, layer="conv"))


def test_unknown_layers_and_wrong_shapes_are_refused_with_what_exists(cnn, digits):
    _, (x, _) = digits
    with pytest.raises(ValueError) as info:
        feature_maps(cnn, "conv3", x[:2])
    message = str(info.value)
    assert "Received: layer='conv3'" in message
    assert "'conv1', 'conv2', 'pool', 'flat', 'drop', 'probs'" in message
    assert "Did you mean one of 'conv2', 'conv1'?" in message  # closest first
    with pytest.raises(ValueError, match=r"Expected a layer index between -6 and 5"):
        feature_maps(cnn, 6, x[:2])
    with pytest.raises(TypeError, match=r"Invalid type for argument `layer`"):
        feature_maps(cnn, 1.0, x[:2])
    with pytest.raises(ValueError, match=r"Received: x of shape \(2, 64\)\. Expected a batch of shape"):
        feature_maps(cnn, "conv1", x[:2].reshape(2, 64))


def test_a_subclassed_model_is_refused_for_layer_outputs(k):
    class Tiny(k.Model):
        def __init__(self):
            super().__init__(name="tiny")
            self.dense = k.layers.Dense(2, name="d")

        def call(self, inputs):
            return self.dense(inputs)

    model = Tiny()
    model(np.zeros((1, 3), "float32"))
    with pytest.raises(ValueError, match=r"no known input.*Expected a built model"):
        feature_maps(model, "d", np.zeros((2, 3), "float32"))


def test_conv_filters_are_the_first_convolution_kernel_filter_first(k, cnn):
    filters = conv_filters(cnn)
    kernel = cnn.get_layer("conv1").kernel.numpy()  # (3, 3, 1, 6)
    assert filters.layer == "conv1" and filters.kernel.shape == (6, 3, 3, 1)
    for i in range(6):
        np.testing.assert_array_equal(filters.kernel[i], kernel[..., i])
    np.testing.assert_array_equal(filters.bias, cnn.get_layer("conv1").bias.numpy())
    assert conv_filters(cnn, "conv2").kernel.shape == (8, 3, 3, 6)
    with pytest.raises(ValueError, match=r"Received: layer 'flat' \(Flatten\)\. Expected a Conv1D, Conv2D or Conv3D"):
        conv_filters(cnn, "flat")
    dense = k.Sequential([k.Input((4,)), k.layers.Dense(2, name="d")], name="mlp")
    with pytest.raises(ValueError, match=r"model 'mlp' with no convolution layer \(layers: 'd'\)"):
        conv_filters(dense)


def test_activation_histograms_count_what_numpy_counts(k, cnn, digits):
    _, (x, _) = digits
    batch = x[:128]
    histograms = activation_histograms(cnn, batch, bins=20)
    assert [h.layer for h in histograms] == ["conv1", "conv2", "pool", "flat", "drop", "probs"]
    for h in histograms:
        values = k.Model(cnn.inputs, cnn.get_layer(h.layer).output).predict(batch, verbose=0).ravel()
        assert h.size == values.size and h.nonfinite == 0
        np.testing.assert_allclose(h.edges[[0, -1]], [values.min(), values.max()], rtol=1e-6)
        expected, _ = np.histogram(values, bins=h.edges)
        # The device bins by floor((v - lo) / width): a value within float32 rounding of an edge
        # may land in the neighbouring bin; nothing else may differ.
        assert h.counts.sum() == values.size
        assert np.abs(h.counts - expected).sum() <= 2 * max(1, values.size // 10_000)
        assert h.zero_fraction == pytest.approx(np.mean(values == 0))
        assert h.mean == pytest.approx(values.mean(), rel=1e-4, abs=1e-6)
        assert h.std == pytest.approx(values.std(), rel=1e-3, abs=1e-6)
    relu = histograms[0]
    assert relu.edges[0] == 0 and relu.zero_fraction > 0  # ReLU: a spike at exactly 0
    chosen = activation_histograms(cnn, batch, layers=["probs", 0], bins=5)
    assert [h.layer for h in chosen] == ["probs", "conv1"] and chosen[0].counts.shape == (5,)


def test_a_constant_output_gets_bins_around_its_value(k):
    model = k.Sequential(
        [k.Input((3,)), k.layers.Dense(4, kernel_initializer="zeros", bias_initializer="ones", name="const")]
    )
    (h,) = activation_histograms(model, np.ones((10, 3), "float32"), bins=4)
    np.testing.assert_allclose(h.edges, [0.5, 0.75, 1.0, 1.25, 1.5])
    assert h.counts.tolist() == [0, 0, 40, 0] and h.std == 0


def _reference_grad_cam(k, model, layer_name, image, class_index=None):
    """Grad-CAM as the Keras example writes it, one image at a time, with its own tape."""
    import tensorflow as tf

    grad_model = k.Model(model.inputs[0], [model.get_layer(layer_name).output, model.outputs[0]])
    with tf.GradientTape() as tape:
        maps, preds = grad_model(image[None], training=False)
        if class_index is None:
            class_index = int(tf.argmax(preds[0]))
        score = preds[:, class_index]
    grads = tape.gradient(score, maps)
    pooled = tf.reduce_mean(grads, axis=(0, 1, 2))  # one weight per channel
    heat = maps[0] @ pooled[..., None]  # (h, w, 1)
    heat = tf.maximum(heat, 0.0)
    heat = tf.image.resize(heat[None], image.shape[:2], method="bilinear")[0, ..., 0].numpy()
    return heat / heat.max() if heat.max() > 0 else heat


def test_grad_cam_matches_a_gradient_tape_reference(k, cnn, digits):
    _, (x, _) = digits
    batch = x[:16]
    assert spatial_layers(cnn) == ["conv1", "conv2", "pool"]
    heat = grad_cam(cnn, batch)  # default layer: the last spatial one, "pool"
    assert heat.shape == (16, 8, 8) and heat.dtype == np.float32
    assert heat.min() >= 0 and heat.max() <= 1
    # Tolerance: the class score is a softmax output; where it is near 0 or 1 its gradients are tiny and
    # their weighted sum cancels, so float32 batches and single images agree to ~1e-4 of the map's
    # maximum there (1e-7 elsewhere). A different definition would differ by far more than 2e-4.
    for i in range(len(batch)):
        expected = _reference_grad_cam(k, cnn, "pool", batch[i])
        np.testing.assert_allclose(heat[i], expected, atol=2e-4)
        if expected.max() > 0:
            assert heat[i].max() == pytest.approx(1.0)
    # One image, another layer, a chosen class: the same definition.
    np.testing.assert_allclose(
        grad_cam(cnn, batch[3], class_index=7, layer="conv2"),
        _reference_grad_cam(k, cnn, "conv2", batch[3], class_index=7),
        atol=2e-4,
    )
    per_example = grad_cam(cnn, batch[:3], class_index=[1, 2, 3], layer="conv1", batch_size=2)
    for i, c in enumerate([1, 2, 3]):
        np.testing.assert_allclose(per_example[i], _reference_grad_cam(k, cnn, "conv1", batch[i], c), atol=2e-4)


def test_grad_cam_refuses_models_and_layers_without_space(k, cnn, digits):
    _, (x, _) = digits
    mlp = k.Sequential(
        [k.Input((8, 8, 1)), k.layers.Flatten(name="flat"), k.layers.Dense(10, name="logits")], name="mlp"
    )
    with pytest.raises(ValueError) as info:
        grad_cam(mlp, x[0])
    assert "model 'mlp' with no layer with a spatial output (layers: 'flat', 'logits')" in str(info.value)
    with pytest.raises(ValueError, match=r"Expected a layer with a spatial output .*\['conv1', 'conv2', 'pool'\]"):
        grad_cam(cnn, x[0], layer="flat")
    with pytest.raises(ValueError, match=r"`class_index`.*Expected an integer between 0 and 9"):
        grad_cam(cnn, x[0], class_index=10)
    with pytest.raises(ValueError, match=r"one class index per example \(2\)"):
        grad_cam(cnn, x[:2], class_index=[1, 2, 3])
    dense = k.Sequential([k.Input((2,)), k.layers.Dense(2)])
    with pytest.raises(ValueError, match=r"Expected images"):
        grad_cam(dense, np.zeros((3, 2), "float32"))
