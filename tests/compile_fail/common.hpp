// SPDX-License-Identifier: Apache-2.0
// Copyright The rigging Authors
// What every compile-fail case shares: a service interface, an implementation and a ref of each kind.
#pragma once

#include <rigging/rigging.hpp>

#include <memory>
#include <vector>

using namespace rigging;

struct Svc {
  virtual ~Svc() = default;
};
struct Impl : Svc {};
struct Other {};

inline const auto pluginRef = createServiceRef<Svc>("test.plugin");
inline const auto rootRef = createServiceRef<Svc, RootScope>("test.root");
inline const auto manyRef = createServiceRef<Svc>("test.many", multiton);
inline const auto point = createExtensionPoint<Svc>("test.point");
