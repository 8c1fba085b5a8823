"""Code export to PyTorch: a runnable script with the drawn weights embedded.

A `sequential` Plan becomes `nn.Sequential` of Linear (and RBF) modules and activations; any other
plan a `DrawnNetwork` of `Masked` groups, each appending its units' columns.  Everything computes
in float64, so the outputs match nnsim's.
"""
from __future__ import annotations

from .codegen import Plan, check_block, header, safe_names, suggested_loss, untrainable_note, weights_block
from .network import Network

TORCH_ACT = {"linear": None, "sigmoid": "nn.Sigmoid()", "tanh": "nn.Tanh()", "relu": "nn.ReLU()",
             "softmax": "nn.Softmax(dim=1)", "step": "Step()", "sign": "Sign()"}
TORCH_UNITS = '''

class Step(nn.Module):
    """nnsim's threshold unit: 1 when z > 0, else 0.  Its gradient is zero: it cannot be trained."""

    def forward(self, z):
        return (z > 0).to(z.dtype)


class Sign(nn.Module):
    """nnsim's sign unit: +1 when z >= 0, else -1 (torch.sign(0) is 0).  Not trainable either."""

    def forward(self, z):
        return torch.where(z >= 0, torch.ones_like(z), -torch.ones_like(z))
'''
TORCH_RBF = '''

class RBF(nn.Module):
    """Gaussian radial-basis units: y_j = exp(-beta_j * ||x - c_j||^2).  The centres c_j are the
    incoming weights (columns of `centres`); the bandwidths beta_j stay fixed."""

    def __init__(self, n_in, units, beta):
        super().__init__()
        self.centres = nn.Parameter(torch.zeros(n_in, units))
        self.register_buffer("beta", torch.tensor(beta, dtype=torch.float64))

    def forward(self, x):
        c = self.centres
        d2 = (x * x).sum(1, keepdim=True) - 2.0 * x @ c + (c * c).sum(0)
        return torch.exp(-self.beta * d2.clamp(min=0.0))
'''
TORCH_MASKED = '''

class Masked(nn.Module):
    """Units that share an activation.  They read the columns `sources` of every output computed
    so far (inputs first, then earlier groups: skip connections are just columns), and a fixed 0/1
    mask keeps the synapses that were not drawn at zero, also while training.  With `beta` the
    units are gaussian RBF units: exp(-beta * ||x - c||^2), the centres c being the weights."""

    def __init__(self, sources, mask, activation=None, beta=None):
        super().__init__()
        mask = torch.tensor(np.asarray(mask).T)  # (units, sources), like nn.Linear's weight
        self.register_buffer("sources", torch.tensor(sources, dtype=torch.long))
        self.register_buffer("mask", mask)
        self.weight = nn.Parameter(torch.zeros_like(mask))
        self.bias = nn.Parameter(torch.zeros(mask.shape[0])) if beta is None else None
        self.register_buffer("beta", None if beta is None else torch.tensor(beta, dtype=torch.float64))
        self.activation = activation or nn.Identity()

    def forward(self, a):
        x = a[:, self.sources]
        w = self.weight * self.mask
        if self.beta is None:
            return self.activation(x @ w.T + self.bias)
        d2 = (x * x) @ self.mask.T - 2.0 * x @ w.T + (w * w).sum(1)
        return torch.exp(-self.beta * d2.clamp(min=0.0))


class DrawnNetwork(nn.Module):
    """The groups in order, each appending its units' columns; the outputs are chosen columns."""

    def __init__(self, groups, outputs):
        super().__init__()
        self.groups = nn.ModuleList(groups)
        self.register_buffer("outputs", torch.tensor(outputs, dtype=torch.long))

    def forward(self, x):
        a = x
        for group in self.groups:
            a = torch.cat([a, group(a)], dim=1)
        return a[:, self.outputs]
'''
TORCH_LOSS = {"binary_crossentropy": "nn.BCELoss()", "mse": "nn.MSELoss()",
              "categorical_crossentropy": "lambda p, y: -(y * torch.log(p)).sum(1).mean()"
                                          "  # one-hot y; the model ends in softmax"}


def pytorch_code(net: Network, p: Plan) -> str:
    acts = {g.activation for g in p.groups}
    out = [header(net, "PyTorch", p), "import torch\nfrom torch import nn\n"]
    if acts & {"step", "sign"}:
        out.append(TORCH_UNITS)
    if not p.sequential:
        out.append(TORCH_MASKED)
    elif "gaussian" in acts:
        out.append(TORCH_RBF)
    out.append(weights_block(p, "transposed into nn.Linear's weight below"))
    copies = []
    if p.sequential:
        out.append(f"\nmodel = nn.Sequential(  # inputs: {safe_names(p.inputs)}\n")
        index, n_in = 0, len(p.inputs)
        for k, g in enumerate(p.groups, start=1):
            if g.beta is None:
                out.append(f"    nn.Linear({n_in}, {len(g.units)}),  # {safe_names(g.units)}\n")
                copies += [f"model[{index}].weight.copy_(torch.from_numpy(W{k}).T)",
                           f"model[{index}].bias.copy_(torch.from_numpy(b{k}))"]
                if TORCH_ACT[g.activation]:
                    out.append(f"    {TORCH_ACT[g.activation]},\n")
                    index += 1
            else:
                out.append(f"    RBF({n_in}, {len(g.units)}, beta={g.beta!r}),  # {safe_names(g.units)}\n")
                copies.append(f"model[{index}].centres.copy_(torch.from_numpy(W{k}))")
            index, n_in = index + 1, len(g.units)
        out.append(").to(torch.float64)\n")
    else:
        out.append("\nmodel = DrawnNetwork([  # inputs first, then each group's units\n")
        for k, g in enumerate(p.groups, start=1):
            kind = f"beta={g.beta!r}" if g.beta else (TORCH_ACT[g.activation] or "None")
            out.append(f"    Masked({g.sources}, M{k}, {kind}),  # {safe_names(g.units)}\n")
            copies.append(f"model.groups[{k - 1}].weight.copy_(torch.from_numpy(W{k}).T)")
            if not g.beta:
                copies.append(f"model.groups[{k - 1}].bias.copy_(torch.from_numpy(b{k}))")
        out.append(f"], outputs={p.outputs}).to(torch.float64)  # outputs: {safe_names(p.output_names)}\n")
    out.append("\nwith torch.no_grad():  # nn.Linear keeps its weight as (out, in): W transposed\n"
               + "".join(f"    {c}\n" for c in copies))
    loss, _ = suggested_loss(p)
    out.append(untrainable_note(acts))
    out.append("# Train it further with your own data (float64 tensors x_train, y_train):\n"
               "# optimizer = torch.optim.Adam(model.parameters())\n"
               f"# loss_fn = {TORCH_LOSS[loss]}\n"
               "# for epoch in range(10):\n"
               "#     for i in range(0, len(x_train), 32):\n"
               "#         xb, yb = x_train[i:i + 32], y_train[i:i + 32]\n"
               "#         optimizer.zero_grad()\n"
               "#         loss = loss_fn(model(xb), yb)\n"
               "#         loss.backward()\n"
               "#         optimizer.step()\n")
    out.append(check_block(net, p, "model(torch.from_numpy(x_check)).detach().numpy()"))
    return "".join(out)
