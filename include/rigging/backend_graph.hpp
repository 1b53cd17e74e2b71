// SPDX-License-Identifier: Apache-2.0
// Copyright The rigging Authors
// The shape of a backend: its services, plugins, modules, extension points and every edge between them, as
// Backend::graph() describes it, and exporters to Graphviz DOT, Mermaid and JSON.
#pragma once

#include <rigging/detail/json.hpp>
#include <rigging/service_ref.hpp>

#include <cctype>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace rigging {

/// A service as the backend resolved it.
struct GraphService {
  std::string id;
  ServiceScope scope = ServiceScope::plugin;
  bool multiton = false;
  std::string typeName;
  /// Where its factory came from: "explicit", "feature loader", "backend default", "ref default",
  /// "built in", or "none" (a multiton nobody provides).
  std::string source;
  std::size_t factories = 0;
  bool decorated = false;
  std::vector<std::string> dependencies;  ///< ids of what its factories, root contexts and decorators use
  std::vector<std::string> instances;     ///< "root", or the plugins it has been created for (after start)
};

/// An extension point and who registered it.
struct GraphExtensionPoint {
  std::string id;
  std::string pluginId;
  std::string moduleId;  ///< empty when the plugin itself registered it
};

struct GraphModule {
  std::string pluginId;
  std::string moduleId;
  std::vector<std::string> services;         ///< services its init uses
  std::vector<std::string> extensionPoints;  ///< extension points its init uses
  bool runs = true;                          ///< false when its plugin is absent
};

struct GraphPlugin {
  std::string id;
  std::vector<std::string> services;  ///< services its init uses
  std::vector<std::string> modules;   ///< in the order they run
};

/// A backend's graph: from the validated plan before start(), with instances after.
struct BackendGraph {
  std::vector<GraphService> services;  ///< in the order they were first added or needed
  std::vector<GraphPlugin> plugins;
  std::vector<GraphModule> modules;
  std::vector<GraphExtensionPoint> extensionPoints;
};

namespace detail {

inline std::string dotQuote(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

// Mermaid node ids: letters, digits and '_' only. Two names that spell the same id (`catalog.db` and
// `catalog-db`) must not become one node: the later one gets a number.
class MermaidIds {
 public:
  std::string operator()(std::string_view kind, std::string_view id) {
    std::string key(kind);
    key += ':';
    key += id;
    if (const auto found = ids_.find(key); found != ids_.end()) return found->second;
    std::string base(kind);
    base += '_';
    for (const char c : id) base += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
    std::string candidate = base;
    for (int n = 2; !taken_.insert(candidate).second; ++n) candidate = base + "_" + std::to_string(n);
    return ids_.emplace(std::move(key), std::move(candidate)).first->second;
  }

 private:
  std::map<std::string, std::string> ids_;
  std::set<std::string> taken_;
};

// A module's label; one whose plugin is absent says it does not run (and has no edge to a plugin).
inline std::string moduleLabel(const GraphModule& m) {
  return "module " + m.pluginId + "/" + m.moduleId + (m.runs ? "" : " (not run: plugin absent)");
}

inline std::string mermaidLabel(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) out += c == '"' ? std::string("#quot;") : std::string(1, c);
  return out + "\"";
}

inline std::string moduleKey(const GraphModule& m) { return m.pluginId + "/" + m.moduleId; }

inline std::string extensionPointOwner(const GraphExtensionPoint& ep) {
  return ep.moduleId.empty() ? "plugin:" + ep.pluginId : "module:" + ep.pluginId + "/" + ep.moduleId;
}

}  // namespace detail

