# Install rules and a Debian package: `cpack -G DEB` in the build directory writes
# tokensweep_<version>_<arch>.deb with the two executables, the rule pack (the same YAML
# that is compiled into the binary, for reading and for `--rules`) and the README.
include(GNUInstallDirs)

# `install` and cpack build only what they install, not every test and benchmark; build
# tokensweep and tokensweep-login first (scripts/build.sh, or the packaging test does).
set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY ON)

install(TARGETS tokensweep RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
if(TARGET tokensweep-login)
  install(TARGETS tokensweep-login RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endif()
install(DIRECTORY ${PROJECT_SOURCE_DIR}/rules/ DESTINATION ${CMAKE_INSTALL_DATADIR}/tokensweep/rules
        FILES_MATCHING PATTERN "*.yaml")
install(FILES ${PROJECT_SOURCE_DIR}/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME tokensweep)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "tokensweep")
set(CPACK_PACKAGE_CONTACT "tokensweep maintainers <maintainers@tokensweep.invalid>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Secret scanner for files, archives and git history")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${CPACK_PACKAGE_CONTACT}")
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
    "Finds credentials in files, archives, encoded text and git history, with\n provider rules, checksum validation, baselines and SARIF output.")
# Debian 12 (bookworm) runtime libraries, by package name (checked with apt-cache policy).
set(CPACK_DEBIAN_PACKAGE_DEPENDS
    "libc6 (>= 2.36), libstdc++6 (>= 12), libgcc-s1, libhyperscan5, libre2-9, libyaml-cpp0.7, libarchive13, libcurl4, libsecret-1-0, libglib2.0-0, libkeyutils1, libssl3, zlib1g")
include(CPack)
