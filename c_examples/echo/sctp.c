/*
 * sctp.c: data channels: SCTP (usrsctp, AF_CONN) over DTLS application
 * data, the DCEP handshake (RFC 8832), and every message echoed on its
 * stream with its PPID (RFC 8831).
 *
 * What rtcpc's negotiation (the m=application section) feeds it:
 *   local_sctp_port (our a=sctp-port)        -> usrsctp_bind
 *   sctp_port (the offer's a=sctp-port)      -> usrsctp_connect
 *   max_message_size (the offer's)           -> the largest message we echo
 *
 * usrsctp runs on its own threads: conn_output (a packet to send) calls
 * wt_send_data (the transport library's DTLS), which locks; on_receive
 * only queues what arrived, and the GLib thread handles it (pump), so no
 * usrsctp call is made from inside a usrsctp callback.
 */
#include <errno.h>
#include <string.h>

#include <usrsctp.h>

#include "echo.h"

enum { PPID_DCEP = 50, PPID_STRING_EMPTY = 56, PPID_BINARY_EMPTY = 57 };
enum { DCEP_ACK = 0x02, DCEP_OPEN = 0x03 };

typedef struct inbound { /* what usrsctp delivered, queued for the GLib thread */
    bool closed, notification;
    int flags;
    uint16_t sid;
    uint32_t ppid;
    size_t len;
    uint8_t data[];
} inbound;

typedef struct channel {
    char *label;
    uint8_t type;   /* DCEP channel type: 0x80 unordered, low bits partial reliability */
    uint32_t param; /* its retransmissions or lifetime (ms) */
} channel;

typedef struct outbound {
    uint16_t sid;
    uint32_t ppid;
    GBytes *data;
} outbound;

struct echo_sctp {
    echo_session *s;
    struct socket *sock;
    uint64_t max_message_size;
    GMutex lock; /* guards inbox and pump: usrsctp's threads fill the inbox */
    GQueue inbox;
    guint pump;
    GHashTable *channels; /* sid -> channel */
    GHashTable *partial;  /* sid -> GByteArray: a message delivered in pieces, until MSG_EOR */
    GQueue outbox;        /* echoes usrsctp could not take yet */
    guint retry;
};

static void channel_free(gpointer p) {
    g_free(((channel *)p)->label);
    g_free(p);
}

static void outbound_free(gpointer p) {
    g_bytes_unref(((outbound *)p)->data);
    g_free(p);
}

/* usrsctp -> the browser: an SCTP packet becomes one DTLS record. */
static int conn_output(void *addr, void *buffer, size_t length, uint8_t tos, uint8_t set_df) {
    echo_sctp *sc = addr;
    (void)tos, (void)set_df;
    return wt_send_data(sc->s->wt, buffer, length) == 0 ? 0 : -1;
}

static gboolean pump(gpointer data);

/* usrsctp's thread: queue, wake the GLib thread. data is ours to free(). */
static int on_receive(struct socket *sock, union sctp_sockstore addr, void *data, size_t len,
                      struct sctp_rcvinfo rcv, int flags, void *ulp_info) {
    echo_sctp *sc = ulp_info;
    (void)sock, (void)addr;
    inbound *in = g_malloc(sizeof *in + len);
    *in = (inbound){.closed = data == NULL, .notification = flags & MSG_NOTIFICATION,
                    .flags = flags, .sid = rcv.rcv_sid, .ppid = ntohl(rcv.rcv_ppid), .len = len};
    if (data)
        memcpy(in->data, data, len);
    free(data);
    g_mutex_lock(&sc->lock);
    g_queue_push_tail(&sc->inbox, in);
    if (!sc->pump)
        sc->pump = g_idle_add(pump, sc);
    g_mutex_unlock(&sc->lock);
    return 1;
}

