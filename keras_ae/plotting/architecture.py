"""Pictures of models drawn from the model objects themselves.

`plot_architecture` reads the layer graph of a Keras model (a functional or
`Sequential` model, an `Autoencoder`, a `VariationalAutoencoder` or an
`AutoregressiveModel`) and draws it left to right: one box per layer, its
height growing with the number of features the layer outputs, so the
bottleneck of an autoencoder is visible at a glance. The code layer is
marked, corruption and sampling nodes are drawn apart, skip connections are
drawn as arcs, and the loss terms are named. `plot_belief_network` draws a
restricted Boltzmann machine or a stack of them from their weight matrices.
Since both read the objects a notebook trains, the picture cannot disagree
with the code.
"""

import math

import keras
import numpy as np
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch
from matplotlib.path import Path

from keras_ae._validation import check_positive_int, invalid_argument
from keras_ae.plotting._figures import finish, hide_frame, new_figure

__all__ = ["plot_architecture", "plot_belief_network"]

_COLOURS = {
    "input": "#d9d9d9",
    "layer": "#9ecae1",
    "code": "#fdae6b",
    "noise": "#fb9a99",
    "sampling": "#cab2d6",
    "merge": "#ffffff",
    "reshape": "#f0f0f0",
    "output": "#a1d99b",
}
_NOISE_LAYERS = ("MaskingNoise", "GaussianNoise", "GaussianDropout", "Dropout")
_MERGE_LAYERS = ("Concatenate", "Add", "Multiply", "Average", "Subtract")
_RESHAPE_LAYERS = ("Flatten", "Reshape")


class _Graph:
    """Nodes (in the order they are added) and directed edges between them."""

    def __init__(self):
        self.nodes = {}
        self.edges = []

    def add(self, key, **node):
        node.setdefault("notes", [])
        self.nodes[key] = node
        return key

    def connect(self, source, target, style="data"):
        if (source, target, style) not in self.edges:
            self.edges.append((source, target, style))

    def rewire(self, old, new):
        """Moves `old`'s outgoing edges to `new` and removes `old`."""
        self.edges = [(new if s == old else s, t, style) for s, t, style in self.edges]
        del self.nodes[old]


def _features(shape):
    if shape is None:
        return None
    sizes = [s for s in tuple(shape)[1:] if s is not None]
    return math.prod(sizes) if sizes else None


def _shape_text(shape):
    if shape is None:
        return ""
    return "\u00d7".join("?" if s is None else str(s) for s in tuple(shape)[1:])


def _output_shape(layer):
    try:
        return tuple(layer.output.shape)
    except (AttributeError, ValueError, RuntimeError):
        return None


def _activation_name(layer):
    activation = getattr(layer, "activation", None)
    if activation is None:
        return None
    name = activation if isinstance(activation, str) else getattr(activation, "__name__", None)
    return None if name in (None, "linear") else name


def _layer_notes(layer):
    notes = []
    regularizer = getattr(layer, "activity_regularizer", None)
    if regularizer is not None:
        if type(regularizer).__name__ == "KLSparsity":
            notes.append(
                f"+ \u03b2 KL(\u03c1 \u2016 \u03c1\u0302): \u03c1={regularizer.rho:g}, "
                f"\u03b2={regularizer.beta:g}"
            )
        else:
            notes.append(f"+ activity {type(regularizer).__name__}")
    if type(layer).__name__ == "ContractiveDense":
        notes.append(f"+ \u03bb \u2016J\u2016\u00b2_F: \u03bb={layer.lam:g}")
    if getattr(layer, "kernel_regularizer", None) is not None:
        notes.append("+ weight decay")
    if type(layer).__name__ in _NOISE_LAYERS:
        notes.append("training only")
    return notes


def _kind(layer):
    name = type(layer).__name__
    if name == "InputLayer":
        return "input"
    if name in _NOISE_LAYERS:
        return "noise"
    if name == "Sampling":
        return "sampling"
    if name in _MERGE_LAYERS:
        return "merge"
    if name in _RESHAPE_LAYERS:
        return "reshape"
    return "layer"


def _layer_node(graph, key, layer, shape=None):
    shape = _output_shape(layer) if shape is None else shape
    graph.add(
        key,
        name=layer.name,
        kind=_kind(layer),
        layer_class=type(layer).__name__,
        shape=shape,
        activation=_activation_name(layer),
        notes=_layer_notes(layer),
    )
    return key


