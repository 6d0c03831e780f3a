/*
 * The legacy callback API with user data: what the callbacks see, how often
 * they run, and calling back into the same handle from inside a callback
 * (allowed: rtcpc holds no lock while a callback runs).
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rtcpc.h"
#include "check.h"

/* Everything the callbacks saw; passed as user_data. */
typedef struct {
    rtc_pc *pc;
    int successes;
    int failures;
    char *sdp;        /* copy of the last description: the pointer dies with the callback */
    rtc_sdp_type type;
    rtc_error_code error_code;
    char error_name[64];
    /* for the re-entrant callbacks */
    rtc_signaling_state state_inside;
    rtc_error_code nested_rc;
    int nested_successes;
    char *nested_sdp;
} calls;

static void reset(calls *c) {
    rtc_pc *pc = c->pc;
    free(c->sdp);
    free(c->nested_sdp);
    memset(c, 0, sizeof *c);
    c->pc = pc;
    c->error_code = RTC_OK;
    c->nested_rc = RTC_OK;
}

static void on_void(void *user_data) {
    calls *c = user_data;
    c->successes++;
}

static void on_description(const rtc_session_description *d, void *user_data) {
    calls *c = user_data;
    c->successes++;
    c->type = d->type;
    free(c->sdp);
    c->sdp = dup_str(d->sdp);
}

static void on_error(const rtc_error *e, void *user_data) {
    calls *c = user_data;
    c->failures++;
    c->error_code = e->code;
    snprintf(c->error_name, sizeof c->error_name, "%s", e->name ? e->name : "(null)");
}

/* Re-enters the same handle: reads the state and creates another answer. */
static void nested_answer(const rtc_session_description *d, void *user_data) {
    calls *c = user_data;
    c->nested_successes++;
    c->nested_sdp = dup_str(d->sdp);
}

static void on_description_reenter(const rtc_session_description *d, void *user_data) {
    calls *c = user_data;
    on_description(d, user_data);
    c->state_inside = rtc_pc_signaling_state(c->pc);
    c->nested_rc = rtc_pc_create_answer(c->pc, nested_answer, on_error, NULL, c);
}

/* Closes the connection from inside its own callback. */
static void on_description_close(const rtc_session_description *d, void *user_data) {
    calls *c = user_data;
    on_description(d, user_data);
    rtc_pc_close(c->pc);
    c->state_inside = rtc_pc_signaling_state(c->pc);
}

static void on_error_close(const rtc_error *e, void *user_data) {
    calls *c = user_data;
    on_error(e, user_data);
    rtc_pc_close(c->pc);
    c->state_inside = rtc_pc_signaling_state(c->pc);
}

/* The usual pattern: apply the answer straight from createAnswer's callback,
 * handing rtcpc back the very description it lent us. */
static void on_description_apply(const rtc_session_description *d, void *user_data) {
    calls *c = user_data;
    on_description(d, user_data);
    c->nested_rc = rtc_pc_set_local_description(c->pc, d, NULL, NULL, NULL);
    c->state_inside = rtc_pc_signaling_state(c->pc);
}

/* A connection with the offer applied, or NULL. */
static rtc_pc *offered(const char *offer) {
    rtc_pc *pc = rtc_pc_new(NULL);
    CHECK(pc != NULL);
    if (!pc)
        return NULL;
    calls c = {0};
    rtc_session_description d = {RTC_SDP_TYPE_OFFER, offer};
    rtc_error_code rc = rtc_pc_set_remote_description(pc, &d, on_void, on_error, &c);
    CHECK(rc == RTC_OK);
    CHECK(c.successes == 1 && c.failures == 0);
    CHECK(rtc_pc_signaling_state(pc) == RTC_SIGNALING_STATE_HAVE_REMOTE_OFFER);
    return pc;
}

static void test_answer_and_empty_sld(const char *offer) {
    calls c = {0};
    c.pc = offered(offer);
    if (!c.pc)
        return;

    rtc_answer_options options;
    rtc_answer_options_init(&options);
    CHECK(options.voice_activity_detection == true);
    rtc_error_code rc = rtc_pc_create_answer(c.pc, on_description, on_error, &options, &c);
    CHECK(rc == RTC_OK);
    CHECK(c.successes == 1 && c.failures == 0);
    CHECK(c.type == RTC_SDP_TYPE_ANSWER);
    CHECK(c.sdp && strncmp(c.sdp, "v=0\r\n", 5) == 0 && strstr(c.sdp, "a=setup:active"));
    /* createAnswer alone does not apply the answer. */
    CHECK(rtc_pc_signaling_state(c.pc) == RTC_SIGNALING_STATE_HAVE_REMOTE_OFFER);
    CHECK(rtc_pc_description(c.pc, RTC_DESCRIPTION_LOCAL, NULL, NULL, 0) == 0);

    /* "" means: the answer createAnswer made last. */
    char *answer = c.sdp;
    c.sdp = NULL;
    reset(&c);
    rtc_session_description empty = {RTC_SDP_TYPE_ANSWER, ""};
    rc = rtc_pc_set_local_description(c.pc, &empty, on_void, on_error, &c);
    CHECK(rc == RTC_OK);
    CHECK(c.successes == 1 && c.failures == 0);
    CHECK(rtc_pc_signaling_state(c.pc) == RTC_SIGNALING_STATE_STABLE);

    size_t len = rtc_pc_description(c.pc, RTC_DESCRIPTION_CURRENT_LOCAL, NULL, NULL, 0);
    char *current = malloc(len + 1);
    rtc_sdp_type type = RTC_SDP_TYPE_OFFER;
    CHECK(current && rtc_pc_description(c.pc, RTC_DESCRIPTION_CURRENT_LOCAL, &type, current,
                                        len + 1) == len);
    CHECK(type == RTC_SDP_TYPE_ANSWER);
    CHECK(answer && current && strcmp(current, answer) == 0);
    CHECK(rtc_pc_description(c.pc, RTC_DESCRIPTION_PENDING_LOCAL, NULL, NULL, 0) == 0);
    CHECK(rtc_pc_description(c.pc, RTC_DESCRIPTION_PENDING_REMOTE, NULL, NULL, 0) == 0);
    free(current);
    free(answer);

    /* The failure callback, alone: createAnswer is not allowed in stable. */
    reset(&c);
    rc = rtc_pc_create_answer(c.pc, on_description, on_error, NULL, &c);
    CHECK(rc == RTC_ERROR_INVALID_STATE);
    CHECK(c.successes == 0 && c.failures == 1);
    CHECK(c.error_code == rc);
    CHECK(strcmp(c.error_name, "InvalidStateError") == 0);

    reset(&c);
    rtc_pc_free(c.pc);
}

