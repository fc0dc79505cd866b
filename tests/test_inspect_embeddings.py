"""Tests for nbkeras.inspect.embeddings: PCA vs NumPy's SVD, words, nearest neighbours by cosine."""

from __future__ import annotations

import numpy as np
import pytest

from nbkeras import datasets
from nbkeras.inspect import embedding_projection


@pytest.fixture(scope="module")
def k():
    from nbkeras._keras import keras

    mod = keras()
    mod.utils.set_random_seed(2)
    yield mod
    mod.backend.clear_session()


@pytest.fixture(scope="module")
def sentiment_model(k):
    """An Embedding model over the course's sentiment vocabulary, trained one epoch."""
    vocabulary = datasets.sentiment_vocabulary()
    (x, y), _ = datasets.sentiment(n_samples=1000)
    model = k.Sequential(
        [
            k.Input((x.shape[1],)),
            k.layers.Embedding(len(vocabulary), 6, name="words"),
            k.layers.GlobalAveragePooling1D(),
            k.layers.Dense(1, activation="sigmoid"),
        ],
        name="sentiment",
    )
    model.compile("adam", "binary_crossentropy")
    model.fit(x, y, epochs=1, verbose=0)
    return model, vocabulary


def _same_up_to_sign(actual, expected):
    for d in range(expected.shape[1]):
        sign = np.sign(actual[:, d] @ expected[:, d])
        np.testing.assert_allclose(actual[:, d], sign * expected[:, d], rtol=1e-7, atol=1e-9)


@pytest.mark.parametrize("dims", [2, 3])
def test_pca_coordinates_equal_numpys_svd_up_to_sign(sentiment_model, dims):
    model, vocabulary = sentiment_model
    matrix = model.get_layer("words").embeddings.numpy().astype(np.float64)
    centred = matrix - matrix.mean(axis=0)
    u, s, _ = np.linalg.svd(centred, full_matrices=False)
    projection = embedding_projection(model, vocabulary, dims=dims)
    assert projection.coordinates.shape == (len(vocabulary), dims)
    _same_up_to_sign(projection.coordinates, u[:, :dims] * s[:dims])
    np.testing.assert_allclose(projection.explained_variance_ratio, s[:dims] ** 2 / (s**2).sum())
    # Equivalent definition: the centred rows projected on the principal axes.
    _, _, vt = np.linalg.svd(centred, full_matrices=False)
    _same_up_to_sign(projection.coordinates, centred @ vt[:dims].T)
    # The sign rule: each axis's largest-magnitude loading is positive, so reruns agree exactly.
    again = embedding_projection(model.get_layer("words"), vocabulary, dims=dims)
    np.testing.assert_array_equal(again.coordinates, projection.coordinates)
    # The same from the layer, from the matrix, and by the layer's name.
    np.testing.assert_allclose(embedding_projection(matrix, dims=dims).coordinates, projection.coordinates)
    np.testing.assert_allclose(
        embedding_projection(model, layer="words", dims=dims).coordinates, projection.coordinates
    )


def test_words_follow_the_vocabulary_indices(sentiment_model):
    model, vocabulary = sentiment_model
    projection = embedding_projection(model, vocabulary)
    for word, index in vocabulary.items():
        assert projection.words[index] == word
    assert projection.index_of("great") == vocabulary["great"]
    listed = embedding_projection(model, ["pad", "unk", "a"])
    assert listed.words[:3] == ["pad", "unk", "a"] and listed.words[3] == ""
    assert embedding_projection(model).words is None


def test_nearest_neighbours_are_by_cosine_in_the_embedding_space(sentiment_model):
    model, vocabulary = sentiment_model
    projection = embedding_projection(model, vocabulary)
    vectors = model.get_layer("words").embeddings.numpy().astype(np.float64)
    words = {i: w for w, i in vocabulary.items()}
    row = vocabulary["good"]
    cosine = vectors @ vectors[row] / (np.linalg.norm(vectors, axis=1) * np.linalg.norm(vectors[row]))
    cosine[row] = -np.inf
    expected = np.argsort(-cosine, kind="stable")[:5]
    neighbours = projection.nearest_neighbours("good", k=5)
    assert [w for w, _ in neighbours] == [words[i] or i for i in expected]
    np.testing.assert_allclose([c for _, c in neighbours], cosine[expected])
    # By row index; rows without a word are named by their index.
    assert projection.nearest_neighbours(row, k=5) == neighbours
    unnamed = embedding_projection(vectors).nearest_neighbours(row, k=3)
    assert [i for i, _ in unnamed] == expected[:3].tolist()


def test_words_of_opposite_meaning_lie_apart():
    # A matrix where positive words sit along +x and negative along -x: the first axis separates them.
    words = ["good", "great", "fine", "bad", "awful", "poor"]
    rng = np.random.default_rng(0)
    matrix = np.concatenate([np.full((3, 1), 2.0), np.full((3, 1), -2.0)]) + rng.normal(0, 0.1, (6, 4))
    projection = embedding_projection(matrix, words)
    first = projection.coordinates[:, 0]
    assert np.all(np.sign(first[:3]) == -np.sign(first[3:]))
    assert [w for w, _ in projection.nearest_neighbours("good", k=2)] != ["bad", "awful"]
    assert {w for w, _ in projection.nearest_neighbours("good", k=2)} == {"great", "fine"}


def test_bad_input_gets_a_clear_error(k, sentiment_model):
    model, vocabulary = sentiment_model
    projection = embedding_projection(model, vocabulary)
    with pytest.raises(ValueError, match=r"Received: word='graet'.*Did you mean one of 'great'"):
        projection.nearest_neighbours("graet")
    with pytest.raises(ValueError, match=r"Expected an integer between 0 and 77"):
        projection.nearest_neighbours(78)
    with pytest.raises(ValueError, match=r"no vocabulary"):
        embedding_projection(model).nearest_neighbours("good")
    with pytest.raises(ValueError, match=r"`dims`.*Expected an integer between 2 and 3"):
        embedding_projection(model, dims=4)
    with pytest.raises(ValueError, match=r"`method`.*Expected one of 'pca'"):
        embedding_projection(model, method="tsne")
    dense = k.Sequential([k.Input((3,)), k.layers.Dense(2, name="d")], name="mlp")
    with pytest.raises(ValueError, match=r"model 'mlp' with no Embedding layer \(layers: 'd'\)"):
        embedding_projection(dense)
    with pytest.raises(ValueError, match=r"layer 'd' \(Dense\)"):
        embedding_projection(dense.layers[0])
    with pytest.raises(
        ValueError,
        match=r"`vocabulary\['extra'\]`. Received: vocabulary\['extra'\]=78\. Expected an integer between 0 and 77",
    ):
        embedding_projection(model, {**vocabulary, "extra": 78})
    with pytest.raises(ValueError, match=r"at most 78 words"):
        embedding_projection(model, ["w"] * 100)
    with pytest.raises(ValueError, match=r"Received: an array of shape \(5,\)"):
        embedding_projection(np.zeros(5))