def _keras_histories(structure):
    """The `keras_history` entries of the tensors inside a serialized call."""
    if isinstance(structure, dict):
        history = structure.get("config", {}).get("keras_history") if structure else None
        if structure.get("class_name") == "__keras_tensor__" and history is not None:
            yield history
            return
        for value in structure.values():
            yield from _keras_histories(value)
    elif isinstance(structure, (list, tuple)):
        for value in structure:
            yield from _keras_histories(value)


def _expandable(layer):
    """Whether `layer` is a one-input, one-output model whose own layers can be drawn."""
    if not isinstance(layer, keras.Model):
        return False
    if isinstance(layer, keras.Sequential):
        return True
    inputs, outputs = getattr(layer, "inputs", None), getattr(layer, "outputs", None)
    return inputs is not None and len(inputs) == 1 and outputs is not None and len(outputs) == 1


def _layer_ends(graph, key, layer):
    """Adds `layer` (its own layers if `_expandable`); returns (entry node, exit node)."""
    if _expandable(layer):
        inner_inputs, inner_outputs = _model_graph(graph, layer, f"{key}/")
        return inner_inputs[0], inner_outputs[0]
    _layer_node(graph, key, layer)
    return key, key


def _model_graph(graph, model, prefix):
    """Adds the layers of a functional or Sequential `model`; returns (inputs, outputs).

    A model used as a layer inside it (e.g. a pretrained encoder under a
    classifier) is drawn layer by layer when it has one input and one output.
    """
    if isinstance(model, keras.Sequential):
        inputs = getattr(model, "inputs", None) or [None]
        previous = graph.add(
            f"{prefix}input",
            name="input",
            kind="input",
            layer_class="InputLayer",
            shape=None if inputs[0] is None else tuple(inputs[0].shape),
            activation=None,
        )
        first = previous
        for layer in model.layers:
            entry, exit_ = _layer_ends(graph, f"{prefix}{layer.name}", layer)
            _join(graph, [previous], [entry])
            previous = exit_
        return [first], [previous]
    if not hasattr(model, "inputs") or model.inputs is None:
        key = _layer_node(graph, f"{prefix}{model.name}", model)
        return [key], [key]
    config = model.get_config()
    ends = {}  # layer name -> (key of the node its inputs enter, key of the node it outputs from)
    for entry in config["layers"]:
        name = entry["name"]
        key = f"{prefix}{name}"
        layer = None if entry["class_name"] == "InputLayer" else model.get_layer(name)
        if layer is None:
            shape = entry["config"].get("batch_shape")
            graph.add(
                key,
                name=name,
                kind="input",
                layer_class="InputLayer",
                shape=None if shape is None else tuple(shape),
                activation=None,
            )
            ends[name] = (key, key)
        else:
            ends[name] = _layer_ends(graph, key, layer)
        for call in entry.get("inbound_nodes", ()):
            for source, *_ in _keras_histories(call):
                _join(graph, [ends[source][1]], [ends[name][0]])
    return (
        [ends[name][0] for name in _endpoint_names(config["input_layers"])],
        [ends[name][1] for name in _endpoint_names(config["output_layers"])],
    )


def _endpoint_names(histories):
    """Layer names of a functional config's `input_layers` or `output_layers`."""
    if histories and isinstance(histories[0], str):  # a single [name, node, index]
        histories = [histories]
    return [name for name, *_ in histories]


def _part_graph(graph, part, prefix):
    if isinstance(part, keras.Model):
        return _model_graph(graph, part, prefix)
    key = _layer_node(graph, f"{prefix}{part.name}", part)
    return [key], [key]


def _join(graph, outputs, inputs):
    """Feeds the decoder's input nodes from the encoder's output nodes."""
    for source, target in zip(outputs, inputs, strict=False):
        if graph.nodes[target]["kind"] == "input":
            graph.rewire(target, source)
        else:
            graph.connect(source, target)


def _loss_name(model):
    loss = getattr(model, "loss", None)
    if loss is None:
        return None
    if isinstance(loss, str):
        return loss
    return getattr(loss, "name", None) or getattr(loss, "__name__", type(loss).__name__)


def _tie_edges(graph, model):
    by_name = {node["name"]: key for key, node in graph.nodes.items()}
    for key, node in list(graph.nodes.items()):
        if node["layer_class"] != "DenseTranspose":
            continue
        layer = _find_layer(model, node["name"])
        dense = getattr(layer, "dense", None)
        if dense is not None:
            node["notes"].append(f"kernel tied: {dense.name}\u1d40")
            if dense.name in by_name:
                graph.connect(by_name[dense.name], key, "tie")


