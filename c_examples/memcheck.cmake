# Every C/C++ example again under valgrind memcheck: zero errors and zero
# leaks (definite, indirect, possible), on success and error paths alike.
# Included from CMakeLists.txt; explain.cmake, packaging.cmake and
# tests/c/CMakeLists.txt add their programs' twins with memcheck_test.
if(NOT BUILD_TESTING)
  return()
endif()
find_program(VALGRIND valgrind REQUIRED)
# Named here: a function sees its caller's CMAKE_CURRENT_SOURCE_DIR.
set(RTCPC_RUN_MEMCHECK "${CMAKE_CURRENT_SOURCE_DIR}/run_memcheck.cmake")

# memcheck_test(NAME EXPECT_EXIT <code> [STDIN <file>] COMMAND <cmd> <args>...)
function(memcheck_test name)
  cmake_parse_arguments(M "" "EXPECT_EXIT;STDIN" "COMMAND" ${ARGN})
  add_test(NAME memcheck_${name} COMMAND "${CMAKE_COMMAND}"
    "-DVALGRIND=${VALGRIND}" "-DEXPECT_EXIT=${M_EXPECT_EXIT}" "-DSTDIN=${M_STDIN}"
    "-DCMD=${M_COMMAND}" -P "${RTCPC_RUN_MEMCHECK}")
  set_tests_properties(memcheck_${name} PROPERTIES TIMEOUT 300 LABELS memcheck)
endfunction()

set(OFFERS "${CMAKE_CURRENT_SOURCE_DIR}/offers")
memcheck_test(answer_default EXPECT_EXIT 0 COMMAND $<TARGET_FILE:rtcpc-answer>)
memcheck_test(offer_data EXPECT_EXIT 0 COMMAND $<TARGET_FILE:rtcpc-offer> --data)
memcheck_test(offer_usage EXPECT_EXIT 2 COMMAND $<TARGET_FILE:rtcpc-offer> --bundle-policy none)
memcheck_test(answer_stdin_candidates EXPECT_EXIT 0
  STDIN "${OFFERS}/aiortc__safari-13-audio-video-data.sdp"
  COMMAND $<TARGET_FILE:rtcpc-answer> --tracks none --ice-lite
          --candidate "candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host" -)
memcheck_test(answer_nonwebrtc_error EXPECT_EXIT 1
  COMMAND $<TARGET_FILE:rtcpc-answer> "${OFFERS}/sipsorcery-tests__asterisk-sip-rtp-avp-pcmu-nonwebrtc.sdp")
memcheck_test(answer_missing_file EXPECT_EXIT 1
  COMMAND $<TARGET_FILE:rtcpc-answer> "${OFFERS}/no-such-offer.sdp")
memcheck_test(answer_identity_no_vad EXPECT_EXIT 0
  COMMAND $<TARGET_FILE:rtcpc-answer> --identity idp.example --no-vad)
memcheck_test(answer_cpp EXPECT_EXIT 0 COMMAND $<TARGET_FILE:answer_cpp>)
