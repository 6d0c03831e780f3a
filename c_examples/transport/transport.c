/*
 * transport.c: ICE (libnice), the demux of what arrives on the one ICE
 * component (RFC 7983), SRTP/SRTCP (libsrtp2) with the keys DTLS exported
 * (dtls.c), and the events the owner sees.
 *
 * One NiceAgent (RFC 8445 full mode, consent freshness), one stream, one
 * component: every m-section is bundled and RTCP multiplexed (RFC 8843,
 * 5761). What rtcpc's negotiation (the bundle transport's section) feeds
 * it: local and remote ICE credentials, remote candidates, the ICE role.
 */
#include <stdarg.h>
#include <string.h>

#include <nice/agent.h>
#include <openssl/srtp.h>
#include <srtp2/srtp.h>

#include "internal.h"

struct wt_transport {
    wt_events ev;
    void *user;
    bool verbose;
    NiceAgent *agent;
    guint stream;   /* component 1 of it */
    guint gathered; /* the idle source that reports the end of gathering */
    bool ice_connected, dtls_connected, failed, closed;
    wt_dtls *dtls;
    srtp_t in, out; /* the peer's packets with its key; ours with our key */
};

/* ------------------------------------------------------------ events */

void wt_debug(wt_transport *t, const char *fmt, ...) {
    if (!t->verbose || !t->ev.debug)
        return;
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    t->ev.debug(t->user, line);
}

void wt_fail(wt_transport *t, const char *layer, const char *fmt, ...) {
    if (t->failed || t->closed)
        return;
    t->failed = true;
    char why[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    if (t->ev.failed)
        t->ev.failed(t->user, layer, why);
}

bool wt_ended(const wt_transport *t) { return t->failed || t->closed; }

void wt_on_dtls_closed(wt_transport *t) {
    if (wt_ended(t))
        return;
    t->closed = true;
    if (t->ev.closed)
        t->ev.closed(t->user, "the peer closed DTLS (close_notify)");
}

void wt_on_dtls_data(wt_transport *t, const uint8_t *data, size_t len) {
    if (t->ev.data)
        t->ev.data(t->user, data, len);
}

/* ------------------------------------------------------------ SRTP */

/* srtp_init runs libsrtp's cipher self-tests (10 s under valgrind): done
 * once at startup, so it never stalls the main loop of a live session. */
bool wt_library_init(void) { return srtp_init() == srtp_err_status_ok; }

void wt_library_shutdown(void) { srtp_shutdown(); }

static void set_profile(srtp_policy_t *p, unsigned long profile_id) {
    if (profile_id == SRTP_AEAD_AES_128_GCM) {
        srtp_crypto_policy_set_aes_gcm_128_16_auth(&p->rtp);
        srtp_crypto_policy_set_aes_gcm_128_16_auth(&p->rtcp);
    } else { /* SRTP_AES128_CM_SHA1_80 */
        srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&p->rtp);
        srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&p->rtcp);
    }
}

/* Both sessions match any SSRC: the SSRCs rtcpc negotiated need no setup. */
static srtp_err_status_t srtp_start(wt_transport *t, const wt_srtp_keys *keys) {
    srtp_policy_t p;
    memset(&p, 0, sizeof p);
    set_profile(&p, keys->profile_id);
    p.window_size = 1024;
    p.ssrc.type = ssrc_any_inbound;
    p.key = (unsigned char *)keys->remote;
    srtp_err_status_t e = srtp_create(&t->in, &p);
    if (e != srtp_err_status_ok)
        return e;
    p.ssrc.type = ssrc_any_outbound;
    p.key = (unsigned char *)keys->local;
    p.allow_repeat_tx = 1; /* relays and echoes resend the peer's retransmissions as they come */
    return srtp_create(&t->out, &p);
}

void wt_on_dtls_connected(wt_transport *t, const wt_srtp_keys *keys) {
    srtp_err_status_t e = srtp_start(t, keys);
    if (e != srtp_err_status_ok) {
        wt_fail(t, "srtp", "srtp_create failed (%d) for %s", (int)e, keys->profile);
        return;
    }
    t->dtls_connected = true;
    if (t->ev.dtls_connected)
        t->ev.dtls_connected(t->user, keys->profile);
}

