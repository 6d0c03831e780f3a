/*
 * The error paths: each failure returns the documented code, reports the same
 * code with its DOMException name and a message through on_failure, and
 * leaves the signaling state as it was.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rtcpc.h"
#include "check.h"

static void on_description(const rtc_session_description *d, void *user_data) {
    (void)d;
    ((outcome *)user_data)->successes++;
}

static rtc_error_code srd(rtc_pc *pc, rtc_sdp_type type, const char *sdp, outcome *o) {
    rtc_session_description d = {type, sdp};
    memset(o, 0, sizeof *o);
    return rtc_pc_set_remote_description(pc, &d, outcome_on_void, outcome_on_error, o);
}

static rtc_error_code sld(rtc_pc *pc, rtc_sdp_type type, const char *sdp, outcome *o) {
    rtc_session_description d = {type, sdp};
    memset(o, 0, sizeof *o);
    return rtc_pc_set_local_description(pc, &d, outcome_on_void, outcome_on_error, o);
}

static rtc_error_code create_answer(rtc_pc *pc, outcome *o) {
    memset(o, 0, sizeof *o);
    return rtc_pc_create_answer(pc, on_description, outcome_on_error, NULL, o);
}

/* NULL handle, NULL description, NULL sdp. */
static void test_null_arguments(const char *offer) {
    outcome o;
    rtc_session_description d = {RTC_SDP_TYPE_OFFER, offer};

    memset(&o, 0, sizeof o);
    EXPECT_FAILURE(rtc_pc_set_remote_description(NULL, &d, outcome_on_void, outcome_on_error, &o),
                   o, RTC_ERROR_INVALID_ARGUMENT, "TypeError");
    memset(&o, 0, sizeof o);
    EXPECT_FAILURE(rtc_pc_create_answer(NULL, on_description, outcome_on_error, NULL, &o),
                   o, RTC_ERROR_INVALID_ARGUMENT, "TypeError");
    memset(&o, 0, sizeof o);
    EXPECT_FAILURE(rtc_pc_set_local_description(NULL, &d, outcome_on_void, outcome_on_error, &o),
                   o, RTC_ERROR_INVALID_ARGUMENT, "TypeError");
    CHECK(rtc_pc_add_track(NULL, RTC_MEDIA_KIND_AUDIO, "a", "s") == RTC_ERROR_INVALID_ARGUMENT);
    CHECK(rtc_pc_signaling_state(NULL) == RTC_SIGNALING_STATE_CLOSED);
    CHECK(rtc_pc_description(NULL, RTC_DESCRIPTION_LOCAL, NULL, NULL, 0) == 0);
    CHECK(rtc_pc_transceiver_count(NULL) == 0);
    rtc_media_kind kind;
    CHECK(rtc_pc_transceiver_kind(NULL, 0, &kind) == RTC_ERROR_INVALID_ARGUMENT);
    CHECK(rtc_pc_transceiver_mid(NULL, 0, NULL, 0) == 0);
    rtc_pc_close(NULL);
    rtc_pc_free(NULL);
    rtc_configuration_free(NULL);

    rtc_pc *pc = rtc_pc_new(NULL);
    CHECK(pc != NULL);
    if (!pc)
        return;
    memset(&o, 0, sizeof o);
    EXPECT_FAILURE(rtc_pc_set_remote_description(pc, NULL, outcome_on_void, outcome_on_error, &o),
                   o, RTC_ERROR_INVALID_ARGUMENT, "TypeError");
    EXPECT_FAILURE(srd(pc, RTC_SDP_TYPE_OFFER, NULL, &o), o, RTC_ERROR_INVALID_ARGUMENT,
                   "TypeError");
    CHECK(rtc_pc_signaling_state(pc) == RTC_SIGNALING_STATE_STABLE);

    CHECK(srd(pc, RTC_SDP_TYPE_OFFER, offer, &o) == RTC_OK);
    memset(&o, 0, sizeof o);
    /* (A NULL description, or a NULL sdp, is setLocalDescription() with no
     * description: see effects.c.) An unknown type is a TypeError. */
    EXPECT_FAILURE(sld(pc, (rtc_sdp_type)9, "", &o), o, RTC_ERROR_INVALID_ARGUMENT, "TypeError");
    CHECK(rtc_pc_add_track(pc, RTC_MEDIA_KIND_AUDIO, NULL, NULL) == RTC_ERROR_INVALID_ARGUMENT);
    CHECK(rtc_pc_transceiver_kind(pc, 0, NULL) == RTC_ERROR_INVALID_ARGUMENT);
    CHECK(rtc_pc_signaling_state(pc) == RTC_SIGNALING_STATE_HAVE_REMOTE_OFFER);
    rtc_pc_free(pc);
}

