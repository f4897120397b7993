"""A small, deterministic binary container for a model: a JSON manifest plus raw numpy arrays.

Not pickle: a stored model can be read back without executing code, stays readable across
library upgrades, and equal content always gives equal bytes (no timestamps, sorted keys).
"""

from __future__ import annotations

import json
import struct
import zlib

import numpy as np

MAGIC = b"BPTC\x01"  # Buurtplatform theme classifier, container format 1
_ALLOWED_DTYPES = ("float64", "float32", "int64", "int32")


class ModelFormatError(ValueError):
    """The bytes are not a model this code can read."""


def pack(manifest: dict, arrays: dict[str, np.ndarray]) -> bytes:
    specs, chunks, offset = [], [], 0
    for name in sorted(arrays):
        array = np.ascontiguousarray(arrays[name])
        if array.dtype.name not in _ALLOWED_DTYPES:
            raise TypeError(f"array {name!r} has unsupported dtype {array.dtype}")
        raw = array.astype(array.dtype.newbyteorder("<"), copy=False).tobytes()
        specs.append({"name": name, "dtype": array.dtype.name, "shape": list(array.shape), "offset": offset})
        chunks.append(raw)
        offset += len(raw)
    header = json.dumps(
        {"manifest": manifest, "arrays": specs}, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    header_bytes = header.encode("utf-8")
    payload = struct.pack("<Q", len(header_bytes)) + header_bytes + b"".join(chunks)
    return MAGIC + zlib.compress(payload, 6)


def unpack(blob: bytes) -> tuple[dict, dict[str, np.ndarray]]:
    if not blob.startswith(MAGIC):
        raise ModelFormatError("not a Buurtplatform classifier model (bad magic bytes)")
    try:
        payload = zlib.decompress(blob[len(MAGIC) :])
        (header_length,) = struct.unpack_from("<Q", payload)
        header = json.loads(payload[8 : 8 + header_length].decode("utf-8"))
    except (zlib.error, struct.error, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ModelFormatError(f"corrupt model: {error}") from error
    data_start = 8 + header_length
    arrays = {}
    for spec in header["arrays"]:
        if spec["dtype"] not in _ALLOWED_DTYPES:
            raise ModelFormatError(f"unsupported dtype {spec['dtype']!r}")
        dtype = np.dtype(spec["dtype"]).newbyteorder("<")
        count = int(np.prod(spec["shape"], dtype=np.int64))
        start = data_start + spec["offset"]
        if start + count * dtype.itemsize > len(payload):
            raise ModelFormatError(f"array {spec['name']!r} is truncated")
        array = np.frombuffer(payload, dtype=dtype, count=count, offset=start).reshape(spec["shape"])
        arrays[spec["name"]] = array.astype(dtype.newbyteorder("="))
    return header["manifest"], arrays
