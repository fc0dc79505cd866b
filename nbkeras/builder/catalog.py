"""The layers a model spec may use, and their arguments, read from Keras.

A spec can only name a class listed here (an allowlist: a spec never reaches Keras's
own deserializer, see FIELD-NOTES "Security"). For each class, *what* the editable
arguments are, their kinds and their defaults are read from Keras at run time:
``inspect.signature`` of the class's ``__init__`` gives the names and order, and
``get_config()`` of a default instance gives the defaults in their normalised form
(``kernel_size=3`` becomes ``(3, 3)``, ``"glorot_uniform"`` an initializer config).
One-line docs come from the ``Args:`` section of the class docstring.

What nbkeras keeps by hand is small and says *why*:

* ``_CURATED``: per class, the "main" arguments shown first, the config a new layer
  starts with in the builder (also used to build the default instance when Keras
  requires an argument, e.g. ``Dense(units)``; no other default depends on it), and
  the input rank the layer needs, in words for error messages;
* ``_NOT_EDITABLE``: arguments a spec cannot express (regularizers and constraints are
  objects, ``return_state`` and ``stateful`` do not fit a ``Sequential``);
* ``_CHOICES`` and ``_BOUNDS``: allowed strings and numeric ranges Keras only states in
  prose.

Example:

    >>> from nbkeras.builder import layer_catalog
    >>> dense = next(s for s in layer_catalog() if s.class_name == "Dense")
    >>> [a.name for a in dense.args if a.main]
    ['units', 'activation']
"""

from __future__ import annotations

import functools
import inspect
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from nbkeras._keras import keras
from nbkeras._validate import is_bool, is_int, is_number
from nbkeras.activations.catalog import activation_names, excluded_activations

__all__ = [
    "ArgSpec",
    "LayerSpec",
    "activation_choices",
    "initializer_choices",
    "layer_catalog",
    "layer_class_names",
    "layer_spec",
]

# Largest integer accepted for sizes: TensorFlow shapes are int32 in places, and a
# larger value is a typo, not a model.
MAX_INT = 2**31 - 1


@dataclass(frozen=True)
class _Curated:
    main: tuple[str, ...]
    starter: Mapping[str, Any]
    # (min, max) rank of the input *including* the batch axis; None: no bound.
    input_rank: tuple[int | None, int | None] = (None, None)
    input_axes: str = ""
    wraps: tuple[str, ...] = ()


_RNN_CLASSES = ("SimpleRNN", "LSTM", "GRU")
_CONV_MAIN = ("filters", "kernel_size", "strides", "padding", "activation")
_CONV_STARTER = {"filters": 16, "kernel_size": 3, "activation": "relu"}
_POOL_MAIN = ("pool_size", "strides", "padding")
_SEQUENCE = (3, 3)
_IMAGE = (4, 4)

