# rtcpc-explain: answers an offer and explains why each m-line, codec and
# extension was accepted or refused (rtc_pc_negotiation_report), and its
# tests. Included at the end of CMakeLists.txt, after memcheck.cmake.
#
#   ctest --test-dir build -R explain --output-on-failure

rtcpc_example(rtcpc-explain rtcpc-explain.c rtcpc_static)
# The tests of reading the report with cJSON and of the table drawn from it:
# the same source with a test main instead.
rtcpc_example(explain_json_parser rtcpc-explain.c rtcpc_static)
target_compile_definitions(explain_json_parser PRIVATE RTCPC_EXPLAIN_SELF_TEST)
# Both read the report with cJSON.
target_link_libraries(rtcpc-explain PRIVATE PkgConfig::CJSON)
target_link_libraries(explain_json_parser PRIVATE PkgConfig::CJSON)

if(NOT BUILD_TESTING)
  return()
endif()

set(EXPLAIN_CHECK "${CMAKE_CURRENT_SOURCE_DIR}/check_explain.py")
set(EXPLAIN_OFFERS "${CMAKE_CURRENT_SOURCE_DIR}/offers")
set(EXPLAIN_CORPUS "${RTCPC_ROOT}/tests/data/corpus/offers")
set(EXPLAIN_H264_OFFER "${EXPLAIN_OFFERS}/chrome-156-h264-constrained-high-only.sdp")

add_test(NAME explain_json_parser COMMAND explain_json_parser)

# The JSON report against the answer (check_explain.py json): m-line count,
# accepted exactly when the port is not 0, accepted payload types = the
# answer's m= payload types, accepted extension ids = its a=extmap ids,
# a reason for everything refused, dtls_role = a=setup.
foreach(offer
    gen-chromium-156__audio-video-datachannel-candidates     # Chrome, typical
    medooze-semantic-sdp__firefox-59-17-mlines-bundle-only   # Firefox, 17 m-lines, bundle-only
    kvs-webrtc-sdk-c__safari-mac-recvonly-video-h264-first-datachannel  # Safari, H.264 first
    gen-libwebrtc-m106__simulcast-rid-sendonly               # simulcast with RIDs
    pion-webrtc-tests__pion-v4-offer-audio-video-rtx         # an m-line refused: no codec in common
    pion-webrtc-tests__janus-videoroom-answer-rejected-first-mline  # an m-line rejected by the offerer
    sipsorcery-tests__sipsorcery-2020-rtp-savp-dtls-bundle-only     # RTP/SAVP m-lines in a bundle
    gen-chromium-156__conference-1audio-50video)             # 1 audio + 50 video m-lines
  add_test(NAME explain_corpus_${offer} COMMAND "${Python3_EXECUTABLE}" "${EXPLAIN_CHECK}" json
    --explain "$<TARGET_FILE:rtcpc-explain>" --offer "${EXPLAIN_CORPUS}/${offer}.sdp")
endforeach()
add_test(NAME explain_json_h264_profile COMMAND "${Python3_EXECUTABLE}" "${EXPLAIN_CHECK}" json
  --explain "$<TARGET_FILE:rtcpc-explain>" --offer "${EXPLAIN_H264_OFFER}")

# The readable table (check_explain.py table): each regex must match a line.
# (No ";" in them: add_test would split the argument there.)
add_test(NAME explain_table_chrome COMMAND "${Python3_EXECUTABLE}" "${EXPLAIN_CHECK}" table
  --explain "$<TARGET_FILE:rtcpc-explain>"
  --expect "^DTLS role: +client \\(a=setup:active\\)$"
  --expect "^BUNDLE groups: \\[0 1 2\\]$"
  --expect "^m-line 0: audio, mid 0, UDP/TLS/RTP/SAVPF: accepted$"
  --expect "^m-line 1: video, mid 1, UDP/TLS/RTP/SAVPF: accepted$"
  --expect "^m-line 2: application, mid 2, UDP/DTLS/SCTP: accepted$"
  --expect "^  direction: +offered sendrecv, local sendrecv, answered sendrecv$"
  --expect "^  bundle: +bundled \\(on the transport of m-line 0\\)$"
  --expect "^ +111  opus/48000/2 +accepted  minptime=10.useinbandfec=1$"
  --expect "^ +102  H264/90000 +accepted  .*profile-level-id=42001f$"
  --expect "^ +97  rtx/90000 +accepted  apt=96$"
  --expect "^ +4  urn:ietf:params:rtp-hdrext:sdes:mid +accepted$"
  --expect "^ +5  http://www.webrtc.org/experiments/rtp-hdrext/playout-delay +refused: +unknown URI"
  --forbid "REFUSED")
