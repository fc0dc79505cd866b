"""``ModelBuilder``: a thin widget over the model-spec core.

The spec (a JSON-able dict, see :mod:`.spec`) is the single source of truth. Every edit,
from a control in the view or from Python, becomes one assignment of ``spec``; its
validator and observer are the only doors, so a view and a script see the same checks.
What the view shows is computed by the core: :func:`~nbkeras.builder.check_spec` (the
per-layer report, cached per layer), :func:`~nbkeras.builder.spec_to_code` and the
compile advice.

Two kinds of edits, two kinds of errors:

* a *field* (one argument of one layer, the input, one compile setting) is checked on
  its own by the core; a value it refuses never reaches the spec, and ``error`` says
  which layer, what was received and what was expected;
* a *structure* edit (add, remove, duplicate, move) is never refused for what it does to
  the shapes: the report marks the layer that breaks, in place, and earlier layers keep
  their shapes.
"""

from __future__ import annotations

import collections
import copy
import math
import numbers
import os
from collections.abc import Callable, Mapping
from typing import Any, Generic, TypeVar

import traitlets
from ipywidgets import widget_serialization

from nbkeras._validate import IntTrait, closest, did_you_mean, is_bool, is_int, value_message
from nbkeras.activations.catalog import activation_names
from nbkeras.activations.widget import ActivationExplorer
from nbkeras.builder.build import build_model
from nbkeras.builder.catalog import activation_choices, layer_catalog, layer_spec
from nbkeras.builder.check import SpecReport, check_spec
from nbkeras.builder.code import spec_to_code
from nbkeras.builder.compile_advice import (
    COMPILE_KEYS,
    loss_names,
    metric_names,
    optimizer_names,
    validate_compile,
)
from nbkeras.builder.compile_advice import compile_warnings as advise_on_compile
from nbkeras.builder.errors import SpecError, SpecIssue, invalid_value, show, where
from nbkeras.builder.from_model import spec_from_model
from nbkeras.builder.spec import INPUT_DTYPES, check_form, check_layer, dump_spec, insert_position, load_spec
from nbkeras.builder.templates import template as make_template
from nbkeras.builder.templates import template_names
from nbkeras.inspect.lr_widget import LRFinder
from nbkeras.widgets.base import NbKerasWidget, command
from nbkeras.widgets.static import bundle

__all__ = ["ModelBuilder"]

# Undo steps kept. A step is one spec (a few KB for a teaching model).
HISTORY_LIMIT = 200

_T = TypeVar("_T")


class _class_or_instance_method(Generic[_T]):
    """``ModelBuilder.load(path)`` makes a builder; ``builder.load(path)`` loads into it."""

    def __init__(self, fn: Callable[..., _T]) -> None:
        self.fn = fn
        self.__doc__ = fn.__doc__

    def __get__(self, instance: Any, owner: type) -> Callable[..., _T]:
        def bound(*args: Any, **kwargs: Any) -> _T:
            return self.fn(owner, instance, *args, **kwargs)

        bound.__doc__ = self.fn.__doc__
        bound.__name__ = self.fn.__name__
        return bound


