// SPDX-License-Identifier: Apache-2.0
// Copyright The rigging Authors
// The consumer's program: it compiles against the installed headers and prints the version it found.
#include <rigging/rigging.hpp>

#include <cstdio>

int main() {
  std::printf("rigging consumer ok %d.%d.%d\n", RIGGING_VERSION_MAJOR, RIGGING_VERSION_MINOR,
              RIGGING_VERSION_PATCH);
  return 0;
}
