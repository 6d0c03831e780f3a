/*
 * rtcpc-echo: a WebRTC peer that sends a browser's audio and video back to
 * it and echoes every data channel message. rtcpc does the offer/answer;
 * libnice, OpenSSL, libsrtp2 and usrsctp carry the media and data.
 *
 *   rtcpc-echo --bind ADDR [--dtls-role client|server] [--timeout SECONDS] [--verbose]
 *
 * stdin: the browser's offer, complete (candidates gathered), read to EOF.
 * stdout: the answer, with our candidates; then closed.
 * stderr: "echo: " status lines, "echo: error: LAYER: ..." on failure, and
 * a summary line at exit. Exit 0 after a clean end of a session that
 * connected, 1 on failure, 2 on usage errors.
 *
 * The order things start in:
 *   ICE gathers on --bind -> signaling answers the offer with those
 *   candidates -> ICE checks -> DTLS handshake -> SRTP keys + media echo,
 *   and SCTP over DTLS -> data channels.
 */
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib-unix.h>

#include "echo.h"

static void say(const char *prefix, const char *fmt, va_list ap) {
    char line[1024];
    vsnprintf(line, sizeof line, fmt, ap);
    fprintf(stderr, "echo: %s%s\n", prefix, line);
}

void echo_say(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    say("", fmt, ap);
    va_end(ap);
}

void echo_debug(const echo_session *s, const char *fmt, ...) {
    va_list ap;
    if (!s->verbose)
        return;
    va_start(ap, fmt);
    say("debug: ", fmt, ap);
    va_end(ap);
}

void echo_fail(echo_session *s, const char *layer, const char *fmt, ...) {
    char prefix[64];
    va_list ap;
    if (s->ended) /* the first reason is the one reported */
        return;
    snprintf(prefix, sizeof prefix, "error: %s: ", layer);
    va_start(ap, fmt);
    say(prefix, fmt, ap);
    va_end(ap);
    s->ended = true;
    s->exit_code = 1;
    g_main_loop_quit(s->loop);
}

void echo_end(echo_session *s, const char *why) {
    if (s->ended)
        return;
    echo_say("session ended: %s", why);
    s->ended = true;
    s->exit_code = s->dtls_connected ? 0 : 1;
    g_main_loop_quit(s->loop);
}

void echo_on_ice_gathered(echo_session *s) {
    if (s->ended || s->pc)
        return;
    char **candidates = echo_ice_local_candidates(s->ice);
    bool ok = candidates[0] != NULL;
    if (!ok)
        echo_fail(s, "ice", "no candidate gathered on %s", s->bind);
    ok = ok && echo_signaling_answer(s, candidates);
    g_strfreev(candidates);
    if (ok && echo_ice_start(s->ice, s->transport))
        s->dtls = echo_dtls_new(s, s->transport);
}

void echo_on_ice_connected(echo_session *s) {
    if (s->ice_connected || s->ended)
        return;
    s->ice_connected = true;
    echo_say("ice connected");
    if (s->dtls)
        echo_dtls_start(s->dtls);
}

/* One transport carries STUN (libnice keeps it), DTLS, RTP and RTCP. */
void echo_on_ice_packet(echo_session *s, const uint8_t *data, size_t len) {
    uint8_t packet[ECHO_MAX_PACKET];
    echo_packet_kind kind = echo_demux(data, len);
    if (s->ended)
        return;
    if (kind == ECHO_PACKET_DTLS && s->dtls) {
        echo_dtls_input(s->dtls, data, len);
    } else if ((kind == ECHO_PACKET_RTP || kind == ECHO_PACKET_RTCP) && s->media &&
               len <= sizeof packet) {
        memcpy(packet, data, len); /* unprotected in place */
        if (!echo_srtp_unprotect(s->srtp, packet, &len, kind == ECHO_PACKET_RTCP))
            return;
        if (kind == ECHO_PACKET_RTP)
            echo_media_rtp(s->media, packet, len);
        else
            echo_media_rtcp(s->media, packet, len);
    }
}

void echo_on_dtls_connected(echo_session *s, const echo_srtp_keys *keys) {
    s->dtls_connected = true;
    echo_say("dtls connected role=%s profile=%s fingerprint verified",
             s->transport->dtls_role == RTC_DTLS_ROLE_CLIENT ? "client" : "server", keys->profile);
    if (!(s->srtp = echo_srtp_new(s, keys)))
        return;
    echo_say("srtp ready");
    s->media = echo_media_new(s);
    if (s->data_section)
        s->sctp = echo_sctp_new(s, s->data_section);
}