# Order here is the order of the catalog (and of the builder's "add layer" menu).
_CURATED: dict[str, _Curated] = {
    "Dense": _Curated(
        ("units", "activation"), {"units": 32, "activation": "relu"}, (2, None), "(batch, ..., features)"
    ),
    "Activation": _Curated(("activation",), {"activation": "relu"}),
    "LeakyReLU": _Curated(("negative_slope",), {}),
    "Dropout": _Curated(("rate",), {"rate": 0.5}),
    "Flatten": _Curated((), {}),
    "Reshape": _Curated(("target_shape",), {"target_shape": [-1, 1]}),
    "RepeatVector": _Curated(("n",), {"n": 4}, (2, 2), "(batch, features)"),
    "Embedding": _Curated(("input_dim", "output_dim", "mask_zero"), {"input_dim": 1000, "output_dim": 16}),
    "Conv1D": _Curated(_CONV_MAIN, _CONV_STARTER, _SEQUENCE, "(batch, steps, channels)"),
    "Conv2D": _Curated(_CONV_MAIN, _CONV_STARTER, _IMAGE, "(batch, height, width, channels)"),
    "MaxPooling1D": _Curated(_POOL_MAIN, {}, _SEQUENCE, "(batch, steps, features)"),
    "MaxPooling2D": _Curated(_POOL_MAIN, {}, _IMAGE, "(batch, height, width, channels)"),
    "AveragePooling1D": _Curated(_POOL_MAIN, {"pool_size": 2}, _SEQUENCE, "(batch, steps, features)"),
    "AveragePooling2D": _Curated(_POOL_MAIN, {"pool_size": 2}, _IMAGE, "(batch, height, width, channels)"),
    "GlobalAveragePooling1D": _Curated(("keepdims",), {}, _SEQUENCE, "(batch, steps, features)"),
    "GlobalAveragePooling2D": _Curated(("keepdims",), {}, _IMAGE, "(batch, height, width, channels)"),
    "GlobalMaxPooling1D": _Curated(("keepdims",), {}, _SEQUENCE, "(batch, steps, features)"),
    "GlobalMaxPooling2D": _Curated(("keepdims",), {}, _IMAGE, "(batch, height, width, channels)"),
    "BatchNormalization": _Curated(("momentum", "epsilon"), {}),
    "LayerNormalization": _Curated(("epsilon",), {}),
    "SimpleRNN": _Curated(("units", "return_sequences"), {"units": 32}, _SEQUENCE, "(batch, timesteps, features)"),
    "LSTM": _Curated(("units", "return_sequences"), {"units": 32}, _SEQUENCE, "(batch, timesteps, features)"),
    "GRU": _Curated(("units", "return_sequences"), {"units": 32}, _SEQUENCE, "(batch, timesteps, features)"),
    "Bidirectional": _Curated(
        ("layer", "merge_mode"),
        {"layer": {"class_name": "LSTM", "config": {"units": 32}}},
        _SEQUENCE,
        "(batch, timesteps, features)",
        wraps=_RNN_CLASSES,
    ),
    "TimeDistributed": _Curated(
        ("layer",),
        {"layer": {"class_name": "Dense", "config": {"units": 8}}},
        (3, None),
        "(batch, timesteps, ...)",
        wraps=("Dense",),
    ),
}

# Keras's sub-package of each layer (keras.src.layers.<package>.…) names its family;
# these are the shorter labels the builder shows.
_CATEGORY_LABELS = {"convolutional": "conv", "rnn": "recurrent"}

# Arguments a spec cannot express. Regularizers, constraints, ``weights`` and
# ``backward_layer`` are objects or arrays; ``return_state`` makes an RNN return a list
# and ``stateful`` needs a fixed batch size, neither of which fits a Sequential;
# ``use_cudnn``, ``synchronized``, LoRA and quantization are performance/deployment
# switches, not architecture; ``name``/``dtype``/``trainable`` are handled by the spec
# itself (``name``) or not at all.
_NOT_EDITABLE = frozenset(
    {
        "self", "kwargs", "name", "dtype", "trainable", "weights", "backward_layer", "noise_shape",
        "quantization_config", "lora_rank", "lora_alpha", "renorm_clipping", "synchronized",
        "return_state", "stateful", "use_cudnn", "input_shape", "batch_input_shape",
    }
)  # fmt: skip
_NOT_EDITABLE_SUFFIXES = ("_regularizer", "_constraint")

# Strings Keras accepts, which it states only in prose (docstrings).
_CHOICES: dict[str, tuple[str, ...]] = {
    "padding": ("valid", "same"),
    "data_format": ("channels_last", "channels_first"),
    # merge_mode=None returns a list of two tensors, which a Sequential cannot pass on.
    "merge_mode": ("concat", "sum", "mul", "ave"),
}
_CLASS_CHOICES: dict[tuple[str, str], tuple[str, ...]] = {
    ("Conv1D", "padding"): ("valid", "same", "causal"),
}

# Arguments whose Keras default is None with a meaning; their kind cannot be read from
# the default, so it is stated here: (kind, what None means).
_NONE_DEFAULTS: dict[str, tuple[str, str]] = {
    "strides": ("int_tuple", "None: same as pool_size"),
    "seed": ("int", "None: a random seed"),
}