def _find_layer(model, name):
    stack = [model]
    while stack:
        layer = stack.pop()
        if layer.name == name and layer is not model:
            return layer
        stack.extend(getattr(layer, "layers", ()))
        for attribute in ("encoder", "decoder", "network"):
            part = getattr(layer, attribute, None)
            if isinstance(part, keras.layers.Layer):
                stack.append(part)
    return None


def _architecture_graph(model):
    """The graph drawn by `plot_architecture`, and the loss terms to name."""
    graph = _Graph()
    losses = []
    class_names = {cls.__name__ for cls in type(model).__mro__}
    if "EncoderDecoderModel" in class_names:
        _, encoder_outputs = _part_graph(graph, model.encoder, "encoder/")
        decoder_inputs, outputs = _part_graph(graph, model.decoder, "decoder/")
        if "VariationalAutoencoder" in class_names:
            statistics = encoder_outputs[:2]
            for key in statistics:
                graph.nodes[key]["kind"] = "code"
            sampling = graph.add(
                "sampling",
                name="z = \u03bc + \u03c3 \u03b5",
                kind="sampling",
                layer_class="Sampling",
                shape=graph.nodes[statistics[0]]["shape"],
                activation=None,
                notes=["\u03b5 ~ N(0, I)"],
            )
            for key in statistics:
                graph.connect(key, sampling)
            _join(graph, [sampling], decoder_inputs)
            error = "binary cross-entropy" if model.reconstruction == "bce" else "squared error"
            losses.append(f"reconstruction: {error}(x, x\u0302)")
            losses.append(f"+ \u03b2 KL(q(z|x) \u2016 N(0, I)), \u03b2={model.beta:g}")
        else:
            for key in encoder_outputs:
                graph.nodes[key]["kind"] = "code"
            _join(graph, encoder_outputs, decoder_inputs)
            loss = _loss_name(model)
            if loss is not None:
                losses.append(f"reconstruction: {loss}(x, x\u0302)")
    elif "AutoregressiveModel" in class_names:
        _, outputs = _part_graph(graph, model.network, "")
        losses.append("\u2212log p(x) = \u2212\u03a3\u1d62 log p(x\u1d62 | x\u208d<\u1d62\u208e)")
    elif isinstance(model, keras.Model):
        _, outputs = _model_graph(graph, model, "")
        loss = _loss_name(model)
        if loss is not None:
            losses.append(loss)
    else:
        raise invalid_argument("model", "a Keras model", model)
    for key in outputs:
        if graph.nodes[key]["kind"] not in ("code", "sampling"):
            graph.nodes[key]["kind"] = "output"
    _tie_edges(graph, model)
    notes = [note for node in graph.nodes.values() for note in node["notes"]]
    losses.extend(dict.fromkeys(note for note in notes if note.startswith("+ ")))
    return graph, losses


def _ranks(graph):
    """Longest-path depth of every node from the sources."""
    rank = dict.fromkeys(graph.nodes, 0)
    data_edges = [(s, t) for s, t, style in graph.edges if style == "data"]
    for _ in range(len(graph.nodes)):
        changed = False
        for source, target in data_edges:
            if rank[target] < rank[source] + 1:
                rank[target] = rank[source] + 1
                changed = True
        if not changed:
            break
    return rank


def _box_height(features, largest):
    if not features or not largest:
        return 1.0
    return 0.8 + 2.2 * math.log1p(features) / math.log1p(largest)


