/*
 * rtcpc-echo: what its layers share. One session per process.
 *
 *   signaling.c  rtcpc: offer in, answer out; rtc_negotiation feeds the rest
 *   ice.c        libnice: the one ICE transport every m-section is bundled on
 *   dtls.c       OpenSSL: DTLS handshake, fingerprint check, SRTP keys, SCTP carrier
 *   srtp.c       libsrtp2: SRTP/SRTCP with the DTLS keys, and the RFC 7983 demux
 *   sctp.c       usrsctp: data channels (DCEP), every message echoed
 *   echo.c       the media echo: SSRC rewrite, PLI/FIR forwarding
 *   echo_main.c  command line, GLib main loop, who starts what, shutdown
 *
 * Everything runs on the GLib main thread except usrsctp's callbacks
 * (sctp.c hands their work to the main loop) and echo_dtls_send, which
 * usrsctp calls from its threads (dtls.c locks the SSL object).
 */
#ifndef RTCPC_ECHO_H
#define RTCPC_ECHO_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rtcpc.h"

#define ECHO_MTU 1200        /* DTLS handshake fragments and SCTP packets stay below this */
#define ECHO_MAX_PACKET 1500 /* the largest RTP/RTCP packet echoed */

typedef struct echo_ice echo_ice;
typedef struct echo_dtls echo_dtls;
typedef struct echo_srtp echo_srtp;
typedef struct echo_sctp echo_sctp;
typedef struct echo_media echo_media;

/* What the summary line reports. */
typedef struct echo_stats {
    uint64_t rtp_in, rtp_out, rtcp_in, rtcp_out, pli_forwarded, dc_messages, dc_bytes;
} echo_stats;

/* The keys DTLS exported for SRTP (RFC 5764 4.2), each master key || salt. */
typedef struct echo_srtp_keys {
    const char *profile;     /* OpenSSL's name, e.g. "SRTP_AES128_CM_SHA1_80" */
    unsigned long profile_id; /* SRTP_AES128_CM_SHA1_80 or SRTP_AEAD_AES_128_GCM */
    uint8_t local[64];       /* protects what we send */
    uint8_t remote[64];      /* unprotects what the browser sends */
} echo_srtp_keys;

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
    echo_ice *ice;
    echo_dtls *dtls;
    echo_srtp *srtp;
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

/* echo_main.c: what the layers report. */
void echo_on_ice_gathered(echo_session *s);
void echo_on_ice_connected(echo_session *s);
void echo_on_ice_packet(echo_session *s, const uint8_t *data, size_t len);
void echo_on_dtls_connected(echo_session *s, const echo_srtp_keys *keys);
void echo_on_dtls_data(echo_session *s, const uint8_t *data, size_t len);

/* signaling.c */
bool echo_signaling_answer(echo_session *s, char *const *local_candidates);
void echo_signaling_free(echo_session *s);

/* ice.c */
echo_ice *echo_ice_new(echo_session *s);            /* gathers on s->bind */
char **echo_ice_local_candidates(echo_ice *ice);     /* "candidate:..." lines; g_strfreev */
bool echo_ice_start(echo_ice *ice, const rtc_negotiated_section *t);
int echo_ice_send(echo_ice *ice, const void *data, size_t len); /* any thread */
void echo_ice_free(echo_ice *ice);

/* dtls.c */
echo_dtls *echo_dtls_new(echo_session *s, const rtc_negotiated_section *t);
void echo_dtls_start(echo_dtls *d); /* ICE is up: a client sends its ClientHello */
void echo_dtls_input(echo_dtls *d, const uint8_t *data, size_t len);
int echo_dtls_send(echo_dtls *d, const void *data, size_t len); /* any thread */
void echo_dtls_free(echo_dtls *d);                              /* sends close_notify */

/* srtp.c */
typedef enum { ECHO_PACKET_OTHER, ECHO_PACKET_DTLS, ECHO_PACKET_RTP, ECHO_PACKET_RTCP } echo_packet_kind;
echo_packet_kind echo_demux(const uint8_t *data, size_t len);
bool echo_srtp_library_init(void); /* once per process */
void echo_srtp_library_shutdown(void);
echo_srtp *echo_srtp_new(echo_session *s, const echo_srtp_keys *keys);
bool echo_srtp_unprotect(echo_srtp *srtp, uint8_t *packet, size_t *len, bool rtcp); /* in place */
bool echo_srtp_send(echo_srtp *srtp, const uint8_t *packet, size_t len, bool rtcp);
void echo_srtp_free(echo_srtp *srtp);

/* sctp.c */
echo_sctp *echo_sctp_new(echo_session *s, const rtc_negotiated_section *data);
void echo_sctp_input(echo_sctp *sctp, const uint8_t *data, size_t len);
void echo_sctp_free(echo_sctp *sctp);

/* echo.c */
echo_media *echo_media_new(echo_session *s);
void echo_media_rtp(echo_media *m, uint8_t *packet, size_t len);
void echo_media_rtcp(echo_media *m, const uint8_t *packet, size_t len);
void echo_media_free(echo_media *m);

/* Network byte order. */
static inline uint16_t echo_rd16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static inline uint32_t echo_rd32(const uint8_t *p) {
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}
static inline void echo_wr32(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16), p[2] = (uint8_t)(v >> 8), p[3] = (uint8_t)v;
}

#endif
