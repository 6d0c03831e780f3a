/*
 * ice.c: the ICE transport, with libnice.
 *
 * One NiceAgent (RFC 5245, full mode), one stream, one component: browsers
 * bundle every m-section onto one transport and multiplex RTCP with RTP.
 * What rtcpc's negotiation (the bundle transport's section) feeds it:
 *   local_ice_ufrag, local_ice_pwd   -> nice_agent_set_local_credentials
 *   remote_ice_ufrag, remote_ice_pwd -> nice_agent_set_remote_credentials
 *   remote_candidates                -> nice_agent_parse_remote_candidate_sdp
 *   ice_role                         -> the agent's "controlling-mode"
 * and what it feeds rtcpc: the host candidates gathered on --bind, which
 * the answer carries (signaling.c).
 */
#include <string.h>

#include <nice/agent.h>

#include "echo.h"

struct echo_ice {
    echo_session *s;
    NiceAgent *agent;
    guint stream;   /* component 1 of it */
    guint gathered; /* the idle source that reports the end of gathering */
};

static gboolean report_gathered(gpointer data) {
    echo_ice *ice = data;
    ice->gathered = 0;
    echo_on_ice_gathered(ice->s);
    return G_SOURCE_REMOVE;
}

/* May run inside nice_agent_gather_candidates: report from the main loop. */
static void on_gathering_done(NiceAgent *agent, guint stream, gpointer data) {
    echo_ice *ice = data;
    (void)agent, (void)stream;
    if (!ice->gathered)
        ice->gathered = g_idle_add(report_gathered, ice);
}

static void on_state_changed(NiceAgent *agent, guint stream, guint component, guint state,
                             gpointer data) {
    echo_ice *ice = data;
    (void)agent, (void)stream, (void)component;
    echo_debug(ice->s, "ice: state %s", nice_component_state_to_string(state));
    if (state == NICE_COMPONENT_STATE_CONNECTED || state == NICE_COMPONENT_STATE_READY)
        echo_on_ice_connected(ice->s);
    else if (state == NICE_COMPONENT_STATE_FAILED) /* and how far the session had got */
        echo_fail(ice->s, "ice", "%s", !ice->s->ice_connected ? "failed: no candidate pair worked"
                                       : ice->s->dtls_connected
                                           ? "failed: the browser stopped answering (consent lost)"
                                           : "failed: the browser stopped answering (consent lost) "
                                             "before the DTLS handshake finished");
}

static void on_pair_selected(NiceAgent *agent, guint stream, guint component, NiceCandidate *local,
                             NiceCandidate *remote, gpointer data) {
    char l[NICE_ADDRESS_STRING_LEN], r[NICE_ADDRESS_STRING_LEN];
    (void)agent, (void)stream, (void)component;
    nice_address_to_string(&local->addr, l);
    nice_address_to_string(&remote->addr, r);
    echo_debug(((echo_ice *)data)->s, "ice: selected pair %s:%u -> %s:%u", l,
               nice_address_get_port(&local->addr), r, nice_address_get_port(&remote->addr));
}

static void on_receive(NiceAgent *agent, guint stream, guint component, guint len, gchar *buf,
                       gpointer data) {
    (void)agent, (void)stream, (void)component;
    echo_on_ice_packet(((echo_ice *)data)->s, (const uint8_t *)buf, len);
}

echo_ice *echo_ice_new(echo_session *s) {
    NiceAddress bind;
    if (!nice_address_set_from_string(&bind, s->bind)) {
        echo_fail(s, "ice", "--bind %s is not an IP address", s->bind);
        return NULL;
    }
    echo_ice *ice = g_new0(echo_ice, 1);
    ice->s = s;
    /* Consent freshness (RFC 7675): a browser that vanishes fails ICE about
     * 10 s after it stops answering (libnice 0.1.21; the RFC allows 30 s). */
    ice->agent = nice_agent_new_full(NULL, NICE_COMPATIBILITY_RFC5245,
                                     NICE_AGENT_OPTION_CONSENT_FRESHNESS);
    /* UDP host candidates only: no TCP, no UPnP port mappings. */
    g_object_set(ice->agent, "ice-tcp", FALSE, "upnp", FALSE, NULL);
    nice_agent_add_local_address(ice->agent, &bind);  /* only --bind, port chosen by the system */
    ice->stream = nice_agent_add_stream(ice->agent, 1);
    nice_agent_attach_recv(ice->agent, ice->stream, 1, g_main_context_default(), on_receive, ice);
    g_signal_connect(ice->agent, "candidate-gathering-done", G_CALLBACK(on_gathering_done), ice);
    g_signal_connect(ice->agent, "component-state-changed", G_CALLBACK(on_state_changed), ice);
    g_signal_connect(ice->agent, "new-selected-pair-full", G_CALLBACK(on_pair_selected), ice);
    if (!nice_agent_gather_candidates(ice->agent, ice->stream)) {
        echo_fail(s, "ice", "cannot gather candidates on %s", s->bind);
        echo_ice_free(ice);
        return NULL;
    }
    return ice;
}

