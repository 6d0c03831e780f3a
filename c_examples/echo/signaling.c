/*
 * signaling.c: offer in, answer out, with rtcpc. This example never reads
 * SDP itself: what the transports need comes from rtc_pc_negotiation.
 *
 *   --dtls-role               -> rtc_configuration_set_dtls_role: the answer's
 *                                a=setup when the offer says actpass
 *   libnice's host candidates -> rtc_configuration_add_local_candidate: the
 *                                answer carries them
 *   one rtc_pc_add_track per offered audio/video m-section -> the answer is
 *                                sendrecv, with our SSRCs
 */
#include <stdio.h>
#include <string.h>

#include "echo.h"

typedef struct call {
    char *error; /* "Name: message" from on_failure */
    char *answer;
} call;

static void on_ok(void *user_data) { (void)user_data; }

static void on_error(const rtc_error *e, void *user_data) {
    call *c = user_data;
    g_free(c->error);
    c->error = g_strdup_printf("%s: %s", e->name, e->message);
}

static void on_answer(const rtc_session_description *d, void *user_data) {
    call *c = user_data;
    g_free(c->answer);
    c->answer = g_strdup(d->sdp);
}

/* One BUNDLE transport for everything, as browsers do; anything else is refused. */
static bool pick_transport(echo_session *s) {
    size_t n = rtc_negotiation_section_count(s->negotiation);
    for (size_t i = 0; i < n; i++) {
        const rtc_negotiated_section *sec = rtc_negotiation_section(s->negotiation, i);
        if (!sec->accepted)
            continue;
        if (!s->transport)
            s->transport = rtc_negotiation_section(s->negotiation, sec->transport_index);
        if (sec->transport_index != s->transport->index) {
            echo_fail(s, "signaling", "m-section %zu (mid %s) is not bundled with m-section %zu: "
                      "this example supports one transport", i, sec->mid ? sec->mid : "-",
                      s->transport->index);
            return false;
        }
        if (strcmp(sec->media, "application") == 0 && sec->sctp_port && !s->data_section)
            s->data_section = sec;
        echo_debug(s, "signaling: mid %s %s %s, %zu codec(s), %zu remote ssrc(s), %zu local ssrc(s)",
                   sec->mid ? sec->mid : "-", sec->media, sec->protocol, sec->codec_count,
                   sec->remote_ssrc_count, sec->local_ssrc_count);
    }
    if (!s->transport || !s->transport->local_ice_ufrag) {
        echo_fail(s, "signaling", "the answer accepted no m-section");
        return false;
    }
    return true;
}

bool echo_signaling_answer(echo_session *s, char *const *local_candidates) {
    call c = {0};
    rtc_configuration *config = rtc_configuration_new();
    if (s->dtls_role_given)
        rtc_configuration_set_dtls_role(config, s->dtls_role);
    for (size_t i = 0; local_candidates[i]; i++)
        rtc_configuration_add_local_candidate(config, local_candidates[i], NULL);
    s->pc = rtc_pc_new(config);
    rtc_configuration_free(config);
    if (!s->pc) {
        echo_fail(s, "signaling", "rtc_pc_new failed");
        return false;
    }

    rtc_session_description offer = {RTC_SDP_TYPE_OFFER, s->offer};
    if (rtc_pc_set_remote_description(s->pc, &offer, on_ok, on_error, &c) != RTC_OK)
        goto failed;
    /* A track on every transceiver the offer made: we send on each m-section. */
    size_t transceivers = rtc_pc_transceiver_count(s->pc);
    for (size_t i = 0; i < transceivers; i++) {
        rtc_media_kind kind;
        char track[32];
        snprintf(track, sizeof track, "echo-%zu", i);
        if (rtc_pc_transceiver_kind(s->pc, i, &kind) == RTC_OK &&
            rtc_pc_add_track(s->pc, kind, track, "rtcpc-echo") != RTC_OK) {
            c.error = g_strdup_printf("rtc_pc_add_track(%s) failed", track);
            goto failed;
        }
    }
    if (rtc_pc_create_answer(s->pc, on_answer, on_error, NULL, &c) != RTC_OK)
        goto failed;
    rtc_session_description answer = {RTC_SDP_TYPE_ANSWER, c.answer};
    if (rtc_pc_set_local_description(s->pc, &answer, on_ok, on_error, &c) != RTC_OK)
        goto failed;

    s->negotiation = rtc_pc_negotiation(s->pc);
    if (!s->negotiation || !pick_transport(s)) {
        g_free(c.answer);
        return false;
    }
    /* The answer to the browser, then stdout is done. */
    fputs(c.answer, stdout);
    fclose(stdout);
    g_free(c.answer);
    return true;

failed:
    echo_fail(s, "signaling", "%s", c.error ? c.error : "rtcpc refused the offer");
    g_free(c.error);
    g_free(c.answer);
    return false;
}

void echo_signaling_free(echo_session *s) {
    rtc_negotiation_free(s->negotiation);
    rtc_pc_free(s->pc);
    s->negotiation = NULL, s->pc = NULL;
}
