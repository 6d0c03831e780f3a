/*
 * rtcpc-relay: a WHIP (RFC 9725) ingest and WHEP playback server on rtcpc.
 * A publisher POSTs its offer to /whip/NAME; players POST theirs to
 * /whep/NAME and receive what the publisher sends. rtcpc does every
 * offer/answer and ICE fragment; the media goes through the transport
 * library (c_examples/transport: libnice, OpenSSL, libsrtp2).
 *
 *   main.c     command line, GLib main loop, signals, the summary
 *   http.c     libmicrohttpd: requests in, responses out; each request is
 *              handled on the main thread (the relay's state is single-threaded)
 *   endpoint.c WHIP and WHEP: sessions, status codes and headers
 *   forward.c  RTP from the publisher to each player, payload types, SSRCs
 *              and extension ids rewritten per player; key frame requests back
 *
 * Nothing here reads SDP: what the transports and the forwarding need comes
 * from rtc_pc_negotiation, rtc_pc_unanswered and the ICE fragment calls.
 */
#ifndef RTCPC_RELAY_H
#define RTCPC_RELAY_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rtcpc.h"
#include "transport.h"

typedef struct relay relay;
typedef struct stream stream;
typedef struct session session;
typedef struct forward forward;

/* An HTTP request, as http.c hands it to the main thread. */
typedef struct http_request {
    const char *method; /* "POST", "PATCH", ... */
    const char *path;   /* "/whip/NAME", "/whip/NAME/ID", ... */
    const char *content_type;
    const char *if_match; /* NULL when absent */
    const char *body;     /* NUL-terminated; "" when none */
    size_t body_len;
} http_request;

/* The response endpoint.c fills in; http.c sends it with Content-Length. */
typedef struct http_response {
    unsigned status;
    char *content_type; /* NULL: no body */
    char *body;
    char *location;
    char *etag; /* quoted */
    bool accept_headers; /* OPTIONS: Accept-Post and Accept-Patch */
    char **links;        /* Link header values (the relay's; not freed with the response) */
} http_response;

/* One publisher or player. */
struct session {
    relay *r;
    stream *st;
    bool publisher;
    char id[17];
    rtc_pc *pc;
    rtc_negotiation *negotiation; /* of the applied exchange; refreshed after a restart */
    const rtc_negotiated_section *transport_section;
    wt_transport *transport;
    bool connected; /* DTLS up, SRTP keyed */
    bool awaiting_answer; /* WHEP server offer: the player's answer comes by PATCH */
    forward *fwd;   /* a player's rewriting of the publisher's streams */
    uint64_t rtp_in, rtp_out, rtcp_in, plis;
    gint64 started, last_rtp; /* monotonic us: the POST, the publisher's last packet */
    guint watchdog;
    /* An HTTP request waiting for ICE gathering before its answer. */
    http_response *pending;
    char *offer; /* until answered; NULL from the start: a WHEP player wanting our offer */
    void (*done)(void *job); /* completes the waiting request */
    void *job;
};

/* What is published under one name. */
struct stream {
    char *name;
    session *publisher; /* NULL until a WHIP POST */
    GPtrArray *players; /* session* */
};

struct relay {
    const char *http_bind;
    unsigned http_port;
    const char *media_bind;
    bool verbose;
    char **ice_links; /* --ice-server: Link values for 201s (RFC 9725 4.6), NULL-ended */
    GMainLoop *loop;
    rtc_configuration *config; /* shared certificate; copied for each player */
    GHashTable *streams;       /* name -> stream* */
    GHashTable *sessions;      /* id -> session* */
    uint64_t forwarded, dropped;
};

/* main.c */
void relay_log(const relay *r, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
void relay_debug(const relay *r, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

/* http.c */
void *http_start(relay *r); /* the daemon, or NULL */
void http_stop(void *daemon);
/* A request handled on the main thread: `handle` fills the response, now or
 * later through `finish` (after ICE gathering); then http.c sends it. */
void http_finish(void *job);

/* endpoint.c: fills `res` for `req`; may defer (returns false) and call http_finish(job) later. */
bool endpoint_handle(relay *r, const http_request *req, http_response *res, void *job);
void endpoint_close_all(relay *r);
void problem(http_response *res, unsigned status, const char *title, const char *detail);

/* forward.c */
forward *forward_new(session *publisher, session *player); /* NULL if nothing maps */
void forward_free(forward *f);
void forward_rtp(session *publisher, const uint8_t *packet, size_t len);
void forward_rtcp_from_player(session *player, const uint8_t *packet, size_t len);
void forward_rtcp_from_publisher(session *publisher, const uint8_t *packet, size_t len);
void forward_request_key_frame(session *publisher);

#endif
