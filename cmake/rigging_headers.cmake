# SPDX-License-Identifier: Apache-2.0
# Copyright The rigging Authors
# Every header of rigging, public and detail/: the FILE_SET that is installed and compiled one by one by
# rigging_verify_interface_header_sets. A header missing here is neither installed nor checked: add new ones.
set(RIGGING_HEADERS
    ${PROJECT_SOURCE_DIR}/include/rigging/rigging.hpp
    ${PROJECT_SOURCE_DIR}/include/rigging/plugin_api.hpp
    ${PROJECT_SOURCE_DIR}/include/rigging/version.hpp
    ${PROJECT_SOURCE_DIR}/include/rigging/service_ref.hpp
    ${PROJECT_SOURCE_DIR}/include/rigging/deps.hpp
    ${PROJECT_SOURCE_DIR}/include/rigging/backend_feature.hpp
    ${PROJECT_SOURCE_DIR}/include/rigging/errors.hpp
    ${PROJECT_SOURCE_DIR}/include/rigging/core_services.hpp
    ${PROJECT_SOURCE_DIR}/include/rigging/service_factory.hpp
    ${PROJECT_SOURCE_DIR}/include/rigging/service_decorator.hpp
    ${PROJECT_SOURCE_DIR}/include/rigging/plugin.hpp
    ${PROJECT_SOURCE_DIR}/include/rigging/backend.hpp
    ${PROJECT_SOURCE_DIR}/include/rigging/create_backend.hpp
    ${PROJECT_SOURCE_DIR}/include/rigging/extension_point.hpp
    ${PROJECT_SOURCE_DIR}/include/rigging/module.hpp
    ${PROJECT_SOURCE_DIR}/include/rigging/feature_loader.hpp
    ${PROJECT_SOURCE_DIR}/include/rigging/startup_result.hpp
    ${PROJECT_SOURCE_DIR}/include/rigging/defaults/lifecycle.hpp
    ${PROJECT_SOURCE_DIR}/include/rigging/defaults/root_config.hpp
    ${PROJECT_SOURCE_DIR}/include/rigging/defaults/root_logger.hpp
    ${PROJECT_SOURCE_DIR}/include/rigging/detail/startup_report.hpp
    ${PROJECT_SOURCE_DIR}/include/rigging/run_until_signal.hpp
    ${PROJECT_SOURCE_DIR}/include/rigging/backend_graph.hpp
    ${PROJECT_SOURCE_DIR}/include/rigging/detail/json.hpp
    ${PROJECT_SOURCE_DIR}/include/rigging/defaults/config_sources.hpp
    ${PROJECT_SOURCE_DIR}/include/rigging/detail/intern.hpp
    ${PROJECT_SOURCE_DIR}/include/rigging/detail/flat_table.hpp
    ${PROJECT_SOURCE_DIR}/include/rigging/detail/id_index.hpp
    ${PROJECT_SOURCE_DIR}/include/rigging/detail/type_name.hpp
    ${PROJECT_SOURCE_DIR}/include/rigging/detail/attributes.hpp
    ${PROJECT_SOURCE_DIR}/include/rigging/detail/arena.hpp
    ${PROJECT_SOURCE_DIR}/include/rigging/detail/callable.hpp
    ${PROJECT_SOURCE_DIR}/include/rigging/detail/factory_impl.hpp
    ${PROJECT_SOURCE_DIR}/include/rigging/detail/graph.hpp
    ${PROJECT_SOURCE_DIR}/include/rigging/detail/id.hpp
    ${PROJECT_SOURCE_DIR}/include/rigging/detail/invoke.hpp
    ${PROJECT_SOURCE_DIR}/include/rigging/detail/engine.hpp
    ${PROJECT_SOURCE_DIR}/include/rigging/testing.hpp
    ${PROJECT_SOURCE_DIR}/include/rigging/testing/mock_services.hpp
    ${PROJECT_SOURCE_DIR}/include/rigging/testing/service_factory_tester.hpp
    ${PROJECT_SOURCE_DIR}/include/rigging/testing/test_backend.hpp)

# Optional headers, each with the package it needs; they are installed, but have their own target.
#   config_yaml.hpp: yaml-cpp (Debian: libyaml-cpp-dev), target rigging::yaml
set(RIGGING_YAML_HEADERS ${PROJECT_SOURCE_DIR}/include/rigging/config_yaml.hpp)
