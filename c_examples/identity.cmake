# Identity assertions and answer options (issue 7). Included at the end of
# CMakeLists.txt, after memcheck.cmake (memcheck_test) and the answerer_test
# function.
rtcpc_example(identity identity.c rtcpc_static)
# Its IdP signs with OpenSSL (HMAC-SHA256, base64).
target_link_libraries(identity PRIVATE OpenSSL::Crypto)

if(BUILD_TESTING)
  # The C example: an HMAC-signing IdP, the A -> B round trip, NotReadableError
  # and recovery, validation failures, answer options.
  add_test(NAME identity COMMAND identity)
  set_tests_properties(identity PROPERTIES TIMEOUT 120)
  memcheck_test(identity EXPECT_EXIT 0 COMMAND $<TARGET_FILE:identity>)

  # rtcpc-answer's --identity and --no-vad (the browser tests use them too).
  answerer_test(answer_identity ARGS --identity idp.example
    REQUIRE "a=identity:" "a=setup:active")
  answerer_test(answer_vad_default REQUIRE "a=rtpmap:13 CN/8000")
  answerer_test(answer_no_vad ARGS --no-vad FORBID " CN/")
  memcheck_test(answer_identity_no_vad EXPECT_EXIT 0
    COMMAND $<TARGET_FILE:rtcpc-answer> --identity idp.example --no-vad)
endif()
