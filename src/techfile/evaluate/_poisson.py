"""Poisson(1) bootstrap weights, drawn fast and exactly by inverse CDF.

The Poisson bootstrap gives each case an independent Poisson(1) weight (Hanley and MacGibbon
2006). ``numpy.random.Generator.poisson`` draws about 25 million values per second; a grouped
bootstrap of a million cases needs a million weights per replicate, which would then cost more
than all the arithmetic on them. This module draws them at about 300 million per second:

1. a 16-bit uniform ``u`` per case, from the generator's raw 64-bit output (four per word,
   read as little-endian so that a seed gives the same weights on every machine);
2. ``k = TABLE[u]``, where ``TABLE[j]`` is the inverse CDF of Poisson(1) on the whole interval
   ``[j / 2**16, (j + 1) / 2**16)`` whenever that interval holds a single value of it;
3. the 8 of 65,536 intervals that straddle a jump of the CDF (``u`` lands in one about once
   in 8,000 cases) hold a marker instead; those cases draw a second, 53-bit uniform ``r`` and
   take the inverse CDF at ``(u + r) / 2**16``, uniform on their interval.

So every weight is the inverse CDF at a uniform of 16 + 53 bits: Poisson(1) exactly, up to the
float64 resolution of its CDF (values above 20, of probability below 10^-19, never occur).
"""

from __future__ import annotations

import math
from typing import Final

import numpy as np
import numpy.typing as npt

__all__ = ["MAX_POISSON_WEIGHT", "poisson_weights"]

_BITS: Final = 16
_BUCKETS: Final = 1 << _BITS
_MARK: Final = 255
"""Table entry of an interval that straddles a jump of the CDF: draw again."""
MAX_POISSON_WEIGHT: Final = 20
"""The largest weight drawn: P(X > 20) is below 10^-19 for X ~ Poisson(1)."""


def _poisson_cdf() -> npt.NDArray[np.float64]:
    pmf = [math.exp(-1.0) / math.factorial(k) for k in range(MAX_POISSON_WEIGHT + 1)]
    cdf = np.cumsum(pmf)
    cdf[-1] = 1.0  # the tail beyond 20 (< 1e-19) goes to 20, so every uniform in [0, 1) maps
    return cdf


_CDF: Final = _poisson_cdf()


def _table() -> npt.NDArray[np.uint8]:
    edges = np.arange(_BUCKETS + 1, dtype=np.float64) / _BUCKETS
    # The inverse CDF is min{k : CDF(k) > u}; it is constant on a bucket [lo, hi) unless a
    # value of the CDF lies strictly inside it.
    first = np.searchsorted(_CDF, edges[:-1], side="right")
    jumps = np.searchsorted(_CDF, edges[1:], side="left") - first
    return np.where(jumps == 0, first, _MARK).astype(np.uint8)


_TABLE: Final = _table()


def poisson_weights(rng: np.random.Generator, size: int) -> npt.NDArray[np.uint8]:
    """Draw ``size`` independent Poisson(1) weights.

    The same generator state gives the same weights on every platform. Uses the generator's
    raw output (``ceil(size / 4)`` words) and, for about one case in 8,000, one more double.

    Args:
        rng: The generator to draw from; its state advances.
        size: How many weights.

    Returns:
        The weights, each between 0 and `MAX_POISSON_WEIGHT`.
    """
    words = rng.bit_generator.random_raw(-(-size // 4))
    # Read as little-endian 16-bit pieces (no copy on a little-endian machine).
    uniforms = words.astype("<u8", copy=False).view("<u2")[:size]
    weights = np.take(_TABLE, uniforms)
    marked = np.flatnonzero(weights == _MARK)
    if marked.size:
        refined = (uniforms[marked] + rng.random(marked.size)) / _BUCKETS
        weights[marked] = np.searchsorted(_CDF, refined, side="right")
    return weights