/* Sends one message; false when usrsctp's buffer is full (try again later). */
static bool send_now(echo_sctp *sc, const outbound *o) {
    channel *c = g_hash_table_lookup(sc->channels, GUINT_TO_POINTER(o->sid));
    struct sctp_sendv_spa spa = {.sendv_flags = SCTP_SEND_SNDINFO_VALID};
    spa.sendv_sndinfo.snd_sid = o->sid;
    spa.sendv_sndinfo.snd_ppid = htonl(o->ppid);
    if (c && o->ppid != PPID_DCEP && (c->type & 0x80))
        spa.sendv_sndinfo.snd_flags = SCTP_UNORDERED;
    if (c && o->ppid != PPID_DCEP && (c->type & 0x03)) { /* 1: max retransmits, 2: lifetime */
        spa.sendv_flags |= SCTP_SEND_PRINFO_VALID;
        spa.sendv_prinfo.pr_policy = (c->type & 0x03) == 1 ? SCTP_PR_SCTP_RTX : SCTP_PR_SCTP_TTL;
        spa.sendv_prinfo.pr_value = c->param;
    }
    gsize len;
    const void *data = g_bytes_get_data(o->data, &len);
    if (usrsctp_sendv(sc->sock, data, len, NULL, 0, &spa, sizeof spa, SCTP_SENDV_SPA, 0) >= 0)
        return true;
    if (errno == EWOULDBLOCK || errno == EAGAIN)
        return false;
    echo_debug(sc->s, "sctp: send on stream %u failed: %s", o->sid, strerror(errno));
    return true; /* dropped */
}

static void flush_outbox(echo_sctp *sc) {
    outbound *o;
    while ((o = g_queue_peek_head(&sc->outbox)) && send_now(sc, o))
        outbound_free(g_queue_pop_head(&sc->outbox));
}

static gboolean on_retry(gpointer data) {
    echo_sctp *sc = data;
    flush_outbox(sc);
    if (!g_queue_is_empty(&sc->outbox))
        return G_SOURCE_CONTINUE;
    sc->retry = 0;
    return G_SOURCE_REMOVE;
}

/* Messages go out in order: behind any still waiting. */
static void send_message(echo_sctp *sc, uint16_t sid, uint32_t ppid, const void *data, size_t len) {
    outbound *o = g_new(outbound, 1);
    *o = (outbound){sid, ppid, g_bytes_new(data, len)};
    g_queue_push_tail(&sc->outbox, o);
    flush_outbox(sc);
    if (!g_queue_is_empty(&sc->outbox) && !sc->retry)
        sc->retry = g_timeout_add(10, on_retry, sc);
}

/* DATA_CHANNEL_OPEN: type, channel type, priority(2), reliability(4),
 * label length(2), protocol length(2), label, protocol. Answer with ACK. */
static void on_dcep(echo_sctp *sc, uint16_t sid, const uint8_t *d, size_t len) {
    if (len < 12 || d[0] != DCEP_OPEN || 12u + wt_rd16(d + 8) + wt_rd16(d + 10) > len) {
        echo_debug(sc->s, "sctp: ignored a DCEP message on stream %u", sid);
        return;
    }
    channel *c = g_new0(channel, 1);
    c->type = d[1], c->param = wt_rd32(d + 4);
    c->label = g_strndup((const char *)d + 12, wt_rd16(d + 8));
    g_hash_table_replace(sc->channels, GUINT_TO_POINTER(sid), c);
    uint8_t ack = DCEP_ACK;
    send_message(sc, sid, PPID_DCEP, &ack, 1);
    echo_say("datachannel open label=%s", c->label);
}

/* The browser closed a channel: it reset its outgoing stream; we reset ours. */
static void on_channel_closed(echo_sctp *sc, uint16_t sid) {
    channel *c = g_hash_table_lookup(sc->channels, GUINT_TO_POINTER(sid));
    if (!c)
        return;
    size_t size = sizeof(struct sctp_reset_streams) + sizeof(uint16_t);
    struct sctp_reset_streams *r = g_malloc0(size);
    r->srs_assoc_id = SCTP_ALL_ASSOC;
    r->srs_flags = SCTP_STREAM_RESET_OUTGOING;
    r->srs_number_streams = 1;
    r->srs_stream_list[0] = sid;
    usrsctp_setsockopt(sc->sock, IPPROTO_SCTP, SCTP_RESET_STREAMS, r, (socklen_t)size);
    g_free(r);
    echo_say("datachannel closed label=%s", c->label);
    g_hash_table_remove(sc->channels, GUINT_TO_POINTER(sid));
    if (g_hash_table_size(sc->channels) == 0)
        echo_end(sc->s, "the browser closed the data channel");
}

