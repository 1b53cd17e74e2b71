// SPDX-License-Identifier: Apache-2.0
// Copyright The rigging Authors
// One of two translation units that instantiate the same rigging templates; linked into one binary.
#include "odr/odr.hpp"

#include <rigging/rigging.hpp>

#include <string>

namespace rigging_odr {

Seen seenByB() {
  std::string name;
  auto backend = rigging::createBackend();
  backend.add(sharedFactory);
  backend.add(rigging::createBackendPlugin("odr-b", [&name](rigging::PluginRegistrationPoints& env) {
    env.registerInit(rigging::deps(sharedRef), [&name](Shared& shared) { name = shared.name(); });
  }));
  backend.start();
  return {rigging::detail::typeKey<Shared>(), sharedRef.info(), name};
}

}  // namespace rigging_odr
