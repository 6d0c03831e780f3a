/*
 * Threads. Part 1: THREADS threads, each negotiating CYCLES connections of
 * its own (new, setRemoteDescription, addTrack, createAnswer,
 * setLocalDescription, free); every answer must be complete. Part 2: THREADS
 * threads hammering ONE shared connection with setRemoteDescription,
 * createAnswer, setLocalDescription, rollback, getters and finally close,
 * in any interleaving: every call must return one of the codes the contract
 * allows for it, and the state must always be a valid one.
 *
 * Ordering rule (see the header): any call may race with any other on the
 * same handle except rtc_pc_free, which comes after every thread is done.
 *
 *   stress [THREADS [CYCLES]]     defaults 8 and 1000
 */

#define _POSIX_C_SOURCE 200809L /* clock_gettime under strict C11 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rtcpc.h"
#include "check.h"

static char *offer_text;
static int threads = 8, cycles = 1000;
/* check.h's `failures`, counted here only by fail(), under fail_lock. */
static pthread_mutex_t fail_lock = PTHREAD_MUTEX_INITIALIZER;

static void fail(const char *what, int code) {
    pthread_mutex_lock(&fail_lock);
    fprintf(stderr, "failure: %s (code %d)\n", what, code);
    failures++;
    pthread_mutex_unlock(&fail_lock);
}

typedef struct {
    int answers;
    size_t last_len;
} tally_t;

static void on_answer(const rtc_session_description *d, void *user) {
    tally_t *t = user;
    t->answers++;
    t->last_len = strlen(d->sdp);
    if (strncmp(d->sdp, "v=0\r\n", 5) != 0 || !strstr(d->sdp, "a=fingerprint:sha-256 "))
        fail("an answer is incomplete", 0);
}

static void *own_connections(void *arg) {
    (void)arg;
    rtc_session_description offer = {RTC_SDP_TYPE_OFFER, offer_text};
    rtc_session_description answer = {RTC_SDP_TYPE_ANSWER, ""};
    tally_t t = {0};
    for (int i = 0; i < cycles; i++) {
        rtc_pc *pc = rtc_pc_new(NULL);
        if (!pc) { fail("rtc_pc_new", 0); return NULL; }
        int rc;
        if ((rc = rtc_pc_set_remote_description(pc, &offer, NULL, NULL, NULL)) != RTC_OK) fail("SRD", rc);
        if ((rc = rtc_pc_add_track(pc, RTC_MEDIA_KIND_VIDEO, "cam", "s")) != RTC_OK) fail("addTrack", rc);
        if ((rc = rtc_pc_create_answer(pc, on_answer, NULL, NULL, &t)) != RTC_OK) fail("createAnswer", rc);
        if ((rc = rtc_pc_set_local_description(pc, &answer, NULL, NULL, NULL)) != RTC_OK) fail("SLD", rc);
        if (rtc_pc_signaling_state(pc) != RTC_SIGNALING_STATE_STABLE) fail("not stable", 0);
        rtc_pc_free(pc);
    }
    if (t.answers != cycles) fail("missing answers", t.answers);
    return NULL;
}

static rtc_pc *shared;

static unsigned next_random(unsigned *state) {
    unsigned x = *state; /* xorshift32: rand_r is not C11 */
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return *state = x;
}

static void *hammer(void *arg) {
    unsigned seed = (unsigned)(size_t)arg * 2654435761u;
    rtc_session_description offer = {RTC_SDP_TYPE_OFFER, offer_text};
    rtc_session_description answer = {RTC_SDP_TYPE_ANSWER, ""};
    rtc_session_description rollback = {RTC_SDP_TYPE_ROLLBACK, ""};
    tally_t t = {0};
    char buf[256];
    int n = cycles / 4 > 0 ? cycles / 4 : 1;
    for (int i = 0; i < n; i++) {
        int rc = RTC_OK, extra = RTC_ERROR_INVALID_STATE;
        const char *what = NULL;
        switch (next_random(&seed) % 7) {
        case 0:
            what = "shared SRD";
            rc = rtc_pc_set_remote_description(shared, &offer, NULL, NULL, NULL);
            break;
        case 1:
            what = "shared createAnswer";
            rc = rtc_pc_create_answer(shared, on_answer, NULL, NULL, &t);
            break;
        case 2:
            what = "shared SLD";
            rc = rtc_pc_set_local_description(shared, &answer, NULL, NULL, NULL);
            break;
        case 3:
            what = "shared rollback";
            rc = rtc_pc_set_remote_description(shared, &rollback, NULL, NULL, NULL);
            break;
        case 4:
            what = "shared addTrack";
            rc = rtc_pc_add_track(shared, RTC_MEDIA_KIND_AUDIO, "mic", "s");
            extra = RTC_ERROR_INVALID_ACCESS; /* the same track twice */
            break;
        case 5:
            rtc_pc_description(shared, RTC_DESCRIPTION_LOCAL, NULL, buf, sizeof buf);
            rtc_pc_transceiver_count(shared);
            break;
        default: {
            rtc_signaling_state s = rtc_pc_signaling_state(shared);
            if (s != RTC_SIGNALING_STATE_STABLE && s != RTC_SIGNALING_STATE_HAVE_REMOTE_OFFER &&
                s != RTC_SIGNALING_STATE_CLOSED)
                fail("shared state", (int)s);
        }
        }
        if (what && rc != RTC_OK && rc != RTC_ERROR_INVALID_STATE && rc != extra) fail(what, rc);
        if (i == n - 1 && (size_t)arg % 3 == 0) rtc_pc_close(shared);
    }
    return NULL;
}

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void run(void *(*fn)(void *), const char *name) {
    pthread_t *tids = calloc((size_t)threads, sizeof *tids);
    double t0 = now();
    for (int i = 0; i < threads; i++) pthread_create(&tids[i], NULL, fn, (void *)(size_t)(i + 1));
    for (int i = 0; i < threads; i++) pthread_join(tids[i], NULL);
    double dt = now() - t0;
    printf("%s: %d threads x %d cycles in %.2f s\n", name, threads, fn == hammer ? cycles / 4 : cycles, dt);
    free(tids);
}

int main(int argc, char **argv) {
    if (argc > 1) threads = atoi(argv[1]);
    if (argc > 2) cycles = atoi(argv[2]);
    offer_text = read_file(RTCPC_DEFAULT_OFFER);
    if (!offer_text || threads < 1 || cycles < 1) {
        fprintf(stderr, "usage: stress [THREADS [CYCLES]] (offer %s)\n", RTCPC_DEFAULT_OFFER);
        return 2;
    }
    run(own_connections, "own connections");
    shared = rtc_pc_new(NULL);
    run(hammer, "one shared connection");
    rtc_pc_close(shared);
    if (rtc_pc_signaling_state(shared) != RTC_SIGNALING_STATE_CLOSED) fail("not closed", 0);
    rtc_pc_free(shared);
    free(offer_text);
    if (failures) fprintf(stderr, "%d failure(s)\n", failures);
    else printf("no failures\n");
    return failures ? 1 : 0;
}