def _json_clean(value: Any, path: str, depth: int = 0) -> Any:
    """``value`` as plain JSON types (tuples become lists, NumPy scalars Python ones).

    The spec travels to the browser as JSON: NaN, Infinity and objects cannot, so they
    are refused here, naming where they are.
    """
    if depth > 32:
        raise traitlets.TraitError(
            value_message(
                "spec",
                value,
                "a model spec (see nbkeras.builder.template('mlp'))",
                received=f"{path} nested more than 32 levels deep",
            )
        )
    if value is None or isinstance(value, (bool, str)):
        if isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                raise traitlets.TraitError(
                    value_message(
                        "spec",
                        value,
                        "text without lone surrogates (it cannot be sent as UTF-8)",
                        received=f"{path}={show(value)}",
                    )
                ) from None
        return value
    if is_bool(value):
        return bool(value)
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        number = float(value)
        if not math.isfinite(number):
            raise traitlets.TraitError(
                value_message(
                    "spec", value, "a finite number (JSON has no NaN or Infinity)", received=f"{path}={show(value)}"
                )
            )
        return number
    if isinstance(value, Mapping):
        cleaned: dict[str, Any] = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise traitlets.TraitError(
                    value_message("spec", key, "text keys", received=f"a key {show(key)} in {path}")
                )
            cleaned[key] = _json_clean(item, f"{path}[{key!r}]", depth + 1)
        return cleaned
    if isinstance(value, (list, tuple)):
        return [_json_clean(item, f"{path}[{i}]", depth + 1) for i, item in enumerate(value)]
    raise traitlets.TraitError(
        value_message(
            "spec",
            value,
            "JSON values: numbers, text, booleans, null, lists and mappings",
            received=f"{path}={show(value)} (type {type(value).__name__})",
        )
    )


def _structural(issue: SpecIssue) -> bool:
    """Whether an issue is about the spec's frame rather than one layer or compile value.

    A spec with no layers yet is allowed (the builder starts from the palette); a
    layer's or a compile setting's problem is shown where it is, not refused.
    """
    if issue.position is not None or issue.class_name == "compile":
        return False
    return not (issue.argument == "layers" and issue.received == "layers=[]")