/// Graphviz DOT: plugins as boxes, modules as rounded boxes, services as ellipses (root services doubled),
/// extension points as hexagons. Arrows point from a user to what it uses; `dot -Tsvg` renders it.
inline std::string toDot(const BackendGraph& graph) {
  using detail::dotQuote;
  std::string out =
      "digraph backend {\n  rankdir=LR;\n  node [fontname=\"Helvetica\", fontsize=11];\n  edge "
      "[fontname=\"Helvetica\", "
      "fontsize=9];\n";
  for (const auto& p : graph.plugins) {
    out += "  " + dotQuote("plugin:" + p.id) +
           " [shape=box, style=filled, fillcolor=\"#cfe2ff\", label=" + dotQuote("plugin " + p.id) + "];\n";
  }
  for (const auto& m : graph.modules) {
    out += "  " + dotQuote("module:" + detail::moduleKey(m)) + " [shape=box, style=\"rounded,filled" +
           (m.runs ? "" : ",dashed") +
           "\", fillcolor=\"#e2d9f3\", label=" + dotQuote(detail::moduleLabel(m)) + "];\n";
  }
  for (const auto& s : graph.services) {
    const std::string label = s.id + "\\n" + (s.scope == ServiceScope::root ? "root" : "plugin") + ", " +
                              s.source + (s.decorated ? ", decorated" : "") +
                              (s.multiton ? ", multiton" : "");
    out += "  " + dotQuote("service:" + s.id) + " [shape=ellipse" +
           (s.scope == ServiceScope::root ? ", peripheries=2" : "") + ", label=\"" + label + "\"];\n";
  }
  for (const auto& ep : graph.extensionPoints) {
    out += "  " + dotQuote("ep:" + ep.id) +
           " [shape=hexagon, style=filled, fillcolor=\"#fff3cd\", label=" + dotQuote(ep.id) + "];\n";
  }
  for (const auto& p : graph.plugins) {
    for (const auto& s : p.services)
      out += "  " + dotQuote("plugin:" + p.id) + " -> " + dotQuote("service:" + s) + ";\n";
  }
  for (const auto& m : graph.modules) {
    const std::string from = dotQuote("module:" + detail::moduleKey(m));
    if (m.runs)
      out +=
          "  " + from + " -> " + dotQuote("plugin:" + m.pluginId) + " [style=dashed, label=\"extends\"];\n";
    for (const auto& s : m.services) out += "  " + from + " -> " + dotQuote("service:" + s) + ";\n";
    for (const auto& ep : m.extensionPoints) out += "  " + from + " -> " + dotQuote("ep:" + ep) + ";\n";
  }
  for (const auto& ep : graph.extensionPoints) {
    out += "  " + dotQuote("ep:" + ep.id) + " -> " + dotQuote(detail::extensionPointOwner(ep)) +
           " [style=dotted, label=\"registered by\"];\n";
  }
  for (const auto& s : graph.services) {
    for (const auto& d : s.dependencies)
      out += "  " + dotQuote("service:" + s.id) + " -> " + dotQuote("service:" + d) + ";\n";
  }
  return out + "}\n";
}

