#!/usr/bin/python3
"""One training step of our BERT / DistilBERT sequence classifiers in plain torch.nn, timed.

Mirrors src/PpkmOnnx.Training/Models/{Bert,DistilBert}ForSequenceClassification.cs and the step that
tools/PpkmOnnx.Training.Bench times (`step` mode): random init N(0, 0.02), dropout 0.1 everywhere, Hugging Face
additive mask, erf GELU, AdamW(lr 2e-5, betas 0.9/0.999, eps 1e-8, weight decay 0.01 on weights but not on biases
or LayerNorm), cross-entropy, clip_grad_norm_(1.0). Prints one JSON line with the per-step seconds.

Usage: /usr/bin/python3 bert_step.py [--model teacher|student] [--layers N] [--warmup W] [--steps K]
                                     [--batch B] [--seq S] [--threads T]
Reference only (Debian python3-torch); not part of the .NET build.
"""
import argparse
import json
import math
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

VOCAB, HIDDEN, HEADS, INTERMEDIATE, LABELS, MAX_POS, TYPES = 30522, 384, 12, 1536, 3, 512, 2
DROPOUT, EPS = 0.1, 1e-12


def attention(q, k, v, mask, heads, training):
    b, s, h = q.shape
    size = h // heads

    def split(t):
        return t.view(b, s, heads, size).transpose(1, 2)

    scores = split(q).matmul(split(k).transpose(-1, -2)) / math.sqrt(size) + mask
    probs = F.dropout(F.softmax(scores, dim=-1), DROPOUT, training)
    return probs.matmul(split(v)).transpose(1, 2).reshape(b, s, h)


def additive_mask(attention_mask, dtype):
    m = attention_mask.to(dtype)[:, None, None, :]
    return (1.0 - m) * torch.finfo(dtype).min


class BertLayer(nn.Module):
    """Post-LN encoder layer, separate q/k/v projections (transformers' BertLayer)."""

    def __init__(self):
        super().__init__()
        self.query, self.key, self.value = nn.Linear(HIDDEN, HIDDEN), nn.Linear(HIDDEN, HIDDEN), nn.Linear(HIDDEN, HIDDEN)
        self.attention_output = nn.Linear(HIDDEN, HIDDEN)
        self.attention_norm = nn.LayerNorm(HIDDEN, eps=EPS)
        self.intermediate = nn.Linear(HIDDEN, INTERMEDIATE)
        self.output = nn.Linear(INTERMEDIATE, HIDDEN)
        self.output_norm = nn.LayerNorm(HIDDEN, eps=EPS)

    def forward(self, x, mask, attention_output_dropout=True):
        context = attention(self.query(x), self.key(x), self.value(x), mask, HEADS, self.training)
        projected = self.attention_output(context)
        if attention_output_dropout:  # BERT drops here; DistilBERT does not
            projected = F.dropout(projected, DROPOUT, self.training)
        attended = self.attention_norm(projected + x)
        inner = F.gelu(self.intermediate(attended))  # erf GELU ("gelu")
        return self.output_norm(F.dropout(self.output(inner), DROPOUT, self.training) + attended)


class SequenceClassifier(nn.Module):
    """teacher: BertForSequenceClassification; student: DistilBertForSequenceClassification (no token types,
    no dropout after the attention projection, pre_classifier + ReLU head)."""

    def __init__(self, distil, layers):
        super().__init__()
        self.distil = distil
        self.word_embeddings = nn.Embedding(VOCAB, HIDDEN)
        self.position_embeddings = nn.Embedding(MAX_POS, HIDDEN)
        self.token_type_embeddings = None if distil else nn.Embedding(TYPES, HIDDEN)
        self.embedding_norm = nn.LayerNorm(HIDDEN, eps=EPS)
        self.layers = nn.ModuleList(BertLayer() for _ in range(layers))
        self.pooler = nn.Linear(HIDDEN, HIDDEN)  # DistilBERT's pre_classifier
        self.classifier = nn.Linear(HIDDEN, LABELS)
        self._init_weights()

    def _init_weights(self):
        # transformers' _init_weights: Linear/Embedding N(0, 0.02), biases 0, LayerNorm 1/0, padding row 0.
        with torch.no_grad():
            for name, p in self.named_parameters():
                if "norm" in name:
                    p.fill_(1.0) if name.endswith(".weight") else p.zero_()
                elif name.endswith(".bias"):
                    p.zero_()
                else:
                    p.normal_(0.0, 0.02)
            self.word_embeddings.weight[0].zero_()

    def forward(self, input_ids, attention_mask, token_type_ids):
        positions = torch.arange(input_ids.shape[1], dtype=torch.int64).unsqueeze(0)
        x = self.word_embeddings(input_ids) + self.position_embeddings(positions)
        if self.token_type_embeddings is not None:
            x = x + self.token_type_embeddings(token_type_ids)
        x = F.dropout(self.embedding_norm(x), DROPOUT, self.training)
        mask = additive_mask(attention_mask, x.dtype)
        for layer in self.layers:
            x = layer(x, mask, attention_output_dropout=not self.distil)
        first = x[:, 0]
        pooled = F.relu(self.pooler(first)) if self.distil else torch.tanh(self.pooler(first))
        return self.classifier(F.dropout(pooled, DROPOUT, self.training))