/* Bad SDP text: invalid UTF-8, no SDP at all, one bad line, not WebRTC. */
static void test_bad_sdp(const char *offer) {
    outcome o;
    rtc_pc *pc = rtc_pc_new(NULL);
    CHECK(pc != NULL);
    if (!pc)
        return;

    EXPECT_FAILURE(srd(pc, RTC_SDP_TYPE_OFFER, "\xff", &o), o, RTC_ERROR_INVALID_ARGUMENT,
                   "TypeError");
    char *bad_utf8 = replaced(offer, "\r\ns=-\r\n", "\r\ns=\xff\xfe\r\n", 1);
    CHECK(bad_utf8 != NULL);
    if (bad_utf8)
        EXPECT_FAILURE(srd(pc, RTC_SDP_TYPE_OFFER, bad_utf8, &o), o, RTC_ERROR_INVALID_ARGUMENT,
                       "TypeError");
    free(bad_utf8);
    CHECK(rtc_pc_signaling_state(pc) == RTC_SIGNALING_STATE_STABLE);

    EXPECT_FAILURE(srd(pc, RTC_SDP_TYPE_OFFER, "hello, world", &o), o, RTC_ERROR_SYNTAX,
                   "OperationError");
    CHECK(strstr(o.message, "line") != NULL);
    EXPECT_FAILURE(srd(pc, RTC_SDP_TYPE_OFFER, "", &o), o, RTC_ERROR_SYNTAX, "OperationError");

    /* Line 3 ("s=-") broken: the message must name line 3. */
    char *bad_line = replaced(offer, "\r\ns=-\r\n", "\r\ns\r\n", 1);
    CHECK(bad_line != NULL);
    if (bad_line) {
        EXPECT_FAILURE(srd(pc, RTC_SDP_TYPE_OFFER, bad_line, &o), o, RTC_ERROR_SYNTAX,
                       "OperationError");
        CHECK(strstr(o.message, "line 3") != NULL);
        /* W3C RTCError: errorDetail and sdpLineNumber. */
        CHECK(strcmp(o.detail, "sdp-syntax-error") == 0 && o.sdp_line == 3);
    }
    free(bad_line);
    CHECK(rtc_pc_signaling_state(pc) == RTC_SIGNALING_STATE_STABLE);

    char *no_ufrag = without_lines(offer, "a=ice-ufrag:");
    CHECK(no_ufrag && !strstr(no_ufrag, "ice-ufrag"));
    if (no_ufrag)
        EXPECT_FAILURE(srd(pc, RTC_SDP_TYPE_OFFER, no_ufrag, &o), o, RTC_ERROR_INVALID_ACCESS,
                       "InvalidAccessError");
    free(no_ufrag);
    char *no_fingerprint = without_lines(offer, "a=fingerprint:");
    if (no_fingerprint)
        EXPECT_FAILURE(srd(pc, RTC_SDP_TYPE_OFFER, no_fingerprint, &o), o,
                       RTC_ERROR_INVALID_ACCESS, "InvalidAccessError");
    CHECK(o.detail[0] == '\0' && o.sdp_line == 0);
    /* rtc_error_name: the name a code's failures carry. */
    CHECK(strcmp(rtc_error_name(RTC_ERROR_SYNTAX), "OperationError") == 0);
    CHECK(strcmp(rtc_error_name(RTC_ERROR_INVALID_STATE), "InvalidStateError") == 0);
    CHECK(strcmp(rtc_error_name(RTC_OK), "") == 0 && strcmp(rtc_error_name(99), "") == 0);
    free(no_fingerprint);
    CHECK(rtc_pc_signaling_state(pc) == RTC_SIGNALING_STATE_STABLE);
    CHECK(rtc_pc_description(pc, RTC_DESCRIPTION_REMOTE, NULL, NULL, 0) == 0);

    /* A failed offer in have-remote-offer keeps the offer that was applied. */
    CHECK(srd(pc, RTC_SDP_TYPE_OFFER, offer, &o) == RTC_OK);
    size_t before = rtc_pc_description(pc, RTC_DESCRIPTION_REMOTE, NULL, NULL, 0);
    EXPECT_FAILURE(srd(pc, RTC_SDP_TYPE_OFFER, "hello, world", &o), o, RTC_ERROR_SYNTAX,
                   "OperationError");
    CHECK(rtc_pc_signaling_state(pc) == RTC_SIGNALING_STATE_HAVE_REMOTE_OFFER);
    CHECK(rtc_pc_description(pc, RTC_DESCRIPTION_REMOTE, NULL, NULL, 0) == before);
    CHECK(create_answer(pc, &o) == RTC_OK && o.successes == 1);
    rtc_pc_free(pc);
}

