// SPDX-License-Identifier: Apache-2.0
// The misconfiguration catalogue: every error rigging can raise (each exception class, ErrorCode and
// Problem::Kind, read from the headers themselves) is provoked here and checked by kind and by the ids it
// names, and docs/diagnostics.md has an entry for each (an HTML comment `kinds: A B` opening it); the test
// fails when a kind has no case or no entry, or an entry names a kind that does not exist.
#include "support/catch.hpp"
#include "support/features.hpp"

#include <rigging/create_backend.hpp>
#include <rigging/rigging.hpp>
#include <rigging/testing.hpp>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <functional>
#include <memory>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

using namespace rigging;
using namespace rigging::test;

namespace {

std::string readFile(const std::string& path) {
  std::ifstream in(path);
  REQUIRE(in.good());
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The enumerators of `enum class <name> ... { ... };` in `text`, as "<prefix><enumerator>".
std::set<std::string> enumerators(const std::string& text, const std::string& name,
                                  const std::string& prefix) {
  const auto at = text.find("enum class " + name);
  REQUIRE(at != std::string::npos);
  const auto open = text.find('{', at);
  const auto close = text.find("};", open);
  // One enumerator per line, before its comma; comments after it.
  std::istringstream lines(text.substr(open + 1, close - open - 1));
  std::set<std::string> out;
  std::string line;
  while (std::getline(lines, line)) {
    const auto start = line.find_first_not_of(' ');
    if (start == std::string::npos || line[start] == '/') continue;
    const auto end = line.find_first_not_of("abcdefghijklmnopqrstuvwxyz_", start);
    if (end > start) out.insert(prefix + line.substr(start, end - start));
  }
  return out;
}

// Every kind of error rigging declares: exception classes derived from Error, ErrorCode and Problem::Kind.
std::set<std::string> declaredKinds() {
  const std::string errors = readFile(RIGGING_INCLUDE_DIR "/rigging/errors.hpp");
  const std::string startup = readFile(RIGGING_INCLUDE_DIR "/rigging/startup_result.hpp");
  std::set<std::string> kinds = enumerators(errors, "ErrorCode", "ErrorCode::");
  for (const auto& k : enumerators(errors, "Kind", "Problem::Kind::")) kinds.insert(k);
  kinds.insert("Error");
  const std::string derived = " : public Error";
  for (const auto* text : {&errors, &startup}) {
    for (auto at = text->find(derived); at != std::string::npos; at = text->find(derived, at + 1)) {
      const auto name = text->rfind("class ", at) + 6;
      kinds.insert(text->substr(name, at - name));
    }
  }
  return kinds;
}

// The exception class of `error`, most derived first (no RTTI: the suite also runs with -fno-rtti).
std::string classOf(const std::exception_ptr& error) {
  try {
    std::rethrow_exception(error);
  } catch (const BackendStartupError&) {
    return "BackendStartupError";
  } catch (const ValidationError&) {
    return "ValidationError";
  } catch (const ServiceFactoryError&) {
    return "ServiceFactoryError";
  } catch (const ConfigError&) {
    return "ConfigError";
  } catch (const BackendStateError&) {
    return "BackendStateError";
  } catch (const InvalidIdError&) {
    return "InvalidIdError";
  } catch (const Error&) {
    return "Error";
  } catch (...) {
    return "something else";
  }
}

std::exception_ptr thrownBy(const std::function<void()>& fn) {
  try {
    fn();
  } catch (...) {
    return std::current_exception();
  }
  FAIL("expected an exception");
  return nullptr;
}

// Starts `backend`, expects a ValidationError with exactly one problem of `kind`, and returns it.
Problem onlyProblem(Backend& backend, Problem::Kind kind) {
  const auto problems = problemsOf(backend);
  std::vector<Problem> ofKind;
  for (const auto& p : problems) {
    if (p.kind == kind) ofKind.push_back(p);
  }
  INFO("problems: " << problems.size());
  REQUIRE(ofKind.size() == 1);
  return ofKind.front();
}

using Ids = std::vector<std::string>;

struct Blob {};
struct Other {};
struct Point {
  virtual ~Point() = default;
};

const auto blobRef = createServiceRef<Blob>("cat.blob");
const auto otherBlobRef = createServiceRef<Other>("cat.blob");
const auto rootBlobRef = createServiceRef<Blob, RootScope>("cat.blob");
const auto manyBlobRef = createServiceRef<Blob>("cat.blob", multiton);
const auto aRef = createServiceRef<Blob>("cat.a");
const auto bRef = createServiceRef<Blob>("cat.b");
const auto missingRef = createServiceRef<Blob>("cat.missing");
const auto pointRef = createExtensionPoint<Point>("cat.point");
const auto secondPointRef = createExtensionPoint<Point>("cat.second");

BackendPlugin idle(std::string_view id) {
  return pluginWith(id, deps(), [] {});
}

Backend withConfig(ConfigObject data) {
  auto backend = createBackend();
  backend.add(rootConfigServiceFactory({.data = std::move(data), .environment = false, .context = "test"}));
  backend.add(rootLoggerServiceFactory({LogFormat::text, LogLevel::error, [](std::string_view) {}}));
  return backend;
}

Backend quiet() { return withConfig(ConfigObject{}); }

struct Case {
  std::vector<std::string> covers;  // the kinds this case provokes and checks
  std::function<void()> run;
};

const std::vector<Case>& catalogue() {
  static const std::vector<Case> cases{
      {{"InvalidIdError", "ErrorCode::invalid_id"},
       [] {
         const auto error =
             thrownBy([] { (void)createBackendModule("catalog", "bad_module", [](auto&) {}); });
         REQUIRE(classOf(error) == "InvalidIdError");
         try {
           std::rethrow_exception(error);
         } catch (const InvalidIdError& e) {
           CHECK(e.code() == ErrorCode::invalid_id);
           CHECK_THAT(e.what(), Catch::Contains("Invalid module ID 'bad_module'"));
         }
       }},
      {{"BackendStateError", "ErrorCode::invalid_state"},
       [] {
         auto backend = quiet();
         backend.start();
         const auto error = thrownBy([&] { backend.start(); });
         REQUIRE(classOf(error) == "BackendStateError");
         try {
           std::rethrow_exception(error);
         } catch (const BackendStateError& e) {
           CHECK(e.code() == ErrorCode::invalid_state);
           CHECK(std::string(e.what()) == "Backend has already started");
         }
       }},
      {{"ValidationError", "ErrorCode::validation_failed", "Problem::Kind::circular_dependency"},
       [] {
         auto backend = quiet();
         backend.add(createServiceFactory(aRef, deps(bRef), [](Blob&) { return Blob(); }));
         backend.add(createServiceFactory(bRef, deps(aRef), [](Blob&) { return Blob(); }));
         const auto error = thrownBy([&] { backend.start(); });
         REQUIRE(classOf(error) == "ValidationError");
         try {
           std::rethrow_exception(error);
         } catch (const ValidationError& e) {
           CHECK(e.code() == ErrorCode::validation_failed);
           REQUIRE(e.problems().size() == 1);
           CHECK(e.problems()[0].kind == Problem::Kind::circular_dependency);
           CHECK(e.problems()[0].ids == Ids{"cat.a", "cat.b", "cat.a"});
         }
       }},
      {{"Problem::Kind::missing_dependency"},
       [] {
         auto backend = quiet();
         backend.add(pluginWith("p", deps(missingRef), [](Blob&) {}));
         const auto p = onlyProblem(backend, Problem::Kind::missing_dependency);
         CHECK(p.ids == Ids{"cat.missing"});
         CHECK(p.neededBy == Ids{"plugin 'p'"});
       }},
      {{"Problem::Kind::duplicate_factory"},
       [] {
         auto backend = quiet();
         backend.add(createServiceFactory(blobRef, deps(), [] { return Blob(); }));
         backend.add(createServiceFactory(blobRef, deps(), [] { return Blob(); }));
         CHECK(onlyProblem(backend, Problem::Kind::duplicate_factory).ids == Ids{"cat.blob"});
       }},
      {{"Problem::Kind::duplicate_plugin"},
       [] {
         auto backend = quiet();
         backend.add(idle("twice"));
         backend.add(idle("twice"));
         CHECK(onlyProblem(backend, Problem::Kind::duplicate_plugin).ids == Ids{"twice"});
       }},
      {{"Problem::Kind::override_forbidden"},
       [] {
         struct Fake : PluginMetadataService {
           [[nodiscard]] std::string_view getId() const noexcept override { return "fake"; }
         };
         auto backend = quiet();
         backend.add(createServiceFactory(coreServices::pluginMetadata, deps(), [] { return Fake(); }));
         CHECK(onlyProblem(backend, Problem::Kind::override_forbidden).ids == Ids{"core.pluginMetadata"});
       }},
      {{"Problem::Kind::type_mismatch"},
       [] {
         auto backend = quiet();
         backend.add(createServiceFactory(blobRef, deps(), [] { return Blob(); }));
         backend.add(pluginWith("p", deps(otherBlobRef), [](Other&) {}));
         CHECK(onlyProblem(backend, Problem::Kind::type_mismatch).ids == Ids{"cat.blob"});
       }},
      {{"Problem::Kind::scope_mismatch"},
       [] {
         auto backend = quiet();
         backend.add(createServiceFactory(blobRef, deps(), [] { return Blob(); }));
         backend.add(pluginWith("p", deps(rootBlobRef), [](Blob&) {}));
         CHECK(onlyProblem(backend, Problem::Kind::scope_mismatch).ids == Ids{"cat.blob"});
       }},
      {{"Problem::Kind::cardinality_mismatch"},
       [] {
         auto backend = quiet();
         backend.add(createServiceFactory(blobRef, deps(), [] { return Blob(); }));
         backend.add(pluginWith("p", deps(manyBlobRef), [](ServiceRange<Blob>) {}));
         CHECK(onlyProblem(backend, Problem::Kind::cardinality_mismatch).ids == Ids{"cat.blob"});
       }},
      {{"Problem::Kind::decorator_without_service"},
       [] {
         auto backend = quiet();
         backend.add(createServiceDecorator(blobRef, deps(), [](Blob& inner) { return Blob(inner); }));
         CHECK(onlyProblem(backend, Problem::Kind::decorator_without_service).ids == Ids{"cat.blob"});
       }},
      {{"Problem::Kind::invalid_registration"},
       [] {
         auto backend = quiet();
         backend.add(createBackendPlugin("silent", [](PluginRegistrationPoints&) {}));
         CHECK(onlyProblem(backend, Problem::Kind::invalid_registration).ids == Ids{"silent"});
       }},
      {{"Problem::Kind::duplicate_module"},
       [] {
         auto backend = quiet();
         backend.add(idle("p"));
         backend.add(moduleWith("p", "m", deps(), [] {}));
         backend.add(moduleWith("p", "m", deps(), [] {}));
         CHECK(onlyProblem(backend, Problem::Kind::duplicate_module).ids == Ids{"p", "m"});
       }},
      {{"Problem::Kind::extension_point_misuse"},
       [] {
         auto backend = quiet();
         backend.add(createBackendPlugin("owner", [](PluginRegistrationPoints& env) {
           env.registerExtensionPoint(pointRef, std::make_shared<Point>());
           env.registerInit(deps(), [] {});
         }));
         backend.add(idle("other"));
         backend.add(moduleWith("other", "m", deps(pointRef), [](Point&) {}));
         const auto p = onlyProblem(backend, Problem::Kind::extension_point_misuse);
         CHECK(p.ids == Ids{"cat.point", "owner", "other"});
         CHECK(p.neededBy == Ids{"module 'm' of plugin 'other'"});
       }},
      {{"Problem::Kind::extension_point_missing"},
       [] {
         auto backend = quiet();
         backend.add(idle("p"));
         backend.add(moduleWith("p", "m", deps(pointRef), [](Point&) {}));
         const auto p = onlyProblem(backend, Problem::Kind::extension_point_missing);
         CHECK(p.ids == Ids{"cat.point"});
         CHECK(p.neededBy == Ids{"module 'm' of plugin 'p'"});
       }},
      {{"Problem::Kind::module_cycle"},
       [] {
         auto backend = quiet();
         backend.add(idle("p"));
         backend.add(createBackendModule("p", "first", [](ModuleRegistrationPoints& env) {
           env.registerExtensionPoint(pointRef, std::make_shared<Point>());
           env.registerInit(deps(secondPointRef), [](Point&) {});
         }));
         backend.add(createBackendModule("p", "second", [](ModuleRegistrationPoints& env) {
           env.registerExtensionPoint(secondPointRef, std::make_shared<Point>());
           env.registerInit(deps(pointRef), [](Point&) {});
         }));
         CHECK(onlyProblem(backend, Problem::Kind::module_cycle).ids == Ids{"first", "second", "first"});
       }},
      {{"Problem::Kind::replaced_after_instantiation"},
       [] {
         const auto defaulted = createServiceRef<Blob, RootScope>("cat.defaulted", [](auto service) {
           return createServiceFactory(service, deps(), [] { return Blob(); });
         });
         auto backend = quiet();
         backend.add(createBackendFeatureLoader(deps(defaulted), [defaulted](Blob&) {
           return std::vector<BackendFeature>{createServiceFactory(defaulted, deps(), [] { return Blob(); })};
         }));
         CHECK(onlyProblem(backend, Problem::Kind::replaced_after_instantiation).ids == Ids{"cat.defaulted"});
       }},
      {{"Problem::Kind::invalid_config"},
       [] {
         auto backend = withConfig(ConfigObject{
             {"backend",
              ConfigObject{
                  {"startup", ConfigObject{{"default", ConfigObject{{"onPluginBootFailure", "maybe"}}}}}}}});
         backend.add(idle("p"));
         CHECK(onlyProblem(backend, Problem::Kind::invalid_config).ids ==
               Ids{"backend.startup.default.onPluginBootFailure"});
       }},
      {{"ServiceFactoryError", "ErrorCode::factory_threw"},
       [] {
         auto backend = quiet();
         const auto root = createServiceRef<Blob, RootScope>("cat.root");
         backend.add(
             createServiceFactory(root, deps(), []() -> Blob { throw std::runtime_error("disk on fire"); }));
         const auto error = thrownBy([&] { backend.start(); });
         REQUIRE(classOf(error) == "ServiceFactoryError");
         try {
           std::rethrow_exception(error);
         } catch (const ServiceFactoryError& e) {
           CHECK(e.code() == ErrorCode::factory_threw);
           CHECK(e.serviceId() == "cat.root");
           CHECK(e.pluginId().empty());
           CHECK(e.chain() == Ids{"cat.root"});
           CHECK_THROWS_WITH(e.rethrow_nested(), "disk on fire");
         }
       }},
      {{"ErrorCode::factory_returned_null"},
       [] {
         auto backend = quiet();
         backend.add(createServiceFactory(aRef, deps(), [] { return std::unique_ptr<Blob>(); }));
         backend.add(pluginWith("p", deps(aRef), [](Blob&) {}));
         const auto error = thrownBy([&] { backend.start(); });
         REQUIRE(classOf(error) == "BackendStartupError");
         try {
           std::rethrow_exception(error);
         } catch (const BackendStartupError& e) {
           REQUIRE(e.result().plugins.size() == 1);
           const auto cause = e.result().plugins[0].failure->error;
           REQUIRE(classOf(cause) == "ServiceFactoryError");
           try {
             std::rethrow_exception(cause);
           } catch (const ServiceFactoryError& inner) {
             CHECK(inner.code() == ErrorCode::factory_returned_null);
             CHECK(inner.serviceId() == "cat.a");
             CHECK(inner.pluginId() == "p");
           }
         }
       }},
      {{"BackendStartupError", "ErrorCode::startup_failed"},
       [] {
         auto backend = quiet();
         backend.add(idle("fine"));
         backend.add(pluginWith("broken", deps(), [] { throw std::runtime_error("no"); }));
         const auto error = thrownBy([&] { backend.start(); });
         REQUIRE(classOf(error) == "BackendStartupError");
         try {
           std::rethrow_exception(error);
         } catch (const BackendStartupError& e) {
           CHECK(e.code() == ErrorCode::startup_failed);
           REQUIRE(e.result().plugins.size() == 2);
           CHECK(e.result().plugins[0].status == StartupStatus::ok);
           CHECK(e.result().plugins[1].pluginId == "broken");
           CHECK(e.result().plugins[1].status == StartupStatus::failed);
         }
       }},
      {{"ConfigError", "ErrorCode::invalid_config"},
       [] {
         const ConfigReader config(ConfigObject{{"port", "not a number"}});
         const auto error = thrownBy([&] { (void)config.getNumber("port"); });
         REQUIRE(classOf(error) == "ConfigError");
         try {
           std::rethrow_exception(error);
         } catch (const ConfigError& e) {
           CHECK(e.code() == ErrorCode::invalid_config);
           CHECK(e.key() == "port");
         }
       }},
      {{"Error", "ErrorCode::invalid_registration"},
       [] {
         auto backend = quiet();
         auto registration = std::make_shared<PluginRegistrationPoints*>(nullptr);
         backend.add(createBackendPlugin("late", [registration](PluginRegistrationPoints& env) {
           *registration = &env;
           env.registerInit(deps(), [registration] { (*registration)->registerInit(deps(), [] {}); });
         }));
         const auto error = thrownBy([&] { backend.start(); });
         REQUIRE(classOf(error) == "BackendStartupError");
         try {
           std::rethrow_exception(error);
         } catch (const BackendStartupError& e) {
           const auto cause = e.result().plugins.at(0).failure->error;
           REQUIRE(classOf(cause) == "Error");
           try {
             std::rethrow_exception(cause);
           } catch (const Error& inner) {
             CHECK(inner.code() == ErrorCode::invalid_registration);
             CHECK_THAT(inner.what(), Catch::StartsWith("registerInit was called after registration ended"));
           }
         }
       }},
      {{"ErrorCode::stop_failed"},
       [] {
         auto backend = startTestBackend(
             {.features = {
                  pluginWith("cache", deps(coreServices::lifecycle), [](LifecycleService& lifecycle) {
                    lifecycle.addShutdownHook([] { throw std::runtime_error("disk full"); }, {"flush"});
                  })}});
         const auto error = thrownBy([&] { backend.stop(); });
         REQUIRE(classOf(error) == "Error");
         try {
           std::rethrow_exception(error);
         } catch (const Error& e) {
           CHECK(e.code() == ErrorCode::stop_failed);
           CHECK_THAT(e.what(), Catch::Contains("'flush' of plugin 'cache' failed: disk full"));
         }
       }},
      {{"ErrorCode::hook_rejected"},
       [] {
         RootLifecycleService* lifecycle = nullptr;
         auto backend = quiet();
         backend.add(pluginWith("p", deps(coreServices::rootLifecycle),
                                [&lifecycle](RootLifecycleService& root) { lifecycle = &root; }));
         backend.start();
         REQUIRE(lifecycle != nullptr);
         const auto error = thrownBy([&] { lifecycle->addStartupHook([] {}); });
         REQUIRE(classOf(error) == "Error");
         try {
           std::rethrow_exception(error);
         } catch (const Error& e) {
           CHECK(e.code() == ErrorCode::hook_rejected);
           CHECK_THAT(e.what(), Catch::StartsWith("Attempted to add startup hook after startup has run"));
         }
       }},
  };
  return cases;
}

std::set<std::string> covered() {
  std::set<std::string> out;
  for (const auto& c : catalogue()) out.insert(c.covers.begin(), c.covers.end());
  return out;
}

// The kinds docs/diagnostics.md documents: `<!-- kinds: A B C -->` markers.
std::multiset<std::string> documentedKinds() {
  const std::string text = readFile(RIGGING_DOCS_DIR "/diagnostics.md");
  std::multiset<std::string> out;
  const std::string open = "<!-- kinds:";
  for (auto at = text.find(open); at != std::string::npos; at = text.find(open, at + 1)) {
    const auto close = text.find("-->", at);
    // The entry a marker opens runs to the next heading; it must name each of its kinds in backticks.
    const auto from = close + 3;
    const auto end = std::min(text.find("\n## ", from + 1), text.find("\n### ", from + 1));
    const std::string entry = text.substr(from, end - from);
    std::istringstream words(text.substr(at + open.size(), close - at - open.size()));
    std::string word;
    while (words >> word) {
      const std::string name = word.substr(word.rfind(':') == std::string::npos ? 0 : word.rfind(':') + 1);
      INFO("the entry for " << word << " in docs/diagnostics.md never names `" << name << "`");
      CHECK(entry.find("`" + name + "`") != std::string::npos);
      out.insert(word);
    }
  }
  return out;
}

}  // namespace

TEST_CASE("catalogue: every error kind is provoked and checked by kind and ids", "[catalogue]") {
  for (const auto& c : catalogue()) {
    DYNAMIC_SECTION(c.covers.front()) { c.run(); }
  }
}

TEST_CASE("catalogue: every error kind declared in the headers has a case, and no case names another",
          "[catalogue]") {
  const auto declared = declaredKinds();
  const auto cases = covered();
  // The parser must find the first and last of each list, or it reads less than there is.
  for (const char* kind :
       {"ErrorCode::invalid_id", "ErrorCode::hook_rejected", "Problem::Kind::circular_dependency",
        "Problem::Kind::invalid_config", "Error", "ValidationError", "BackendStartupError"}) {
    CHECK(declared.count(kind) == 1);
  }
  for (const auto& kind : declared) {
    INFO(kind << " is declared in include/rigging but no case of the catalogue provokes it");
    CHECK(cases.count(kind) == 1);
  }
  for (const auto& kind : cases) {
    INFO(kind << " is in the catalogue but not declared in include/rigging");
    CHECK(declared.count(kind) == 1);
  }
  std::printf("catalogue: %zu error kinds, each provoked by a case\n", declared.size());
}

TEST_CASE(
    "catalogue: docs/diagnostics.md has one entry per error kind and none for a kind that does not exist",
    "[catalogue]") {
  const auto declared = declaredKinds();
  const auto documented = documentedKinds();
  REQUIRE_FALSE(documented.empty());
  for (const auto& kind : declared) {
    INFO(kind << " has no `<!-- kinds: ... -->` entry in docs/diagnostics.md");
    CHECK(documented.count(kind) >= 1);
  }
  for (const auto& kind : documented) {
    INFO("docs/diagnostics.md names " << kind << ", which include/rigging does not declare");
    CHECK(declared.count(kind) == 1);
  }
}
