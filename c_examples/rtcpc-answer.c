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

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rtcpc.h"
#include "example_util.h"

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

/* The callbacks. rtcpc calls exactly one of a call's two callbacks before the
 * call returns; the pointers they are handed are valid only during the call. */

/* on_failure of every call: prints "error: <DOMException name>: <message>". */
static void on_failure(const rtc_error *error, void *user_data) {
    (void)user_data;
    print_error(error);
}

/* on_success of createAnswer: keeps a copy of the answer in *user_data (a char *). */
static void on_answer(const rtc_session_description *description, void *user_data) {
    *(char **)user_data = dup_str(description->sdp);
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
    char *offer = NULL, *answer = NULL;
    rtc_configuration *cfg = NULL;
    rtc_pc *pc = NULL;
    rtc_error_code rc;

    /* 1. The offer, from a file or stdin ("-"); read_offer says why it failed. */
    offer = read_offer(offer_path);
    if (!offer)
        goto done;

    /* 2. A configuration: the --candidate lines, --ice-lite, --identity. */
    cfg = rtc_configuration_new();
    if (!cfg) {
        fprintf(stderr, "error: OperationError: rtc_configuration_new failed\n");
        goto done;
    }
    for (size_t i = 0; i < n_candidates; i++) {
        rc = rtc_configuration_add_local_candidate(cfg, candidates[i], NULL);
        if (rc != RTC_OK) {
            fprintf(stderr, "error: %s: bad --candidate \"%s\"\n", rtc_error_name(rc), candidates[i]);
            goto done;
        }
    }
    if (ice_lite && (rc = rtc_configuration_set_ice_lite(cfg, true)) != RTC_OK) {
        fprintf(stderr, "error: %s: rtc_configuration_set_ice_lite failed\n", rtc_error_name(rc));
        goto done;
    }
    if (identity_domain) {
        rtc_identity_provider idp = {
            .domain = identity_domain,
            .generate_assertion = test_idp_generate,
        };
        rc = rtc_configuration_set_identity_provider(cfg, &idp);
        if (rc != RTC_OK) {
            fprintf(stderr, "error: %s: bad --identity \"%s\"\n", rtc_error_name(rc), identity_domain);
            goto done;
        }
    }

    /* 3. The connection (it keeps its own copy of the configuration). */
    pc = rtc_pc_new(cfg);
    if (!pc) {
        fprintf(stderr, "error: OperationError: rtc_pc_new failed\n");
        goto done;
    }

    /* 4. setRemoteDescription(offer): a transceiver for each offered audio or
     * video m-line. No on_success is needed: NULL is allowed. */
    rtc_session_description remote = {RTC_SDP_TYPE_OFFER, offer};
    if (rtc_pc_set_remote_description(pc, &remote, NULL, on_failure, NULL) != RTC_OK)
        goto done;

    /* 5. addTrack, with --tracks auto: a track for every transceiver the offer
     * made, so the answer sends as well as receives. Count first: a track
     * that finds no free transceiver would add one. */
    size_t n_transceivers = auto_tracks ? rtc_pc_transceiver_count(pc) : 0;
    for (size_t i = 0; i < n_transceivers; i++) {
        rtc_media_kind kind;
        char track_id[32];
        rc = rtc_pc_transceiver_kind(pc, i, &kind);
        if (rc != RTC_OK) {
            fprintf(stderr, "error: %s: rtc_pc_transceiver_kind(%zu) failed\n", rtc_error_name(rc), i);
            goto done;
        }
        snprintf(track_id, sizeof track_id, "track-%zu", i);
        rc = rtc_pc_add_track(pc, kind, track_id, "stream-0");
        if (rc != RTC_OK) {
            fprintf(stderr, "error: %s: addTrack(%s) failed\n", rtc_error_name(rc), track_id);
            goto done;
        }
    }

    /* 6. createAnswer, with --no-vad's option; on_answer copies the answer. */
    rtc_answer_options options;
    rtc_answer_options_init(&options);
    options.voice_activity_detection = vad;
    rc = rtc_pc_create_answer(pc, on_answer, on_failure, &options, &answer);
    if (rc == RTC_OK && !answer)
        fprintf(stderr, "error: OperationError: out of memory for the answer\n");
    if (!answer)
        goto done;

    /* 7. setLocalDescription(answer): the connection is stable. */
    rtc_session_description local = {RTC_SDP_TYPE_ANSWER, answer};
    if (rtc_pc_set_local_description(pc, &local, NULL, on_failure, NULL) != RTC_OK)
        goto done;

    /* 8. The answer on stdout, byte for byte. */
    size_t len = strlen(answer);
    if (fwrite(answer, 1, len, stdout) != len || fflush(stdout) != 0) {
        fprintf(stderr, "error: OperationError: writing the answer failed\n");
        goto done;
    }
    status = 0;

done:
    /* 9. Free what was made (rtc_*_free ignore NULL). */
    rtc_pc_free(pc);
    rtc_configuration_free(cfg);
    free(offer);
    free(answer);
    free(candidates);
    return status;
}
