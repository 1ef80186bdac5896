# Every dependency comes from Debian's packages (see tools/setup.sh); nothing is downloaded.

# Armadillo: Debian ships headers and libarmadillo.so but no usable CMake config, so cnnlab makes
# its own imported target. ARMA_DONT_USE_WRAPPER makes Armadillo call BLAS/LAPACK directly, and we
# link OpenBLAS explicitly, so matrix products reach OpenBLAS whatever Debian's BLAS alternative says.
find_path(ARMADILLO_INCLUDE_DIR armadillo REQUIRED)
find_library(OPENBLAS_LIBRARY NAMES openblas REQUIRED)
add_library(cnnlab_armadillo INTERFACE)
target_include_directories(cnnlab_armadillo SYSTEM INTERFACE ${ARMADILLO_INCLUDE_DIR})
target_compile_definitions(cnnlab_armadillo INTERFACE ARMA_DONT_USE_WRAPPER)
target_link_libraries(cnnlab_armadillo INTERFACE ${OPENBLAS_LIBRARY})
add_library(cnnlab::armadillo ALIAS cnnlab_armadillo)

find_package(OpenMP REQUIRED COMPONENTS CXX)
find_package(Boost 1.74 REQUIRED COMPONENTS unit_test_framework)
find_path(CLI11_INCLUDE_DIR CLI/CLI.hpp REQUIRED)
find_path(STB_INCLUDE_DIR stb/stb_image.h REQUIRED)
find_library(STB_LIBRARY NAMES stb libstb.a REQUIRED)
add_library(cnnlab_stb INTERFACE)
target_include_directories(cnnlab_stb SYSTEM INTERFACE ${STB_INCLUDE_DIR})
target_link_libraries(cnnlab_stb INTERFACE ${STB_LIBRARY})
add_library(cnnlab::stb ALIAS cnnlab_stb)

# Armadillo's bounds and size checks stay on everywhere (tests rely on them) except in the bench
# preset, which measures speed.
option(CNNLAB_ARMA_NO_DEBUG "Compile with ARMA_NO_DEBUG (benchmarks only)" OFF)
if(CNNLAB_ARMA_NO_DEBUG)
  target_compile_definitions(cnnlab_armadillo INTERFACE ARMA_NO_DEBUG)
endif()

# FFTW3 (single and double precision) for the FFT convolution path: Debian's Armadillo is built
# without FFTW, and its internal FFT is several times slower.
find_path(FFTW3_INCLUDE_DIR fftw3.h REQUIRED)
find_library(FFTW3F_LIBRARY NAMES fftw3f REQUIRED)
find_library(FFTW3_LIBRARY NAMES fftw3 REQUIRED)
add_library(cnnlab_fftw3 INTERFACE)
target_include_directories(cnnlab_fftw3 SYSTEM INTERFACE ${FFTW3_INCLUDE_DIR})
target_link_libraries(cnnlab_fftw3 INTERFACE ${FFTW3F_LIBRARY} ${FFTW3_LIBRARY})
add_library(cnnlab::fftw3 ALIAS cnnlab_fftw3)
