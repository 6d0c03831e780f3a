/*
 * What transport.c (ICE, the RFC 7983 demux, SRTP, the events) and dtls.c
 * (the handshake, the fingerprint check, the exported keys) share.
 */
#ifndef RTCPC_TRANSPORT_INTERNAL_H
#define RTCPC_TRANSPORT_INTERNAL_H

#include "transport.h"

typedef struct wt_dtls wt_dtls;

/* The keys DTLS exported for SRTP (RFC 5764 4.2), each master key || salt. */
typedef struct wt_srtp_keys {
    const char *profile;      /* OpenSSL's name, e.g. "SRTP_AES128_CM_SHA1_80" */
    unsigned long profile_id; /* SRTP_AES128_CM_SHA1_80 or SRTP_AEAD_AES_128_GCM */
    uint8_t local[64];        /* protects what we send */
    uint8_t remote[64];       /* unprotects what the peer sends */
} wt_srtp_keys;

/* transport.c: what dtls.c reports and uses. */
void wt_fail(wt_transport *t, const char *layer, const char *fmt, ...) G_GNUC_PRINTF(3, 4);
void wt_debug(wt_transport *t, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
int wt_ice_send(wt_transport *t, const void *data, size_t len); /* any thread */
void wt_on_dtls_connected(wt_transport *t, const wt_srtp_keys *keys);
void wt_on_dtls_data(wt_transport *t, const uint8_t *data, size_t len);
void wt_on_dtls_closed(wt_transport *t);
bool wt_ended(const wt_transport *t); /* failed or closed: stop reading */

/* dtls.c */
wt_dtls *wt_dtls_new(wt_transport *t, rtc_pc *pc, const rtc_negotiated_section *section);
void wt_dtls_start(wt_dtls *d); /* ICE is up: a client sends its ClientHello */
void wt_dtls_input(wt_dtls *d, const uint8_t *data, size_t len);
int wt_dtls_send(wt_dtls *d, const void *data, size_t len); /* any thread */
void wt_dtls_free(wt_dtls *d);                              /* sends close_notify */

#endif
