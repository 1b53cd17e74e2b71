// SPDX-License-Identifier: Apache-2.0
// Copyright The rigging Authors
// Where the default root config comes from: values in code, JSON files (`--config <file>` options), and
// `APP_CONFIG_<path>` environment variables as Backstage reads them, merged in that order.
#pragma once

#include <rigging/defaults/root_config.hpp>
#include <rigging/errors.hpp>

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace rigging {

namespace detail {

// A strict JSON reader (RFC 8259) into ConfigValue; `what` names the source in errors.
class JsonReader {
 public:
  JsonReader(std::string_view text, std::string what) : text_(text), what_(std::move(what)) {}

  ConfigValue document() {
    ConfigValue value = parse(0);
    skipSpace();
    if (at_ != text_.size()) fail("unexpected text after the value");
    return value;
  }

 private:
  [[noreturn]] void fail(std::string_view problem) const {
    std::size_t line = 1, column = 1;
    for (std::size_t i = 0; i < at_ && i < text_.size(); ++i) {
      if (text_[i] == '\n') {
        ++line;
        column = 1;
      } else {
        ++column;
      }
    }
    throw ConfigError("Invalid JSON in " + what_ + " at line " + std::to_string(line) + ", column " +
                          std::to_string(column) + ": " + std::string(problem),
                      "");
  }

  void skipSpace() {
    while (at_ < text_.size() &&
           (text_[at_] == ' ' || text_[at_] == '\t' || text_[at_] == '\n' || text_[at_] == '\r')) {
      ++at_;
    }
  }

  bool consume(std::string_view word) {
    if (text_.substr(at_, word.size()) != word) return false;
    at_ += word.size();
    return true;
  }

  ConfigValue parse(int depth) {
    if (depth > 256) fail("nested too deeply");
    skipSpace();
    if (at_ == text_.size()) fail("unexpected end of input");
    const char c = text_[at_];
    if (c == '{') return object(depth);
    if (c == '[') return array(depth);
    if (c == '"') return text();
    if (consume("true")) return true;
    if (consume("false")) return false;
    if (consume("null")) return nullptr;
    if (c == '-' || (c >= '0' && c <= '9')) return number();
    fail("expected a value");
  }

  ConfigValue object(int depth) {
    ++at_;
    ConfigObject members;
    // Where each name is, once the object is too large to search: a repeated name is found in constant time.
    std::unordered_map<std::string, std::size_t> index;
    constexpr std::size_t searched = 32;
    skipSpace();
    if (consume("}")) return members;
    while (true) {
      skipSpace();
      if (at_ == text_.size() || text_[at_] != '"') fail("expected a member name");
      std::string key = text();
      skipSpace();
      if (!consume(":")) fail("expected ':'");
      ConfigValue value = parse(depth + 1);
      // A repeated name: the last value counts, in the first one's place, as in JavaScript's JSON.parse.
      std::size_t earlier = members.size();
      if (members.size() <= searched) {
        for (std::size_t m = 0; m < members.size(); ++m) {
          if (members[m].first == key) earlier = m;
        }
      } else if (const auto found = index.find(key); found != index.end()) {
        earlier = found->second;
      }
      if (earlier != members.size()) {
        members[earlier].second = std::move(value);
      } else {
        members.emplace_back(std::move(key), std::move(value));
        if (members.size() == searched + 1) {
          for (std::size_t m = 0; m < members.size(); ++m) index.emplace(members[m].first, m);
        } else if (members.size() > searched + 1) {
          index.emplace(members.back().first, members.size() - 1);
        }
      }
      skipSpace();
      if (consume("}")) return members;
      if (!consume(",")) fail("expected ',' or '}'");
    }
  }

  ConfigValue array(int depth) {
    ++at_;
    ConfigArray items;
    skipSpace();
    if (consume("]")) return items;
    while (true) {
      items.push_back(parse(depth + 1));
      skipSpace();
      if (consume("]")) return items;
      if (!consume(",")) fail("expected ',' or ']'");
    }
  }

  ConfigValue number() {
    const std::size_t start = at_;
    if (text_[at_] == '-') ++at_;
    // JSON numbers have no leading zeros: "01234" is not one (an APP_CONFIG_ value like it stays a string).
    if (at_ + 1 < text_.size() && text_[at_] == '0' &&
        std::isdigit(static_cast<unsigned char>(text_[at_ + 1])) != 0)
      fail("a number cannot start with 0 followed by a digit");
    auto digits = [this] {
      const std::size_t from = at_;
      while (at_ < text_.size() && std::isdigit(static_cast<unsigned char>(text_[at_])) != 0) ++at_;
      return at_ - from;
    };
    if (digits() == 0) fail("expected a digit");
    if (at_ < text_.size() && text_[at_] == '.') {
      ++at_;
      if (digits() == 0) fail("expected a digit after '.'");
    }
    if (at_ < text_.size() && (text_[at_] == 'e' || text_[at_] == 'E')) {
      ++at_;
      if (at_ < text_.size() && (text_[at_] == '+' || text_[at_] == '-')) ++at_;
      if (digits() == 0) fail("expected an exponent");
    }
    return std::strtod(std::string(text_.substr(start, at_ - start)).c_str(), nullptr);
  }

  // A string's contents (at its opening quote). Returns std::string, not a ConfigValue to unwrap: g++ -O3
  // flags the unwrapping as a potential null dereference.
  std::string text() {
    ++at_;
    std::string out;
    while (true) {
      if (at_ >= text_.size()) fail("unterminated string");
      const char c = text_[at_++];
      if (c == '"') return out;
      if (static_cast<unsigned char>(c) < 0x20) fail("control character in string");
      if (c != '\\') {
        out += c;
        continue;
      }
      if (at_ >= text_.size()) fail("unterminated string");
      const char e = text_[at_++];
      switch (e) {
        case '"':
        case '\\':
        case '/':
          out += e;
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case 'u':
          appendUtf8(out, codePoint());
          break;
        default:
          fail("invalid escape");
      }
    }
  }

  unsigned hex4() {
    if (at_ + 4 > text_.size()) fail("short \\u escape");
    unsigned value = 0;
    for (int i = 0; i < 4; ++i) {
      const char h = text_[at_++];
      value <<= 4;
      if (h >= '0' && h <= '9') {
        value |= static_cast<unsigned>(h - '0');
      } else if (h >= 'a' && h <= 'f') {
        value |= static_cast<unsigned>(h - 'a' + 10);
      } else if (h >= 'A' && h <= 'F') {
        value |= static_cast<unsigned>(h - 'A' + 10);
      } else {
        fail("invalid \\u escape");
      }
    }
    return value;
  }

  unsigned codePoint() {
    const unsigned high = hex4();
    if (high < 0xD800 || high > 0xDBFF) return high;
    if (!consume("\\u")) fail("lone surrogate");
    const unsigned low = hex4();
    if (low < 0xDC00 || low > 0xDFFF) fail("invalid surrogate pair");
    return 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00);
  }

  static void appendUtf8(std::string& out, unsigned cp) {
    auto byte = [&out](unsigned b) { out += static_cast<char>(static_cast<unsigned char>(b)); };
    if (cp < 0x80) {
      byte(cp);
    } else if (cp < 0x800) {
      byte(0xC0 | (cp >> 6));
      byte(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      byte(0xE0 | (cp >> 12));
      byte(0x80 | ((cp >> 6) & 0x3F));
      byte(0x80 | (cp & 0x3F));
    } else {
      byte(0xF0 | (cp >> 18));
      byte(0x80 | ((cp >> 12) & 0x3F));
      byte(0x80 | ((cp >> 6) & 0x3F));
      byte(0x80 | (cp & 0x3F));
    }
  }

  std::string_view text_;
  std::string what_;
  std::size_t at_ = 0;
};

inline bool isEnvKeyPart(std::string_view part) {
  // Backstage's CONFIG_KEY_PART_PATTERN with '_' already split away: ^[a-z][a-z0-9]*(-[a-z][a-z0-9]*)*$/i
  if (part.empty() || std::isalpha(static_cast<unsigned char>(part.front())) == 0) return false;
  bool afterDash = false;
  for (const char c : part) {
    if (c == '-') {
      if (afterDash) return false;
      afterDash = true;
    } else if (std::isalnum(static_cast<unsigned char>(c)) != 0) {
      if (afterDash && std::isdigit(static_cast<unsigned char>(c)) != 0) return false;
      afterDash = false;
    } else {
      return false;
    }
  }
  return !afterDash;
}

inline ConfigValue* member(ConfigObject& object, std::string_view key) {
  for (auto& [name, value] : object) {
    if (name == key) return &value;
  }
  return nullptr;
}

}  // namespace detail

/// Parses JSON text into a ConfigValue; `what` names the source in errors (ConfigError with line and column).
[[nodiscard]] inline ConfigValue parseJsonConfig(std::string_view text, std::string what = "JSON text") {
  return detail::JsonReader(text, std::move(what)).document();
}

namespace detail {
// A file's text; throws ConfigError if it cannot be opened. (<cstdio> rather than <fstream> and <sstream>,
// which every TU that includes rigging would parse.)
inline std::string readConfigText(const std::string& path) {
  std::FILE* file = std::fopen(path.c_str(), "r");
  if (file == nullptr) throw ConfigError("Could not read config file '" + path + "'", "");
  std::string text;
  char buffer[4096];
  for (std::size_t got; (got = std::fread(buffer, 1, sizeof buffer, file)) > 0;) text.append(buffer, got);
  std::fclose(file);
  return text;
}
}  // namespace detail

/// Reads a JSON configuration file.
[[nodiscard]] inline ConfigValue readJsonConfigFile(const std::string& path) {
  return parseJsonConfig(detail::readConfigText(path), "'" + path + "'");
}

/// A configuration file format: the file name endings it reads and how it parses a file's text. JSON is built
/// in; `yamlConfigFormat()` from <rigging/config_yaml.hpp> adds YAML.
struct ConfigFileFormat {
  std::string name;                     ///< "JSON", for messages
  std::vector<std::string> extensions;  ///< name endings it reads, e.g. ".json"
  /// Parses `text`; `what` names the source in errors.
  std::function<ConfigValue(std::string_view text, std::string what)> parse;
};

/// The built-in JSON format (`.json`, and any file whose ending no format claims).
[[nodiscard]] inline ConfigFileFormat jsonConfigFormat() {
  return {"JSON", {".json"}, [](std::string_view text, std::string what) {
            return parseJsonConfig(text, std::move(what));
          }};
}

namespace detail {
inline bool endsWith(std::string_view text, std::string_view end) {
  return text.size() >= end.size() && text.substr(text.size() - end.size()) == end;
}
}  // namespace detail

/// Reads a configuration file with the format its name ends with: one of `formats`, else JSON. A `.yaml` or
/// `.yml` file that no format claims is an error saying how to add YAML, rather than a confusing JSON error.
[[nodiscard]] inline ConfigValue readConfigFile(const std::string& path,
                                                const std::vector<ConfigFileFormat>& formats = {}) {
  const ConfigFileFormat* chosen = nullptr;
  for (const auto& format : formats) {
    for (const auto& extension : format.extensions) {
      if (chosen == nullptr && detail::endsWith(path, extension)) chosen = &format;
    }
  }
  if (chosen == nullptr && (detail::endsWith(path, ".yaml") || detail::endsWith(path, ".yml"))) {
    throw ConfigError(
        "Cannot read config file '" + path +
            "': no YAML reader was given. Include <rigging/config_yaml.hpp>, link rigging::yaml "
            "(Debian package libyaml-cpp-dev) and pass .formats = {rigging::yamlConfigFormat()}",
        "");
  }
  ConfigValue value = chosen == nullptr ? readJsonConfigFile(path)
                                        : chosen->parse(detail::readConfigText(path), "'" + path + "'");
  // As Backstage's loader: an empty file configures nothing, and anything but an object at the root is an
  // error (merged, it would replace everything given before it).
  if (value.isNull()) return ConfigObject{};
  if (value.asObject() == nullptr) {
    throw ConfigError("Expected object at config root in '" + path + "', got " +
                          std::string(value.typeName()) +
                          "; a config file holds an object of keys, such as {\"backend\": {...}}",
                      "");
  }
  return value;
}

/// `overlay` merged onto `base`: objects merge member by member, anything else replaces.
[[nodiscard]] inline ConfigValue mergeConfig(ConfigValue base, const ConfigValue& overlay) {
  const auto* add = overlay.asObject();
  const auto* into = base.asObject();
  if (add == nullptr || into == nullptr) return overlay;
  ConfigObject merged = *into;
  for (const auto& [key, value] : *add) {
    if (auto* existing = detail::member(merged, key)) {
      *existing = mergeConfig(*existing, value);
    } else {
      merged.emplace_back(key, value);
    }
  }
  return merged;
}

/// A reader of `sources` merged in order, later ones winning (as mergeConfig), whose errors about a value
/// name the source that gave it; `context` names the whole in errors about missing values.
///
///     auto config = mergeConfigSources({{code, "app-config"}, {readConfigFile("local.json"),
///     "local.json"}});
[[nodiscard]] inline ConfigReader mergeConfigSources(std::vector<ConfigSource> sources,
                                                     std::string context = "app-config") {
  ConfigValue merged = ConfigObject{};
  for (const auto& source : sources) merged = mergeConfig(std::move(merged), source.data);
  return ConfigReader(std::move(merged), std::move(context), std::move(sources));
}

/// Backstage's `APP_CONFIG_` variables: `APP_CONFIG_backend_listen_port=7007` sets `backend.listen.port`.
/// The rest of the name is split at '_'; the value is parsed as JSON and kept as a string when it is not
/// JSON. `environment` is a null-terminated array of `NAME=value` strings, like POSIX `environ`.
[[nodiscard]] inline ConfigValue readEnvConfig(const char* const* environment) {
  constexpr std::string_view prefix = "APP_CONFIG_";
  ConfigObject data;
  for (const char* const* entry = environment; entry != nullptr && *entry != nullptr; ++entry) {
    // Most variables are not ours: the prefix is compared before the whole variable is measured.
    if (std::strncmp(*entry, prefix.data(), prefix.size()) != 0) continue;
    const std::string_view variable = *entry;
    const auto equals = variable.find('=');
    if (equals == std::string_view::npos) continue;
    const std::string key(variable.substr(prefix.size(), equals - prefix.size()));
    const std::string_view raw = variable.substr(equals + 1);
    if (raw.empty()) continue;
    std::vector<std::string> parts;
    for (std::size_t from = 0;;) {
      const auto underscore = key.find('_', from);
      parts.push_back(key.substr(from, underscore - from));
      if (underscore == std::string::npos) break;
      from = underscore + 1;
    }
    ConfigObject* object = &data;
    for (std::size_t i = 0; i < parts.size(); ++i) {
      if (!detail::isEnvKeyPart(parts[i])) throw ConfigError("Invalid env config key '" + key + "'", key);
      ConfigValue* existing = detail::member(*object, parts[i]);
      if (i + 1 < parts.size()) {
        if (existing == nullptr) {
          object->emplace_back(parts[i], ConfigObject{});
          existing = &object->back().second;
        }
        if (existing->asObject() == nullptr) {
          std::string sub = parts[0];
          for (std::size_t k = 1; k <= i; ++k) sub += "_" + parts[k];
          throw ConfigError("Could not nest config for key '" + key + "' under existing value '" + sub + "'",
                            key);
        }
        object = existing->asObject();
        continue;
      }
      if (existing != nullptr)
        throw ConfigError("Refusing to override existing config at key '" + key + "'", key);
      ConfigValue value;
      try {
        value = parseJsonConfig(raw);
      } catch (const ConfigError&) {
        value = std::string(raw);  // not JSON: the text itself
      }
      if (value.isNull()) {
        throw ConfigError(
            "Failed to parse JSON-serialized config value for key '" + key + "', value may not be null", key);
      }
      object->emplace_back(parts[i], std::move(value));
    }
  }
  return data;
}

/// The config files named on a command line: every `--config <path>` and `--config=<path>`, in order.
[[nodiscard]] inline std::vector<std::string> configFilesFromArgs(int argc, const char* const* argv) {
  std::vector<std::string> files;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--config" && i + 1 < argc) {
      files.emplace_back(argv[++i]);
    } else if (arg.substr(0, 9) == "--config=") {
      files.emplace_back(arg.substr(9));
    }
  }
  return files;
}

/// The config files named by an environment variable holding paths separated by ':', like PATH, in order;
/// empty entries are skipped. `environment` is a null-terminated array of `NAME=value` strings (POSIX
/// `environ`).
[[nodiscard]] inline std::vector<std::string> configFilesFromEnv(std::string_view variable,
                                                                 const char* const* environment) {
  std::vector<std::string> files;
  for (const char* const* entry = environment; entry != nullptr && *entry != nullptr; ++entry) {
    const std::string_view text = *entry;
    if (text.size() <= variable.size() || text.substr(0, variable.size()) != variable ||
        text[variable.size()] != '=') {
      continue;
    }
    std::string_view rest = text.substr(variable.size() + 1);
    while (!rest.empty()) {
      const auto colon = rest.find(':');
      const auto part = rest.substr(0, colon);
      if (!part.empty()) files.emplace_back(part);
      rest = colon == std::string_view::npos ? std::string_view() : rest.substr(colon + 1);
    }
  }
  return files;
}

}  // namespace rigging
