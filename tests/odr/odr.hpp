// SPDX-License-Identifier: Apache-2.0
// Copyright The rigging Authors
// What both ODR translation units share: one service, its ref and its factory, all inline.
#pragma once

#include <rigging/rigging.hpp>

#include <memory>
#include <string>

namespace rigging_odr {

struct Shared {
  virtual ~Shared() = default;
  [[nodiscard]] virtual std::string name() const = 0;
};
struct SharedImpl final : Shared {
  [[nodiscard]] std::string name() const override { return "shared"; }
};

inline const auto sharedRef = rigging::createServiceRef<Shared, rigging::RootScope>("odr.shared");
inline const auto sharedFactory =
    rigging::createServiceFactory(sharedRef, rigging::deps(), [] { return std::make_unique<SharedImpl>(); });

struct Seen {
  const void* typeKey;          // rigging's identity of Shared in that translation unit
  const void* refInfo;          // the inline ref's state
  std::string nameFromBackend;  // a backend built in that translation unit
};

Seen seenByA();
Seen seenByB();

}  // namespace rigging_odr
