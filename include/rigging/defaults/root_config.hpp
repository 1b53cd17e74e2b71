// SPDX-License-Identifier: Apache-2.0
// Copyright The rigging Authors
// The default `core.rootConfig`: a tree of values given in code, read with dotted keys.
#pragma once

#include <rigging/core_services.hpp>
#include <rigging/errors.hpp>

#include <charconv>
#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

namespace rigging {

/// One configuration value: null, boolean, number, string, array or object (keys in the order given).
///
///     ConfigValue config = ConfigObject{{"backend", ConfigObject{{"listen", ConfigObject{{"port",
///     7007}}}}}};
class ConfigValue;
using ConfigArray = std::vector<ConfigValue>;
using ConfigObject = std::vector<std::pair<std::string, ConfigValue>>;

class ConfigValue {
 public:
  ConfigValue() = default;
  ConfigValue(std::nullptr_t) {}                                       // NOLINT(google-explicit-constructor)
  ConfigValue(bool value) : value_(value) {}                           // NOLINT(google-explicit-constructor)
  ConfigValue(const char* value) : value_(std::string(value)) {}       // NOLINT(google-explicit-constructor)
  ConfigValue(std::string value) : value_(std::move(value)) {}         // NOLINT(google-explicit-constructor)
  ConfigValue(std::string_view value) : value_(std::string(value)) {}  // NOLINT(google-explicit-constructor)
  template <class N>
    requires(std::is_arithmetic_v<N> && !std::is_same_v<N, bool>)
  ConfigValue(N value) : value_(static_cast<double>(value)) {}   // NOLINT(google-explicit-constructor)
  ConfigValue(ConfigArray value) : value_(std::move(value)) {}   // NOLINT(google-explicit-constructor)
  ConfigValue(ConfigObject value) : value_(std::move(value)) {}  // NOLINT(google-explicit-constructor)

  [[nodiscard]] bool isNull() const noexcept { return std::holds_alternative<std::monostate>(value_); }
  [[nodiscard]] const bool* asBoolean() const noexcept { return std::get_if<bool>(&value_); }
  [[nodiscard]] const double* asNumber() const noexcept { return std::get_if<double>(&value_); }
  [[nodiscard]] const std::string* asString() const noexcept { return std::get_if<std::string>(&value_); }
  [[nodiscard]] const ConfigArray* asArray() const noexcept { return std::get_if<ConfigArray>(&value_); }
  [[nodiscard]] const ConfigObject* asObject() const noexcept { return std::get_if<ConfigObject>(&value_); }
  [[nodiscard]] ConfigObject* asObject() noexcept { return std::get_if<ConfigObject>(&value_); }

  /// The value's type as configuration errors name it (Backstage's names: an empty string is "empty-string").
  [[nodiscard]] std::string_view typeName() const noexcept {
    constexpr std::string_view names[] = {"null", "boolean", "number", "string", "array", "object"};
    if (const auto* text = asString(); text != nullptr && text->empty()) return "empty-string";
    return names[value_.index()];
  }

  /// The member `key` of an object, or nullptr.
  [[nodiscard]] const ConfigValue* member(std::string_view key) const noexcept {
    if (const auto* object = asObject()) {
      for (const auto& [name, value] : *object) {
        if (name == key) return &value;
      }
    }
    return nullptr;
  }