char **echo_ice_local_candidates(echo_ice *ice) {
    GSList *candidates = nice_agent_get_local_candidates(ice->agent, ice->stream, 1);
    GPtrArray *lines = g_ptr_array_new();
    for (GSList *c = candidates; c; c = c->next) {
        /* "a=candidate:..." -> "candidate:..." for rtc_configuration_add_local_candidate */
        char *sdp = nice_agent_generate_local_candidate_sdp(ice->agent, c->data);
        g_ptr_array_add(lines, g_strdup(g_str_has_prefix(sdp, "a=") ? sdp + 2 : sdp));
        g_free(sdp);
    }
    g_slist_free_full(candidates, (GDestroyNotify)nice_candidate_free);
    g_ptr_array_add(lines, NULL);
    return (char **)g_ptr_array_free(lines, FALSE);
}

bool echo_ice_start(echo_ice *ice, const rtc_negotiated_section *t) {
    /* rtcpc answers as controlled, unless the offerer is ice-lite. */
    g_object_set(ice->agent, "controlling-mode", t->ice_role == RTC_ICE_ROLE_CONTROLLING, NULL);
    /* The ufrag/pwd the answer announced, and the offer's. */
    if (!nice_agent_set_local_credentials(ice->agent, ice->stream, t->local_ice_ufrag,
                                          t->local_ice_pwd) ||
        !nice_agent_set_remote_credentials(ice->agent, ice->stream, t->remote_ice_ufrag,
                                           t->remote_ice_pwd)) {
        echo_fail(ice->s, "ice", "libnice refused the ICE credentials");
        return false;
    }
    /* The offer's candidates. Ones libnice cannot use (TCP, mDNS names) are
     * skipped; the browser's checks still reach us (peer-reflexive). */
    GSList *remote = NULL;
    for (size_t i = 0; i < t->remote_candidate_count; i++) {
        char *line = g_strconcat("a=", t->remote_candidates[i], NULL);
        NiceCandidate *c = nice_agent_parse_remote_candidate_sdp(ice->agent, ice->stream, line);
        if (c && c->transport == NICE_CANDIDATE_TRANSPORT_UDP) {
            remote = g_slist_append(remote, c);
        } else {
            echo_debug(ice->s, "ice: skipped remote %s", t->remote_candidates[i]);
            if (c)
                nice_candidate_free(c);
        }
        g_free(line);
    }
    if (remote)
        nice_agent_set_remote_candidates(ice->agent, ice->stream, 1, remote);
    echo_debug(ice->s, "ice: %s, %u remote candidate(s)",
               t->ice_role == RTC_ICE_ROLE_CONTROLLING ? "controlling" : "controlled",
               g_slist_length(remote));
    g_slist_free_full(remote, (GDestroyNotify)nice_candidate_free);
    return true;
}

int echo_ice_send(echo_ice *ice, const void *data, size_t len) {
    return nice_agent_send(ice->agent, ice->stream, 1, (guint)len, data);
}

void echo_ice_free(echo_ice *ice) {
    if (!ice)
        return;
    if (ice->gathered)
        g_source_remove(ice->gathered);
    nice_agent_attach_recv(ice->agent, ice->stream, 1, g_main_context_default(), NULL, NULL);
    g_signal_handlers_disconnect_by_data(ice->agent, ice);
    nice_agent_remove_stream(ice->agent, ice->stream);
    g_object_unref(ice->agent);
    g_free(ice);
}