def plot_architecture(model, *, ax=None, title=None):
    """Draws a model's layers left to right, with its code layer and loss terms.

    Each layer is a box labelled with its name, output shape and activation;
    its height grows with the log of the number of features the layer
    outputs. Inputs are grey, hidden layers blue, the code layer (the
    encoder's output, or `z_mean` and `z_log_var` of a VAE) orange, the
    output green, corruption layers such as `MaskingNoise` (active only in
    training) red, and a VAE's sampling node `z = mu + sigma * epsilon`
    purple. Connections that skip layers (U-Net skips) are drawn as arcs,
    tied kernels (`DenseTranspose`) as dotted arcs. Activity and kernel
    regularizers (e.g. `KLSparsity` with its `rho` and `beta`) and the
    contractive penalty are written under their layer; the loss terms
    (the compiled loss of an `Autoencoder`, both terms of a VAE) are listed
    at the bottom.

    Args:
        model: a Keras functional or `Sequential` model, or a keras_ae
            `Autoencoder`, `VariationalAutoencoder` or `AutoregressiveModel`
            whose parts are such models. Subclassed models without a layer
            graph are drawn as a single box.
        ax: matplotlib `Axes` to draw on. Defaults to `None` (a new figure).
        title: optional title.

    Returns:
        The `matplotlib.figure.Figure`.

    Example:

    >>> from keras_ae.models import build_dense_autoencoder
    >>> from keras_ae.regularizers import KLSparsity
    >>> model = build_dense_autoencoder(
    ...     784, 64, code_activation="sigmoid", activity_regularizer=KLSparsity(0.05, 3.0))
    >>> model.compile(loss="binary_crossentropy")
    >>> fig = plot_architecture(model, title="Sparse autoencoder")
    """
    graph, losses = _architecture_graph(model)
    rank = _ranks(graph)
    columns = {}
    for key in graph.nodes:
        columns.setdefault(rank[key], []).append(key)
    largest = max((_features(n["shape"]) or 0 for n in graph.nodes.values()), default=0)
    n_columns = max(columns) + 1
    width = max(6.0, 1.05 * n_columns + 1.0)
    rows = max(len(keys) for keys in columns.values())
    fig, ax, created = new_figure(ax, (width, 2.2 + 1.4 * rows + 0.2 * len(losses)))
    spacing_x, spacing_y = 1.6, 5.2
    positions, heights = {}, {}
    for column, keys in columns.items():
        for i, key in enumerate(keys):
            positions[key] = (column * spacing_x, ((len(keys) - 1) / 2 - i) * spacing_y)
            node = graph.nodes[key]
            small = node["kind"] in ("merge", "reshape")
            heights[key] = 0.6 if small else _box_height(_features(node["shape"]), largest)
    box_width = 0.7
    skip_tops = [0.0]
    for key, node in graph.nodes.items():
        x, y = positions[key]
        h = heights[key]
        style = "circle,pad=0.1" if node["kind"] == "merge" else "round,pad=0.04"
        if node["kind"] == "sampling":
            style = "round,pad=0.12"
        ax.add_patch(
            FancyBboxPatch(
                (x - box_width / 2, y - h / 2),
                box_width,
                h,
                boxstyle=style,
                facecolor=_COLOURS[node["kind"]],
                edgecolor="#333333",
                linestyle="--" if node["kind"] == "noise" else "-",
                linewidth=1.0,
                zorder=2,
            )
        )
        ax.text(x, y + h / 2 + 0.2, node["name"], ha="center", va="bottom", fontsize=7)
        details = [_shape_text(node["shape"])]
        if node["activation"]:
            details.append(node["activation"])
        details.extend(node["notes"])
        ax.text(
            x,
            y - h / 2 - 0.15,
            "\n".join(d for d in details if d),
            ha="center",
            va="top",
            fontsize=6.5,
            color="#333333",
        )
    for source, target, style in graph.edges:
        (x0, y0), (x1, y1) = positions[source], positions[target]
        skip = style == "tie" or (rank[target] - rank[source] > 1 and y0 == y1)
        if skip:
            # Over the boxes: up, across at a height that grows with the
            # distance (so nested skips do not cross), and down.
            level = max(y + heights[k] / 2 for k, (_, y) in positions.items()) + 0.8
            level += 0.35 * (rank[target] - rank[source])
            path = Path(
                [
                    (x0, y0 + heights[source] / 2 + 0.6),
                    (x0, level),
                    (x1, level),
                    (x1, y1 + heights[target] / 2 + 0.6),
                ]
            )
            arrow = FancyArrowPatch(path=path, arrowstyle="-|>", mutation_scale=8)
        else:
            level = 0.0
            arrow = FancyArrowPatch(
                (x0 + box_width / 2, y0),
                (x1 - box_width / 2, y1),
                arrowstyle="-|>",
                mutation_scale=8,
                shrinkA=2,
                shrinkB=2,
            )
        arrow.set(
            linewidth=0.9,
            linestyle=":" if style == "tie" else "-",
            color="#555555" if style == "data" else "#b15928",
            gid="tie" if style == "tie" else "skip" if skip else "edge",
            zorder=1,
        )
        ax.add_patch(arrow)
        skip_tops.append(level)
    xs = [p[0] for p in positions.values()]
    ys = [p[1] for p in positions.values()]
    top = max(max(ys) + max(heights.values()) / 2 + 0.8, max(skip_tops) + 0.3)
    bottom = min(ys) - max(heights.values()) / 2 - 1.6
    if losses:
        ax.text(
            min(xs) - box_width / 2,
            bottom,
            "loss: " + "\n      ".join(losses),
            ha="left",
            va="top",
            fontsize=7.5,
        )
        bottom -= 0.45 * len(losses) + 0.2
    ax.set_xlim(min(xs) - 1.0, max(xs) + 1.0)
    ax.set_ylim(bottom, top)
    hide_frame(ax)
    if title is not None:
        ax.set_title(title)
    return finish(fig, created)