static bool send_protected(wt_transport *t, const uint8_t *packet, size_t len, bool rtcp) {
    uint8_t buf[WT_MAX_PACKET + SRTP_MAX_TRAILER_LEN + 4];
    if (!t->dtls_connected || wt_ended(t) || len > WT_MAX_PACKET)
        return false;
    memcpy(buf, packet, len);
    int n = (int)len;
    srtp_err_status_t e = rtcp ? srtp_protect_rtcp(t->out, buf, &n) : srtp_protect(t->out, buf, &n);
    return e == srtp_err_status_ok && wt_ice_send(t, buf, (size_t)n) == n;
}

bool wt_send_rtp(wt_transport *t, const uint8_t *packet, size_t len) {
    return send_protected(t, packet, len, false);
}

bool wt_send_rtcp(wt_transport *t, const uint8_t *packet, size_t len) {
    return send_protected(t, packet, len, true);
}

int wt_send_data(wt_transport *t, const void *data, size_t len) {
    return t->dtls ? wt_dtls_send(t->dtls, data, len) : -1;
}

/* ------------------------------------------------------------ the demux */

typedef enum { PACKET_OTHER, PACKET_DTLS, PACKET_RTP, PACKET_RTCP } packet_kind;

static packet_kind demux(const uint8_t *data, size_t len) {
    if (len < 2)
        return PACKET_OTHER;
    if (data[0] >= 20 && data[0] <= 63) /* libnice already took STUN (0..3) */
        return PACKET_DTLS;
    if (data[0] >= 128 && data[0] <= 191) /* RTCP payload types 192..223 (RFC 5761) */
        return data[1] >= 192 && data[1] <= 223 ? PACKET_RTCP : PACKET_RTP;
    return PACKET_OTHER;
}

static void on_receive(NiceAgent *agent, guint stream, guint component, guint len, gchar *buf,
                       gpointer data) {
    wt_transport *t = data;
    (void)agent, (void)stream, (void)component;
    packet_kind kind = demux((const uint8_t *)buf, len);
    if (wt_ended(t))
        return;
    if (kind == PACKET_DTLS && t->dtls) {
        wt_dtls_input(t->dtls, (const uint8_t *)buf, len);
        return;
    }
    if ((kind != PACKET_RTP && kind != PACKET_RTCP) || !t->dtls_connected)
        return;
    int n = (int)len;
    bool rtcp = kind == PACKET_RTCP;
    srtp_err_status_t e = rtcp ? srtp_unprotect_rtcp(t->in, buf, &n) : srtp_unprotect(t->in, buf, &n);
    if (e != srtp_err_status_ok) { /* replays and packets from before the keys are normal */
        wt_debug(t, "srtp: dropped an %s packet (error %d)", rtcp ? "SRTCP" : "SRTP", (int)e);
        return;
    }
    void (*deliver)(void *, uint8_t *, size_t) = rtcp ? t->ev.rtcp : t->ev.rtp;
    if (deliver)
        deliver(t->user, (uint8_t *)buf, (size_t)n);
}

/* ------------------------------------------------------------ ICE */

int wt_ice_send(wt_transport *t, const void *data, size_t len) {
    return nice_agent_send(t->agent, t->stream, 1, (guint)len, data);
}

static gboolean report_gathered(gpointer data) {
    wt_transport *t = data;
    t->gathered = 0;
    if (t->ev.gathered)
        t->ev.gathered(t->user);
    return G_SOURCE_REMOVE;
}

/* May run inside nice_agent_gather_candidates: report from the main loop. */
static void on_gathering_done(NiceAgent *agent, guint stream, gpointer data) {
    wt_transport *t = data;
    (void)agent, (void)stream;
    if (!t->gathered)
        t->gathered = g_idle_add(report_gathered, t);
}

