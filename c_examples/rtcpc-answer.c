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
    answerer a = {0};
    rtc_error_code rc;
    if (!answerer_start(&a, offer_path))
        goto done;

    for (size_t i = 0; i < n_candidates; i++) {
        rc = rtc_configuration_add_local_candidate(a.cfg, candidates[i], NULL);
        if (rc != RTC_OK) {
            fprintf(stderr, "error: %s: bad --candidate \"%s\"\n", code_name(rc), candidates[i]);
            goto done;
        }
    }
    if (ice_lite && (rc = rtc_configuration_set_ice_lite(a.cfg, true)) != RTC_OK) {
        fprintf(stderr, "error: %s: rtc_configuration_set_ice_lite failed\n", code_name(rc));
        goto done;
    }

    if (identity_domain) {
        rtc_identity_provider idp = {
            .domain = identity_domain,
            .generate_assertion = test_idp_generate,
        };
        rc = rtc_configuration_set_identity_provider(a.cfg, &idp);
        if (rc != RTC_OK) {
            fprintf(stderr, "error: %s: bad --identity \"%s\"\n", code_name(rc), identity_domain);
            goto done;
        }
    }

    rtc_answer_options options;
    rtc_answer_options_init(&options);
    options.voice_activity_detection = vad;
    if (!answerer_answer(&a, auto_tracks, &options))
        goto done;

    size_t len = strlen(a.answer);
    if (fwrite(a.answer, 1, len, stdout) != len || fflush(stdout) != 0) {
        fprintf(stderr, "error: OperationError: writing the answer failed\n");
        goto done;
    }
    status = 0;

done:
    answerer_free(&a);
    free(candidates);
    return status;
}
