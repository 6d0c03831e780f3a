/*
 * transport: one WebRTC transport for one peer connection, on the GLib
 * main loop: ICE (libnice), DTLS 1.2 (OpenSSL) with rtcpc's certificate and
 * the negotiated fingerprints and role, SRTP/SRTCP (libsrtp2) with the
 * DTLS-exported keys, and DTLS application data (what SCTP runs on).
 * Every m-section is bundled on it (browsers, FFmpeg, GStreamer do).
 *
 * What rtcpc's negotiation feeds it (the bundle transport's section):
 *   local_ice_ufrag/pwd, remote_ice_ufrag/pwd, remote_candidates, ice_role
 *   -> libnice; dtls_role, local_fingerprints (checked against
 *   rtc_pc_certificate_pem), remote_fingerprints -> OpenSSL.
 * What it feeds rtcpc: the host candidates gathered on the bind address
 * (rtc_configuration_add_local_candidate / rtc_pc_add_local_candidate).
 *
 * Events run on the GLib main context's thread, except `data`, which may
 * also come back from wt_send_data's callers' threads (usrsctp). An event
 * must not free its transport: defer wt_transport_free to the main loop.
 * Used by rtcpc-relay (c_examples/whip) and rtcpc-echo (c_examples/echo).
 */
#ifndef RTCPC_TRANSPORT_H
#define RTCPC_TRANSPORT_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rtcpc.h"

#define WT_MTU 1200        /* DTLS handshake fragments and SCTP packets stay below this */
#define WT_MAX_PACKET 1500 /* the largest RTP/RTCP packet carried */

typedef struct wt_transport wt_transport;

/* What the transport reports; any may be NULL. `user` is wt_transport_new's. */
typedef struct wt_events {
    void (*gathered)(void *user);      /* local candidates ready: wt_local_candidates */
    void (*ice_connected)(void *user); /* a pair works (DTLS starts by itself) */
    /* DTLS is up and SRTP keyed: `profile` is OpenSSL's name ("SRTP_AES128_CM_SHA1_80"). */
    void (*dtls_connected)(void *user, const char *profile);
    /* A decrypted RTP or RTCP packet, which the callee may change in place. */
    void (*rtp)(void *user, uint8_t *packet, size_t len);
    void (*rtcp)(void *user, uint8_t *packet, size_t len);
    /* DTLS application data (SCTP packets). */
    void (*data)(void *user, const uint8_t *data, size_t len);
    /* The transport cannot go on: `layer` is "ice", "dtls" or "srtp". Called once. */
    void (*failed)(void *user, const char *layer, const char *why);
    /* The peer closed DTLS (close_notify). */
    void (*closed)(void *user, const char *why);
    /* A debug line (only with WT_VERBOSE). */
    void (*debug)(void *user, const char *line);
} wt_events;

/* Once per process, before any transport (libsrtp's self-tests take seconds under valgrind). */
bool wt_library_init(void);
void wt_library_shutdown(void);

/* wt_transport_new's flags. */
#define WT_VERBOSE 1u    /* the debug event runs */
#define WT_NO_CONSENT 2u /* no RFC 7675 consent checks: for peers that do not answer them
                          * (FFmpeg 9's WHIP muxer stops after ~10 s); the owner must then
                          * notice a vanished peer itself (e.g. by its media stopping) */
#define WT_CONTROLLING 4u /* the ICE role we expect (offerers; answerers only to an ice-lite
                           * offer): libnice cannot change it once gathering is done, and a
                           * wrong one leaves the peer to resolve a role conflict, which
                           * FFmpeg 9 does not (its consent checks get 487 and it gives up) */

/* Starts gathering host candidates on `bind` (an IP address). NULL if it cannot. */
wt_transport *wt_transport_new(const char *bind, unsigned flags, const wt_events *events,
                               void *user);

/* "candidate:..." lines gathered (g_strfreev); empty before `gathered`. */
char **wt_local_candidates(wt_transport *t);

/* After the exchange: ICE credentials, remote candidates and role, then DTLS
 * with `pc`'s certificate in the section's role (a client starts its
 * handshake when ICE connects). `section` must stay valid while the
 * transport lives (keep the rtc_negotiation). false after reporting `failed`. */
bool wt_start(wt_transport *t, rtc_pc *pc, const rtc_negotiated_section *section);

/* Trickled candidates (rtc_pc_apply_ice_fragment): the section's remote
 * candidates are given to ICE again; ones it knows are kept once. */
bool wt_add_remote_candidates(wt_transport *t, const rtc_negotiated_section *section);

/* An ICE restart (e.g. by rtc_pc_apply_ice_fragment): the section's new
 * local and remote credentials and remote candidates; DTLS and SRTP go on. */
bool wt_restart_ice(wt_transport *t, const rtc_negotiated_section *section);

/* Protect and send one RTP or RTCP packet; false if it could not go out. */
bool wt_send_rtp(wt_transport *t, const uint8_t *packet, size_t len);
bool wt_send_rtcp(wt_transport *t, const uint8_t *packet, size_t len);

/* DTLS application data; 0 when sent, -1 if not (any thread). */
int wt_send_data(wt_transport *t, const void *data, size_t len);

/* Sends close_notify if connected, then frees everything. NULL is ignored. */
void wt_transport_free(wt_transport *t);

/* The section of the one transport every accepted m-section is bundled on
 * (what wt_start takes); NULL when none is accepted or they use several. */
const rtc_negotiated_section *wt_bundle_section(const rtc_negotiation *n);

/* Network byte order, for the RTP and RTCP packets the events carry. */
static inline uint16_t wt_rd16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static inline uint32_t wt_rd32(const uint8_t *p) {
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}
static inline void wt_wr32(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16), p[2] = (uint8_t)(v >> 8), p[3] = (uint8_t)v;
}

#endif