static void on_state_changed(NiceAgent *agent, guint stream, guint component, guint state,
                             gpointer data) {
    wt_transport *t = data;
    (void)agent, (void)stream, (void)component;
    wt_debug(t, "ice: state %s", nice_component_state_to_string(state));
    if ((state == NICE_COMPONENT_STATE_CONNECTED || state == NICE_COMPONENT_STATE_READY) &&
        !t->ice_connected) {
        t->ice_connected = true;
        if (t->ev.ice_connected)
            t->ev.ice_connected(t->user);
        if (t->dtls && !wt_ended(t))
            wt_dtls_start(t->dtls);
    } else if (state == NICE_COMPONENT_STATE_FAILED) { /* and how far the session had got */
        wt_fail(t, "ice", "%s", !t->ice_connected ? "failed: no candidate pair worked"
                                : t->dtls_connected
                                    ? "failed: the peer stopped answering (consent lost)"
                                    : "failed: the peer stopped answering (consent lost) "
                                      "before the DTLS handshake finished");
    }
}

static void on_pair_selected(NiceAgent *agent, guint stream, guint component, NiceCandidate *local,
                             NiceCandidate *remote, gpointer data) {
    char l[NICE_ADDRESS_STRING_LEN], r[NICE_ADDRESS_STRING_LEN];
    (void)agent, (void)stream, (void)component;
    nice_address_to_string(&local->addr, l);
    nice_address_to_string(&remote->addr, r);
    wt_debug(data, "ice: selected pair %s:%u -> %s:%u", l, nice_address_get_port(&local->addr), r,
             nice_address_get_port(&remote->addr));
}

wt_transport *wt_transport_new(const char *bind, unsigned flags, const wt_events *events,
                               void *user) {
    NiceAddress address;
    if (!nice_address_set_from_string(&address, bind))
        return NULL;
    wt_transport *t = g_new0(wt_transport, 1);
    t->ev = *events, t->user = user, t->verbose = flags & WT_VERBOSE;
    /* Consent freshness (RFC 7675): a peer that vanishes fails ICE about
     * 10 s after it stops answering (libnice 0.1.21; the RFC allows 30 s). */
    t->agent = nice_agent_new_full(NULL, NICE_COMPATIBILITY_RFC5245,
                                   flags & WT_NO_CONSENT ? NICE_AGENT_OPTION_NONE
                                                         : NICE_AGENT_OPTION_CONSENT_FRESHNESS);
    /* UDP host candidates only: no TCP, no UPnP port mappings. */
    g_object_set(t->agent, "ice-tcp", FALSE, "upnp", FALSE, "controlling-mode",
                 (flags & WT_CONTROLLING) != 0, NULL);
    nice_agent_add_local_address(t->agent, &address); /* port chosen by the system */
    t->stream = nice_agent_add_stream(t->agent, 1);
    nice_agent_attach_recv(t->agent, t->stream, 1, g_main_context_default(), on_receive, t);
    g_signal_connect(t->agent, "candidate-gathering-done", G_CALLBACK(on_gathering_done), t);
    g_signal_connect(t->agent, "component-state-changed", G_CALLBACK(on_state_changed), t);
    g_signal_connect(t->agent, "new-selected-pair-full", G_CALLBACK(on_pair_selected), t);
    if (!nice_agent_gather_candidates(t->agent, t->stream)) {
        wt_transport_free(t);
        return NULL;
    }
    return t;
}

char **wt_local_candidates(wt_transport *t) {
    GSList *candidates = nice_agent_get_local_candidates(t->agent, t->stream, 1);
    GPtrArray *lines = g_ptr_array_new();
    for (GSList *c = candidates; c; c = c->next) {
        /* "a=candidate:..." -> "candidate:..." for rtc_pc_add_local_candidate */
        char *sdp = nice_agent_generate_local_candidate_sdp(t->agent, c->data);
        g_ptr_array_add(lines, g_strdup(g_str_has_prefix(sdp, "a=") ? sdp + 2 : sdp));
        g_free(sdp);
    }
    g_slist_free_full(candidates, (GDestroyNotify)nice_candidate_free);
    g_ptr_array_add(lines, NULL);
    return (char **)g_ptr_array_free(lines, FALSE);
}

/* The section's remote candidates that libnice can use (UDP; not mDNS
 * names: the peer's checks still reach us, peer-reflexive). */
