/* rtc_set_log_callback: records arrive with level, target and message; levels
 * above max_level are filtered; a later call replaces the callback, and the
 * replaced one is never called after rtc_set_log_callback returned, even with
 * other threads logging; OFF with NULL stops logging. Usage: log_bridge [OFFER_FILE] */
#define _POSIX_C_SOURCE 200809L
#include "rtcpc.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifndef RTCPC_DEFAULT_OFFER
#define RTCPC_DEFAULT_OFFER "offer.sdp"
#endif

/* Built in tree only (not by the out-of-tree consumers), so it may share the
 * C tests' helpers: CHECK (in this file's wording), failures, read_file. */
#define CHECK_FAILED_FORMAT "%s:%d: CHECK(%s)\n"
#include "../../tests/c/check.h"

typedef struct {
    int count[6];           /* per rtc_log_level */
    char last_target[128];
    char last_warn[1024];
    rtc_error_code nested;  /* rtc_set_log_callback called from inside */
    int try_nested;
} records;

static void on_log(rtc_log_level level, const char *target, const char *message, void *user_data) {
    records *r = user_data;
    if ((int)level < 0 || (int)level > 5 || !target || !message) {
        ++failures;
        return;
    }
    r->count[level]++;
    snprintf(r->last_target, sizeof r->last_target, "%s", target);
    if (level == RTC_LOG_LEVEL_WARN) snprintf(r->last_warn, sizeof r->last_warn, "%s", message);
    if (r->try_nested) r->nested = rtc_set_log_callback(RTC_LOG_LEVEL_OFF, NULL, NULL);
}

/* The failure callback's error as the WARN record carries it: "name: message". */
static void copy_error(const rtc_error *e, void *user_data) {
    snprintf(user_data, 1024, "%s: %s", e->name, e->message);
}

/* A refused offer: the failure callback's message lands in `error`. */
static void refuse(char *error) {
    rtc_pc *pc = rtc_pc_new(NULL);
    rtc_session_description bad = {RTC_SDP_TYPE_OFFER, "v=0\r\nthis is not SDP\r\n"};
    rtc_pc_set_remote_description(pc, &bad, NULL, copy_error, error);
    rtc_pc_free(pc);
}

/* A full negotiation (negotiation decisions are logged at DEBUG). */
static void negotiate(const char *offer_sdp) {
    rtc_pc *pc = rtc_pc_new(NULL);
    rtc_session_description offer = {RTC_SDP_TYPE_OFFER, offer_sdp};
    CHECK(rtc_pc_set_remote_description(pc, &offer, NULL, NULL, NULL) == RTC_OK);
    CHECK(rtc_pc_create_answer(pc, NULL, NULL, NULL, NULL) == RTC_OK);
    rtc_pc_free(pc);
}

static int total(const records *r) {
    int n = 0;
    for (int i = 0; i < 6; i++) n += r->count[i];
    return n;
}

/* Replacement under load: callback A must never run once the call that
 * replaced it has returned. */
static atomic_int a_calls, a_after_retired, b_calls, stop_threads;
static atomic_int retired;
static void on_log_a(rtc_log_level l, const char *t, const char *m, void *u) {
    (void)l, (void)t, (void)m, (void)u;
    atomic_fetch_add(&a_calls, 1);
    /* Slow, so that calls are in flight when A is replaced: replacing must wait for them. */
    struct timespec pause = {0, 200000};
    nanosleep(&pause, NULL);
    if (atomic_load(&retired)) atomic_fetch_add(&a_after_retired, 1);
}
static void on_log_b(rtc_log_level l, const char *t, const char *m, void *u) {
    (void)l, (void)t, (void)m, (void)u;
    atomic_fetch_add(&b_calls, 1);
}
/* Waits (up to 60 s) until *counter reaches target. */
static void wait_for(atomic_int *counter, int target) {
    struct timespec ms = {0, 1000000};
    for (int i = 0; i < 60000 && atomic_load(counter) < target; i++) nanosleep(&ms, NULL);
    CHECK(atomic_load(counter) >= target);
}

static void *logging_thread(void *arg) {
    (void)arg;
    char error[1024];
    /* One connection per thread (a new one makes a certificate): a refused
     * description leaves it as it was, so it can refuse again and again. */
    rtc_pc *pc = rtc_pc_new(NULL);
    rtc_session_description bad = {RTC_SDP_TYPE_OFFER, "v=0\r\nthis is not SDP\r\n"};
    struct timespec pause = {0, 100000}; /* lets the main thread run (valgrind schedules unfairly) */
    while (!atomic_load(&stop_threads)) {
        rtc_pc_set_remote_description(pc, &bad, NULL, copy_error, error);
        nanosleep(&pause, NULL);
    }
    rtc_pc_free(pc);
    return NULL;
}

