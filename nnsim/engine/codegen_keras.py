"""Code export to TensorFlow/Keras: a runnable script with the drawn weights embedded.

A `sequential` Plan becomes `tf.keras.Sequential` of Dense (and RBF) layers; any other plan a
functional model of `Masked` groups, each concatenating its units' columns.  Everything computes
in float64, so the outputs match nnsim's.
"""
from __future__ import annotations

from .codegen import Plan, check_block, header, safe_names, suggested_loss, untrainable_note, weights_block
from .network import Network

KERAS_ACT = {"linear": '"linear"', "sigmoid": '"sigmoid"', "tanh": '"tanh"', "relu": '"relu"',
             "softmax": '"softmax"', "step": "step", "sign": "sign"}
KERAS_UNITS = '''
def step(z):
    """nnsim's threshold unit: 1 when z > 0, else 0.  Its gradient is zero: it cannot be trained."""
    return tf.cast(z > 0, z.dtype)


def sign(z):
    """nnsim's sign unit: +1 when z >= 0, else -1 (tf.sign(0) is 0).  Not trainable either."""
    return tf.where(z >= 0, tf.ones_like(z), -tf.ones_like(z))
'''
KERAS_RBF = '''

class RBF(tf.keras.layers.Layer):
    """Gaussian radial-basis units: y_j = exp(-beta_j * ||x - c_j||^2).  The centres c_j are the
    incoming weights (columns of the kernel); the bandwidths beta_j stay fixed."""

    def __init__(self, units, beta, **kwargs):
        super().__init__(**kwargs)
        self.units, self.beta = units, np.asarray(beta, "float64")

    def build(self, input_shape):
        self.centres = self.add_weight(name="centres", shape=(input_shape[-1], self.units))

    def call(self, x):
        c = self.centres
        d2 = tf.reduce_sum(x * x, axis=1, keepdims=True) - 2.0 * tf.matmul(x, c) + tf.reduce_sum(
            c * c, axis=0)
        return tf.exp(-tf.constant(self.beta, dtype=x.dtype) * tf.maximum(d2, 0.0))
'''
KERAS_MASKED = '''

class Masked(tf.keras.layers.Layer):
    """Units that share an activation.  They read the columns `sources` of every output computed
    so far (inputs first, then earlier groups: skip connections are just columns), and a fixed 0/1
    mask keeps the synapses that were not drawn at zero, also while training.  With `beta` the
    units are gaussian RBF units: exp(-beta * ||x - c||^2), the centres c being the weights."""

    def __init__(self, sources, mask, activation="linear", beta=None, **kwargs):
        super().__init__(**kwargs)
        # numpy arrays: Keras leaves them alone (it wraps plain lists in trackers)
        self.sources, self.mask_value = np.asarray(sources, "int32"), np.asarray(mask, "float64")
        self.unit_activation = activation
        self.beta = None if beta is None else np.asarray(beta, "float64")

    def build(self, input_shape):
        self.kernel = self.add_weight(name="kernel", shape=self.mask_value.shape)
        if self.beta is None:
            self.bias = self.add_weight(name="bias", shape=(self.mask_value.shape[1],))

    def call(self, a):
        x = tf.gather(a, self.sources, axis=1)
        m = tf.constant(self.mask_value, dtype=a.dtype)
        w = self.kernel * m
        if self.beta is None:
            return tf.keras.activations.get(self.unit_activation)(tf.matmul(x, w) + self.bias)
        d2 = tf.matmul(x * x, m) - 2.0 * tf.matmul(x, w) + tf.reduce_sum(w * w, axis=0)
        return tf.exp(-tf.constant(self.beta, dtype=a.dtype) * tf.maximum(d2, 0.0))


class Columns(tf.keras.layers.Layer):
    """Picks the output units' columns."""

    def __init__(self, columns, **kwargs):
        super().__init__(**kwargs)
        self.columns = np.asarray(columns, "int32")

    def call(self, a):
        return tf.gather(a, self.columns, axis=1)
'''


def keras_code(net: Network, p: Plan) -> str:
    acts = {g.activation for g in p.groups}
    out = [header(net, "Keras", p), "import tensorflow as tf\n\n",
           'tf.keras.backend.set_floatx("float64")  # before any layer is made\n']
    if acts & {"step", "sign"}:
        out.append("\n" + KERAS_UNITS)
    if not p.sequential:
        out.append(KERAS_MASKED)
    elif "gaussian" in acts:
        out.append(KERAS_RBF)
    out.append(weights_block(p, "Keras' kernel layout"))
    sets = []
    if p.sequential:
        out.append(f"\nmodel = tf.keras.Sequential([\n    tf.keras.layers.Input(shape=({len(p.inputs)},)),"
                   f"  # {safe_names(p.inputs)}\n")
        for k, g in enumerate(p.groups, start=1):
            if g.beta is None:
                layer = f"tf.keras.layers.Dense({len(g.units)}, activation={KERAS_ACT[g.activation]})"
                sets.append(f"model.layers[{k - 1}].set_weights([W{k}, b{k}])")
            else:
                layer = f"RBF({len(g.units)}, beta={g.beta!r})"
                sets.append(f"model.layers[{k - 1}].set_weights([W{k}])")
            out.append(f"    {layer},  # {safe_names(g.units)}\n")
        out.append("])\n")
    else:
        out.append(f"\ninputs = tf.keras.Input(shape=({len(p.inputs)},))  # {safe_names(p.inputs)}\n"
                   "a = inputs  # every output so far, one column each: inputs, then each group\n")
        for k, g in enumerate(p.groups, start=1):
            kind = f"beta={g.beta!r}" if g.beta else KERAS_ACT[g.activation]
            out.append(f"a = tf.keras.layers.Concatenate()([a, Masked({g.sources}, M{k}, {kind}, "
                       f'name="g{k}")(a)])  # {safe_names(g.units)}\n')
            sets.append(f'model.get_layer("g{k}").set_weights([W{k}' + ("])" if g.beta else f", b{k}])"))
        out.append(f"model = tf.keras.Model(inputs, Columns({p.outputs})(a))"
                   f"  # outputs: {safe_names(p.output_names)}\n")
    out.append("\n" + "\n".join(sets) + "\n")
    loss, metrics = suggested_loss(p)
    out.append(untrainable_note(acts))
    out.append("# Train it further with your own data, as in the lecture:\n"
               f'# model.compile(optimizer="adam", loss="{loss}", metrics={metrics})\n'
               "# model.fit(x_train, y_train, epochs=10, batch_size=32, "
               "validation_data=(x_test, y_test))\n")
    out.append(check_block(net, p, "model.predict(x_check, verbose=0)"))
    return "".join(out)