void echo_on_dtls_data(echo_session *s, const uint8_t *data, size_t len) {
    if (s->sctp)
        echo_sctp_input(s->sctp, data, len);
}

/* --timeout: the time a session has to connect; it runs as long as it likes after. */
static gboolean on_timeout(gpointer data) {
    echo_session *s = data;
    unsigned t = s->timeout_s;
    if (!s->ice_connected)
        echo_fail(s, "ice", "not connected after %u s (--timeout)", t);
    else if (!s->dtls_connected)
        echo_fail(s, "dtls", "handshake not finished after %u s (--timeout)", t);
    else if (s->data_section && !s->sctp_associated)
        echo_fail(s, "sctp", "not associated after %u s (--timeout)", t);
    return G_SOURCE_REMOVE;
}

static gboolean on_signal(gpointer data) {
    echo_end(data, "stopped by a signal (SIGTERM/SIGINT)");
    return G_SOURCE_CONTINUE;
}

static char *read_all(FILE *f) {
    GString *text = g_string_new(NULL);
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        g_string_append_len(text, buf, (gssize)n);
    return g_string_free(text, FALSE);
}

static int usage(void) {
    fprintf(stderr, "usage: rtcpc-echo --bind ADDR [--dtls-role client|server] [--timeout SECONDS] "
                    "[--verbose]\n  reads the offer on stdin, writes the answer on stdout\n");
    return 2;
}

int main(int argc, char **argv) {
    echo_session s = {.timeout_s = 60};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        char *end = NULL;
        if (strcmp(a, "--bind") == 0 && v) {
            s.bind = v, i++;
        } else if (strcmp(a, "--dtls-role") == 0 && v &&
                   (strcmp(v, "client") == 0 || strcmp(v, "server") == 0)) {
            s.dtls_role_given = true, i++;
            s.dtls_role = strcmp(v, "client") == 0 ? RTC_DTLS_ROLE_CLIENT : RTC_DTLS_ROLE_SERVER;
        } else if (strcmp(a, "--timeout") == 0 && v && (s.timeout_s = (unsigned)strtoul(v, &end, 10)) > 0 &&
                   *end == '\0' && v[0] != '-') {
            i++;
        } else if (strcmp(a, "--verbose") == 0) {
            s.verbose = true;
        } else {
            return usage();
        }
    }
    if (!s.bind)
        return usage();

    bool srtp_up = false;
    signal(SIGPIPE, SIG_IGN); /* a harness that stops reading must not kill us */
    s.offer = read_all(stdin);
    s.loop = g_main_loop_new(NULL, FALSE);
    guint term = g_unix_signal_add(SIGTERM, on_signal, &s);
    guint intr = g_unix_signal_add(SIGINT, on_signal, &s);
    guint timeout = 0;

    if (s.offer[0] == '\0')
        echo_fail(&s, "signaling", "no offer on stdin");
    else if (!(srtp_up = echo_srtp_library_init()))
        echo_fail(&s, "srtp", "srtp_init failed");
    else if ((s.ice = echo_ice_new(&s))) /* echo_on_ice_gathered goes on */
        timeout = g_timeout_add_seconds(s.timeout_s, on_timeout, &s);
    if (!s.ended)
        g_main_loop_run(s.loop);

    /* Down in order: SCTP's ABORT and DTLS's close_notify still go out over ICE. */
    echo_sctp_free(s.sctp);
    echo_media_free(s.media);
    echo_srtp_free(s.srtp);
    if (srtp_up)
        echo_srtp_library_shutdown();
    echo_dtls_free(s.dtls);
    echo_ice_free(s.ice);
    echo_signaling_free(&s);
    g_source_remove(term);
    g_source_remove(intr);
    if (timeout && g_main_context_find_source_by_id(NULL, timeout))
        g_source_remove(timeout);
    for (int i = 0; i < 100 && g_main_context_iteration(NULL, FALSE); i++)
        ; /* let libnice finish what it scheduled */
    g_main_loop_unref(s.loop);
    g_free(s.offer);

    const echo_stats *st = &s.stats;
    fprintf(stderr,
            "echo: summary rtp_in=%" G_GUINT64_FORMAT " rtp_out=%" G_GUINT64_FORMAT
            " rtcp_in=%" G_GUINT64_FORMAT " rtcp_out=%" G_GUINT64_FORMAT
            " pli_forwarded=%" G_GUINT64_FORMAT " dc_messages=%" G_GUINT64_FORMAT
            " dc_bytes=%" G_GUINT64_FORMAT "\n",
            st->rtp_in, st->rtp_out, st->rtcp_in, st->rtcp_out, st->pli_forwarded,
            st->dc_messages, st->dc_bytes);
    return s.exit_code;
}