 private:
  std::variant<std::monostate, bool, double, std::string, ConfigArray, ConfigObject> value_;
};

namespace detail {

// Backstage's conversions (JavaScript's Number() and its boolean words), for config values that arrive as
// text.
[[nodiscard]] inline std::string_view trimConfigText(std::string_view text) noexcept {
  constexpr std::string_view space = " \t\n\r\f\v";
  const auto first = text.find_first_not_of(space);
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(space) - first + 1);
}

/// A string read as a number as JavaScript's Number() reads it, if it is finite: decimal with an optional
/// sign and exponent, or hexadecimal after `0x`; blank text is 0.
[[nodiscard]] inline std::optional<double> configNumberFromText(std::string_view text) noexcept {
  text = trimConfigText(text);
  if (text.empty()) return 0.0;
  double value = 0;
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    std::uint64_t whole = 0;
    const auto [end, error] = std::from_chars(text.data() + 2, text.data() + text.size(), whole, 16);
    if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
    value = static_cast<double>(whole);
  } else {
    const char* first = text.data();
    if (*first == '+' && text.size() > 1 && text[1] != '-') ++first;  // from_chars takes no '+'
    const auto [end, error] = std::from_chars(first, text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  }
  if (!std::isfinite(value)) return std::nullopt;
  return value;
}

/// y, yes, true, 1, on and n, no, false, 0, off in any case, around spaces, as Backstage reads booleans.
[[nodiscard]] inline std::optional<bool> configBooleanFromText(std::string_view text) noexcept {
  text = trimConfigText(text);
  auto is = [text](std::string_view word) {
    if (text.size() != word.size()) return false;
    for (std::size_t i = 0; i < word.size(); ++i) {
      const char c = text[i] >= 'A' && text[i] <= 'Z' ? static_cast<char>(text[i] - 'A' + 'a') : text[i];
      if (c != word[i]) return false;
    }
    return true;
  };
  for (const std::string_view yes : {"y", "yes", "true", "1", "on"}) {
    if (is(yes)) return true;
  }
  for (const std::string_view no : {"n", "no", "false", "0", "off"}) {
    if (is(no)) return false;
  }
  return std::nullopt;
}

}  // namespace detail

/// One source of configuration and the name errors give it (Backstage's AppConfig): a file's path, `env`, or
/// what configuration given in code is called.
struct ConfigSource {
  ConfigValue data;
  std::string context;
};

/// Reads a ConfigValue tree with dotted keys; the default implementation of RootConfigService.
class ConfigReader final : public RootConfigService {
 public:
  /// `context` names the source in errors (Backstage: the config file, e.g. 'app-config.yaml').
  explicit ConfigReader(ConfigValue data = ConfigObject{}, std::string context = "app-config",
                        std::string prefix = "")
      : data_(std::make_shared<const ConfigValue>(std::move(data))),
        root_(data_.get()),
        context_(std::move(context)),
        prefix_(std::move(prefix)) {}

  /// `data` merged from `sources` (mergeConfigSources makes both): an error about a value names the last
  /// source that holds it, as Backstage's readers do ('... in 'app-config.local.json' ...' or '... in 'env'
  /// ...'); an error about a missing value names `context`.
  ConfigReader(ConfigValue data, std::string context, std::vector<ConfigSource> sources)
      : ConfigReader(std::move(data), std::move(context)) {
    sources_ = std::make_shared<const std::vector<ConfigSource>>(std::move(sources));
  }

  [[nodiscard]] bool has(std::string_view key) const override {
    const auto* value = find(key);
    return value != nullptr && !value->isNull();
  }

  [[nodiscard]] std::vector<std::string> keys() const override {
    std::vector<std::string> out;
    if (const auto* object = root_->asObject()) {
      for (const auto& entry : *object) out.push_back(entry.first);
    }
    return out;
  }

