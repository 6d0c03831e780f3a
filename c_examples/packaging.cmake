# Packaging: the log bridge and the C++ wrapper in tree, then an install into
# a temporary prefix (cargo cinstall + the CMake package, through
# packaging/install.sh) and consumers built out of tree against it: pkg-config
# (shared and static), find_package(rtcpc) (rtcpc::rtcpc, rtcpc::rtcpc_static
# and a C++ consumer of rtcpc.hpp), the exported symbols and SONAME, and the
# ABI baseline. Included from CMakeLists.txt. Select with -L packaging.
set(PACKAGING_DIR "${CMAKE_CURRENT_SOURCE_DIR}/packaging")

rtcpc_example(log_bridge packaging/log_bridge.c rtcpc_static)
rtcpc_example(hpp_wrapper packaging/consumer/consumer_cpp.cpp rtcpc_static)

if(NOT BUILD_TESTING)
  return()
endif()

add_test(NAME log_bridge COMMAND log_bridge)
add_test(NAME hpp_wrapper COMMAND hpp_wrapper)
set_tests_properties(log_bridge hpp_wrapper PROPERTIES TIMEOUT 120 LABELS packaging)
memcheck_test(log_bridge EXPECT_EXIT 0 COMMAND $<TARGET_FILE:log_bridge>)
memcheck_test(hpp_wrapper EXPECT_EXIT 0 COMMAND $<TARGET_FILE:hpp_wrapper>)

# The install. The release build reuses target/cinstall, so it is incremental.
set(PACKAGING_PREFIX "${CMAKE_BINARY_DIR}/packaging/prefix")
set(PACKAGING_WORK "${CMAKE_BINARY_DIR}/packaging/consumers")
find_program(BASH bash REQUIRED)
# cargo-cinstall sits next to cargo (tests/setup.sh installs it: cargo-c 0.10.24).
get_filename_component(CARGO_BIN_DIR "${CARGO}" DIRECTORY)
add_test(NAME packaging_install COMMAND "${CMAKE_COMMAND}" -E env
  "PATH=${CARGO_BIN_DIR}:$ENV{PATH}" "CARGO_TARGET_DIR=${RTCPC_TARGET_DIR}/cinstall"
  "${BASH}" -c "rm -rf \"$0\" && \"$1\" \"$0\"" "${PACKAGING_PREFIX}" "${PACKAGING_DIR}/install.sh")
set_tests_properties(packaging_install PROPERTIES
  TIMEOUT 1800 LABELS packaging FIXTURES_SETUP rtcpc_installed)

function(packaging_test name)
  add_test(NAME ${name} COMMAND "${BASH}" ${ARGN})
  set_tests_properties(${name} PROPERTIES
    TIMEOUT 600 LABELS packaging FIXTURES_REQUIRED rtcpc_installed)
endfunction()
packaging_test(packaging_symbols_soname "${PACKAGING_DIR}/check_library.sh" "${PACKAGING_PREFIX}")
find_package(Python3 COMPONENTS Interpreter REQUIRED)
packaging_test(packaging_abi -c "\"$0\" \"${PACKAGING_DIR}/abi/abi.py\" check \"$1\" \"$2\""
  "${Python3_EXECUTABLE}" "${PACKAGING_PREFIX}/lib/librtcpc.so" "${PACKAGING_PREFIX}/include/rtcpc/rtcpc.h")
foreach(mode pkgconfig-shared pkgconfig-static find-package)
  string(REPLACE "-" "_" test_name "packaging_${mode}")
  packaging_test(${test_name} "${PACKAGING_DIR}/run_consumers.sh" ${mode}
    "${PACKAGING_PREFIX}" "${PACKAGING_WORK}/${mode}" "${RTCPC_DEFAULT_OFFER}")
endforeach()