static void on_notification(echo_sctp *sc, const union sctp_notification *n, size_t len) {
    if (len < sizeof n->sn_header)
        return;
    if (n->sn_header.sn_type == SCTP_ASSOC_CHANGE) {
        uint16_t state = n->sn_assoc_change.sac_state;
        if (state == SCTP_COMM_UP && !sc->s->sctp_associated) {
            sc->s->sctp_associated = true;
            echo_say("sctp associated");
        } else if (state == SCTP_COMM_LOST || state == SCTP_SHUTDOWN_COMP) {
            echo_end(sc->s, "the browser ended the SCTP association");
        } else if (state == SCTP_CANT_STR_ASSOC) {
            echo_fail(sc->s, "sctp", "the association could not be set up");
        }
    } else if (n->sn_header.sn_type == SCTP_SHUTDOWN_EVENT) {
        echo_end(sc->s, "the browser shut SCTP down");
    } else if (n->sn_header.sn_type == SCTP_STREAM_RESET_EVENT &&
               (n->sn_strreset_event.strreset_flags & SCTP_STREAM_RESET_INCOMING_SSN)) {
        size_t count = (n->sn_strreset_event.strreset_length - sizeof(struct sctp_stream_reset_event)) /
                       sizeof(uint16_t);
        for (size_t i = 0; i < count && !sc->s->ended; i++)
            on_channel_closed(sc, n->sn_strreset_event.strreset_stream_list[i]);
    } else if (n->sn_header.sn_type == SCTP_SENDER_DRY_EVENT) {
        flush_outbox(sc);
    }
}

/* A whole message: DCEP, or data to echo with the same PPID (56/57, the
 * empty string/binary, carry one byte that is not data). */
static void on_message(echo_sctp *sc, uint16_t sid, uint32_t ppid, const uint8_t *d, size_t len) {
    if (ppid == PPID_DCEP) {
        on_dcep(sc, sid, d, len);
        return;
    }
    sc->s->stats.dc_messages++;
    sc->s->stats.dc_bytes += (ppid == PPID_STRING_EMPTY || ppid == PPID_BINARY_EMPTY) ? 0 : len;
    if (len > sc->max_message_size)
        echo_debug(sc->s, "sctp: %zu bytes on stream %u exceed max-message-size: not echoed", len, sid);
    else
        send_message(sc, sid, ppid, d, len);
}

static void on_inbound(echo_sctp *sc, const inbound *in) {
    if (in->closed) {
        echo_end(sc->s, "SCTP closed");
        return;
    }
    if (in->notification) {
        on_notification(sc, (const union sctp_notification *)in->data, in->len);
        return;
    }
    /* Large messages come in pieces; MSG_EOR marks the last. */
    GByteArray *part = g_hash_table_lookup(sc->partial, GUINT_TO_POINTER(in->sid));
    if ((in->flags & MSG_EOR) && !part) {
        on_message(sc, in->sid, in->ppid, in->data, in->len);
        return;
    }
    if (!part) {
        part = g_byte_array_new();
        g_hash_table_insert(sc->partial, GUINT_TO_POINTER(in->sid), part);
    }
    g_byte_array_append(part, in->data, (guint)in->len);
    if (in->flags & MSG_EOR) {
        g_hash_table_steal(sc->partial, GUINT_TO_POINTER(in->sid));
        on_message(sc, in->sid, in->ppid, part->data, part->len);
        g_byte_array_unref(part);
    }
}

static gboolean pump(gpointer data) {
    echo_sctp *sc = data;
    for (;;) {
        g_mutex_lock(&sc->lock);
        inbound *in = g_queue_pop_head(&sc->inbox);
        if (!in)
            sc->pump = 0;
        g_mutex_unlock(&sc->lock);
        if (!in)
            return G_SOURCE_REMOVE;
        if (!sc->s->ended)
            on_inbound(sc, in);
        g_free(in);
    }
}

static void set_option(echo_sctp *sc, int level, int name, const void *value, socklen_t len) {
    if (usrsctp_setsockopt(sc->sock, level, name, value, len) < 0)
        echo_debug(sc->s, "sctp: socket option %d: %s", name, strerror(errno));
}

