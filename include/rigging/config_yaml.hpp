// SPDX-License-Identifier: Apache-2.0
// Copyright The rigging Authors
// YAML configuration files (Backstage's app-config.yaml) for the default root config. Optional: this header
// needs yaml-cpp (Debian package libyaml-cpp-dev; CMake target rigging::yaml), the rest of rigging does not.
#pragma once

#include <rigging/defaults/config_sources.hpp>
#include <rigging/defaults/root_config.hpp>
#include <rigging/errors.hpp>

#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>

namespace rigging {

namespace detail {

class YamlReader {
 public:
  explicit YamlReader(std::string what) : what_(std::move(what)) {}

  ConfigValue document(std::string_view text) {
    YAML::Node root;
    try {
      root = YAML::Load(std::string(text));
    } catch (const YAML::ParserException& e) {
      fail(e.mark, e.msg);
    }
    // An empty file configures nothing, as in Backstage.
    if (!root.IsDefined() || root.IsNull()) return ConfigObject{};
    return value(root, 0);
  }

 private:
  [[noreturn]] void fail(const YAML::Mark& mark, std::string_view problem) const {
    throw ConfigError("Invalid YAML in " + what_ + " at line " + std::to_string(mark.line + 1) + ", column " +
                          std::to_string(mark.column + 1) + ": " + std::string(problem),
                      "");
  }

  ConfigValue value(const YAML::Node& node, int depth) const {
    if (depth > 256) fail(node.Mark(), "nested too deeply");
    switch (node.Type()) {
      case YAML::NodeType::Map: {
        ConfigObject object;
        for (const auto& entry : node) {
          if (!entry.first.IsScalar()) fail(entry.first.Mark(), "a key must be a plain value");
          const std::string& key = entry.first.Scalar();
          for (const auto& existing : object) {
            if (existing.first == key) fail(entry.first.Mark(), "duplicate key '" + key + "'");
          }
          object.emplace_back(key, value(entry.second, depth + 1));
        }
        return object;
      }
      case YAML::NodeType::Sequence: {
        ConfigArray array;
        for (const auto& item : node) array.push_back(value(item, depth + 1));
        return array;
      }
      case YAML::NodeType::Scalar:
        return scalar(node);
      case YAML::NodeType::Null:
      case YAML::NodeType::Undefined:
        break;
    }
    return nullptr;
  }

  // Plain scalars resolve by YAML 1.2's core schema; quoted ones and `!!str` stay strings.
  ConfigValue scalar(const YAML::Node& node) const {
    const std::string& text = node.Scalar();
    const std::string& tag = node.Tag();
    if (tag == "!" || endsWith(tag, ":str")) return text;
    if (tag == "?" || tag.empty()) return plain(text);
    ConfigValue resolved = plain(text);
    const bool matches = endsWith(tag, ":bool")                             ? resolved.asBoolean() != nullptr
                         : endsWith(tag, ":int") || endsWith(tag, ":float") ? resolved.asNumber() != nullptr
                         : endsWith(tag, ":null")                           ? resolved.isNull()
                                                                            : false;
    if (!matches) fail(node.Mark(), "'" + text + "' cannot be read as " + tag);
    return resolved;
  }

  static ConfigValue plain(const std::string& text) {
    if (text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL") return nullptr;
    if (text == "true" || text == "True" || text == "TRUE") return true;
    if (text == "false" || text == "False" || text == "FALSE") return false;
    if (isDecimal(text)) return std::strtod(text.c_str(), nullptr);
    if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'o')) {
      const int base = text[1] == 'x' ? 16 : 8;
      char* end = nullptr;
      const auto number = std::strtoull(text.c_str() + 2, &end, base);
      if (end == text.c_str() + text.size()) return static_cast<double>(number);
    }
    return text;
  }

  // [-+]? ( . digits | digits ( . digits? )? ) ( [eE] [-+]? digits )?
  static bool isDecimal(std::string_view text) {
    std::size_t at = 0;
    const auto digits = [&] {
      const auto from = at;
      while (at < text.size() && text[at] >= '0' && text[at] <= '9') ++at;
      return at - from;
    };
    if (at < text.size() && (text[at] == '-' || text[at] == '+')) ++at;
    std::size_t mantissa = digits();
    if (at < text.size() && text[at] == '.') {
      ++at;
      mantissa += digits();
    }
    if (mantissa == 0) return false;
    if (at < text.size() && (text[at] == 'e' || text[at] == 'E')) {
      ++at;
      if (at < text.size() && (text[at] == '-' || text[at] == '+')) ++at;
      if (digits() == 0) return false;
    }
    return at == text.size();
  }

  std::string what_;
};

}  // namespace detail

/// Parses YAML text into a ConfigValue; `what` names the source in errors (ConfigError with line and column).
/// Only the first document is read; an empty text is an empty object.
[[nodiscard]] inline ConfigValue parseYamlConfig(std::string_view text, std::string what = "YAML text") {
  return detail::YamlReader(std::move(what)).document(text);
}

/// The YAML format for `RootConfigFactoryOptions::formats`: reads `.yaml` and `.yml` files.
[[nodiscard]] inline ConfigFileFormat yamlConfigFormat() {
  return {"YAML", {".yaml", ".yml"}, [](std::string_view text, std::string what) {
            return parseYamlConfig(text, std::move(what));
          }};
}

}  // namespace rigging
