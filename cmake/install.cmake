# `cmake --install <build> --prefix P` installs the library as a CMake package:
#   P/include/chapters/…, P/include/reference/…   the headers, at the paths the code includes them by
#   P/lib/libcnnlab.a
#   P/lib/cmake/cnnlab/                           cnnlabConfig.cmake, cnnlabConfigVersion.cmake, cnnlabTargets*.cmake
# A downstream project then writes find_package(cnnlab CONFIG REQUIRED) and links cnnlab::cnnlab
# (examples/downstream/ does; tests/downstream_package.sh checks it). Nothing else is installed: the
# program, the tests and the docs site stay in the build tree, so installing needs no docs build.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(CNNLAB_INSTALL_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/cnnlab)

# The public headers: every header of the chapters and of the naive references (`cnnlab::ref`, header
# only). No header includes a third-party header other than <armadillo>.
file(GLOB cnnlab_public_headers CONFIGURE_DEPENDS
     ${PROJECT_SOURCE_DIR}/chapters/*/*.hpp
     ${PROJECT_SOURCE_DIR}/reference/*.hpp)
target_sources(cnnlab PUBLIC FILE_SET HEADERS BASE_DIRS ${PROJECT_SOURCE_DIR} FILES ${cnnlab_public_headers})
# The headers are C++20: a user's target compiles them as such whatever its own standard.
target_compile_features(cnnlab PUBLIC cxx_std_20)

# cnnlab links three helper targets of Dependencies.cmake: cnnlab::armadillo (PUBLIC: Armadillo's
# headers, ARMA_DONT_USE_WRAPPER, OpenBLAS) and, PRIVATE but needed when linking the static
# library, cnnlab::stb and cnnlab::fftw3 (plus ZLIB::ZLIB and OpenMP, imported targets that
# cnnlabConfig.cmake finds again). The helpers are exported under the same names, keeping their
# compile definitions but not this machine's paths: those stay in the build tree, and
# cnnlabConfig.cmake finds the libraries again on the user's machine and fills them in.
foreach(dep IN ITEMS armadillo stb fftw3)
  set_target_properties(cnnlab_${dep} PROPERTIES EXPORT_NAME ${dep})
  foreach(property IN ITEMS INTERFACE_INCLUDE_DIRECTORIES INTERFACE_SYSTEM_INCLUDE_DIRECTORIES INTERFACE_LINK_LIBRARIES)
    get_target_property(values cnnlab_${dep} ${property})
    if(values)
      list(TRANSFORM values REPLACE "^(.+)$" "$<BUILD_INTERFACE:\\1>")
      set_target_properties(cnnlab_${dep} PROPERTIES ${property} "${values}")
    endif()
  endforeach()
endforeach()

install(TARGETS cnnlab cnnlab_armadillo cnnlab_stb cnnlab_fftw3
        EXPORT cnnlabTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
        FILE_SET HEADERS DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT cnnlabTargets NAMESPACE cnnlab:: DESTINATION ${CNNLAB_INSTALL_CMAKEDIR})

configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/cnnlabConfig.cmake.in
                              ${PROJECT_BINARY_DIR}/cnnlabConfig.cmake
                              INSTALL_DESTINATION ${CNNLAB_INSTALL_CMAKEDIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/cnnlabConfigVersion.cmake
                                 VERSION ${PROJECT_VERSION}
                                 COMPATIBILITY SameMajorVersion)
install(FILES ${PROJECT_BINARY_DIR}/cnnlabConfig.cmake ${PROJECT_BINARY_DIR}/cnnlabConfigVersion.cmake
        DESTINATION ${CNNLAB_INSTALL_CMAKEDIR})