/* Calls not allowed in the current signaling state. */
static void test_wrong_state(const char *offer) {
    outcome o;
    rtc_pc *pc = rtc_pc_new(NULL);
    CHECK(pc != NULL);
    if (!pc)
        return;
    EXPECT_FAILURE(create_answer(pc, &o), o, RTC_ERROR_INVALID_STATE, "InvalidStateError");
    CHECK(rtc_pc_signaling_state(pc) == RTC_SIGNALING_STATE_STABLE);
    /* The offer is valid SDP; only its type makes it an answer in stable. */
    EXPECT_FAILURE(srd(pc, RTC_SDP_TYPE_ANSWER, offer, &o), o, RTC_ERROR_INVALID_STATE,
                   "InvalidStateError");
    CHECK(rtc_pc_signaling_state(pc) == RTC_SIGNALING_STATE_STABLE);
    EXPECT_FAILURE(sld(pc, RTC_SDP_TYPE_ANSWER, "", &o), o, RTC_ERROR_INVALID_STATE,
                   "InvalidStateError");
    CHECK(rtc_pc_signaling_state(pc) == RTC_SIGNALING_STATE_STABLE);
    rtc_pc_free(pc);
}

/* Enum values outside their C enums. */
static void test_out_of_range_enums(const char *offer) {
    outcome o;
    rtc_pc *pc = rtc_pc_new(NULL);
    CHECK(pc != NULL);
    if (!pc)
        return;
    EXPECT_FAILURE(srd(pc, (rtc_sdp_type)7, offer, &o), o, RTC_ERROR_INVALID_ARGUMENT,
                   "TypeError");
    EXPECT_FAILURE(srd(pc, (rtc_sdp_type)-1, offer, &o), o, RTC_ERROR_INVALID_ARGUMENT,
                   "TypeError");
    CHECK(rtc_pc_signaling_state(pc) == RTC_SIGNALING_STATE_STABLE);
    CHECK(rtc_pc_add_track(pc, (rtc_media_kind)5, "t", "s") == RTC_ERROR_INVALID_ARGUMENT);
    CHECK(rtc_pc_transceiver_count(pc) == 0);

    CHECK(srd(pc, RTC_SDP_TYPE_OFFER, offer, &o) == RTC_OK);
    CHECK(create_answer(pc, &o) == RTC_OK);
    EXPECT_FAILURE(sld(pc, (rtc_sdp_type)9, "", &o), o, RTC_ERROR_INVALID_ARGUMENT, "TypeError");
    CHECK(rtc_pc_signaling_state(pc) == RTC_SIGNALING_STATE_HAVE_REMOTE_OFFER);
    CHECK(rtc_pc_description(pc, (rtc_description_slot)42, NULL, NULL, 0) == 0);
    rtc_media_kind kind;
    CHECK(rtc_pc_transceiver_kind(pc, 1000, &kind) != RTC_OK);
    CHECK(rtc_pc_transceiver_mid(pc, 1000, NULL, 0) == 0);
    rtc_pc_free(pc);
}

/* A local answer that changes what may not change. */
static char *last_answer;
static void keep_answer(const rtc_session_description *d, void *user_data) {
    (void)user_data;
    free(last_answer);
    last_answer = dup_str(d->sdp);
}

