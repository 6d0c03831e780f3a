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

/* The callbacks. rtcpc calls exactly one of a call's two callbacks before the
 * call returns; the pointers they are handed are valid only during the call. */

/* on_failure of every call: prints "error: <DOMException name>: <message>". */
static void on_failure(const rtc_error *error, void *user_data) {
    (void)user_data;
    print_error(error);
}

/* on_success of createOffer: keeps a copy of the offer in *user_data (a char *). */
static void on_offer(const rtc_session_description *description, void *user_data) {
    *(char **)user_data = dup_str(description->sdp);
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

    /* 1. A configuration with the bundle policy asked for, and the connection.
     * The connection keeps its own copy, so the configuration goes at once. */
    rtc_configuration *config = rtc_configuration_new();
    rtc_configuration_set_bundle_policy(config, policy);
    rtc_pc *pc = rtc_pc_new(config);
    rtc_configuration_free(config);
    if (!pc) {
        fprintf(stderr, "error: OperationError: rtc_pc_new failed\n");
        return 1;
    }
    int status = 1;
    rtc_error_code rc;
    char *offer = NULL, *answer = NULL;
    rtc_negotiation *negotiation = NULL;

    /* 2. addTrack for each track asked for (audio first), or with --recvonly
     * a recvonly transceiver instead; --data asks for data channels. */
    for (long i = 0; i < audio + video; i++) {
        rtc_media_kind kind = i < audio ? RTC_MEDIA_KIND_AUDIO : RTC_MEDIA_KIND_VIDEO;
        char track[32];
        snprintf(track, sizeof track, "track-%ld", i);
        rtc_transceiver_init init = {RTC_DIRECTION_RECVONLY, NULL, 0, NULL, 0};
        rc = recvonly ? rtc_pc_add_transceiver(pc, kind, &init, NULL)
                      : rtc_pc_add_track(pc, kind, track, "stream-0");
        if (rc != RTC_OK)
            goto done;
    }
    if (data && rtc_pc_request_data_channels(pc) != RTC_OK)
        goto done;

    /* 3. createOffer (options NULL: the defaults); on_offer copies the offer. */
    rc = rtc_pc_create_offer(pc, on_offer, on_failure, NULL, &offer);
    if (rc == RTC_OK && !offer)
        fprintf(stderr, "error: OperationError: out of memory for the offer\n");
    if (!offer)
        goto done;
    fputs(offer, stdout);
    if (!answer_path) {
        status = 0;
        goto done;
    }

    /* 4. setLocalDescription: "" names the offer just created. */
    rtc_session_description local = {RTC_SDP_TYPE_OFFER, ""};
    if (rtc_pc_set_local_description(pc, &local, NULL, on_failure, NULL) != RTC_OK)
        goto done;

    /* 5. setRemoteDescription(the peer's answer, from a file or stdin). */
    answer = read_offer(answer_path); /* says why on stderr when it fails */
    if (!answer)
        goto done;
    rtc_session_description remote = {RTC_SDP_TYPE_ANSWER, answer};
    if (rtc_pc_set_remote_description(pc, &remote, NULL, on_failure, NULL) != RTC_OK)
        goto done;

    /* 6. What was negotiated: a snapshot, ours until rtc_negotiation_free. */
    negotiation = rtc_pc_negotiation(pc);
    printf("\n");
    print_negotiation(negotiation);
    status = 0;

done:
    /* 7. Free what was made (rtc_*_free ignore NULL). */
    rtc_negotiation_free(negotiation);
    free(offer);
    free(answer);
    rtc_pc_free(pc);
    return status;
}