# Numeric ranges: (minimum, maximum, minimum inclusive, maximum inclusive).
_POSITIVE = (1, MAX_INT, True, True)
_FRACTION = (0.0, 1.0, True, False)  # Keras: "a float value between 0 and 1" (1 drops all)
_BOUNDS: dict[str, tuple[float | None, float | None, bool, bool]] = {
    "units": _POSITIVE,
    "filters": _POSITIVE,
    "n": _POSITIVE,
    "input_dim": _POSITIVE,
    "output_dim": _POSITIVE,
    "groups": _POSITIVE,
    "kernel_size": _POSITIVE,
    "strides": _POSITIVE,
    "pool_size": _POSITIVE,
    "dilation_rate": _POSITIVE,
    "seed": (0, MAX_INT, True, True),
    "axis": (-8, 7, True, True),
    "rate": _FRACTION,
    "dropout": _FRACTION,
    "recurrent_dropout": _FRACTION,
    "momentum": (0.0, 1.0, True, True),
    "renorm_momentum": (0.0, 1.0, True, True),
    "epsilon": (0.0, None, False, True),
    "negative_slope": (0.0, None, True, True),
}

# Window-like tuples where (3, 3) and 3 mean the same; a spec writes the short form.
COLLAPSIBLE = frozenset({"kernel_size", "strides", "pool_size", "dilation_rate"})


@dataclass(frozen=True)
class ArgSpec:
    """One editable argument of a layer class.

    Attributes:
        name: The Keras argument name, e.g. ``"units"``.
        kind: One of ``"int"``, ``"float"``, ``"bool"``, ``"choice"``, ``"str"``,
            ``"int_tuple"`` (an int or a list of ints), ``"activation"``,
            ``"initializer"``, ``"layer"`` (a wrapped layer spec).
        default: The Keras default in spec form (``None`` when ``required``).
        choices: Allowed values for choice, activation, initializer and layer kinds.
        required: True when Keras requires the argument (e.g. ``Dense(units)``).
        main: True for the few arguments the builder shows first.
        doc: One line from the Keras docstring.
        optional: True when ``None`` is a valid value (``seed``, pooling ``strides``).
        minimum: Smallest allowed number (for int, float and int_tuple elements).
        maximum: Largest allowed number.
        minimum_inclusive: Whether ``minimum`` itself is allowed.
        maximum_inclusive: Whether ``maximum`` itself is allowed.
        length: For int_tuple, how many ints a list must have (None: any).
    """

    name: str
    kind: str
    default: Any = None
    choices: tuple[Any, ...] | None = None
    required: bool = False
    main: bool = False
    doc: str = ""
    optional: bool = False
    minimum: float | None = None
    maximum: float | None = None
    minimum_inclusive: bool = True
    maximum_inclusive: bool = True
    length: int | None = None

    def expected(self) -> str:
        """Describe the accepted values, for "Expected …" in error messages."""
        if self.kind == "bool":
            text = "a boolean (true or false)"
        elif self.kind in ("choice", "activation", "initializer"):
            text = "one of: " + ", ".join(repr(c) for c in self.choices or ())
        elif self.kind == "layer":
            text = "a layer spec {'class_name': ..., 'config': {...}} of class " + " or ".join(self.choices or ())
        elif self.kind == "str":
            text = "a string"
        elif self.kind == "int_tuple":
            element = "positive integers" if self.minimum == 1 else "integers"
            if self.name == "target_shape":
                text = "a list of positive integers, one of which may be -1"
            elif self.length is not None:
                text = f"a positive integer or a list of {self.length} {element}"
            else:
                text = f"a list of {element}"
        elif self.kind == "int" and self.minimum == 1:
            text = "a positive integer"
        else:
            noun = "an integer" if self.kind == "int" else "a number"
            text = noun + _range_words(self)
        return text + (" or None" if self.optional else "")

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form, sent to the builder's view."""
        return {
            "name": self.name,
            "kind": self.kind,
            "default": _jsonable(self.default),
            "choices": None if self.choices is None else list(self.choices),
            "required": self.required,
            "main": self.main,
            "doc": self.doc,
            "optional": self.optional,
            "minimum": self.minimum,
            "maximum": self.maximum,
            "minimum_inclusive": self.minimum_inclusive,
            "maximum_inclusive": self.maximum_inclusive,
            "length": self.length,
            "expected": self.expected(),
        }


