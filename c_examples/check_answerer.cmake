# Runs rtcpc-answer once and checks what it did (cmake -P; see CMakeLists.txt).
#   ANSWERER      the executable
#   NAME          test name, for the output files kept in answerer-output/
#   OFFER         offer file to pass as the last argument (empty: its default)
#   REF           the offer it answers, to count m-lines
#   STDIN         file to feed on stdin
#   ARGS          extra arguments, "|"-separated
#   EXPECT_ERROR  DOMException name: expect exit code 1 and "error: NAME: ..."
#   REQUIRE/FORBID  "|"-separated substrings the answer must (not) contain

string(REPLACE "|" ";" args "${ARGS}")
string(REPLACE "|" ";" require "${REQUIRE}")
string(REPLACE "|" ";" forbid "${FORBID}")
if(OFFER)
  list(APPEND args "${OFFER}")
endif()
set(input)
if(STDIN)
  set(input INPUT_FILE "${STDIN}")
endif()

# Through files: OUTPUT_VARIABLE would turn CRLF into LF.
set(base "${CMAKE_CURRENT_BINARY_DIR}/answerer-output/${NAME}")
file(MAKE_DIRECTORY "${CMAKE_CURRENT_BINARY_DIR}/answerer-output")
execute_process(COMMAND "${ANSWERER}" ${args} ${input}
  RESULT_VARIABLE rc OUTPUT_FILE "${base}.out" ERROR_FILE "${base}.err")
file(READ "${base}.out" out)
file(READ "${base}.err" err)
list(JOIN args " " shown)
message(STATUS "rtcpc-answer ${shown}: exit ${rc}")

set(failures 0)
macro(fail msg)
  message(SEND_ERROR "${msg}")
  math(EXPR failures "${failures} + 1")
endmacro()

if(EXPECT_ERROR)
  # rc is a string like "Segmentation fault" on a crash, so compare exactly.
  if(NOT rc STREQUAL "1")
    fail("expected exit code 1, got '${rc}'")
  endif()
  if(NOT err MATCHES "^error: ${EXPECT_ERROR}: [^\n]+\n$")
    fail("expected one line 'error: ${EXPECT_ERROR}: <message>' on stderr, got:\n${err}")
  endif()
  if(NOT out STREQUAL "")
    fail("expected nothing on stdout, got:\n${out}")
  endif()
else()
  if(NOT rc STREQUAL "0")
    fail("expected exit code 0, got '${rc}'; stderr:\n${err}")
  endif()
  if(NOT err STREQUAL "")
    fail("expected nothing on stderr, got:\n${err}")
  endif()
  # file(READ) drops CRs, so check line ends on the bytes in hex: an LF (0a)
  # at a byte boundary must follow a CR (0d).
  file(READ "${base}.out" hex HEX)
  if(NOT hex MATCHES "^763d300d0a")
    fail("the answer does not start with v=0 CRLF")
  endif()
  if(NOT hex MATCHES "0d0a$" OR hex MATCHES "^(..)*([1-9a-f].|0[0-9a-ce-f])0a")
    fail("the answer's lines do not all end with CRLF")
  endif()
  file(READ "${REF}" offer)
  string(REGEX MATCHALL "\nm=" offer_m "${offer}")
  string(REGEX MATCHALL "\nm=" answer_m "${out}")
  list(LENGTH offer_m n_offer)
  list(LENGTH answer_m n_answer)
  if(NOT n_offer EQUAL n_answer)
    fail("the offer has ${n_offer} m-lines, the answer ${n_answer}")
  endif()
  foreach(s IN LISTS require)
    string(FIND "${out}" "${s}" at)
    if(at EQUAL -1)
      fail("the answer lacks '${s}'")
    endif()
  endforeach()
  foreach(s IN LISTS forbid)
    string(FIND "${out}" "${s}" at)
    if(NOT at EQUAL -1)
      fail("the answer contains '${s}'")
    endif()
  endforeach()
endif()

if(failures GREATER 0)
  message(FATAL_ERROR "${failures} check(s) failed; stdout was:\n${out}")
endif()
