/*
 * Ownership and lifetimes across the C boundary, run under valgrind by the
 * memcheck tests: strings passed in are copied (the caller frees them right
 * after each call), strings handed to callbacks are used only during the
 * callback, and the negotiation snapshot lives until rtc_negotiation_free,
 * whatever happens to the connection meanwhile.
 *
 * With --read-after it deliberately reads a callback's string after the
 * callback returned; memcheck must report that (the read-after test expects
 * valgrind's error exit), proving the pointer really dies with the callback.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rtcpc.h"
#include "check.h"

typedef struct {
    const char *kept_pointer; /* kept only to show it must not be used */
    char *copy;
} seen_t;

static void on_answer(const rtc_session_description *d, void *user) {
    seen_t *s = user;
    s->kept_pointer = d->sdp;
    s->copy = dup_str(d->sdp);
}

static void on_error(const rtc_error *e, void *user) {
    (void)user;
    fprintf(stderr, "unexpected error: %s: %s\n", e->name, e->message);
    failures++;
}

int main(int argc, char **argv) {
    int read_after = argc > 1 && strcmp(argv[1], "--read-after") == 0;
    char *offer_text = read_file(RTCPC_DEFAULT_OFFER);
    if (!offer_text) {
        fprintf(stderr, "cannot read %s\n", RTCPC_DEFAULT_OFFER);
        return 1;
    }

    rtc_configuration *cfg = rtc_configuration_new();
    char *cand = dup_str("candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host");
    CHECK(rtc_configuration_add_local_candidate(cfg, cand, NULL) == RTC_OK);
    free(cand);
    rtc_pc *pc = rtc_pc_new(cfg);
    rtc_configuration_free(cfg); /* the connection keeps its own copy */
    CHECK(pc != NULL);

    rtc_session_description offer = {RTC_SDP_TYPE_OFFER, offer_text};
    CHECK(rtc_pc_set_remote_description(pc, &offer, NULL, on_error, NULL) == RTC_OK);
    free(offer_text); /* rtcpc copied it */

    char *track = dup_str("track-0"), *stream = dup_str("stream-0");
    CHECK(rtc_pc_add_track(pc, RTC_MEDIA_KIND_AUDIO, track, stream) == RTC_OK);
    free(track);
    free(stream);

    seen_t seen = {0};
    CHECK(rtc_pc_create_answer(pc, on_answer, on_error, NULL, &seen) == RTC_OK);
    CHECK(seen.copy != NULL && strncmp(seen.copy, "v=0\r\n", 5) == 0);
    CHECK(strstr(seen.copy, "a=candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host\r\n") != NULL);
    if (read_after) {
        /* Wrong on purpose: the pointer died when the callback returned. */
        volatile char c = seen.kept_pointer[0];
        (void)c;
    }

    char *answer = dup_str(seen.copy);
    rtc_session_description local = {RTC_SDP_TYPE_ANSWER, answer};
    CHECK(rtc_pc_set_local_description(pc, &local, NULL, on_error, NULL) == RTC_OK);
    free(answer);

    /* The remote description was copied: it reads back whole. */
    size_t n = rtc_pc_description(pc, RTC_DESCRIPTION_REMOTE, NULL, NULL, 0);
    char *remote = malloc(n + 1);
    CHECK(rtc_pc_description(pc, RTC_DESCRIPTION_REMOTE, NULL, remote, n + 1) == n);
    CHECK(strncmp(remote, "v=0", 3) == 0);
    free(remote);

    /* The snapshot outlives the connection it came from. */
    rtc_negotiation *neg = rtc_pc_negotiation(pc);
    CHECK(neg != NULL);
    rtc_pc_free(pc);
    size_t sections = rtc_negotiation_section_count(neg);
    CHECK(sections == 3);
    for (size_t i = 0; i < sections; i++) {
        const rtc_negotiated_section *s = rtc_negotiation_section(neg, i);
        CHECK(s != NULL && s->accepted && s->mid != NULL && strlen(s->media) > 0);
        for (size_t c = 0; c < s->codec_count; c++) {
            CHECK(strlen(s->codecs[c].name) > 0 && s->codecs[c].clock_rate > 0);
            for (size_t f = 0; f < s->codecs[c].rtcp_feedback_count; f++)
                CHECK(strlen(s->codecs[c].rtcp_feedback[f]) > 0);
        }
        for (size_t e = 0; e < s->extension_count; e++)
            CHECK(s->extensions[e].id > 0 && strncmp(s->extensions[e].uri, "", 1) != 0);
        for (size_t f = 0; f < s->remote_fingerprint_count; f++)
            CHECK(strncmp(s->remote_fingerprints[f], "sha-256 ", 8) == 0);
    }
    CHECK(rtc_negotiation_section(neg, sections) == NULL);
    rtc_negotiation_free(neg);
    free(seen.copy);

    if (failures) fprintf(stderr, "%d check(s) failed\n", failures);
    return failures ? 1 : 0;
}