static void test_modified_answer(const char *offer) {
    outcome o;
    rtc_pc *pc = rtc_pc_new(NULL);
    CHECK(pc != NULL);
    if (!pc)
        return;
    CHECK(srd(pc, RTC_SDP_TYPE_OFFER, offer, &o) == RTC_OK);
    CHECK(rtc_pc_create_answer(pc, keep_answer, NULL, NULL, NULL) == RTC_OK);
    CHECK(last_answer != NULL);
    if (last_answer) {
        char *changed = replaced(last_answer, "a=setup:active", "a=setup:passive", 1);
        CHECK(changed != NULL);
        if (changed)
            EXPECT_FAILURE(sld(pc, RTC_SDP_TYPE_ANSWER, changed, &o), o,
                           RTC_ERROR_INVALID_MODIFICATION, "InvalidModificationError");
        free(changed);
        CHECK(rtc_pc_signaling_state(pc) == RTC_SIGNALING_STATE_HAVE_REMOTE_OFFER);
        /* The unchanged answer still applies. */
        CHECK(sld(pc, RTC_SDP_TYPE_ANSWER, last_answer, &o) == RTC_OK && o.successes == 1);
        CHECK(rtc_pc_signaling_state(pc) == RTC_SIGNALING_STATE_STABLE);
    }
    free(last_answer);
    last_answer = NULL;
    rtc_pc_free(pc);
}

/* Configuration errors, and the size limit. */
static void test_configuration(const char *offer) {
    CHECK(rtc_configuration_set_ice_lite(NULL, true) == RTC_ERROR_INVALID_ARGUMENT);
    CHECK(rtc_configuration_add_local_candidate(NULL, "candidate:1 1 udp 1 127.0.0.1 9 typ host",
                                                NULL) == RTC_ERROR_INVALID_ARGUMENT);
    rtc_configuration *cfg = rtc_configuration_new();
    CHECK(cfg != NULL);
    if (!cfg)
        return;
    CHECK(rtc_configuration_set_ice_credentials(cfg, "abc", "0123456789abcdefghijkl") ==
          RTC_ERROR_INVALID_ARGUMENT); /* ufrag too short */
    CHECK(rtc_configuration_set_ice_credentials(cfg, "abcd", "short") ==
          RTC_ERROR_INVALID_ARGUMENT);
    CHECK(rtc_configuration_set_ice_credentials(cfg, NULL, NULL) == RTC_ERROR_INVALID_ARGUMENT);
    CHECK(rtc_configuration_set_ice_credentials(cfg, "abcd", "0123456789abcdefghijkl") == RTC_OK);
    CHECK(rtc_configuration_add_local_candidate(cfg, NULL, NULL) == RTC_ERROR_INVALID_ARGUMENT);
    CHECK(rtc_configuration_add_local_candidate(cfg, "not a candidate", NULL) != RTC_OK);
    CHECK(rtc_configuration_set_certificate_pem(cfg, "not a pem", "not a pem") != RTC_OK);
    CHECK(rtc_configuration_set_max_sdp_size(cfg, 100) == RTC_OK);

    rtc_pc *pc = rtc_pc_new(cfg);
    rtc_configuration_free(cfg); /* copied by rtc_pc_new */
    CHECK(pc != NULL);
    if (!pc)
        return;
    outcome o;
    EXPECT_FAILURE(srd(pc, RTC_SDP_TYPE_OFFER, offer, &o), o, RTC_ERROR_OPERATION,
                   "OperationError");
    CHECK(rtc_pc_signaling_state(pc) == RTC_SIGNALING_STATE_STABLE);
    rtc_pc_free(pc);
}

/* After close() every call fails with InvalidStateError. */
static void test_closed(const char *offer) {
    outcome o;
    rtc_pc *pc = rtc_pc_new(NULL);
    CHECK(pc != NULL);
    if (!pc)
        return;
    CHECK(srd(pc, RTC_SDP_TYPE_OFFER, offer, &o) == RTC_OK);
    rtc_pc_close(pc);
    rtc_pc_close(pc); /* twice is fine */
    CHECK(rtc_pc_signaling_state(pc) == RTC_SIGNALING_STATE_CLOSED);
    EXPECT_FAILURE(srd(pc, RTC_SDP_TYPE_OFFER, offer, &o), o, RTC_ERROR_INVALID_STATE,
                   "InvalidStateError");
    EXPECT_FAILURE(create_answer(pc, &o), o, RTC_ERROR_INVALID_STATE, "InvalidStateError");
    EXPECT_FAILURE(sld(pc, RTC_SDP_TYPE_ANSWER, "", &o), o, RTC_ERROR_INVALID_STATE,
                   "InvalidStateError");
    EXPECT_FAILURE(srd(pc, RTC_SDP_TYPE_ROLLBACK, "", &o), o, RTC_ERROR_INVALID_STATE,
                   "InvalidStateError");
    CHECK(rtc_pc_add_track(pc, RTC_MEDIA_KIND_AUDIO, "t", "s") == RTC_ERROR_INVALID_STATE);
    CHECK(rtc_pc_signaling_state(pc) == RTC_SIGNALING_STATE_CLOSED);
    rtc_pc_free(pc);
}