  /// A string that is not empty: an empty one is an error, as in Backstage (leave the key out instead).
  [[nodiscard]] std::optional<std::string> getOptionalString(std::string_view key) const override {
    return typed<std::string>(key, "string", [](const ConfigValue& v) {
      const auto* text = v.asString();
      return text != nullptr && !text->empty() ? text : nullptr;
    });
  }
  /// A number, or a string that reads as one (as Backstage converts it: `"7007"`, `" 0x1F "`, `"1e3"`).
  [[nodiscard]] std::optional<double> getOptionalNumber(std::string_view key) const override {
    const auto* value = find(key);
    if (value == nullptr || value->isNull()) return std::nullopt;
    if (const auto* number = value->asNumber()) return *number;
    const auto* text = value->asString();
    if (text == nullptr) wrongType(key, *value, "number");
    if (const auto number = detail::configNumberFromText(*text)) return number;
    unconvertible(key, "number");
  }
  /// A boolean, or a string or number that reads as one (as Backstage converts it: `"yes"`, `"off"`, `1`).
  [[nodiscard]] std::optional<bool> getOptionalBoolean(std::string_view key) const override {
    const auto* value = find(key);
    if (value == nullptr || value->isNull()) return std::nullopt;
    if (const auto* boolean = value->asBoolean()) return *boolean;
    if (const auto* number = value->asNumber()) {
      if (*number == 1.0 || *number == 0.0) return *number == 1.0;
      unconvertible(key, "boolean");
    }
    const auto* text = value->asString();
    if (text == nullptr) wrongType(key, *value, "boolean");
    if (const auto boolean = detail::configBooleanFromText(*text)) return boolean;
    unconvertible(key, "boolean");
  }
  [[nodiscard]] std::optional<std::vector<std::string>> getOptionalStringArray(
      std::string_view key) const override {
    const auto* value = find(key);
    if (value == nullptr || value->isNull()) return std::nullopt;
    const auto* array = value->asArray();
    if (array == nullptr) wrongType(key, *value, "string-array");
    std::vector<std::string> out;
    out.reserve(array->size());
    for (std::size_t i = 0; i < array->size(); ++i) {
      const auto* item = (*array)[i].asString();
      if (item == nullptr || item->empty()) wrongType(itemKey(key, i), (*array)[i], "string-array");
      out.push_back(*item);
    }
    return out;
  }
  [[nodiscard]] std::shared_ptr<const RootConfigService> getOptionalConfig(
      std::string_view key) const override {
    const auto* value = find(key);
    if (value == nullptr || value->isNull()) return nullptr;
    if (value->asObject() == nullptr) wrongType(key, *value, "object");
    return std::shared_ptr<const ConfigReader>(new ConfigReader(*this, value, fullKey(key)));
  }
  [[nodiscard]] std::optional<std::vector<std::shared_ptr<const RootConfigService>>> getOptionalConfigArray(
      std::string_view key) const override {
    const auto* value = find(key);
    if (value == nullptr || value->isNull()) return std::nullopt;
    const auto* array = value->asArray();
    if (array == nullptr) wrongType(key, *value, "object-array");
    std::vector<std::shared_ptr<const RootConfigService>> out;
    out.reserve(array->size());
    for (std::size_t i = 0; i < array->size(); ++i) {
      const ConfigValue& item = (*array)[i];
      if (item.asObject() == nullptr) wrongType(itemKey(key, i), item, "object-array");
      out.push_back(
          std::shared_ptr<const ConfigReader>(new ConfigReader(*this, &item, fullKey(itemKey(key, i)))));
    }
    return out;
  }

 protected:
  [[noreturn]] void missing(std::string_view key) const override {
    throw ConfigError("Missing required config value at '" + fullKey(key) + "' in '" + context_ + "'",
                      fullKey(key));
  }

 private:
  // A reader of the object `root` inside `parent`'s data, at `prefix`.
  ConfigReader(const ConfigReader& parent, const ConfigValue* root, std::string prefix)
      : data_(parent.data_),
        root_(root),
        context_(parent.context_),
        prefix_(std::move(prefix)),
        sources_(parent.sources_) {}

