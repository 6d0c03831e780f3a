# Runs rtcpc-echo on OFFER with nobody to connect to: it must print an answer
# with a candidate, then end with an ICE error and exit 1 (and, with
# VALGRIND, leak nothing: valgrind's exit would be 99).
#   cmake -DECHO=rtcpc-echo -DOFFER=offer.sdp [-DVALGRIND=valgrind -DSUPPRESSIONS=f] -P check_echo.cmake
set(cmd "${ECHO}" --bind 127.0.0.1 --timeout 3)
if(VALGRIND)
  set(cmd "${VALGRIND}" --error-exitcode=99 --leak-check=full
      --errors-for-leak-kinds=definite,indirect "--suppressions=${SUPPRESSIONS}" ${cmd})
endif()
execute_process(COMMAND ${cmd} INPUT_FILE "${OFFER}" RESULT_VARIABLE rc
  OUTPUT_VARIABLE out ERROR_VARIABLE err TIMEOUT 100)
set(problems "")
if(NOT rc EQUAL 1)
  string(APPEND problems "exit code ${rc}, expected 1; ")
endif()
foreach(want "v=0" "a=candidate:" "a=setup:active" "a=sendrecv")
  string(FIND "${out}" "${want}" at)
  if(at EQUAL -1)
    string(APPEND problems "the answer lacks \"${want}\"; ")
  endif()
endforeach()
foreach(want "echo: error: ice: " "echo: summary rtp_in=0 ")
  string(FIND "${err}" "${want}" at)
  if(at EQUAL -1)
    string(APPEND problems "stderr lacks \"${want}\"; ")
  endif()
endforeach()
if(problems)
  message(FATAL_ERROR "${problems}\nstdout:\n${out}\nstderr:\n${err}")
endif()
message(STATUS "ok\n${err}")
