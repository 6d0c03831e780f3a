/*
 * rtcpc-offer: makes a WebRTC SDP offer and, given the peer's answer,
 * applies it and prints what was negotiated.
 *
 *   rtcpc-offer [--audio N] [--video N] [--data] [--recvonly]
 *               [--bundle-policy balanced|max-compat|max-bundle] [--answer FILE|-]
 *
 * It adds N audio and N video tracks (default 1 each), asks for data
 * channels with --data, and prints the offer (CRLF line ends) to stdout.
 * --recvonly adds recvonly transceivers instead of tracks. With --answer it
 * then applies the offer (setLocalDescription) and the answer in FILE
 * (setRemoteDescription; "-" reads stdin), and prints one empty line and
 * the negotiation: per m-section its mid, direction and codecs, then the
 * DTLS and ICE roles. An answer made for an offer of the same shape fits
 * (payload types, extension ids and mids do not depend on the run). On
 * failure it prints "error: <DOMException name>: <message>" to stderr and
 * exits with 1; usage errors exit with 2.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rtcpc.h"
#include "example_util.h"

static int usage(void) {
    fprintf(stderr,
            "usage: rtcpc-offer [--audio N] [--video N] [--data] [--recvonly]\n"
            "                   [--bundle-policy balanced|max-compat|max-bundle] [--answer FILE|-]\n");
    return 2;
}

static void on_offer(const rtc_session_description *d, void *user_data) {
    outcome *o = user_data;
    o->successes++;
    o->sdp = dup_str(d->sdp);
}

static int fail(const outcome *o, const char *what) {
    fprintf(stderr, "error: %s: %s\n", o->failures ? o->name : "Error",
            o->failures ? o->message : what);
    return 1;
}

static const char *DIRECTIONS[] = {"sendrecv", "sendonly", "recvonly", "inactive", "stopped", "none"};

/* The negotiation, one m-section a line, then the roles. */
static void print_negotiation(const rtc_negotiation *n) {
    for (size_t i = 0; i < rtc_negotiation_section_count(n); i++) {
        const rtc_negotiated_section *s = rtc_negotiation_section(n, i);
        printf("m-section %zu mid %s %s: %s", i, s->mid ? s->mid : "-", s->media,
               s->accepted ? DIRECTIONS[s->direction] : "rejected");
        for (size_t c = 0; c < s->codec_count; c++)
            printf("%s %u %s/%u", c ? "," : " codecs", (unsigned)s->codecs[c].payload_type,
                   s->codecs[c].name, (unsigned)s->codecs[c].clock_rate);
        if (s->simulcast_fallback)
            printf(" (simulcast not taken: one layer)");
        if (s->ice_restarted)
            printf(" (ICE restarted:%s%s)", s->local_ice_restarted ? " ours" : "",
                   s->remote_ice_restarted ? " theirs" : "");
        printf("\n");
        for (size_t t = 0; t < s->tolerated_count; t++)
            printf("  tolerated: %s\n", s->tolerated[t]);
    }
    printf("dtls role: %s\n", rtc_negotiation_dtls_role(n) == RTC_DTLS_ROLE_SERVER ? "server" : "client");
    printf("ice role: %s\n",
           rtc_negotiation_ice_role(n) == RTC_ICE_ROLE_CONTROLLING ? "controlling" : "controlled");
}

/* Applies the offer made last and the answer at path; 0 on success. */
static int apply_answer(rtc_pc *pc, const char *path) {
    outcome o = {0};
    rtc_session_description offer = {RTC_SDP_TYPE_OFFER, ""};
    if (rtc_pc_set_local_description(pc, &offer, outcome_on_void, outcome_on_error, &o) != RTC_OK)
        return fail(&o, "setLocalDescription");
    char *text = read_offer(path); /* says why on stderr when it fails */
    if (!text)
        return 1;
    rtc_session_description answer = {RTC_SDP_TYPE_ANSWER, text};
    rtc_error_code rc = rtc_pc_set_remote_description(pc, &answer, outcome_on_void, outcome_on_error, &o);
    free(text);
    if (rc != RTC_OK)
        return fail(&o, "setRemoteDescription");
    rtc_negotiation *n = rtc_pc_negotiation(pc);
    printf("\n");
    print_negotiation(n);
    rtc_negotiation_free(n);
    return 0;
}

int main(int argc, char **argv) {
    long audio = 1, video = 1;
    int data = 0, recvonly = 0;
    rtc_bundle_policy policy = RTC_BUNDLE_POLICY_BALANCED;
    const char *answer_path = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--audio") == 0 && v)
            audio = strtol(argv[++i], NULL, 10);
        else if (strcmp(a, "--video") == 0 && v)
            video = strtol(argv[++i], NULL, 10);
        else if (strcmp(a, "--data") == 0)
            data = 1;
        else if (strcmp(a, "--recvonly") == 0)
            recvonly = 1;
        else if (strcmp(a, "--answer") == 0 && v)
            answer_path = argv[++i];
        else if (strcmp(a, "--bundle-policy") == 0 && v) {
            const char *p = argv[++i];
            if (strcmp(p, "balanced") == 0)
                policy = RTC_BUNDLE_POLICY_BALANCED;
            else if (strcmp(p, "max-compat") == 0)
                policy = RTC_BUNDLE_POLICY_MAX_COMPAT;
            else if (strcmp(p, "max-bundle") == 0)
                policy = RTC_BUNDLE_POLICY_MAX_BUNDLE;
            else
                return usage();
        } else
            return usage();
    }
    if (audio < 0 || video < 0 || audio > 64 || video > 64)
        return usage();

    rtc_configuration *config = rtc_configuration_new();
    rtc_configuration_set_bundle_policy(config, policy);
    rtc_pc *pc = rtc_pc_new(config);
    rtc_configuration_free(config);
    if (!pc) {
        fprintf(stderr, "error: OperationError: rtc_pc_new failed\n");
        return 1;
    }
    int rc = 0;
    for (long i = 0; i < audio + video && rc == 0; i++) {
        rtc_media_kind kind = i < audio ? RTC_MEDIA_KIND_AUDIO : RTC_MEDIA_KIND_VIDEO;
        char track[32];
        snprintf(track, sizeof track, "track-%ld", i);
        rtc_transceiver_init init = {RTC_DIRECTION_RECVONLY, NULL, 0, NULL, 0};
        rtc_error_code e = recvonly ? rtc_pc_add_transceiver(pc, kind, &init, NULL)
                                    : rtc_pc_add_track(pc, kind, track, "stream-0");
        rc = e == RTC_OK ? 0 : 1;
    }
    if (rc == 0 && data)
        rc = rtc_pc_request_data_channels(pc) == RTC_OK ? 0 : 1;
    outcome o = {0};
    if (rc == 0 && rtc_pc_create_offer(pc, on_offer, outcome_on_error, NULL, &o) != RTC_OK)
        rc = fail(&o, "createOffer");
    if (rc == 0) {
        fputs(o.sdp, stdout);
        if (answer_path)
            rc = apply_answer(pc, answer_path);
    }
    free(o.sdp);
    rtc_pc_free(pc);
    return rc;
}