/* Either callback may be NULL; the return code still tells the outcome. */
static void test_null_callbacks(const char *offer) {
    rtc_pc *pc = rtc_pc_new(NULL);
    CHECK(pc != NULL);
    if (!pc)
        return;
    rtc_session_description garbage = {RTC_SDP_TYPE_OFFER, "hello, world"};
    rtc_session_description d = {RTC_SDP_TYPE_OFFER, offer};
    rtc_session_description empty = {RTC_SDP_TYPE_ANSWER, ""};
    CHECK(rtc_pc_create_answer(pc, NULL, NULL, NULL, NULL) == RTC_ERROR_INVALID_STATE);
    CHECK(rtc_pc_set_remote_description(pc, &garbage, NULL, NULL, NULL) == RTC_ERROR_SYNTAX);
    CHECK(rtc_pc_set_remote_description(pc, NULL, NULL, NULL, NULL) == RTC_ERROR_INVALID_ARGUMENT);
    CHECK(rtc_pc_set_remote_description(pc, &d, NULL, NULL, NULL) == RTC_OK);
    /* Only on_failure given, on success: nothing to call, still RTC_OK. */
    outcome o = {0};
    CHECK(rtc_pc_create_answer(pc, NULL, outcome_on_error, NULL, &o) == RTC_OK);
    CHECK(o.failures == 0);
    CHECK(rtc_pc_set_local_description(pc, &empty, NULL, NULL, NULL) == RTC_OK);
    CHECK(rtc_pc_signaling_state(pc) == RTC_SIGNALING_STATE_STABLE);
    rtc_pc_free(pc);
}

/* rtc_pc_description and rtc_pc_transceiver_mid copy like snprintf. */
static void test_snprintf_getters(const char *offer) {
    outcome o;
    rtc_pc *pc = rtc_pc_new(NULL);
    CHECK(pc != NULL);
    if (!pc)
        return;
    CHECK(rtc_pc_description(pc, RTC_DESCRIPTION_REMOTE, NULL, NULL, 0) == 0);
    CHECK(srd(pc, RTC_SDP_TYPE_OFFER, offer, &o) == RTC_OK);

    rtc_sdp_type type = RTC_SDP_TYPE_ROLLBACK;
    size_t len = rtc_pc_description(pc, RTC_DESCRIPTION_REMOTE, &type, NULL, 0);
    CHECK(len == strlen(offer)); /* remoteDescription.sdp is the SDP as given */
    CHECK(type == RTC_SDP_TYPE_OFFER);

    char *full = malloc(len + 1);
    CHECK(full && rtc_pc_description(pc, RTC_DESCRIPTION_REMOTE, NULL, full, len + 1) == len);
    CHECK(full && strlen(full) == len && strcmp(full, offer) == 0);

    char small[16];
    memset(small, 'X', sizeof small);
    CHECK(rtc_pc_description(pc, RTC_DESCRIPTION_REMOTE, NULL, small, 10) == len);
    CHECK(small[9] == '\0' && strncmp(small, offer, 9) == 0);
    CHECK(small[10] == 'X' && small[15] == 'X'); /* nothing past capacity */
    CHECK(rtc_pc_description(pc, RTC_DESCRIPTION_REMOTE, NULL, small, 1) == len);
    CHECK(small[0] == '\0' && small[1] == offer[1]);
    small[0] = 'X';
    CHECK(rtc_pc_description(pc, RTC_DESCRIPTION_REMOTE, NULL, small, 0) == len);
    CHECK(small[0] == 'X'); /* capacity 0: nothing written */
    CHECK(rtc_pc_description(pc, RTC_DESCRIPTION_PENDING_REMOTE, NULL, NULL, 0) == len);
    CHECK(rtc_pc_description(pc, RTC_DESCRIPTION_CURRENT_REMOTE, NULL, NULL, 0) == 0);
    free(full);

    /* The default offer's mids are "0", "1", "2"; audio first. */
    CHECK(rtc_pc_transceiver_count(pc) == 2);
    char mid[8];
    memset(mid, 'X', sizeof mid);
    CHECK(rtc_pc_transceiver_mid(pc, 1, mid, sizeof mid) == 1 && strcmp(mid, "1") == 0);
    CHECK(rtc_pc_transceiver_mid(pc, 0, NULL, 0) == 1);
    CHECK(rtc_pc_transceiver_mid(pc, 0, mid, 1) == 1 && mid[0] == '\0');
    rtc_media_kind kind = RTC_MEDIA_KIND_VIDEO;
    CHECK(rtc_pc_transceiver_kind(pc, 0, &kind) == RTC_OK && kind == RTC_MEDIA_KIND_AUDIO);
    CHECK(rtc_pc_transceiver_kind(pc, 1, &kind) == RTC_OK && kind == RTC_MEDIA_KIND_VIDEO);
    rtc_pc_free(pc);
}

