// SPDX-License-Identifier: Apache-2.0
// Copyright The rigging Authors
// The two translation units of the ODR test: each includes the umbrella and reports what it saw.
#pragma once

namespace rigging_odr {

int versionSeenByA();
int versionSeenByB();

}  // namespace rigging_odr
