// SPDX-License-Identifier: Apache-2.0
// Copyright The rigging Authors
// Links odr_a.cpp and odr_b.cpp into one binary and checks that both saw the same library.
#include "odr/odr.hpp"

#include "support/catch.hpp"

#include <rigging/version.hpp>

TEST_CASE("odr: two translation units that include the umbrella link into one binary", "[odr]") {
  CHECK(rigging_odr::versionSeenByA() == rigging_odr::versionSeenByB());
  CHECK(rigging_odr::versionSeenByA() == RIGGING_VERSION);
}