@dataclass(frozen=True)
class LayerSpec:
    """A layer class a spec may use.

    Attributes:
        class_name: The ``keras.layers`` class name, e.g. ``"Conv2D"``.
        category: Its family, from Keras's package layout (``"core"``, ``"conv"``,
            ``"pooling"``, ``"recurrent"``, ``"normalization"``, ...).
        doc: First line of the Keras docstring.
        args: Editable arguments, main ones first, then in signature order.
        starter: The config a newly added layer starts with.
        input_rank: ``(min, max)`` rank of the input including the batch axis
            (None: no bound).
        input_axes: The axes of that input in words, e.g.
            ``"(batch, height, width, channels)"``.
        wraps: For wrappers, the classes the wrapped ``layer`` may have.
        auto_name: The prefix of names Keras generates, e.g. ``"max_pooling2d"``.
        signature_order: Argument names in ``__init__`` order (the order positional
            arguments take in generated code).
    """

    class_name: str
    category: str
    doc: str
    args: tuple[ArgSpec, ...]
    starter: Mapping[str, Any] = field(default_factory=dict)
    input_rank: tuple[int | None, int | None] = (None, None)
    input_axes: str = ""
    wraps: tuple[str, ...] = ()
    auto_name: str = ""
    signature_order: tuple[str, ...] = ()

    def arg(self, name: str) -> ArgSpec | None:
        """The argument called ``name``, or None."""
        for arg in self.args:
            if arg.name == name:
                return arg
        return None

    @property
    def arg_names(self) -> tuple[str, ...]:
        """Names of the editable arguments."""
        return tuple(a.name for a in self.args)

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form, sent to the builder's view."""
        return {
            "class_name": self.class_name,
            "category": self.category,
            "doc": self.doc,
            "args": [a.to_dict() for a in self.args],
            "starter": _jsonable(dict(self.starter)),
            "input_rank": list(self.input_rank),
            "input_axes": self.input_axes,
            "wraps": list(self.wraps),
        }


def _range_words(arg: ArgSpec) -> str:
    low, high = arg.minimum, arg.maximum
    if low is not None and high is not None and high != MAX_INT:
        left = "[" if arg.minimum_inclusive else "("
        right = "]" if arg.maximum_inclusive else ")"
        return f" in {left}{_num(low)}, {_num(high)}{right}"
    if low is not None:
        return f" {'>=' if arg.minimum_inclusive else '>'} {_num(low)}"
    return ""


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else repr(x)


