# Runs CMD under valgrind memcheck; fails on any memcheck error or leak, or
# when the program's exit code is not EXPECT_EXIT.
set(args --error-exitcode=99 --leak-check=full
  --errors-for-leak-kinds=definite,indirect,possible
  --show-leak-kinds=definite,indirect,possible --track-origins=yes)
if(STDIN)
  execute_process(COMMAND "${VALGRIND}" ${args} ${CMD} INPUT_FILE "${STDIN}"
    RESULT_VARIABLE rc OUTPUT_QUIET ERROR_VARIABLE err)
else()
  execute_process(COMMAND "${VALGRIND}" ${args} ${CMD}
    RESULT_VARIABLE rc OUTPUT_QUIET ERROR_VARIABLE err)
endif()
string(REGEX MATCH "ERROR SUMMARY: [0-9]+ errors" summary "${err}")
message("${summary}")
if(EXPECT_EXIT EQUAL 99)
  # A test that expects memcheck to find the error.
  if(NOT rc EQUAL 99 OR summary STREQUAL "ERROR SUMMARY: 0 errors")
    message(FATAL_ERROR "memcheck found nothing (exit ${rc}):\n${err}")
  endif()
elseif(NOT rc EQUAL EXPECT_EXIT OR NOT summary STREQUAL "ERROR SUMMARY: 0 errors")
  message(FATAL_ERROR "memcheck failed (exit ${rc}, expected ${EXPECT_EXIT}):\n${err}")
endif()
