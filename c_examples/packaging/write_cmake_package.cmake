# Writes the CMake package for an rtcpc installed by cargo cinstall:
#   cmake -DDEST=PREFIX -DVERSION=x.y.z -DLIBS_PRIVATE="-lgcc_s ..." [-DSIZEOF_VOID_P=8] -P write_cmake_package.cmake
# Run by install.sh. The files locate everything relative to themselves, so
# the installed tree can be moved (or staged with DESTDIR).
cmake_minimum_required(VERSION 3.16)
foreach(v DEST VERSION)
  if(NOT ${v})
    message(FATAL_ERROR "write_cmake_package.cmake: -D${v}= is required")
  endif()
endforeach()
if(NOT VERSION MATCHES "^([0-9]+)\\.([0-9]+)\\.([0-9]+)")
  message(FATAL_ERROR "not a MAJOR.MINOR.PATCH version: ${VERSION}")
endif()
set(RTCPC_VERSION_MAJOR "${CMAKE_MATCH_1}")

set(libdir "${DEST}/lib")
set(config_dir "${libdir}/cmake/rtcpc")
foreach(f "${libdir}/librtcpc.so.${VERSION}" "${libdir}/librtcpc.a" "${DEST}/include/rtcpc/rtcpc.h")
  if(NOT EXISTS "${f}")
    message(FATAL_ERROR "${f} is missing: run cargo cinstall first (install.sh does)")
  endif()
endforeach()

# Libs.private of rtcpc.pc ("-lgcc_s -lutil ... -lc") as link items.
separate_arguments(libs UNIX_COMMAND "${LIBS_PRIVATE}")
set(RTCPC_STATIC_LINK_LIBRARIES "")
foreach(l IN LISTS libs)
  if(l MATCHES "^-l(.+)$")
    list(APPEND RTCPC_STATIC_LINK_LIBRARIES "${CMAKE_MATCH_1}")
  else()
    list(APPEND RTCPC_STATIC_LINK_LIBRARIES "${l}")
  endif()
endforeach()

file(RELATIVE_PATH RTCPC_PREFIX_FROM_CONFIG "${config_dir}" "${DEST}")
set(RTCPC_VERSION "${VERSION}")
configure_file("${CMAKE_CURRENT_LIST_DIR}/rtcpcConfig.cmake.in" "${config_dir}/rtcpcConfig.cmake" @ONLY)

# SameMajorVersion: what the SONAME promises (librtcpc.so.MAJOR; for 0.x
# every 0.x release keeps the ABI of the earlier ones, see Cargo.toml).
include(CMakePackageConfigHelpers)
set(CMAKE_SIZEOF_VOID_P "${SIZEOF_VOID_P}")
write_basic_package_version_file("${config_dir}/rtcpcConfigVersion.cmake"
  VERSION "${VERSION}" COMPATIBILITY SameMajorVersion)
message(STATUS "Installing: ${config_dir}/rtcpcConfig.cmake")
message(STATUS "Installing: ${config_dir}/rtcpcConfigVersion.cmake")