def plot_belief_network(weights, *, max_units=6, ax=None, title=None):
    """Draws an RBM, or a stack of them (a deep belief network), as a graph.

    The layers are drawn bottom (visible units) to top, each as a row of at
    most `max_units` circles labelled with its true size. One weight matrix
    gives a restricted Boltzmann machine: every visible unit connects to
    every hidden unit and no unit to another of its own layer, the
    bipartite graph whose undirected edges the lecture's energy sums over.
    With several matrices, the top two layers form an RBM (undirected) and
    the layers below are reached by directed, top-down connections: a deep
    belief network's generative model.

    Args:
        weights: a weight matrix `W` of shape `(n_visible, n_hidden)`, or a
            sequence of them whose shapes chain (`W_k.shape[1] ==
            W_{k+1}.shape[0]`), bottom layer first.
        max_units: positive int. Circles drawn per layer. Defaults to `6`.
        ax: matplotlib `Axes` to draw on. Defaults to `None` (a new figure).
        title: optional title.

    Returns:
        The `matplotlib.figure.Figure`.

    Example:

    >>> import numpy as np
    >>> fig = plot_belief_network([np.zeros((784, 200)), np.zeros((200, 100))])
    """
    max_units = check_positive_int("max_units", max_units)
    if isinstance(weights, np.ndarray) or hasattr(weights, "shape"):
        weights = [weights]
    shapes = []
    for matrix in weights if isinstance(weights, (list, tuple)) else ():
        shape = tuple(getattr(matrix, "shape", ()))
        if len(shape) != 2:
            shapes = None
            break
        shapes.append(shape)
    if not shapes or any(a[1] != b[0] for a, b in zip(shapes, shapes[1:], strict=False)):
        raise invalid_argument(
            "weights",
            "a 2-D weight matrix or a sequence of them whose shapes chain "
            "(W_k.shape[1] == W_{k+1}.shape[0])",
            received=f"shapes={[tuple(getattr(w, 'shape', ())) for w in weights]}"
            if isinstance(weights, (list, tuple))
            else f"weights={weights!r}",
        )
    sizes = [shapes[0][0]] + [shape[1] for shape in shapes]
    fig, ax, created = new_figure(ax, (6.0, 0.5 + 0.9 * len(sizes)))
    drawn = []
    for level, size in enumerate(sizes):
        shown = min(size, max_units)
        xs = np.linspace(-(shown - 1) / 2, (shown - 1) / 2, shown) if shown > 1 else np.zeros(1)
        drawn.append(xs)
        for x in xs:
            ax.add_patch(
                FancyBboxPatch(
                    (x - 0.18, level * 1.5 - 0.18),
                    0.36,
                    0.36,
                    boxstyle="circle,pad=0.0",
                    facecolor=_COLOURS["input" if level == 0 else "layer"],
                    edgecolor="#333333",
                    zorder=2,
                )
            )
        name = "v" if level == 0 else f"h{level}" if len(sizes) > 2 else "h"
        more = f" ({shown} drawn)" if size > shown else ""
        ax.text(max(xs) + 0.5, level * 1.5, f"{name}: {size} units{more}", va="center", fontsize=8)
    for level in range(len(sizes) - 1):
        undirected = level == len(sizes) - 2
        for x_low in drawn[level]:
            for x_high in drawn[level + 1]:
                ax.add_patch(
                    FancyArrowPatch(
                        (x_high, (level + 1) * 1.5 - 0.2),
                        (x_low, level * 1.5 + 0.2),
                        arrowstyle="-" if undirected else "-|>",
                        mutation_scale=6,
                        linewidth=0.5,
                        color="#777777",
                        zorder=1,
                    )
                )
        label = "RBM (undirected)" if undirected else "directed, top-down"
        ax.text(
            min(drawn[level].min(), drawn[level + 1].min()) - 0.6,
            level * 1.5 + 0.75,
            f"W{level + 1}: {shapes[level][0]}\u00d7{shapes[level][1]}\n{label}",
            ha="right",
            va="center",
            fontsize=7,
        )
    ax.set_xlim(-max_units / 2 - 3.2, max_units / 2 + 3.0)
    ax.set_ylim(-0.6, (len(sizes) - 1) * 1.5 + 0.6)
    ax.set_aspect("equal")
    hide_frame(ax)
    if title is not None:
        ax.set_title(title)
    return finish(fig, created)