/* rtc_pc_negotiation_report copies like snprintf: at most capacity-1 bytes
 * and a NUL, and returns the whole report's length; 0 when there is none. */
static void test_negotiation_report_truncation(const char *offer) {
    outcome o;
    char small[16];
    CHECK(rtc_pc_negotiation_report(NULL, NULL, 0) == 0);
    CHECK(rtc_pc_negotiation_report(NULL, small, sizeof small) == 0);
    rtc_pc *pc = rtc_pc_new(NULL);
    CHECK(pc != NULL);
    if (!pc)
        return;
    CHECK(rtc_pc_negotiation_report(pc, NULL, 0) == 0); /* nothing negotiated */
    CHECK(srd(pc, RTC_SDP_TYPE_OFFER, offer, &o) == RTC_OK);
    CHECK(rtc_pc_negotiation_report(pc, NULL, 0) == 0); /* an offer, no answer yet */
    CHECK(create_answer(pc, &o) == RTC_OK && o.successes == 1);

    /* Capacity 0 and a NULL buffer: the full length. */
    size_t len = rtc_pc_negotiation_report(pc, NULL, 0);
    CHECK(len > 2);
    if (len <= 2) {
        rtc_pc_free(pc);
        return;
    }
    /* A buffer of exactly len+1 gets the whole report and its NUL, and
     * nothing is written past the capacity. */
    char *full = malloc(len + 2);
    CHECK(full != NULL);
    if (full) {
        memset(full, 'X', len + 2);
        CHECK(rtc_pc_negotiation_report(pc, full, len + 1) == len);
        CHECK(full[len] == '\0' && full[len + 1] == 'X' && strlen(full) == len);
        CHECK(full[0] == '{' && full[len - 1] == '}' && strstr(full, "\"m_lines\"") != NULL);

        /* A small buffer: capacity-1 bytes and a NUL; still the full length. */
        memset(small, 'X', sizeof small);
        CHECK(rtc_pc_negotiation_report(pc, small, 10) == len);
        CHECK(small[9] == '\0' && strncmp(small, full, 9) == 0);
        CHECK(small[10] == 'X' && small[15] == 'X');
        CHECK(rtc_pc_negotiation_report(pc, small, 1) == len);
        CHECK(small[0] == '\0' && small[1] == full[1]);
        small[0] = 'X';
        CHECK(rtc_pc_negotiation_report(pc, small, 0) == len);
        CHECK(small[0] == 'X'); /* capacity 0: nothing written */

        /* One byte short: all but the last byte. */
        memset(full, 'X', len + 2);
        CHECK(rtc_pc_negotiation_report(pc, full, len) == len);
        CHECK(full[len - 1] == '\0' && strlen(full) == len - 1 && full[len] == 'X');

        /* Applying the answer keeps the report of the answer it created. */
        CHECK(sld(pc, RTC_SDP_TYPE_ANSWER, "", &o) == RTC_OK);
        CHECK(rtc_pc_negotiation_report(pc, NULL, 0) == len);
    }
    free(full);
    rtc_pc_free(pc);
}

int main(void) {
    char *offer = read_file(RTCPC_DEFAULT_OFFER);
    if (!offer) {
        fprintf(stderr, "cannot read %s\n", RTCPC_DEFAULT_OFFER);
        return 1;
    }
    test_null_arguments(offer);
    test_bad_sdp(offer);
    test_wrong_state(offer);
    test_out_of_range_enums(offer);
    test_modified_answer(offer);
    test_configuration(offer);
    test_closed(offer);
    test_null_callbacks(offer);
    test_snprintf_getters(offer);
    test_negotiation_report_truncation(offer);
    free(offer);
    if (failures)
        fprintf(stderr, "%d check(s) failed\n", failures);
    else
        printf("errors: all checks passed\n");
    return failures ? 1 : 0;
}
