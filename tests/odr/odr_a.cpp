// SPDX-License-Identifier: Apache-2.0
// Copyright The rigging Authors
// Translation unit A of the ODR test. It and odr_b.cpp both include the umbrella, so a header that
// defines a non-inline function or variable makes the link of rigging_tests fail with a multiple definition.
#include "odr/odr.hpp"

#include <rigging/rigging.hpp>

namespace rigging_odr {

// Extend both files alike with uses of the public templates, so both instantiate the same specialisations.
int versionSeenByA() { return RIGGING_VERSION; }

}  // namespace rigging_odr
