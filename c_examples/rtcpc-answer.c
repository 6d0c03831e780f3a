/*
 * rtcpc-answer: answers a WebRTC SDP offer and prints the answer.
 *
 *   rtcpc-answer [--tracks auto|none] [--candidate LINE]... [--ice-lite]
 *                [--no-vad] [--identity DOMAIN] [OFFER_FILE|-]
 *
 * With --tracks auto (the default) it adds one track per transceiver the offer
 * created, so the answer sends as well as receives. --no-vad answers with
 * voice activity detection off (rtc_answer_options.voice_activity_detection
 * = false): no comfort noise (CN) in the answer. --identity DOMAIN configures
 * an identity provider of that domain whose assertion is the fixed test
 * string "test-assertion-for:" + the certificate's digest (it signs nothing:
 * for testing peers that see a=identity, never for real identity). The
 * answer goes to stdout byte for byte (CRLF line ends). On failure it prints
 * "error: <DOMException name>: <message>" to stderr and exits with 1.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rtcpc.h"

#ifndef RTCPC_DEFAULT_OFFER
#define RTCPC_DEFAULT_OFFER "offers/chrome-156-audio-video-data.sdp"
#endif

/* What a failure callback reported, copied: its strings die with the callback. */
typedef struct {
    char *name;
    char *message;
} failure;

typedef struct {
    failure error;
    char *answer;
} context;

static char *dup_str(const char *s) {
    if (!s)
        s = "";
    size_t n = strlen(s) + 1;
    char *copy = malloc(n);
    if (copy)
        memcpy(copy, s, n);
    return copy;
}

static void on_error(const rtc_error *error, void *user_data) {
    context *ctx = user_data;
    free(ctx->error.name);
    free(ctx->error.message);
    ctx->error.name = dup_str(error->name);
    ctx->error.message = dup_str(error->message);
}

static void on_void_success(void *user_data) { (void)user_data; }

static void on_answer(const rtc_session_description *description, void *user_data) {
    context *ctx = user_data;
    free(ctx->answer);
    ctx->answer = dup_str(description->sdp);
}

/* DOMException name for calls that only return a code. */
static const char *code_name(rtc_error_code code) {
    switch (code) {
    case RTC_OK: return "OK";
    case RTC_ERROR_INVALID_ARGUMENT: return "TypeError";
    case RTC_ERROR_INVALID_STATE: return "InvalidStateError";
    case RTC_ERROR_INVALID_ACCESS: return "InvalidAccessError";
    case RTC_ERROR_INVALID_MODIFICATION: return "InvalidModificationError";
    case RTC_ERROR_SYNTAX: return "SyntaxError";
    case RTC_ERROR_OPERATION: return "OperationError";
    case RTC_ERROR_NOT_READABLE: return "NotReadableError";
    case RTC_ERROR_INTERNAL: return "InternalError";
    }
    return "UnknownError";
}

static void report_call(const context *ctx, rtc_error_code code, const char *what) {
    if (ctx->error.name)
        fprintf(stderr, "error: %s: %s\n", ctx->error.name, ctx->error.message);
    else /* the contract says on_failure ran; say so if it did not */
        fprintf(stderr, "error: %s: %s failed without calling on_failure\n", code_name(code), what);
}

/* Reads the whole file (or stdin for "-") as a NUL-terminated string. */
static char *read_offer(const char *path) {
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "error: NotReadableError: %s: %s\n", path, strerror(errno));
        return NULL;
    }
    size_t len = 0, cap = 4096;
    char *buf = malloc(cap);
    size_t got;
    while (buf && (got = fread(buf + len, 1, cap - len - 1, f)) > 0) {
        len += got;
        if (len + 1 == cap) {
            char *bigger = realloc(buf, cap * 2);
            if (!bigger) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = bigger;
            cap *= 2;
        }
    }
    int failed = !buf || ferror(f);
    if (f != stdin)
        fclose(f);
    if (failed) {
        fprintf(stderr, "error: NotReadableError: %s: read failed\n", path);
        free(buf);
        return NULL;
    }
    buf[len] = '\0';
    /* A NUL inside would silently cut the SDP short. */
    if (strlen(buf) != len) {
        fprintf(stderr, "error: TypeError: %s: the offer contains a NUL byte\n", path);
        free(buf);
        return NULL;
    }
    return buf;
}

static int usage(void) {
    fprintf(stderr,
            "usage: rtcpc-answer [--tracks auto|none] [--candidate LINE]... [--ice-lite]\n"
            "                    [--no-vad] [--identity DOMAIN] [OFFER_FILE|-]\n"
            "  --no-vad           voice activity detection off: no comfort noise (CN)\n"
            "  --identity DOMAIN  an identity provider of DOMAIN whose assertion is the\n"
            "                     fixed test string \"test-assertion-for:<digest>\"\n");
    return 2;
}

/* --identity's provider. `contents` is rtcpc's, valid only during the call:
 * {"fingerprint":[{"algorithm":"sha-256","digest":"<HEX:..>"}]}. The
 * assertion is built in a local buffer, which rtc_identity_result_set_assertion
 * copies. */
static void test_idp_generate(const char *contents, const char *origin, const char *username_hint,
                              rtc_identity_result *result, void *user_data) {
    (void)origin;
    (void)username_hint;
    (void)user_data;
    static const char key[] = "\"digest\":\"";
    const char *digest = strstr(contents, key);
    if (!digest) {
        rtc_identity_result_fail(result, "idp-execution-failure", "no digest in the contents");
        return;
    }
    digest += strlen(key);
    char assertion[512];
    int n = snprintf(assertion, sizeof assertion, "test-assertion-for:%.*s",
                     (int)strcspn(digest, "\""), digest);
    if (n < 0 || (size_t)n >= sizeof assertion) {
        rtc_identity_result_fail(result, "idp-execution-failure", "digest too long");
        return;
    }
    rtc_identity_result_set_assertion(result, assertion);
}

