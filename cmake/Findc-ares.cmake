# Debian 12 ships c-ares with pkg-config metadata only; expose it as c-ares::cares.
find_package(PkgConfig REQUIRED)
pkg_check_modules(CARES QUIET IMPORTED_TARGET libcares)
include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(c-ares REQUIRED_VARS CARES_LINK_LIBRARIES VERSION_VAR CARES_VERSION)
if(c-ares_FOUND AND NOT TARGET c-ares::cares)
  add_library(c-ares::cares ALIAS PkgConfig::CARES)
endif()
