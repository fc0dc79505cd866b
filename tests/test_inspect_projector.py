"""EmbeddingProjector through the recording comm: the core's coordinates and neighbours, search, 3-D, bad input."""

from __future__ import annotations

import numpy as np
import pytest

import nbkeras
from nbkeras import datasets
from nbkeras.inspect import embedding_projection
from nbkeras.inspect.projector import EmbeddingProjector
from nbkeras.testing import CommRecorder
from nbkeras.widgets.figure import to_static


def _request(widget, seq, action, **args):
    CommRecorder.send_from_frontend(widget, {"type": "request", "seq": seq, "action": action, "args": args})


@pytest.fixture(scope="module")
def k():
    from nbkeras._keras import keras

    mod = keras()
    mod.utils.set_random_seed(3)
    yield mod
    mod.backend.clear_session()


@pytest.fixture(scope="module")
def sentiment_model(k):
    """An Embedding model over the course's sentiment vocabulary, trained one epoch."""
    vocabulary = datasets.sentiment_vocabulary()
    (x, y), _ = datasets.sentiment(n_samples=600)
    model = k.Sequential(
        [
            k.Input((x.shape[1],)),
            k.layers.Embedding(len(vocabulary), 8, name="words"),
            k.layers.GlobalAveragePooling1D(),
            k.layers.Dense(1, activation="sigmoid"),
        ],
        name="sentiment",
    )
    model.compile("adam", "binary_crossentropy")
    model.fit(x, y, epochs=1, verbose=0)
    return model, vocabulary


def _points(widget):
    """Every drawn point of the base figure, by row: the coordinates the view receives (float32)."""
    figure = to_static(widget.figure)
    out = {}
    for trace in figure["data"]:
        axes = ("x", "y", "z") if trace["type"] == "scatter3d" else ("x", "y")
        for i, row in enumerate(trace["customdata"]):
            out[int(row)] = [trace[a][i] for a in axes]
    return out


def test_public_name_and_lazy_import():
    assert nbkeras.EmbeddingProjector is EmbeddingProjector


@pytest.mark.parametrize("dims", [2, 3])
def test_points_are_the_cores_coordinates_with_hover_words(wire, sentiment_model, dims):
    model, vocabulary = sentiment_model
    projector = EmbeddingProjector(model, vocabulary, dims=dims)
    core = embedding_projection(model, vocabulary, dims=dims)
    points = _points(projector)
    assert sorted(points) == list(range(len(vocabulary)))
    drawn = np.array([points[row] for row in range(len(vocabulary))])
    np.testing.assert_allclose(drawn, core.coordinates, rtol=1e-6, atol=1e-6)  # float32 on the wire
    (trace,) = to_static(projector.figure)["data"]
    assert trace["type"] == ("scatter3d" if dims == 3 else "scatter")
    words = {int(row): text for row, text in zip(trace["customdata"], trace["text"])}
    assert words[vocabulary["good"]] == "good" and words[0] == "#0"  # padding has no word: named by row
    np.testing.assert_allclose(projector.explained, core.explained_variance_ratio)


def test_dims_switch_from_the_view_redraws_in_3d_and_back(wire, sentiment_model):
    model, vocabulary = sentiment_model
    projector = EmbeddingProjector(model, vocabulary)
    _request(projector, 1, "set", name="dims", value=3)
    assert projector.dims == 3 and projector._ack == 1 and projector.error == ""
    core3 = embedding_projection(model, vocabulary, dims=3)
    np.testing.assert_allclose(
        np.array([_points(projector)[r] for r in range(len(vocabulary))]), core3.coordinates, rtol=1e-6, atol=1e-6
    )
    assert "scene" in projector.figure["layout"]
    _request(projector, 2, "set", name="dims", value=4)
    assert projector.dims == 3 and projector.error.startswith("Invalid value for argument `dims`. Received: dims=4")
    _request(projector, 3, "set", name="dims", value=2)
    assert projector.dims == 2 and "scene" not in projector.figure["layout"]


