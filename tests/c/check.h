/*
 * Helpers of the C test programs (in tests/c/, and c_examples/packaging/log_bridge.c):
 * CHECK and the failure count, one call's outcome as its callbacks report it
 * (EXPECT_FAILURE), reading a file, editing SDP text, a description's text.
 * Header-only, like c_examples/example_util.h, whose dup_str and
 * read_stream it uses. C11.
 */
#ifndef RTCPC_CHECK_H
#define RTCPC_CHECK_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rtcpc.h"
#include "../../c_examples/example_util.h"

/* ------------------------------------------------------------------ checks */

/* Failed checks so far: CHECK counts them, and so may a test itself. */
static int failures;

/* What a failed CHECK prints (file, line, condition); a test may define its own first. */
#ifndef CHECK_FAILED_FORMAT
#define CHECK_FAILED_FORMAT "%s:%d: check failed: %s\n"
#endif

/* Says which check failed, and where, on stderr, and counts it in `failures`. */
static inline void check_failed(const char *file, int line, const char *condition) {
    fprintf(stderr, CHECK_FAILED_FORMAT, file, line, condition);
    failures++;
}

/* Checks cond; when false, reports the caller's file and line and counts a failure, and goes on. */
#define CHECK(cond)                                      \
    do {                                                 \
        if (!(cond))                                     \
            check_failed(__FILE__, __LINE__, #cond);     \
    } while (0)

/* -------------------------------------------------------- one call's outcome */

/* What one call's callbacks reported: how often each ran, the error and the description, copied. */
typedef struct {
    int successes, failures;
    rtc_error_code code;
    char name[64];
    char message[1024];
    char detail[64]; /* rtc_error.error_detail, "" when NULL */
    int sdp_line;    /* rtc_error.sdp_line_number */
    char *sdp; /* copy of the created description, when kept */
} outcome;

/* on_success of calls that give nothing: counts the call in the outcome (user_data). */
static inline void outcome_on_void(void *user_data) { ((outcome *)user_data)->successes++; }

/* on_failure: counts the call and copies the error into the outcome (user_data). */
static inline void outcome_on_error(const rtc_error *e, void *user_data) {
    outcome *o = (outcome *)user_data;
    o->failures++;
    o->code = e->code;
    snprintf(o->name, sizeof o->name, "%s", e->name ? e->name : "(null)");
    snprintf(o->message, sizeof o->message, "%s", e->message ? e->message : "");
    snprintf(o->detail, sizeof o->detail, "%s", e->error_detail ? e->error_detail : "");
    o->sdp_line = e->sdp_line_number;
}

/* Checks a failed call: code returned and in one on_failure call, with its name and a message. */
#define EXPECT_FAILURE(rc, o, want_code, want_name) \
    expect_failure(__FILE__, __LINE__, rc, &(o), want_code, want_name)

/* EXPECT_FAILURE's body: when the outcome is not that failure, says what it was and counts it. */
static inline void expect_failure(const char *file, int line, rtc_error_code rc, const outcome *o,
                                  rtc_error_code want_code, const char *want_name) {
    if (rc != want_code || o->successes != 0 || o->failures != 1 || o->code != want_code ||
        strcmp(o->name, want_name) != 0 || o->message[0] == '\0') {
        fprintf(stderr,
                "%s:%d: expected %s (code %d, one on_failure call, a message); got rc %d, "
                "%d success / %d failure call(s), code %d, name \"%s\", message \"%s\"\n",
                file, line, want_name, (int)want_code, (int)rc, o->successes, o->failures,
                (int)o->code, o->name, o->message);
        failures++;
    }
}

/* ------------------------------------------------------------------- files */

/* The whole file at path in a malloc'd NUL-terminated buffer; NULL if unreadable or holding a NUL. */
static inline char *read_file(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = read_stream(f, NULL);
    fclose(f);
    return buf;
}

/* ---------------------------------------------------------------- SDP text */

/* A malloc'd copy of sdp with every occurrence of from replaced by to
 * (at most `limit` of them; 0: all); NULL when from does not occur. */
static inline char *replaced(const char *sdp, const char *from, const char *to, int limit) {
    size_t nfrom = strlen(from), nto = strlen(to), n = 0;
    int count = 0;
    for (const char *p = strstr(sdp, from); p && (limit == 0 || count < limit);
         p = strstr(p + nfrom, from))
        count++;
    if (count == 0)
        return NULL;
    n = strlen(sdp) + (size_t)count * nto - (size_t)count * nfrom;
    char *out = (char *)malloc(n + 1), *w = out;
    if (!out)
        return NULL;
    const char *r = sdp;
    for (int i = 0; i < count; i++) {
        const char *at = strstr(r, from);
        memcpy(w, r, (size_t)(at - r));
        w += at - r;
        memcpy(w, to, nto);
        w += nto;
        r = at + nfrom;
    }
    strcpy(w, r);
    return out;
}

/* A malloc'd copy of sdp without the lines that start with prefix. */
static inline char *without_lines(const char *sdp, const char *prefix) {
    char *out = (char *)malloc(strlen(sdp) + 1), *w = out;
    if (!out)
        return NULL;
    for (const char *line = sdp; *line;) {
        const char *end = strchr(line, '\n');
        size_t n = end ? (size_t)(end - line) + 1 : strlen(line);
        if (strncmp(line, prefix, strlen(prefix)) != 0) {
            memcpy(w, line, n);
            w += n;
        }
        line += n;
    }
    *w = '\0';
    return out;
}

/* A description's text (malloc'd), or NULL when there is none. */
static inline char *description_text(const rtc_pc *pc, rtc_description_slot slot) {
    size_t n = rtc_pc_description(pc, slot, NULL, NULL, 0);
    if (n == 0)
        return NULL;
    char *buf = (char *)malloc(n + 1);
    if (buf && rtc_pc_description(pc, slot, NULL, buf, n + 1) != n) {
        free(buf);
        return NULL;
    }
    return buf;
}

#endif /* RTCPC_CHECK_H */