echo_sctp *echo_sctp_new(echo_session *s, const rtc_negotiated_section *data) {
    echo_sctp *sc = g_new0(echo_sctp, 1);
    sc->s = s;
    sc->max_message_size = data->max_message_size ? data->max_message_size : 65536;
    g_mutex_init(&sc->lock);
    sc->channels = g_hash_table_new_full(NULL, NULL, NULL, channel_free);
    sc->partial = g_hash_table_new_full(NULL, NULL, NULL, (GDestroyNotify)g_byte_array_unref);

    usrsctp_init(0, conn_output, NULL); /* 0: no UDP encapsulation; DTLS carries SCTP */
    usrsctp_sysctl_set_sctp_ecn_enable(0);
    usrsctp_register_address(sc);
    sc->sock = usrsctp_socket(AF_CONN, SOCK_STREAM, IPPROTO_SCTP, on_receive, NULL, 0, sc);
    if (!sc->sock) {
        echo_fail(s, "sctp", "usrsctp_socket: %s", strerror(errno));
        return sc;
    }
    usrsctp_set_non_blocking(sc->sock, 1);
    struct linger linger = {1, 0}; /* close = ABORT, at once */
    set_option(sc, SOL_SOCKET, SO_LINGER, &linger, sizeof linger);
    int buffer = 1024 * 1024, on = 1;
    set_option(sc, SOL_SOCKET, SO_SNDBUF, &buffer, sizeof buffer);
    set_option(sc, SOL_SOCKET, SO_RCVBUF, &buffer, sizeof buffer);
    set_option(sc, IPPROTO_SCTP, SCTP_NODELAY, &on, sizeof on);
    set_option(sc, IPPROTO_SCTP, SCTP_RECVRCVINFO, &on, sizeof on);
    struct sctp_assoc_value reset = {SCTP_FUTURE_ASSOC, SCTP_ENABLE_RESET_STREAM_REQ};
    set_option(sc, IPPROTO_SCTP, SCTP_ENABLE_STREAM_RESET, &reset, sizeof reset);
    struct sctp_initmsg init = {.sinit_num_ostreams = 1024, .sinit_max_instreams = 1024};
    set_option(sc, IPPROTO_SCTP, SCTP_INITMSG, &init, sizeof init);
    const uint16_t events[] = {SCTP_ASSOC_CHANGE, SCTP_SHUTDOWN_EVENT, SCTP_STREAM_RESET_EVENT,
                               SCTP_SENDER_DRY_EVENT};
    for (size_t i = 0; i < G_N_ELEMENTS(events); i++) {
        struct sctp_event ev = {.se_assoc_id = SCTP_ALL_ASSOC, .se_type = events[i], .se_on = 1};
        set_option(sc, IPPROTO_SCTP, SCTP_EVENT, &ev, sizeof ev);
    }

    /* Our port from the answer, theirs from the offer; both sides connect. */
    struct sockaddr_conn addr = {.sconn_family = AF_CONN, .sconn_addr = sc};
    addr.sconn_port = htons(data->local_sctp_port);
    if (usrsctp_bind(sc->sock, (struct sockaddr *)&addr, sizeof addr) < 0) {
        echo_fail(s, "sctp", "bind to port %u: %s", data->local_sctp_port, strerror(errno));
        return sc;
    }
    addr.sconn_port = htons(data->sctp_port);
    if (usrsctp_connect(sc->sock, (struct sockaddr *)&addr, sizeof addr) < 0 && errno != EINPROGRESS) {
        echo_fail(s, "sctp", "connect to port %u: %s", data->sctp_port, strerror(errno));
        return sc;
    }
    struct sctp_paddrparams path = {.spp_flags = SPP_PMTUD_DISABLE, .spp_pathmtu = WT_MTU};
    memcpy(&path.spp_address, &addr, sizeof addr);
    set_option(sc, IPPROTO_SCTP, SCTP_PEER_ADDR_PARAMS, &path, sizeof path);
    echo_debug(s, "sctp: port %u -> %u, max-message-size %" G_GUINT64_FORMAT, data->local_sctp_port,
               data->sctp_port, sc->max_message_size);
    return sc;
}

void echo_sctp_input(echo_sctp *sc, const uint8_t *data, size_t len) {
    usrsctp_conninput(sc, data, len, 0);
}

void echo_sctp_free(echo_sctp *sc) {
    if (!sc)
        return;
    if (sc->sock)
        usrsctp_close(sc->sock); /* SO_LINGER 0: sends ABORT if still associated */
    usrsctp_deregister_address(sc);
    int i = 0;
    while (usrsctp_finish() != 0 && i++ < 500) /* its threads stop once every socket is gone */
        g_usleep(10 * 1000);
    if (i > 500)
        echo_say("warning: usrsctp_finish did not finish");
    g_mutex_lock(&sc->lock);
    if (sc->pump)
        g_source_remove(sc->pump);
    g_queue_clear_full(&sc->inbox, g_free);
    g_mutex_unlock(&sc->lock);
    if (sc->retry)
        g_source_remove(sc->retry);
    g_queue_clear_full(&sc->outbox, outbound_free);
    g_hash_table_destroy(sc->channels);
    g_hash_table_destroy(sc->partial);
    g_mutex_clear(&sc->lock);
    g_free(sc);
}