class _SpecTrait(traitlets.Any):
    """The spec: typed by the widget's own validator, so anything wrong (None, a list,
    NaN) gets the core's Received/Expected message, not traitlets' generic one."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__({}, **kwargs)
        self.allow_none = False


class ModelBuilder(NbKerasWidget):
    """Build a Sequential Keras model from a palette, see each layer's shape as you go.

    Args:
        spec: A model spec (see :mod:`nbkeras.builder`), e.g. one read with
            :func:`~nbkeras.builder.load_spec`.
        template: Or the name of a starting point (:func:`~nbkeras.builder.template_names`:
            ``"mlp"``, ``"cnn"``, ``"rnn"``, ``"text"``, ``"seq2seq"``). With neither,
            the builder starts from ``"mlp"``.

    ``spec`` is a live attribute: assigning it redraws the widget, and every control in
    the widget assigns it (through the same checks). ``report``, ``code``, ``summary``
    and ``compile_warnings`` follow it. Layer positions are 1-based, as in the report
    and in error messages. ``selected`` is the selected layer (a click on its row in
    the view); :meth:`add_layer` without a position inserts below it, or above the
    output layer when none is selected (``insert_position``), and selects the new layer.

    Example:
        >>> builder = ModelBuilder(template="cnn")
        >>> builder.set_argument(5, "units", 12)
        >>> builder.report["layers"][-1]["output_shape"]
        [None, 12]
        >>> model = builder.model  # a fresh, compiled keras.Sequential
    """

    _esm = bundle("model_builder.js")

    spec = _SpecTrait(help="the model spec: the single source of truth").tag(sync=True)
    _picture_traits = ("summary",)  # the saved output's table follows the edits
    report = traitlets.Dict(help="check_spec(spec).to_dict(): per-layer shapes, params, errors").tag(sync=True)
    code = traitlets.Unicode("", help="Keras code for the spec; empty while the report has errors").tag(sync=True)
    summary = traitlets.Unicode("", help="a model.summary()-like table of the report").tag(sync=True)
    compile_warnings = traitlets.List(traitlets.Unicode(), help="advice on loss/metrics vs. the output").tag(sync=True)
    can_undo = traitlets.Bool(False, help="whether undo() has a step to go back to").tag(sync=True)
    can_redo = traitlets.Bool(False, help="whether redo() has a step to go forward to").tag(sync=True)
    catalog = traitlets.Dict(help="layers, their arguments and the allowed names (sent once)").tag(sync=True)
    selected = IntTrait(
        None, allow_none=True, min_value=1, help="the selected layer's position (1-based), or None"
    ).tag(sync=True)
    insert_position = traitlets.Int(
        1,
        read_only=True,
        help="where add_layer puts a layer when given no position (1-based; follows spec and selected)",
    ).tag(sync=True)
    error_field = traitlets.Dict(
        help="the field whose value was refused: {'position': int | None, 'name': str}; empty when none"
    ).tag(sync=True)
    explorer = traitlets.Instance(
        "nbkeras.activations.widget.ActivationExplorer",
        allow_none=True,
        help="the activation explorer shown below the builder, or None",
    ).tag(sync=True, **widget_serialization)

    _settable = ("spec",)

    def __init__(self, spec: Mapping[str, Any] | None = None, template: str | None = None, **kwargs: Any) -> None:
        if spec is not None and template is not None:
            raise TypeError(
                f"ModelBuilder takes a spec or a template, not both. Received: spec=..., template={template!r}."
            )
        self._undo: collections.deque[dict[str, Any]] = collections.deque(maxlen=HISTORY_LIMIT)
        self._redo: collections.deque[dict[str, Any]] = collections.deque(maxlen=HISTORY_LIMIT)
        self._recording = False  # no history for the first spec
        self._report: SpecReport | None = None
        self._explorer: Any = None
        # Everything is computed before the comm opens: the view gets it in one message.
        self.catalog = self._catalog()
        self.spec = spec if spec is not None else make_template(template or "mlp")
        self._recording = True
        super().__init__(**kwargs)

    # -- the spec: one validator, one observer --------------------------------------------
    @traitlets.validate("spec")
    def _valid_spec(self, proposal: Any) -> dict[str, Any]:
        value = proposal["value"]
        if not isinstance(value, Mapping):
            issue = check_form(value).issues[0]
            raise traitlets.TraitError(issue.message)
        cleaned = _json_clean(value, "spec")
        checked = check_form(cleaned)
        refused = [issue for issue in checked.issues if _structural(issue)]
        if refused:
            raise traitlets.TraitError("\n".join(issue.message for issue in refused))
        # A spec whose form is valid is kept in canonical form (defaults dropped, windows
        # written short); one with layer problems is kept as given, to be shown in place.
        return checked.canonical() if not checked.all_issues else cleaned

    def notify_change(self, change: Any) -> None:
        # A new spec and what follows from it (report, code, history) reach the view in
        # one message: ipywidgets would otherwise send `spec` before its observers run.
        if change.get("name") == "spec":
            with self.hold_sync():
                super().notify_change(change)
        else:
            super().notify_change(change)

    @traitlets.observe("spec")
    def _on_spec(self, change: Any) -> None:
        if self._recording and change["old"]:
            self._undo.append(change["old"])
            self._redo.clear()
        report = check_spec(self.spec)
        self._report = report
        self.report = report.to_dict()
        self.code = spec_to_code(report.spec) if report.ok and report.spec is not None else ""
        self.summary = report.summary_text()
        self.compile_warnings = list(report.warnings) if report.ok else advise_on_compile(self.spec)
        self._sync_history()
        if self.selected is not None and self.selected > len(self._layers):
            self.selected = None  # the layer is gone (undo, a template, a new spec)
        self._sync_insert_position()

    @traitlets.validate("selected")
    def _valid_selected(self, proposal: Any) -> int | None:
        value = proposal["value"]
        try:
            return None if value is None else self._position(value, "selected")
        except ValueError as error:
            raise traitlets.TraitError(str(error)) from None

    @traitlets.observe("selected")
    def _on_selected(self, _change: Any) -> None:
        self._sync_insert_position()

    def _sync_insert_position(self) -> None:
        self.set_trait("insert_position", insert_position(self._layers, self.selected))

    def _sync_history(self) -> None:
        self.can_undo = bool(self._undo)
        self.can_redo = bool(self._redo)

    def _dispatch(self, action: Any, args: dict[str, Any]) -> None:
        self.error_field = {}
        super()._dispatch(action, args)

    def _refuse(self, issues: list[SpecIssue], position: int | None, name: str) -> SpecError:
        """The error for a refused field; the view marks the field (while answering a request)."""
        if self._in_request:
            self.error_field = {"position": position, "name": name}
        return SpecError(issues)

    # -- reading positions -------------------------------------------------------------------
    @property
    def _layers(self) -> list[Any]:
        return list(self.spec.get("layers") or [])

    def _position(self, value: Any, argument: str = "position", *, end: bool = False) -> int:
        """A 1-based layer position (``end``: one past the last layer is allowed too)."""
        count = len(self._layers) + (1 if end else 0)
        ok = is_int(value) and 1 <= int(value) <= count
        if not ok:
            expected = f"an integer from 1 to {count}" if count else "no position: the model has no layers yet"
            raise ValueError(value_message(argument, value, f"{expected} (layer positions start at 1)"))
        return int(value)

    def _with_layers(self, layers: list[Any]) -> None:
        self.spec = {**self.spec, "layers": layers}

    # -- structure edits: never refused for their effect on shapes ---------------------------
    @command("select_layer")
    def select_layer(self, position: int | None) -> None:
        """Select the layer at ``position`` (None: no layer); same as assigning ``selected``.

        A palette click (or :meth:`add_layer` without a position) inserts below the
        selected layer.
        """
        self.selected = position

    @command("add_layer")
    def add_layer(self, class_name: str, position: int | None = None) -> None:
        """Add a layer of ``class_name`` with the catalog's starter config, and select it.

        Args:
            class_name: A class from :func:`~nbkeras.builder.layer_catalog`, e.g. ``"Dense"``.
            position: Where the new layer goes (1-based: above the layer now there;
                one past the last layer appends). None (a click in the palette): below
                the selected layer when one is selected, else above the output layer
                (the last layer when it is a Dense or TimeDistributed, with an
                Activation right after it), else at the end; ``insert_position`` says
                where, before the call.

        Example:
            >>> builder = ModelBuilder(template="mlp")  # Dense, Dense, Dense(softmax)
            >>> builder.add_layer("Dropout")  # above the output layer, and selected
            >>> [layer["class_name"] for layer in builder.spec["layers"]], builder.selected
            (['Dense', 'Dense', 'Dropout', 'Dense'], 3)
        """
        place = self.insert_position if position is None else self._position(position, end=True)
        spec = layer_spec(class_name) if isinstance(class_name, str) else None
        if spec is None:
            raise SpecError(check_layer({"class_name": class_name, "config": {}}, place).issues[:1])
        layers = self._layers
        layers.insert(place - 1, {"class_name": spec.class_name, "config": copy.deepcopy(dict(spec.starter))})
        self._with_layers(layers)
        self.selected = place

    @command("remove_layer")
    def remove_layer(self, position: int) -> None:
        """Remove the layer at ``position`` (the selection stays with its layer, or goes)."""
        layers = self._layers
        place = self._position(position)
        del layers[place - 1]
        selected = self.selected
        self._with_layers(layers)
        if selected is not None and selected >= place:
            self.selected = None if selected == place else selected - 1

    @command("duplicate_layer")
    def duplicate_layer(self, position: int) -> None:
        """Insert a copy of the layer at ``position`` right after it (without its name,
        which must stay unique), and select the copy."""
        layers = self._layers
        index = self._position(position) - 1
        entry = copy.deepcopy(layers[index])
        if isinstance(entry, dict) and isinstance(entry.get("config"), dict):
            entry["config"].pop("name", None)
        layers.insert(index + 1, entry)
        self._with_layers(layers)
        self.selected = index + 2

    @command("move_layer")
    def move_layer(self, from_position: int, to_position: int) -> None:
        """Move the layer at ``from_position`` so that it ends up at ``to_position``
        (the selection stays with its layer)."""
        source = self._position(from_position, "from_position")
        target = self._position(to_position, "to_position")
        layers = self._layers
        layers.insert(target - 1, layers.pop(source - 1))
        selected = self.selected
        self._with_layers(layers)
        if selected is not None:
            order = list(range(1, len(layers) + 1))
            order.insert(target - 1, order.pop(source - 1))
            self.selected = order.index(selected) + 1

    # -- field edits: a value the core refuses never reaches the spec ------------------------
    @command("set_argument")
    def set_argument(self, position: int, name: str, value: Any) -> None:
        """Set one argument of the layer at ``position``.

        Args:
            position: 1-based layer position.
            name: The argument, e.g. ``"units"``, or ``"name"`` for the layer's name; for a
                wrapper (Bidirectional, TimeDistributed) ``"layer.units"`` sets an argument of
                the wrapped layer and ``"layer.class_name"`` changes its class (keeping the
                arguments both classes have).
            value: The new value, as in a spec (``kernel_size`` 3 or [3, 3]). None removes
                the argument from the config: Keras's default applies (a required
                argument is refused; an unknown argument a loaded spec had is dropped).

        Raises:
            SpecError: When the core refuses the value (the spec keeps its last valid
                value), in Keras's words: which layer, what was received, what was expected.
        """
        position = self._position(position)
        entry = self._layers[position - 1]
        class_name = entry.get("class_name") if isinstance(entry, Mapping) else None
        spec = layer_spec(class_name) if isinstance(class_name, str) else None
        if spec is None:
            issues = check_layer(entry, position).issues[:1]
            raise self._refuse(issues, position, str(name))
        path = name.split(".") if isinstance(name, str) else []
        config = copy.deepcopy(dict(entry.get("config") or {})) if isinstance(entry.get("config"), Mapping) else {}
        if len(path) == 1 and path[0]:
            argument = path[0]
            if value is None:
                config.pop(argument, None)  # back to Keras's default (refused if required)
            else:
                config[argument] = value
        elif len(path) == 2 and path[0] == "layer" and spec.wraps and path[1]:
            argument = "layer" if path[1] == "class_name" else path[1]
            config["layer"] = self._inner_with(spec, config.get("layer"), path[1], value)
        else:
            wrapped = f"; for {spec.class_name} also layer.<argument>" if spec.wraps else ""
            expected = f"an argument of {spec.class_name}: {', '.join(('name', *spec.arg_names))}{wrapped}"
            issue = invalid_value(
                where(position, spec.class_name), "name", name, expected, position=position, class_name=spec.class_name
            )
            raise self._refuse([issue], position, str(name))
        candidate = {"class_name": class_name, "config": config}
        issues = [i for i in check_layer(candidate, position).issues if i.argument == argument]
        if argument == "name" and not issues and "name" in config:
            issues = self._duplicate_name(position, spec.class_name, config["name"])
        if issues:
            raise self._refuse(issues, position, name)
        layers = self._layers
        layers[position - 1] = candidate
        self._with_layers(layers)

    @staticmethod
    def _inner_with(wrapper: Any, inner: Any, key: str, value: Any) -> Any:
        if not isinstance(inner, Mapping) or not isinstance(inner.get("config", {}), Mapping):
            inner = copy.deepcopy(dict(wrapper.starter)["layer"])
        inner_config = dict(inner.get("config") or {})
        if key == "class_name":
            new = layer_spec(value) if isinstance(value, str) and value in wrapper.wraps else None
            if new is None:
                return {"class_name": value, "config": inner_config}  # refused by the check
            kept = {k: v for k, v in inner_config.items() if new.arg(k) is not None}
            return {"class_name": new.class_name, "config": {**copy.deepcopy(dict(new.starter)), **kept}}
        if value is None:
            inner_config.pop(key, None)
        else:
            inner_config[key] = value
        return {"class_name": inner.get("class_name"), "config": inner_config}

    def _duplicate_name(self, position: int, class_name: str, name: Any) -> list[SpecIssue]:
        for other, entry in enumerate(self._layers, start=1):
            config = entry.get("config") if isinstance(entry, Mapping) else None
            if other != position and isinstance(config, Mapping) and config.get("name") == name:
                issue = invalid_value(
                    where(position, class_name),
                    "name",
                    name,
                    "a name no other layer has (Keras requires unique names)",
                    fix=f"The layer at position {other} is already called {name!r}.",
                    position=position,
                    class_name=class_name,
                )
                return [issue]
        return []

    @command("set_input")
    def set_input(self, shape: Any = None, dtype: str | None = None) -> None:
        """Set the input's per-sample shape (e.g. ``[28, 28, 1]``, None for a varying length)
        and/or its dtype (``"int32"`` before an Embedding). None leaves a part as it is."""
        candidate = dict(self.spec)
        if shape is not None:
            candidate["input_shape"] = shape
        if dtype is not None:
            candidate["input_dtype"] = dtype
        issues = [i for i in check_form(candidate).issues if i.argument in ("input_shape", "input_dtype")]
        if issues:
            raise self._refuse(issues, None, issues[0].argument or "input_shape")
        self.spec = candidate

    @command("set_compile")
    def set_compile(self, name: str, value: Any) -> None:
        """Set one compile setting: ``optimizer``, ``learning_rate``, ``loss``, ``metrics``
        (a list) or ``from_logits``. None removes the setting (Keras's default applies)."""
        if name not in COMPILE_KEYS:
            hint = did_you_mean(closest(name, COMPILE_KEYS))
            raise ValueError(value_message("name", name, f"one of: {', '.join(COMPILE_KEYS)}", hint=hint))
        current = self.spec.get("compile")
        settings = dict(current) if isinstance(current, Mapping) else {}
        if value is None:
            settings.pop(name, None)
        else:
            settings[name] = value
        _, issues = validate_compile(settings)
        relevant = [i for i in issues if i.argument == name]
        if relevant:
            raise self._refuse(relevant, None, f"compile.{name}")
        self.spec = {**self.spec, "compile": settings}

    @command("load_template")
    def load_template(self, name: str) -> None:
        """Replace the spec with a template (undo brings the previous one back); no layer is selected."""
        self.spec = make_template(name)
        self.selected = None

    # -- history -----------------------------------------------------------------------------
    @command("undo")
    def undo(self) -> None:
        """Go back one edit (up to 200)."""
        self._step(self._undo, self._redo, "undo")

    @command("redo")
    def redo(self) -> None:
        """Redo the edit undo() took back."""
        self._step(self._redo, self._undo, "redo")

    def _step(self, source: collections.deque[Any], target: collections.deque[Any], verb: str) -> None:
        if not source:
            raise ValueError(f"Nothing to {verb}.")
        spec = source.pop()
        target.append(self.spec)
        self._recording = False
        try:
            self.spec = spec
        finally:
            self._recording = True
        self._sync_history()

    # -- activations ----------------------------------------------------------------------------
    @command("explore_activation")
    def explore_activation(self, name: str) -> Any:
        """Show an :class:`~nbkeras.ActivationExplorer` for ``name`` below the builder.

        The builder shows one explorer: asking for another activation switches it.

        Returns:
            The explorer (an ``ActivationExplorer(activations=(name,))``).
        """
        if self._explorer is None:
            self._explorer = ActivationExplorer(activations=(name,))
        else:
            self._explorer.activations = [name]
        self.explorer = self._explorer
        return self._explorer

    @command("close_explorer")
    def close_explorer(self) -> None:
        """Hide the activation explorer."""
        self.explorer = None

    # -- Python API ------------------------------------------------------------------------------
    @property
    def model(self) -> Any:
        """A fresh ``keras.Sequential`` built (and compiled) from the spec.

        Raises:
            SpecError: With the report's errors, when the spec is not valid.
        """
        return build_model(self.spec)

    def find_learning_rate(self, x: Any, y: Any, **find_kwargs: Any) -> LRFinder:
        """Build the model and run the learning-rate finder on ``(x, y)`` (a cell ending in it shows it).

        Its "apply" sets this builder's compile ``learning_rate`` field (through
        :meth:`set_compile`, so the builder's checks and undo apply) as well as the built
        model's optimizer.

        Args:
            x: Training examples.
            y: Their targets.
            **find_kwargs: :class:`~nbkeras.LRFinder`'s options (``steps``, ``start_lr``, ...).

        Returns:
            The :class:`~nbkeras.LRFinder`; ``finder.model`` is the model it searched on.

        Raises:
            SpecError: The spec is not valid.
            ValueError: The spec has no ``compile`` settings (the finder needs a compiled model).
        """
        return LRFinder(self.model, x, y, builder=self, **find_kwargs)

    def check(self) -> SpecReport:
        """The :class:`~nbkeras.builder.SpecReport` of the current spec."""
        assert self._report is not None
        return self._report

    def to_code(self) -> str:
        """Keras code for the spec (raises SpecError when its form is invalid)."""
        return spec_to_code(self.spec)

    def to_json(self) -> str:
        """The spec as JSON text (raises SpecError when its form is invalid)."""
        return dump_spec(self.spec)

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the spec to ``path`` as JSON (read it back with :meth:`load`)."""
        dump_spec(self.spec, path)

    @_class_or_instance_method
    def load(cls, self: ModelBuilder | None, source: str | bytes | os.PathLike[str]) -> ModelBuilder:
        """Read a spec from a JSON file (or JSON text) with :func:`~nbkeras.builder.load_spec`.

        ``ModelBuilder.load(path)`` returns a new builder; ``builder.load(path)`` replaces
        this builder's spec (undo brings the previous one back) and returns the builder.
        The file may come from anyone: NaN, unknown keys and classes outside the catalog
        (``Lambda``) are refused with a SpecError, and the builder keeps its spec.
        """
        spec = load_spec(source)
        if self is None:
            return cls(spec=spec)
        self.spec = spec
        return self

    @classmethod
    def from_model(cls, model: Any) -> ModelBuilder:
        """A builder for an existing Keras model (see :func:`~nbkeras.builder.spec_from_model`)."""
        return cls(spec=spec_from_model(model))

    # -- what the view needs once ---------------------------------------------------------------
    @staticmethod
    def _catalog() -> dict[str, Any]:
        layers = [spec.to_dict() for spec in layer_catalog()]
        categories: list[str] = []
        for layer in layers:
            if layer["category"] not in categories:
                categories.append(layer["category"])
        return {
            "layers": layers,
            "categories": categories,
            "optimizers": list(optimizer_names()),
            "losses": list(loss_names()),
            "metrics": list(metric_names()),
            "activations": list(activation_choices()),
            "explorable_activations": [n for n in activation_names() if n in activation_choices()],
            "templates": list(template_names()),
            "input_dtypes": list(INPUT_DTYPES),
            "compile_keys": list(COMPILE_KEYS),
        }

    def static_figures(self) -> list[tuple[str, dict[str, Any]]]:
        return []

    def static_bundle(self) -> dict[str, str]:
        """The stack as ``model.summary()`` text (with errors), for readers without a kernel."""
        from html import escape

        return {"text/html": f'<pre class="nbk-builder-summary">{escape(self.summary)}</pre>'}

    def _repr_fields(self) -> dict[str, Any]:
        report = self.check()
        fields: dict[str, Any] = {"layers": len(report.layers), "params": report.total_params}
        if not report.ok:
            fields["errors"] = len(report.errors)
        return fields