static void set_remote_candidates(wt_transport *t, const rtc_negotiated_section *s) {
    GSList *remote = NULL;
    for (size_t i = 0; i < s->remote_candidate_count; i++) {
        char *line = g_strconcat("a=", s->remote_candidates[i], NULL);
        NiceCandidate *c = nice_agent_parse_remote_candidate_sdp(t->agent, t->stream, line);
        if (c && c->transport == NICE_CANDIDATE_TRANSPORT_UDP) {
            remote = g_slist_append(remote, c);
        } else {
            wt_debug(t, "ice: skipped remote %s", s->remote_candidates[i]);
            if (c)
                nice_candidate_free(c);
        }
        g_free(line);
    }
    if (remote)
        nice_agent_set_remote_candidates(t->agent, t->stream, 1, remote);
    wt_debug(t, "ice: %u remote candidate(s)", g_slist_length(remote));
    g_slist_free_full(remote, (GDestroyNotify)nice_candidate_free);
}

static bool set_credentials(wt_transport *t, const rtc_negotiated_section *s) {
    if (nice_agent_set_local_credentials(t->agent, t->stream, s->local_ice_ufrag, s->local_ice_pwd) &&
        nice_agent_set_remote_credentials(t->agent, t->stream, s->remote_ice_ufrag,
                                          s->remote_ice_pwd))
        return true;
    wt_fail(t, "ice", "libnice refused the ICE credentials");
    return false;
}

bool wt_start(wt_transport *t, rtc_pc *pc, const rtc_negotiated_section *section) {
    gboolean controlling;
    g_object_get(t->agent, "controlling-mode", &controlling, NULL);
    if (controlling != (section->ice_role == RTC_ICE_ROLE_CONTROLLING)) /* see WT_CONTROLLING */
        wt_debug(t, "ice: negotiated %s but created otherwise: libnice keeps its role until a "
                    "restart, the peer must resolve the conflict",
                 controlling ? "controlled" : "controlling");
    g_object_set(t->agent, "controlling-mode", section->ice_role == RTC_ICE_ROLE_CONTROLLING, NULL);
    if (!set_credentials(t, section))
        return false;
    set_remote_candidates(t, section);
    wt_debug(t, "ice: %s", section->ice_role == RTC_ICE_ROLE_CONTROLLING ? "controlling" : "controlled");
    t->dtls = wt_dtls_new(t, pc, section);
    if (t->dtls && t->ice_connected)
        wt_dtls_start(t->dtls);
    return t->dtls != NULL;
}

const rtc_negotiated_section *wt_bundle_section(const rtc_negotiation *n) {
    const rtc_negotiated_section *t = NULL;
    for (size_t i = 0; i < rtc_negotiation_section_count(n); i++) {
        const rtc_negotiated_section *s = rtc_negotiation_section(n, i);
        if (!s->accepted)
            continue;
        if (!t)
            t = rtc_negotiation_section(n, s->transport_index);
        else if (s->transport_index != t->index)
            return NULL;
    }
    return t;
}

bool wt_add_remote_candidates(wt_transport *t, const rtc_negotiated_section *section) {
    if (wt_ended(t))
        return false;
    set_remote_candidates(t, section);
    return true;
}

/* libnice forgets the remote candidates and checks again with the new
 * credentials; the selected pair keeps carrying DTLS and SRTP meanwhile. */
bool wt_restart_ice(wt_transport *t, const rtc_negotiated_section *section) {
    if (wt_ended(t) || !nice_agent_restart_stream(t->agent, t->stream)) {
        wt_fail(t, "ice", "libnice could not restart ICE");
        return false;
    }
    if (!set_credentials(t, section))
        return false;
    set_remote_candidates(t, section);
    wt_debug(t, "ice: restarted");
    return true;
}

void wt_transport_free(wt_transport *t) {
    if (!t)
        return;
    wt_dtls_free(t->dtls); /* close_notify first, while ICE still sends */
    if (t->gathered)
        g_source_remove(t->gathered);
    nice_agent_attach_recv(t->agent, t->stream, 1, g_main_context_default(), NULL, NULL);
    g_signal_handlers_disconnect_by_data(t->agent, t);
    nice_agent_remove_stream(t->agent, t->stream);
    g_object_unref(t->agent);
    if (t->in)
        srtp_dealloc(t->in);
    if (t->out)
        srtp_dealloc(t->out);
    g_free(t);
}