def test_pick_lists_the_cores_nearest_neighbours(wire, sentiment_model):
    model, vocabulary = sentiment_model
    projector = EmbeddingProjector(model, vocabulary, k=5)
    core = embedding_projection(model, vocabulary)
    _request(projector, 1, "pick", word=vocabulary["good"])  # a click sends the point's row
    expected = core.nearest_neighbours("good", k=5)
    assert [(n["word"], n["similarity"]) for n in projector.neighbours] == expected
    assert [n["row"] for n in projector.neighbours] == [vocabulary[w] for w, _ in expected]
    assert projector.picked == vocabulary["good"] and projector.picked_word == "good"
    search, near, picked = to_static(projector.overlay)
    assert picked["text"] == ["good"] and near["text"] == [w for w, _ in expected]
    np.testing.assert_allclose([picked["x"][0], picked["y"][0]], core.coordinates[vocabulary["good"]], rtol=1e-6)
    assert search["text"] == []
    projector.k = 2
    assert [n["word"] for n in projector.neighbours] == [w for w, _ in expected[:2]]
    projector.pick(None)
    assert projector.neighbours == [] and to_static(projector.overlay)[2]["text"] == []


def test_search_highlights_matches_and_an_exact_word_is_picked(wire, sentiment_model):
    model, vocabulary = sentiment_model
    projector = EmbeddingProjector(model, vocabulary)
    _request(projector, 1, "set", name="query", value="GOO")
    expected = sorted(w for w in vocabulary if "goo" in w)
    assert [m["word"] for m in projector.matches] == expected and expected
    assert to_static(projector.overlay)[0]["text"] == expected
    assert projector.picked is None  # "goo" is no word
    _request(projector, 2, "set", name="query", value="great")
    assert projector.picked == vocabulary["great"]
    assert [(n["word"], n["similarity"]) for n in projector.neighbours] == embedding_projection(
        model, vocabulary
    ).nearest_neighbours("great", k=10)
    _request(projector, 3, "set", name="query", value="zzz")
    assert projector.matches == [] and projector.error == ""  # nothing to highlight is not an error
    _request(projector, 4, "set", name="query", value="")
    assert projector.matches == [] and to_static(projector.overlay)[0]["text"] == []


def test_groups_colour_and_label_their_words(wire, sentiment_model):
    model, vocabulary = sentiment_model
    projector = EmbeddingProjector(model, vocabulary, groups={"positive": ["good", "great"], "negative": ["bad"]})
    other, positive, negative = to_static(projector.figure)["data"]
    assert (other["name"], positive["name"], negative["name"]) == ("other words", "positive", "negative")
    assert positive["text"] == ["good", "great"] and negative["text"] == ["bad"]
    assert positive["mode"] == "markers+text" and other["mode"] == "markers"
    assert len(other["text"]) == len(vocabulary) - 3
    assert positive["marker"]["color"] != negative["marker"]["color"]
    projector.pick("good")  # a word already labelled by its group is not labelled twice
    _, near, picked = to_static(projector.overlay)
    assert picked["text"] == [""] and picked["hovertext"] == ["good"]
    assert all(
        text == ("" if word in ("good", "great", "bad") else word)
        for text, word in zip(near["text"], near["hovertext"])
    )


def test_bad_input_is_refused_with_keras_wording(wire, sentiment_model):
    model, vocabulary = sentiment_model
    projector = EmbeddingProjector(model, vocabulary)
    _request(projector, 1, "pick", word="goood")
    assert projector.error.startswith("Invalid value for argument `word`. Received: word='goood'")
    assert "'good'" in projector.error and projector.picked is None
    _request(projector, 2, "pick", word=10_000)
    assert "word=10000" in projector.error
    with pytest.raises(
        ValueError, match=r"argument `groups\['positive'\]`. Received: groups\['positive'\]='graet'.*'great'"
    ):
        EmbeddingProjector(model, vocabulary, groups={"positive": ["graet"]})
    with pytest.raises(TypeError, match="groups"):
        EmbeddingProjector(model, vocabulary, groups=["good"])
    with pytest.raises(ValueError, match="dims"):
        EmbeddingProjector(model, vocabulary, dims=4)
    with pytest.raises(Exception, match="picked"):
        projector.picked = len(vocabulary)


def test_picture_and_repr(wire, sentiment_model):
    model, vocabulary = sentiment_model
    projector = EmbeddingProjector(model, vocabulary, dims=3)
    projector.pick("good")
    ((title, spec),) = projector.static_figures()
    assert "first two of three axes" in title
    assert all(t["type"] == "scatter" and "z" not in t for t in spec["data"])
    assert "<svg" in projector.static_svg()
    assert repr(projector) == f"EmbeddingProjector(rows={len(vocabulary)}, dims=3, picked={vocabulary['good']})"
