/*
 * rtcpc-echo: what its layers share. One session per process.
 *
 *   signaling.c  rtcpc: offer in, answer out; rtc_negotiation feeds the rest
 *   sctp.c       usrsctp: data channels (DCEP), every message echoed
 *   echo.c       the media echo: SSRC rewrite, PLI/FIR forwarding
 *   echo_main.c  command line, GLib main loop, who starts what, the
 *                transport's events, shutdown
 *
 * ICE (libnice), DTLS (OpenSSL), SRTP (libsrtp2) and the RFC 7983 demux
 * are the transport library's (c_examples/transport, transport.h): one
 * wt_transport, its events handled in echo_main.c.
 *
 * Everything runs on the GLib main thread except usrsctp's callbacks
 * (sctp.c hands their work to the main loop) and wt_send_data, which
 * usrsctp calls from its threads (the transport locks its SSL object).
 */
#ifndef RTCPC_ECHO_H
#define RTCPC_ECHO_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rtcpc.h"
#include "transport.h"

typedef struct echo_sctp echo_sctp;
typedef struct echo_media echo_media;

/* What the summary line reports. */
typedef struct echo_stats {
    uint64_t rtp_in, rtp_out, rtcp_in, rtcp_out, pli_forwarded, dc_messages, dc_bytes;
} echo_stats;

typedef struct echo_session {
    /* The command line. */
    const char *bind;
    bool dtls_role_given;
    rtc_dtls_role dtls_role;
    unsigned timeout_s;
    bool verbose;
    char *offer;

    GMainLoop *loop;

    /* signaling.c: the connection and what it negotiated. */
    rtc_pc *pc;
    rtc_negotiation *negotiation;
    const rtc_negotiated_section *transport;    /* the section whose transport all use */
    const rtc_negotiated_section *data_section; /* the accepted m=application, or NULL */

    /* The layers, NULL until started. */
    wt_transport *wt; /* ICE, DTLS, SRTP: carries `transport`'s section */
    echo_sctp *sctp;
    echo_media *media;

    bool ice_connected, dtls_connected, sctp_associated;
    bool ended;    /* echo_fail or echo_end ran: the main loop is quitting */
    int exit_code; /* 0 after a clean end of a connected session, else 1 */
    echo_stats stats;
} echo_session;

/* echo_main.c: status lines on stderr, and ending the session. */
void echo_say(const char *fmt, ...) G_GNUC_PRINTF(1, 2);     /* "echo: ..." */
void echo_debug(const echo_session *s, const char *fmt, ...) /* "echo: debug: ..." (--verbose) */
    G_GNUC_PRINTF(2, 3);
void echo_fail(echo_session *s, const char *layer, const char *fmt, ...) /* "echo: error: LAYER: ..." */
    G_GNUC_PRINTF(3, 4);
void echo_end(echo_session *s, const char *why); /* a clean end: exit 0 if the session connected */

/* signaling.c */
bool echo_signaling_answer(echo_session *s, char *const *local_candidates);
void echo_signaling_free(echo_session *s);

/* sctp.c */
echo_sctp *echo_sctp_new(echo_session *s, const rtc_negotiated_section *data);
void echo_sctp_input(echo_sctp *sctp, const uint8_t *data, size_t len);
void echo_sctp_free(echo_sctp *sctp);

/* echo.c */
echo_media *echo_media_new(echo_session *s);
void echo_media_rtp(echo_media *m, uint8_t *packet, size_t len);
void echo_media_rtcp(echo_media *m, const uint8_t *packet, size_t len);
void echo_media_free(echo_media *m);

#endif
