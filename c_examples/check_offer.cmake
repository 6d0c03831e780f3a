# rtcpc-offer ARGS > offer; rtcpc-answer offer > answer; rtcpc-offer ARGS
# --answer answer: each must succeed, and the second run's output (a fresh
# offer of the same shape, then the negotiation) must hold every REQUIRE.
#   cmake -DOFFERER=.. -DANSWERER=.. -DARGS=a|b -DREQUIRE=x|y -DWORK=dir -P check_offer.cmake
string(REPLACE "|" ";" args "${ARGS}")
string(REPLACE "|" ";" require "${REQUIRE}")
file(MAKE_DIRECTORY "${WORK}")
execute_process(COMMAND "${OFFERER}" ${args} OUTPUT_FILE "${WORK}/offer.sdp"
  RESULT_VARIABLE rc ERROR_VARIABLE err TIMEOUT 60)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "rtcpc-offer ${args}: exit ${rc}\n${err}")
endif()
execute_process(COMMAND "${ANSWERER}" "${WORK}/offer.sdp" OUTPUT_FILE "${WORK}/answer.sdp"
  RESULT_VARIABLE rc ERROR_VARIABLE err TIMEOUT 60)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "rtcpc-answer on the offer: exit ${rc}\n${err}")
endif()
execute_process(COMMAND "${OFFERER}" ${args} --answer "${WORK}/answer.sdp"
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err TIMEOUT 60)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "rtcpc-offer --answer: exit ${rc}\n${err}")
endif()
foreach(want ${require})
  string(FIND "${out}" "${want}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "the output lacks \"${want}\":\n${out}")
  endif()
endforeach()
message(STATUS "ok\n${out}")
