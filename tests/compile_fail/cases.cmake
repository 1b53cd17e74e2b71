# Compile-time rejections: each snippet must fail to build with the quoted words, and build without
# RIGGING_COMPILE_FAIL (its twin), so it fails for the intended reason only.
rigging_add_compile_fail_test(root_factory_depends_on_plugin root_factory_depends_on_plugin.cpp
  "rigging: a root-scoped service factory can only depend on root-scoped services")
rigging_add_compile_fail_test(root_context_depends_on_plugin root_context_depends_on_plugin.cpp
  "rigging: a root context can only depend on root-scoped services")
rigging_add_compile_fail_test(root_factory_with_context root_factory_with_context.cpp
  "rigging: rootContext[(][.][.][.][)] is only for plugin-scoped services")
rigging_add_compile_fail_test(factory_parameters_mismatch factory_parameters_mismatch.cpp
  "rigging: the factory callable does not accept its deps")
rigging_add_compile_fail_test(factory_wrong_result factory_wrong_result.cpp
  "rigging: the factory callable returns something that is not the service's type")
rigging_add_compile_fail_test(root_context_parameters_mismatch root_context_parameters_mismatch.cpp
  "rigging: the root context callable does not accept its deps")
rigging_add_compile_fail_test(decorator_of_multiton decorator_of_multiton.cpp
  "rigging: multiton services cannot be decorated")
rigging_add_compile_fail_test(decorator_parameters_mismatch decorator_parameters_mismatch.cpp
  "rigging: the decorator callable does not accept its arguments")
rigging_add_compile_fail_test(init_parameters_mismatch init_parameters_mismatch.cpp
  "rigging: the init callable does not accept its deps")
rigging_add_compile_fail_test(plugin_init_uses_extension_point plugin_init_uses_extension_point.cpp
  "rigging: a plugin's init cannot depend on an extension point")
rigging_add_compile_fail_test(factory_uses_extension_point factory_uses_extension_point.cpp
  "rigging: a service factory cannot depend on an extension point")
rigging_add_compile_fail_test(loader_depends_on_plugin loader_depends_on_plugin.cpp
  "rigging: a feature loader can only depend on root-scoped services")
rigging_add_compile_fail_test(extension_point_wrong_type extension_point_wrong_type.cpp
  "rigging: the implementation of an extension point must derive from the ExtensionPoint's type")
# fmt checks log messages at compile time; its own words name the problem.
rigging_add_compile_fail_test(logger_format_mismatch logger_format_mismatch.cpp "argument not found")
rigging_add_compile_fail_test(decorator_uses_extension_point decorator_uses_extension_point.cpp
  "rigging: a decorator cannot depend on an extension point")