static void test_reentrant(const char *offer) {
    calls c = {0};
    c.pc = offered(offer);
    if (!c.pc)
        return;
    rtc_error_code rc = rtc_pc_create_answer(c.pc, on_description_reenter, on_error, NULL, &c);
    CHECK(rc == RTC_OK);
    CHECK(c.successes == 1 && c.failures == 0);
    CHECK(c.state_inside == RTC_SIGNALING_STATE_HAVE_REMOTE_OFFER);
    CHECK(c.nested_rc == RTC_OK);
    CHECK(c.nested_successes == 1);
    CHECK(c.nested_sdp && strstr(c.nested_sdp, "a=setup:active"));

    /* The connection still works normally afterwards. */
    calls s = {0};
    rtc_session_description empty = {RTC_SDP_TYPE_ANSWER, ""};
    rc = rtc_pc_set_local_description(c.pc, &empty, on_void, on_error, &s);
    CHECK(rc == RTC_OK && s.successes == 1 && s.failures == 0);
    CHECK(rtc_pc_signaling_state(c.pc) == RTC_SIGNALING_STATE_STABLE);
    reset(&c);
    rtc_pc_free(c.pc);
}

static void test_sld_inside(const char *offer) {
    calls c = {0};
    c.pc = offered(offer);
    if (!c.pc)
        return;
    rtc_error_code rc = rtc_pc_create_answer(c.pc, on_description_apply, on_error, NULL, &c);
    CHECK(rc == RTC_OK && c.successes == 1 && c.failures == 0);
    CHECK(c.nested_rc == RTC_OK);
    CHECK(c.state_inside == RTC_SIGNALING_STATE_STABLE);
    rtc_sdp_type type = RTC_SDP_TYPE_OFFER;
    size_t n = rtc_pc_description(c.pc, RTC_DESCRIPTION_CURRENT_LOCAL, &type, NULL, 0);
    CHECK(type == RTC_SDP_TYPE_ANSWER && c.sdp && n == strlen(c.sdp));
    reset(&c);
    rtc_pc_free(c.pc);
}

static void test_close_inside(const char *offer) {
    /* close() inside on_success of createAnswer. */
    calls c = {0};
    c.pc = offered(offer);
    if (!c.pc)
        return;
    rtc_error_code rc = rtc_pc_create_answer(c.pc, on_description_close, on_error, NULL, &c);
    CHECK(rc == RTC_OK); /* the answer was made: the outcome is success */
    CHECK(c.successes == 1 && c.failures == 0);
    CHECK(c.state_inside == RTC_SIGNALING_STATE_CLOSED);
    CHECK(rtc_pc_signaling_state(c.pc) == RTC_SIGNALING_STATE_CLOSED);

    calls after = {0};
    rtc_session_description empty = {RTC_SDP_TYPE_ANSWER, ""};
    rc = rtc_pc_set_local_description(c.pc, &empty, on_void, on_error, &after);
    CHECK(rc == RTC_ERROR_INVALID_STATE);
    CHECK(after.successes == 0 && after.failures == 1);
    CHECK(strcmp(after.error_name, "InvalidStateError") == 0);
    reset(&c);
    rtc_pc_free(c.pc);

    /* close() inside on_failure of setRemoteDescription. */
    c.pc = rtc_pc_new(NULL);
    CHECK(c.pc != NULL);
    if (!c.pc)
        return;
    rtc_session_description garbage = {RTC_SDP_TYPE_OFFER, "not sdp"};
    rc = rtc_pc_set_remote_description(c.pc, &garbage, on_void, on_error_close, &c);
    CHECK(rc == RTC_ERROR_SYNTAX);
    CHECK(c.successes == 0 && c.failures == 1);
    CHECK(c.error_code == RTC_ERROR_SYNTAX);
    CHECK(c.state_inside == RTC_SIGNALING_STATE_CLOSED);
    CHECK(rtc_pc_signaling_state(c.pc) == RTC_SIGNALING_STATE_CLOSED);
    reset(&c);
    rtc_pc_free(c.pc);
}

int main(void) {
    char *offer = read_file(RTCPC_DEFAULT_OFFER);
    if (!offer) {
        fprintf(stderr, "cannot read %s\n", RTCPC_DEFAULT_OFFER);
        return 1;
    }
    test_answer_and_empty_sld(offer);
    test_sld_inside(offer);
    test_reentrant(offer);
    test_close_inside(offer);
    free(offer);
    if (failures)
        fprintf(stderr, "%d check(s) failed\n", failures);
    else
        printf("callbacks: all checks passed\n");
    return failures ? 1 : 0;
}