def adamw(model, lr, weight_decay):
    decayed, plain = [], []
    for name, p in model.named_parameters():
        (plain if name.endswith(".bias") or "norm" in name else decayed).append(p)
    return torch.optim.AdamW([{"params": decayed, "weight_decay": weight_decay}, {"params": plain, "weight_decay": 0.0}],
                             lr=lr, betas=(0.9, 0.999), eps=1e-8)


def loaded_blas():
    """The BLAS library this process really mapped (Debian's libblas.so.3 alternative decides it)."""
    try:
        with open("/proc/self/maps") as maps:
            paths = {line.split()[-1] for line in maps if "blas" in line.lower() and "/" in line}
        return sorted(paths)
    except OSError:
        return []


def resident_mb(key):
    """VmRSS or VmHWM (the peak) of this process in MB from /proc/self/status, as .NET's WorkingSet and PeakWorkingSet64 read them."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(key + ":"):
                return round(int(line.split()[1]) / 1024, 1)
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", choices=["teacher", "student"], default="teacher")
    ap.add_argument("--layers", type=int, default=None, help="encoder layers (default 6 teacher, 3 student)")
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--steps", type=int, default=3)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--seq", type=int, default=64)
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    layers = a.layers or (6 if a.model == "teacher" else 3)

    torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    model = SequenceClassifier(a.model == "student", layers)
    model.train()
    ids = torch.randint(5, VOCAB, (a.batch, a.seq))
    mask = torch.ones(a.batch, a.seq, dtype=torch.int64)
    types = torch.zeros(a.batch, a.seq, dtype=torch.int64)
    labels = torch.randint(0, LABELS, (a.batch,))
    resident_before = resident_mb("VmRSS")  # before the optimizer and the first step, as the TorchSharp side reads it
    optimizer = adamw(model, 2e-5, 0.01)
    parameters = list(model.parameters())

    times, phases = [], [0.0, 0.0, 0.0, 0.0]  # forward (incl. zero_grad, loss), backward, clip, optimizer
    for i in range(a.warmup + a.steps):
        marks = [time.perf_counter()]
        optimizer.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(ids, mask, types), labels)
        marks.append(time.perf_counter())
        loss.backward()
        marks.append(time.perf_counter())
        torch.nn.utils.clip_grad_norm_(parameters, 1.0)
        marks.append(time.perf_counter())
        optimizer.step()
        marks.append(time.perf_counter())
        if i >= a.warmup:
            times.append(marks[-1] - marks[0])
            for j in range(4):
                phases[j] += (marks[j + 1] - marks[j]) / a.steps

    print(json.dumps({
        "impl": "pytorch", "version": torch.__version__, "model": a.model, "layers": layers,
        "batch": a.batch, "seq": a.seq, "threads": torch.get_num_threads(), "warmup": a.warmup,
        "params": sum(p.numel() for p in parameters), "blas": loaded_blas(), "step_seconds": [round(t, 4) for t in times],
        "resident_mb_before_steps": resident_before, "peak_resident_mb": resident_mb("VmHWM"),
        "phase_seconds": dict(zip(("forward", "backward", "clip", "optimizer"), (round(x, 4) for x in phases))),
    }))


if __name__ == "__main__":
    main()