  // The value at a full key ('a.b[2].c') in one source's tree, or null.
  [[nodiscard]] static const ConfigValue* valueAt(const ConfigValue& tree, std::string_view path) {
    constexpr auto npos = std::string_view::npos;
    const ConfigValue* at = &tree;
    std::size_t i = 0;
    while (at != nullptr && i < path.size()) {
      if (path[i] == '[') {
        const auto close = path.find(']', i);
        const auto* items = at->asArray();
        if (close == npos || items == nullptr) return nullptr;
        std::size_t index = 0;
        const auto [end, error] = std::from_chars(path.data() + i + 1, path.data() + close, index);
        if (error != std::errc() || end != path.data() + close || index >= items->size()) return nullptr;
        at = &(*items)[index];
        i = close + 1;
      } else {
        // A member whose name has brackets ("a[0]", which find() reads as a name) before an array index.
        const auto dot = path.find('.', i);
        if (const ConfigValue* whole = at->member(path.substr(i, dot == npos ? npos : dot - i))) {
          at = whole;
          i = dot == npos ? path.size() : dot;
        } else {
          const auto stop = path.find_first_of(".[", i);
          at = at->member(path.substr(i, stop == npos ? npos : stop - i));
          i = stop == npos ? path.size() : stop;
        }
      }
      if (i < path.size() && path[i] == '.') ++i;
    }
    return at;
  }

  // Which source an error about the value at `key` names: the last one holding it.
  [[nodiscard]] const std::string& contextOf(std::string_view key) const {
    if (sources_) {
      const std::string full = fullKey(key);
      for (auto source = sources_->rbegin(); source != sources_->rend(); ++source) {
        // A later source's null replaces an earlier value (mergeConfig), and a null array element is an
        // error of its own: the last source that has the path gave what was read.
        if (valueAt(source->data, full) != nullptr) return source->context;
      }
    }
    return context_;
  }

  [[nodiscard]] static std::string itemKey(std::string_view key, std::size_t index) {
    return std::string(key) + "[" + std::to_string(index) + "]";
  }

  [[nodiscard]] std::string fullKey(std::string_view key) const {
    return prefix_.empty() ? std::string(key) : prefix_ + "." + std::string(key);
  }

  // The value at a dotted key, or null when some part is absent (or null). A part that is there but is not an
  // object is an error naming it, as in Backstage: 'backend.listen.port' when backend.listen is a string is a
  // mistake in the config's shape, not a missing value.
  [[nodiscard]] const ConfigValue* find(std::string_view key) const {
    const ConfigValue* at = root_;
    std::size_t done = 0;  // how much of `key` names `at`
    while (true) {
      const auto dot = key.find('.', done);
      const ConfigValue* next =
          at->member(key.substr(done, dot == std::string_view::npos ? dot : dot - done));
      if (dot == std::string_view::npos || next == nullptr || next->isNull()) return next;
      if (next->asObject() == nullptr) wrongType(key.substr(0, dot), *next, "object");
      at = next;
      done = dot + 1;
    }
  }

  template <class V, class Get>
  std::optional<V> typed(std::string_view key, std::string_view wanted, Get get) const {
    const auto* value = find(key);
    if (value == nullptr || value->isNull()) return std::nullopt;
    if (const auto* typedValue = get(*value)) return *typedValue;
    wrongType(key, *value, wanted);
  }

  [[noreturn]] void unconvertible(std::string_view key, std::string_view wanted) const {
    throw ConfigError("Unable to convert config value for key '" + fullKey(key) + "' in '" + contextOf(key) +
                          "' to a " + std::string(wanted),
                      fullKey(key));
  }

  [[noreturn]] void wrongType(std::string_view key, const ConfigValue& value, std::string_view wanted) const {
    throw ConfigError("Invalid type in config for key '" + fullKey(key) + "' in '" + contextOf(key) +
                          "', got " + std::string(value.typeName()) + ", wanted " + std::string(wanted),
                      fullKey(key));
  }

  std::shared_ptr<const ConfigValue> data_;
  const ConfigValue* root_;
  std::string context_;
  std::string prefix_;
  std::shared_ptr<const std::vector<ConfigSource>> sources_;  // null: one source, named context_
};

}  // namespace rigging
