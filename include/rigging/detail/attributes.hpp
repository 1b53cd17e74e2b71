// SPDX-License-Identifier: Apache-2.0
// Copyright The rigging Authors
// Attributes that keep the code emitted per service small: a header-only library's inline functions are
// otherwise copied into every caller, and a TU with many services calls some of them once per service.
#pragma once

#if defined(__GNUC__) || defined(__clang__)
/// Emitted once per TU and called, never copied into each caller.
#define RIGGING_NOINLINE __attribute__((noinline))
/// Rarely run: kept out of line and optimised for size.
#define RIGGING_COLD __attribute__((noinline, cold))
/// Hot and called from few places in the library itself: copied into each, whatever the inliner estimates.
#define RIGGING_ALWAYS_INLINE __attribute__((always_inline))
#else
#define RIGGING_NOINLINE
#define RIGGING_COLD
#define RIGGING_ALWAYS_INLINE
#endif