/// A Mermaid flowchart of the same graph, for Markdown pages that render Mermaid.
inline std::string toMermaid(const BackendGraph& graph) {
  using detail::mermaidLabel;
  detail::MermaidIds mermaidId;
  std::string out = "flowchart LR\n";
  for (const auto& p : graph.plugins)
    out += "  " + mermaidId("plugin", p.id) + "[" + mermaidLabel("plugin " + p.id) + "]\n";
  for (const auto& m : graph.modules) {
    out +=
        "  " + mermaidId("module", detail::moduleKey(m)) + "(" + mermaidLabel(detail::moduleLabel(m)) + ")\n";
  }
  for (const auto& s : graph.services) {
    const bool root = s.scope == ServiceScope::root;
    out += "  " + mermaidId("service", s.id) + (root ? "((" : "([") + mermaidLabel(s.id) +
           (root ? "))" : "])") + "\n";
  }
  for (const auto& ep : graph.extensionPoints)
    out += "  " + mermaidId("ep", ep.id) + "{{" + mermaidLabel(ep.id) + "}}\n";
  for (const auto& p : graph.plugins) {
    for (const auto& s : p.services)
      out += "  " + mermaidId("plugin", p.id) + " --> " + mermaidId("service", s) + "\n";
  }
  for (const auto& m : graph.modules) {
    const std::string from = mermaidId("module", detail::moduleKey(m));
    if (m.runs) out += "  " + from + " -. extends .-> " + mermaidId("plugin", m.pluginId) + "\n";
    for (const auto& s : m.services) out += "  " + from + " --> " + mermaidId("service", s) + "\n";
    for (const auto& ep : m.extensionPoints) out += "  " + from + " --> " + mermaidId("ep", ep) + "\n";
  }
  for (const auto& ep : graph.extensionPoints) {
    const std::string owner = ep.moduleId.empty() ? mermaidId("plugin", ep.pluginId)
                                                  : mermaidId("module", ep.pluginId + "/" + ep.moduleId);
    out += "  " + mermaidId("ep", ep.id) + " -. registered by .-> " + owner + "\n";
  }
  for (const auto& s : graph.services) {
    for (const auto& d : s.dependencies)
      out += "  " + mermaidId("service", s.id) + " --> " + mermaidId("service", d) + "\n";
  }
  return out;
}

/// The graph as one JSON object: {"services": [...], "plugins": [...], "modules": [...], "extensionPoints":
/// [...]}.
inline std::string toJson(const BackendGraph& graph) {
  using detail::appendJsonString;
  std::string out;
  auto strings = [&out](const std::vector<std::string>& items) {
    out += '[';
    for (std::size_t i = 0; i < items.size(); ++i) {
      if (i != 0) out += ',';
      appendJsonString(out, items[i]);
    }
    out += ']';
  };
  auto field = [&out](std::string_view key, std::string_view value, bool first = false) {
    if (!first) out += ',';
    appendJsonString(out, key);
    out += ':';
    appendJsonString(out, value);
  };
  out += "{\"services\":[";
  for (std::size_t i = 0; i < graph.services.size(); ++i) {
    const auto& s = graph.services[i];
    out += i == 0 ? "{" : ",{";
    field("id", s.id, true);
    field("scope", s.scope == ServiceScope::root ? "root" : "plugin");
    out += std::string(",\"multiton\":") + (s.multiton ? "true" : "false");
    field("type", s.typeName);
    field("source", s.source);
    out += ",\"factories\":" + std::to_string(s.factories);
    out += std::string(",\"decorated\":") + (s.decorated ? "true" : "false");
    out += ",\"dependencies\":";
    strings(s.dependencies);
    out += ",\"instances\":";
    strings(s.instances);
    out += '}';
  }
  out += "],\"plugins\":[";
  for (std::size_t i = 0; i < graph.plugins.size(); ++i) {
    const auto& p = graph.plugins[i];
    out += i == 0 ? "{" : ",{";
    field("id", p.id, true);
    out += ",\"services\":";
    strings(p.services);
    out += ",\"modules\":";
    strings(p.modules);
    out += '}';
  }
  out += "],\"modules\":[";
  for (std::size_t i = 0; i < graph.modules.size(); ++i) {
    const auto& m = graph.modules[i];
    out += i == 0 ? "{" : ",{";
    field("pluginId", m.pluginId, true);
    field("moduleId", m.moduleId);
    out += ",\"services\":";
    strings(m.services);
    out += ",\"extensionPoints\":";
    strings(m.extensionPoints);
    out += std::string(",\"runs\":") + (m.runs ? "true" : "false");
    out += '}';
  }
  out += "],\"extensionPoints\":[";
  for (std::size_t i = 0; i < graph.extensionPoints.size(); ++i) {
    const auto& ep = graph.extensionPoints[i];
    out += i == 0 ? "{" : ",{";
    field("id", ep.id, true);
    field("pluginId", ep.pluginId);
    field("moduleId", ep.moduleId);
    out += '}';
  }
  return out + "]}";
}

}  // namespace rigging
