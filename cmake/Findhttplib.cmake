# Debian 12 ships cpp-httplib as a compiled library with pkg-config metadata only;
# expose it as httplib::httplib (its Cflags enable the OpenSSL support the lab needs).
find_package(PkgConfig REQUIRED)
pkg_check_modules(HTTPLIB QUIET IMPORTED_TARGET cpp-httplib)
include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(httplib REQUIRED_VARS HTTPLIB_LINK_LIBRARIES VERSION_VAR HTTPLIB_VERSION)
if(httplib_FOUND AND NOT TARGET httplib::httplib)
  add_library(httplib::httplib ALIAS PkgConfig::HTTPLIB)
endif()
