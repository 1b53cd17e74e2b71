// SPDX-License-Identifier: Apache-2.0
// Small service types shared by the tests.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rigging::test {

struct Named {
  explicit Named(std::string n) : name(std::move(n)) {}
  std::string name;
};

struct Holder {
  Named* named = nullptr;
};

struct Greeter {
  virtual ~Greeter() = default;
  virtual std::string greet(std::string_view who) = 0;
};

struct PlainGreeter : Greeter {
  std::string greet(std::string_view who) override { return "hello " + std::string(who); }
};

struct SuffixGreeter : Greeter {
  SuffixGreeter(Greeter& inner, std::string suffix) : inner_(&inner), suffix_(std::move(suffix)) {}
  std::string greet(std::string_view who) override { return inner_->greet(who) + suffix_; }

 private:
  Greeter* inner_;
  std::string suffix_;
};

/// Counts live instances and records construction and destruction order.
struct Counted {
  explicit Counted(std::string_view n) : name(n) {
    ++live;
    ++created;
    names.push_back(name);
  }
  Counted(Counted&& other) noexcept : name(std::move(other.name)) {
    ++live;
    other.moved = true;
  }
  Counted(const Counted&) = delete;
  Counted& operator=(const Counted&) = delete;
  Counted& operator=(Counted&&) = delete;
  ~Counted() {
    --live;
    if (!moved) destroyed.push_back(name);
  }

  static void reset() {
    live = 0;
    created = 0;
    names.clear();
    destroyed.clear();
  }

  std::string name;
  bool moved = false;
  static inline int live = 0;
  static inline int created = 0;
  static inline std::vector<std::string> names;
  static inline std::vector<std::string> destroyed;
};

}  // namespace rigging::test