int main(int argc, char **argv) {
    int auto_tracks = 1, ice_lite = 0, vad = 1;
    const char *identity_domain = NULL;
    const char *offer_path = RTCPC_DEFAULT_OFFER;
    const char **candidates = calloc((size_t)argc, sizeof *candidates);
    size_t n_candidates = 0;
    if (!candidates)
        return 1;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--tracks") == 0 && i + 1 < argc) {
            const char *v = argv[++i];
            if (strcmp(v, "auto") == 0)
                auto_tracks = 1;
            else if (strcmp(v, "none") == 0)
                auto_tracks = 0;
            else {
                free(candidates);
                return usage();
            }
        } else if (strcmp(argv[i], "--candidate") == 0 && i + 1 < argc) {
            candidates[n_candidates++] = argv[++i];
        } else if (strcmp(argv[i], "--ice-lite") == 0) {
            ice_lite = 1;
        } else if (strcmp(argv[i], "--no-vad") == 0) {
            vad = 0;
        } else if (strcmp(argv[i], "--identity") == 0 && i + 1 < argc) {
            identity_domain = argv[++i];
        } else if (argv[i][0] != '-' || strcmp(argv[i], "-") == 0) {
            offer_path = argv[i];
        } else {
            free(candidates);
            return usage();
        }
    }

    int status = 1;
    context ctx = {{NULL, NULL}, NULL};
    rtc_configuration *cfg = NULL;
    rtc_pc *pc = NULL;
    rtc_error_code rc;
    char *offer = read_offer(offer_path);
    if (!offer)
        goto done;

    cfg = rtc_configuration_new();
    if (!cfg) {
        fprintf(stderr, "error: OperationError: rtc_configuration_new failed\n");
        goto done;
    }
    for (size_t i = 0; i < n_candidates; i++) {
        rc = rtc_configuration_add_local_candidate(cfg, candidates[i], NULL);
        if (rc != RTC_OK) {
            fprintf(stderr, "error: %s: bad --candidate \"%s\"\n", code_name(rc), candidates[i]);
            goto done;
        }
    }
    if (ice_lite && (rc = rtc_configuration_set_ice_lite(cfg, true)) != RTC_OK) {
        fprintf(stderr, "error: %s: rtc_configuration_set_ice_lite failed\n", code_name(rc));
        goto done;
    }

    if (identity_domain) {
        rtc_identity_provider idp = {
            .domain = identity_domain,
            .generate_assertion = test_idp_generate,
        };
        rc = rtc_configuration_set_identity_provider(cfg, &idp);
        if (rc != RTC_OK) {
            fprintf(stderr, "error: %s: bad --identity \"%s\"\n", code_name(rc), identity_domain);
            goto done;
        }
    }

    pc = rtc_pc_new(cfg);
    if (!pc) {
        fprintf(stderr, "error: OperationError: rtc_pc_new failed\n");
        goto done;
    }

    rtc_session_description remote = {RTC_SDP_TYPE_OFFER, offer};
    rc = rtc_pc_set_remote_description(pc, &remote, on_void_success, on_error, &ctx);
    if (rc != RTC_OK) {
        report_call(&ctx, rc, "setRemoteDescription");
        goto done;
    }

    if (auto_tracks) {
        /* Count first: a track that finds no free transceiver would add one. */
        size_t n = rtc_pc_transceiver_count(pc);
        for (size_t i = 0; i < n; i++) {
            rtc_media_kind kind;
            char track_id[32];
            rc = rtc_pc_transceiver_kind(pc, i, &kind);
            if (rc != RTC_OK) {
                fprintf(stderr, "error: %s: rtc_pc_transceiver_kind(%zu) failed\n", code_name(rc), i);
                goto done;
            }
            snprintf(track_id, sizeof track_id, "track-%zu", i);
            rc = rtc_pc_add_track(pc, kind, track_id, "stream-0");
            if (rc != RTC_OK) {
                fprintf(stderr, "error: %s: addTrack(%s) failed\n", code_name(rc), track_id);
                goto done;
            }
        }
    }

    rtc_answer_options options;
    rtc_answer_options_init(&options);
    options.voice_activity_detection = vad;
    rc = rtc_pc_create_answer(pc, on_answer, on_error, &options, &ctx);
    if (rc != RTC_OK || !ctx.answer) {
        report_call(&ctx, rc, "createAnswer");
        goto done;
    }

    rtc_session_description local = {RTC_SDP_TYPE_ANSWER, ctx.answer};
    rc = rtc_pc_set_local_description(pc, &local, on_void_success, on_error, &ctx);
    if (rc != RTC_OK) {
        report_call(&ctx, rc, "setLocalDescription");
        goto done;
    }

    size_t len = strlen(ctx.answer);
    if (fwrite(ctx.answer, 1, len, stdout) != len || fflush(stdout) != 0) {
        fprintf(stderr, "error: OperationError: writing the answer failed\n");
        goto done;
    }
    status = 0;

done:
    rtc_pc_free(pc);
    rtc_configuration_free(cfg);
    free(offer);
    free(ctx.answer);
    free(ctx.error.name);
    free(ctx.error.message);
    free(candidates);
    return status;
}