add_test(NAME explain_h264_profile_refused COMMAND "${Python3_EXECUTABLE}" "${EXPLAIN_CHECK}" table
  --explain "$<TARGET_FILE:rtcpc-explain>" --offer "${EXPLAIN_H264_OFFER}"
  --expect "^m-line 0: audio, mid 0, UDP/TLS/RTP/SAVPF: accepted$"
  --expect "^m-line 1: video, mid 1, UDP/TLS/RTP/SAVPF: REFUSED: no codec in common: .*profile-level-id 640c34"
  --expect "^ +122  H264/90000 +refused: +.*profile-level-id 640c34"
  --expect "^ +123  rtx/90000 +refused: +.*122"
  --expect "^m-line 2: application, mid 2, UDP/DTLS/SCTP: accepted$")
# Reading the offer from stdin ("-") works the same.
add_test(NAME explain_h264_profile_refused_stdin COMMAND "${Python3_EXECUTABLE}" "${EXPLAIN_CHECK}"
  table --explain "$<TARGET_FILE:rtcpc-explain>" --offer "${EXPLAIN_H264_OFFER}" --stdin
  --expect "^ +122  H264/90000 +refused: +.*profile-level-id 640c34")

# Failures (check_explain.py fails): exit code, nothing on stdout, one line on stderr.
add_test(NAME explain_missing_file_fails COMMAND "${Python3_EXECUTABLE}" "${EXPLAIN_CHECK}" fails
  --explain "$<TARGET_FILE:rtcpc-explain>" --exit 1 --stderr "error: NotReadableError: "
  -- "${EXPLAIN_OFFERS}/no-such-offer.sdp")
add_test(NAME explain_nonwebrtc_offer_fails COMMAND "${Python3_EXECUTABLE}" "${EXPLAIN_CHECK}" fails
  --explain "$<TARGET_FILE:rtcpc-explain>" --exit 1 --stderr "error: InvalidAccessError: "
  -- "${EXPLAIN_OFFERS}/sipsorcery-tests__asterisk-sip-rtp-avp-pcmu-nonwebrtc.sdp")
add_test(NAME explain_usage_fails COMMAND "${Python3_EXECUTABLE}" "${EXPLAIN_CHECK}" fails
  --explain "$<TARGET_FILE:rtcpc-explain>" --exit 2 --stderr "usage: rtcpc-explain "
  -- --table)

# Under valgrind (memcheck.cmake defines memcheck_test when testing is on).
if(COMMAND memcheck_test)
  memcheck_test(explain_table_default EXPECT_EXIT 0 COMMAND $<TARGET_FILE:rtcpc-explain>)
  memcheck_test(explain_json_h264_stdin EXPECT_EXIT 0 STDIN "${EXPLAIN_H264_OFFER}"
    COMMAND $<TARGET_FILE:rtcpc-explain> --json -)
  memcheck_test(explain_table_h264 EXPECT_EXIT 0
    COMMAND $<TARGET_FILE:rtcpc-explain> "${EXPLAIN_H264_OFFER}")
  memcheck_test(explain_nonwebrtc_error EXPECT_EXIT 1
    COMMAND $<TARGET_FILE:rtcpc-explain> "${EXPLAIN_OFFERS}/sipsorcery-tests__asterisk-sip-rtp-avp-pcmu-nonwebrtc.sdp")
  memcheck_test(explain_missing_file EXPECT_EXIT 1
    COMMAND $<TARGET_FILE:rtcpc-explain> "${EXPLAIN_OFFERS}/no-such-offer.sdp")
  memcheck_test(explain_usage EXPECT_EXIT 2 COMMAND $<TARGET_FILE:rtcpc-explain> --table)
  memcheck_test(explain_json_parser EXPECT_EXIT 0 COMMAND $<TARGET_FILE:explain_json_parser>)
endif()
