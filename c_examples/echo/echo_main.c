/*
 * rtcpc-echo: a WebRTC peer that sends a browser's audio and video back to
 * it and echoes every data channel message. rtcpc does the offer/answer;
 * the transport library (c_examples/transport: libnice, OpenSSL, libsrtp2)
 * and usrsctp carry the media and data.
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

/* ------------------------------------------------------------ the transport's events
 * (c_examples/transport: ICE, DTLS, SRTP). None frees the transport: that
 * happens after the main loop, which echo_fail and echo_end quit. */

static void on_gathered(void *user) {
    echo_session *s = user;
    if (s->ended || s->pc)
        return;
    char **candidates = wt_local_candidates(s->wt);
    bool ok = candidates[0] != NULL;
    if (!ok)
        echo_fail(s, "ice", "no candidate gathered on %s", s->bind);
    ok = ok && echo_signaling_answer(s, candidates);
    g_strfreev(candidates);
    if (ok) /* ICE checks, then DTLS; a refusal comes back as on_failed */
        wt_start(s->wt, s->pc, s->transport);
}

static void on_ice_connected(void *user) {
    echo_session *s = user;
    if (s->ice_connected || s->ended)
        return;
    s->ice_connected = true;
    echo_say("ice connected");
}

/* The transport has checked the fingerprint and keyed SRTP. */
static void on_dtls_connected(void *user, const char *profile) {
    echo_session *s = user;
    s->dtls_connected = true;
    echo_say("dtls connected role=%s profile=%s fingerprint verified",
             s->transport->dtls_role == RTC_DTLS_ROLE_CLIENT ? "client" : "server", profile);
    echo_say("srtp ready");
    s->media = echo_media_new(s);
    if (s->data_section)
        s->sctp = echo_sctp_new(s, s->data_section);
}

static void on_rtp(void *user, uint8_t *packet, size_t len) {
    echo_session *s = user;
    if (!s->ended && s->media)
        echo_media_rtp(s->media, packet, len);
}

static void on_rtcp(void *user, uint8_t *packet, size_t len) {
    echo_session *s = user;
    if (!s->ended && s->media)
        echo_media_rtcp(s->media, packet, len);
}

static void on_data(void *user, const uint8_t *data, size_t len) {
    echo_session *s = user;
    if (!s->ended && s->sctp)
        echo_sctp_input(s->sctp, data, len);
}

static void on_failed(void *user, const char *layer, const char *why) {
    echo_fail(user, layer, "%s", why);
}

static void on_closed(void *user, const char *why) {
    (void)why;
    echo_end(user, "the browser closed DTLS (close_notify)");
}

static void on_debug(void *user, const char *line) { echo_debug(user, "%s", line); }

static const wt_events transport_events = {
    .gathered = on_gathered,
    .ice_connected = on_ice_connected,
    .dtls_connected = on_dtls_connected,
    .rtp = on_rtp,
    .rtcp = on_rtcp,
    .data = on_data,
    .failed = on_failed,
    .closed = on_closed,
    .debug = on_debug,
};

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
    else if (!(srtp_up = wt_library_init()))
        echo_fail(&s, "srtp", "srtp_init failed");
    else if (!(s.wt = wt_transport_new(s.bind, s.verbose ? WT_VERBOSE : 0, &transport_events, &s)))
        echo_fail(&s, "ice", g_hostname_is_ip_address(s.bind) ? "cannot gather candidates on %s"
                                                               : "--bind %s is not an IP address",
                  s.bind);
    else /* on_gathered goes on */
        timeout = g_timeout_add_seconds(s.timeout_s, on_timeout, &s);
    if (!s.ended)
        g_main_loop_run(s.loop);

    /* Down in order: SCTP's ABORT and DTLS's close_notify still go out over ICE. */
    echo_sctp_free(s.sctp);
    echo_media_free(s.media);
    wt_transport_free(s.wt); /* close_notify, then ICE and SRTP */
    if (srtp_up)
        wt_library_shutdown();
    echo_signaling_free(&s); /* the section the transport read lives until here */
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