def _jsonable(value: Any) -> Any:
    if isinstance(value, tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    return value


# --- names Keras accepts for activations and initializers ---------------------------


def _takes_only_x(fn: Any) -> bool:
    try:
        params = list(inspect.signature(fn).parameters.values())
    except (TypeError, ValueError):
        return False
    if not params or params[0].name != "x":
        return False
    # `threshold` requires `threshold` and `default_value`: as a layer activation
    # (a string) Keras would call it with x alone and fail.
    return all(p.default is not inspect.Parameter.empty or p.kind is p.VAR_KEYWORD for p in params[1:])


@functools.lru_cache(maxsize=1)
def activation_choices() -> tuple[str, ...]:
    """Activation names a layer's ``activation`` argument accepts.

    The element-wise activations of :func:`nbkeras.activations.catalog.activation_names`
    plus the ones that act on a whole axis (``softmax``, ``log_softmax``, ...), which
    are fine as a layer's activation though they have no single curve. Functions that
    need more than ``x`` (``threshold``) are left out: a name alone cannot give them
    their arguments. Falls back to reading ``keras.activations`` when the activations
    catalog is not available.

    Returns:
        Sorted names, e.g. ``("celu", "elu", ..., "softmax", ..., "tanh")``.

    Example:
        >>> {"relu", "softmax", "linear"} <= set(activation_choices())
        True
    """
    module = keras().activations
    try:
        candidates = set(activation_names()) | set(excluded_activations())
    except Exception:  # noqa: BLE001 - the catalog is optional here; Keras is the fallback
        candidates = {n for n in dir(module) if not n.startswith("_")}
    names = {n for n in candidates if hasattr(module, n) and _takes_only_x(getattr(module, n))}
    return tuple(sorted(names))


@functools.lru_cache(maxsize=1)
def _initializer_aliases() -> dict[str, str]:
    """Map initializer class name -> the snake_case name ``keras.initializers`` exports."""
    module = keras().initializers
    base = module.Initializer
    aliases: dict[str, str] = {}
    for name in sorted(dir(module)):
        obj = getattr(module, name)
        if name.startswith("_") or not name.islower() or not isinstance(obj, type) or not issubclass(obj, base):
            continue
        try:
            # Only initializers Keras builds from the name alone: "constant" is
            # exported but keras.initializers.get("constant") fails (it needs a value).
            module.get(name)
        except Exception:  # noqa: BLE001 - Keras raises various types here
            continue
        aliases.setdefault(obj.__name__, name)
    return aliases


@functools.lru_cache(maxsize=1)
def initializer_choices() -> tuple[str, ...]:
    """Initializer names (``"glorot_uniform"``, ``"he_normal"``, ...) a spec accepts.

    Read from ``keras.initializers``: its snake_case exports that are initializer
    classes ``keras.initializers.get(name)`` can build.

    Example:
        >>> "he_normal" in initializer_choices()
        True
    """
    return tuple(sorted(set(_initializer_aliases().values())))


def initializer_name(config: Any) -> str | None:
    """The spec name of an initializer as ``get_config()`` serialises it, or None.

    None when the initializer is not one of :func:`initializer_choices` or has
    settings other than its defaults (a name cannot carry them).
    """
    if isinstance(config, str):
        return config if config in initializer_choices() else None
    if not isinstance(config, dict) or config.get("module") != "keras.initializers":
        return None
    alias = _initializer_aliases().get(config.get("class_name"))
    if alias is None:
        return None
    default = getattr(keras().initializers, alias)().get_config()
    return alias if (config.get("config") or {}) == default else None


# --- the catalog -------------------------------------------------------------------


def _docstring_args(cls: type) -> dict[str, str]:
    """First sentence of each entry in the ``Args:`` section of a Keras docstring."""
    doc = inspect.getdoc(cls) or ""
    match = re.search(r"^Args:\n(.*?)(?:\n\S|\Z)", doc, flags=re.S | re.M)
    if not match:
        return {}
    entries: dict[str, str] = {}
    current = None
    for line in match.group(1).splitlines():
        head = re.match(r"^    (\w+): ?(.*)$", line)
        if head:
            current = head.group(1)
            entries[current] = head.group(2).strip()
        elif current and line.startswith("        "):
            entries[current] += " " + line.strip()
    return {name: _first_sentence(text) for name, text in entries.items()}


def _first_sentence(text: str) -> str:
    sentences = re.split(r"(?<=\.)\s", text)
    sentence = sentences[0].strip()
    # Keras often opens with the type alone ("Integer."); the meaning follows.
    if len(sentence) < 20 and len(sentences) > 1:
        sentence = f"{sentence} {sentences[1].strip()}"
    return sentence if len(sentence) <= 160 else sentence[:157].rstrip() + "..."


def _editable(name: str) -> bool:
    return name not in _NOT_EDITABLE and not name.endswith(_NOT_EDITABLE_SUFFIXES)


def spec_value(kind: str, name: str, value: Any) -> Any:
    """Turn a value from ``get_config()`` into the spec's vocabulary.

    Tuples become lists (JSON), window tuples with equal entries their single int,
    a one-element axis list its int, initializer configs their name (None if a name
    cannot express them).
    """
    if kind == "initializer":
        return initializer_name(value)
    if kind == "int" and isinstance(value, (tuple, list)) and len(value) == 1:
        return value[0]  # LayerNormalization stores axis=-1 as [-1] once built
    if kind == "int_tuple" and isinstance(value, (tuple, list)):
        items = [int(v) for v in value]
        if name in COLLAPSIBLE and items and all(v == items[0] for v in items):
            return items[0]
        return items
    return value


def _kind_of(class_name: str, name: str, value: Any, none_default: bool) -> tuple[str, bool] | None:
    """(kind, optional) of an argument from its name and default, or None if unknown."""
    if name == "layer":
        return "layer", False
    if name.endswith("activation"):
        return "activation", False
    if name.endswith("_initializer"):
        return "initializer", False
    if none_default and name in _NONE_DEFAULTS:
        return _NONE_DEFAULTS[name][0], True
    if is_bool(value):
        return "bool", False
    if is_int(value):
        return "int", False
    if is_number(value):
        return "float", False
    if isinstance(value, (tuple, list)) and all(is_int(v) for v in value):
        return "int_tuple", False
    if isinstance(value, str):
        return ("choice" if name in _CHOICES or (class_name, name) in _CLASS_CHOICES else "str"), False
    return None


def _starter_kwargs(starter: Mapping[str, Any]) -> dict[str, Any]:
    layers = keras().layers
    kwargs: dict[str, Any] = {}
    for key, value in starter.items():
        if key == "layer":
            value = getattr(layers, value["class_name"])(**_starter_kwargs(value["config"]))
        elif isinstance(value, list):
            value = tuple(value)
        kwargs[key] = value
    return kwargs


def _build_layer_spec(class_name: str, curated: _Curated) -> LayerSpec:
    cls = getattr(keras().layers, class_name)
    params = [p for p in inspect.signature(cls.__init__).parameters.values() if p.name != "self"]
    # The default instance gets only what Keras requires (from the starter), so every
    # other value in its config is Keras's default.
    required_names = {p.name for p in params if p.default is inspect.Parameter.empty}
    instance = cls(**_starter_kwargs({k: v for k, v in curated.starter.items() if k in required_names}))
    config = instance.get_config()
    docs = _docstring_args(cls)
    args: list[ArgSpec] = []
    for p in params:
        if not _editable(p.name) or p.kind in (p.VAR_KEYWORD, p.VAR_POSITIONAL):
            continue
        required = p.default is inspect.Parameter.empty
        none_default = (not required) and p.default is None
        raw = config.get(p.name, None if required else p.default)
        kind_optional = _kind_of(class_name, p.name, raw, none_default)
        if kind_optional is None:
            continue  # a kind a spec cannot express; the argument keeps Keras's default
        kind, optional = kind_optional
        default = None if required or optional else spec_value(kind, p.name, raw)
        choices: tuple[Any, ...] | None = None
        if kind == "choice":
            choices = _CLASS_CHOICES.get((class_name, p.name), _CHOICES.get(p.name))
        elif kind == "activation":
            choices = activation_choices()
        elif kind == "initializer":
            choices = initializer_choices()
        elif kind == "layer":
            choices = curated.wraps
        low, high, low_in, high_in = _BOUNDS.get(p.name, (None, None, True, True))
        if kind == "int_tuple" and p.name == "target_shape":
            low, high, low_in, high_in = -1, MAX_INT, True, True
        length = len(raw) if kind == "int_tuple" and p.name in COLLAPSIBLE and isinstance(raw, tuple) else None
        doc = docs.get(p.name, "")
        if optional:
            doc = (doc + " " if doc else "") + f"({_NONE_DEFAULTS[p.name][1]})"
        args.append(
            ArgSpec(
                name=p.name,
                kind=kind,
                default=default,
                choices=choices,
                required=required,
                main=p.name in curated.main,
                doc=doc,
                optional=optional,
                minimum=low,
                maximum=high,
                minimum_inclusive=low_in,
                maximum_inclusive=high_in,
                length=length,
            )
        )
    # Main arguments first, in the curated order; the rest in signature order.
    args.sort(key=lambda a: curated.main.index(a.name) if a.main else len(curated.main))
    package = cls.__module__.split(".layers.")[-1].split(".")[0]
    return LayerSpec(
        class_name=class_name,
        category=_CATEGORY_LABELS.get(package, package),
        doc=(inspect.getdoc(cls) or "").split("\n", 1)[0],
        args=tuple(args),
        starter=dict(curated.starter),
        input_rank=curated.input_rank,
        input_axes=curated.input_axes,
        wraps=curated.wraps,
        auto_name=re.sub(r"_\d+$", "", instance.name),
        signature_order=tuple(p.name for p in params),
    )


@functools.lru_cache(maxsize=1)
def _catalog() -> dict[str, LayerSpec]:
    return {name: _build_layer_spec(name, curated) for name, curated in _CURATED.items()}


def layer_catalog() -> list[LayerSpec]:
    """Every layer class a spec may use, with its editable arguments.

    Returns:
        A new list of (frozen) :class:`LayerSpec`, grouped as the builder's menu shows
        them.

    Example:
        >>> conv = next(s for s in layer_catalog() if s.class_name == "Conv2D")
        >>> conv.category, conv.arg("padding").choices
        ('conv', ('valid', 'same'))
    """
    return list(_catalog().values())


def layer_class_names() -> tuple[str, ...]:
    """Class names in the catalog, in catalog order (no Keras import needed)."""
    return tuple(_CURATED)


def layer_spec(class_name: str) -> LayerSpec | None:
    """The :class:`LayerSpec` of ``class_name``, or None when it is not in the catalog."""
    if class_name not in _CURATED:
        return None
    return _catalog()[class_name]