int main(int argc, char **argv) {
    char *offer_sdp = read_file(argc > 1 ? argv[1] : RTCPC_DEFAULT_OFFER);
    if (!offer_sdp) {
        fprintf(stderr, "cannot read the offer\n");
        return 1;
    }
    records r;
    char error[1024];

    /* WARN: the refused input arrives with the failure callback's name and message;
     * DEBUG and TRACE records of a negotiation are filtered. */
    memset(&r, 0, sizeof r);
    CHECK(rtc_set_log_callback(RTC_LOG_LEVEL_WARN, on_log, &r) == RTC_OK);
    refuse(error);
    CHECK(r.count[RTC_LOG_LEVEL_WARN] == 1);
    CHECK(strcmp(r.last_warn, error) == 0);
    CHECK(strncmp(error, "OperationError: ", 16) == 0);
    CHECK(strncmp(r.last_target, "rtcpc", 5) == 0);
    negotiate(offer_sdp);
    CHECK(r.count[RTC_LOG_LEVEL_DEBUG] == 0 && r.count[RTC_LOG_LEVEL_TRACE] == 0);
    CHECK(total(&r) == 1);

    /* DEBUG: the negotiation decisions arrive, TRACE still filtered. */
    memset(&r, 0, sizeof r);
    CHECK(rtc_set_log_callback(RTC_LOG_LEVEL_DEBUG, on_log, &r) == RTC_OK);
    negotiate(offer_sdp);
    CHECK(r.count[RTC_LOG_LEVEL_DEBUG] >= 1);
    CHECK(r.count[RTC_LOG_LEVEL_TRACE] == 0);
    CHECK(strncmp(r.last_target, "rtcpc", 5) == 0);

    /* A later call replaces the callback (and its user_data). */
    records r2;
    memset(&r, 0, sizeof r);
    memset(&r2, 0, sizeof r2);
    CHECK(rtc_set_log_callback(RTC_LOG_LEVEL_ERROR, on_log, &r2) == RTC_OK);
    CHECK(rtc_set_log_callback(RTC_LOG_LEVEL_TRACE, on_log, &r2) == RTC_OK);
    refuse(error);
    CHECK(total(&r) == 0 && r2.count[RTC_LOG_LEVEL_WARN] == 1);

    /* Not from inside the callback. */
    r2.try_nested = 1;
    refuse(error);
    CHECK(r2.nested == RTC_ERROR_INVALID_STATE);
    r2.try_nested = 0;

    /* Out of range: refused, nothing changes. */
    CHECK(rtc_set_log_callback((rtc_log_level)6, on_log, &r) == RTC_ERROR_INVALID_ARGUMENT);
    refuse(error);
    CHECK(total(&r) == 0 && r2.count[RTC_LOG_LEVEL_WARN] == 3);

    /* OFF with NULL stops logging. */
    memset(&r2, 0, sizeof r2);
    CHECK(rtc_set_log_callback(RTC_LOG_LEVEL_OFF, NULL, NULL) == RTC_OK);
    refuse(error);
    negotiate(offer_sdp);
    CHECK(total(&r2) == 0);

    /* Replacement while 4 threads log. */
    pthread_t threads[4];
    CHECK(rtc_set_log_callback(RTC_LOG_LEVEL_WARN, on_log_a, NULL) == RTC_OK);
    for (int i = 0; i < 4; i++) pthread_create(&threads[i], NULL, logging_thread, NULL);
    wait_for(&a_calls, 20);
    CHECK(rtc_set_log_callback(RTC_LOG_LEVEL_WARN, on_log_b, NULL) == RTC_OK);
    atomic_store(&retired, 1);
    int b_before = atomic_load(&b_calls);
    wait_for(&b_calls, b_before + 20);
    CHECK(rtc_set_log_callback(RTC_LOG_LEVEL_OFF, NULL, NULL) == RTC_OK);
    atomic_store(&stop_threads, 1);
    for (int i = 0; i < 4; i++) pthread_join(threads[i], NULL);
    CHECK(atomic_load(&a_after_retired) == 0);
    printf("replacement under load: %d records to A, %d to B, %d to A after replacing it\n",
           atomic_load(&a_calls), atomic_load(&b_calls), atomic_load(&a_after_retired));

    free(offer_sdp);
    if (failures) return 1;
    printf("log bridge: ok\n");
    return 0;
}
