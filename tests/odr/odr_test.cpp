// SPDX-License-Identifier: Apache-2.0
// Copyright The rigging Authors
// Two translation units that include the umbrella and instantiate the same templates link into one binary
// and agree on every type identity and inline object.
#include "odr/odr.hpp"

#include "support/catch.hpp"

TEST_CASE("odr: two translation units that include the umbrella link into one binary and agree", "[odr]") {
  const auto a = rigging_odr::seenByA();
  const auto b = rigging_odr::seenByB();
  CHECK(a.typeKey == b.typeKey);
  CHECK(a.refInfo == b.refInfo);
  CHECK(a.nameFromBackend == "shared");
  CHECK(b.nameFromBackend == "shared");
}
