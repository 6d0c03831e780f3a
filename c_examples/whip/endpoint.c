/*
 * endpoint.c: WHIP (RFC 9725) and WHEP sessions, on the main thread.
 *
 *   POST   /whip/NAME      the publisher's offer -> 201, the answer, Location, ETag
 *   POST   /whep/NAME      a player's offer      -> 201, the answer (sending
 *                          the publisher's codecs), Location, ETag; no body
 *                          -> 406 with the relay's offer, Location, ETag
 *   PATCH  .../NAME/ID     application/sdp: the player's answer to that -> 204
 *   PATCH  .../NAME/ID     an ICE fragment: trickle -> 204; new credentials
 *                          (If-Match: *) -> 200, our fragment, a new ETag
 *   DELETE .../NAME/ID     -> 200, the session ends (a publisher's players too)
 *   OPTIONS                -> 204 with Accept-Post and Accept-Patch
 *
 * rtcpc answers; rtc_pc_unanswered decides 422 (a publisher's offer is
 * taken whole or not at all; a player's may be taken in part);
 * rtc_pc_apply_ice_fragment and rtc_pc_local_ice_fragment do the PATCH
 * bodies; the ETag is the session id and rtc_pc_ice_generation.
 */
#include <stdio.h>
#include <string.h>

#include "relay.h"

#define TRICKLE_TYPE "application/trickle-ice-sdpfrag"

/* ------------------------------------------------------------ responses */

void problem(http_response *res, unsigned status, const char *title, const char *detail) {
    /* RFC 9457 problem details; the detail is rtcpc's message, escaped. */
    GString *d = g_string_new(NULL);
    for (const char *p = detail ? detail : ""; *p; p++) {
        if (*p == '"' || *p == '\\')
            g_string_append_c(d, '\\');
        if (*p == '\n')
            g_string_append(d, "\\n");
        else if ((unsigned char)*p >= 0x20)
            g_string_append_c(d, *p);
    }
    res->status = status;
    g_free(res->content_type), g_free(res->body);
    res->content_type = g_strdup("application/problem+json");
    res->body = g_strdup_printf("{\"title\":\"%s\",\"status\":%u,\"detail\":\"%s\"}", title,
                                status, d->str);
    g_string_free(d, TRUE);
}

static void etag(http_response *res, const session *s) {
    g_free(res->etag);
    res->etag = g_strdup_printf("\"%s-%" G_GUINT64_FORMAT "\"", s->id,
                                (guint64)rtc_pc_ice_generation(s->pc));
}

/* The media type of a Content-Type value, parameters and case aside. */
static bool is_type(const char *content_type, const char *want) {
    if (!content_type)
        return false;
    size_t n = strcspn(content_type, "; \t");
    return n == strlen(want) && g_ascii_strncasecmp(content_type, want, n) == 0;
}

/* ------------------------------------------------------------ rtcpc calls */

typedef struct call {
    rtc_error_code code;
    char *message;
    char *sdp;
} call;

static void on_ok(void *user) { (void)user; }
static void on_error(const rtc_error *e, void *user) {
    call *c = user;
    c->code = e->code;
    g_free(c->message);
    c->message = g_strdup(e->message);
}
static void on_description(const rtc_session_description *d, void *user) {
    call *c = user;
    g_free(c->sdp);
    c->sdp = g_strdup(d->sdp);
}

/* An rtcpc refusal as an HTTP status: bad SDP 400, the rest 422. */
static void refused(http_response *res, const call *c, const char *what) {
    char *detail = g_strdup_printf("%s: %s", what, c->message ? c->message : "refused");
    problem(res, c->code == RTC_ERROR_SYNTAX ? 400 : 422,
            c->code == RTC_ERROR_SYNTAX ? "Bad Request" : "Unprocessable Content", detail);
    g_free(detail);
}

/* ------------------------------------------------------------ sessions */

static void session_free(session *s) {
    if (!s)
        return;
    if (s->pending) { /* its offer is still waiting for ICE gathering */
        problem(s->pending, 503, "Service Unavailable", "the session ended before its answer");
        http_finish(s->job);
    }
    if (s->watchdog)
        g_source_remove(s->watchdog);
    wt_transport_free(s->transport);
    forward_free(s->fwd);
    rtc_negotiation_free(s->negotiation);
    rtc_pc_free(s->pc);
    g_free(s->offer);
    g_free(s);
}

static stream *stream_of(relay *r, const char *name) {
    stream *st = g_hash_table_lookup(r->streams, name);
    if (!st) {
        st = g_new0(stream, 1);
        st->name = g_strdup(name);
        st->players = g_ptr_array_new();
        g_hash_table_insert(r->streams, st->name, st);
    }
    return st;
}

/* A stream with neither publisher nor players goes. */
static void stream_release(relay *r, stream *st) {
    if (st->publisher || st->players->len)
        return;
    g_hash_table_remove(r->streams, st->name);
    g_ptr_array_free(st->players, TRUE);
    g_free(st->name);
    g_free(st);
}

static void session_drop(session *s, const char *why) {
    relay_log(s->r, "%s %s/%s ended: %s (rtp in %" G_GUINT64_FORMAT ", out %" G_GUINT64_FORMAT ")",
              s->publisher ? "publisher" : "player", s->st->name, s->id, why, (guint64)s->rtp_in,
              (guint64)s->rtp_out);
    g_hash_table_remove(s->r->sessions, s->id);
    if (s->publisher)
        s->st->publisher = NULL;
    else
        g_ptr_array_remove(s->st->players, s);
    session_free(s);
}

/* Ends a session (a publisher's players with it); the stream goes when empty. */
static void session_end(session *s, const char *why) {
    relay *r = s->r;
    stream *st = s->st;
    if (s->publisher)
        while (st->players->len)
            session_drop(g_ptr_array_index(st->players, 0), "the publisher left");
    session_drop(s, why);
    stream_release(r, st);
}

/* ------------------------------------------------------------ transport events */

/* Work on a session from the main loop, never inside its transport's
 * callback (which must not free the transport): by id, as the session may
 * be gone by then. */
typedef struct deferred {
    relay *r;
    char id[17];
    char why[200]; /* "": answer the pending offer; else end the session */
} deferred;

static void complete_offer(session *s);

static gboolean run_deferred(gpointer data) {
    deferred *d = data;
    session *s = g_hash_table_lookup(d->r->sessions, d->id);
    if (s && d->why[0])
        session_end(s, d->why);
    else if (s && s->pending)
        complete_offer(s);
    g_free(d);
    return G_SOURCE_REMOVE;
}

static void defer(session *s, const char *why) {
    deferred *d = g_new0(deferred, 1);
    d->r = s->r;
    g_strlcpy(d->id, s->id, sizeof d->id);
    g_strlcpy(d->why, why, sizeof d->why);
    g_idle_add(run_deferred, d);
}

static void ev_gathered(void *user) { defer(user, ""); }

static void ev_dtls_connected(void *user, const char *profile) {
    session *s = user;
    s->connected = true;
    s->last_rtp = g_get_monotonic_time();
    relay_log(s->r, "%s %s/%s connected (%s)", s->publisher ? "publisher" : "player", s->st->name,
              s->id, profile);
    if (!s->publisher && s->st->publisher)
        forward_request_key_frame(s->st->publisher);
}

static void ev_rtp(void *user, uint8_t *packet, size_t len) {
    session *s = user;
    s->rtp_in++;
    s->last_rtp = g_get_monotonic_time();
    if (s->publisher)
        forward_rtp(s, packet, len);
}

static void ev_rtcp(void *user, uint8_t *packet, size_t len) {
    session *s = user;
    s->rtcp_in++;
    if (s->publisher)
        forward_rtcp_from_publisher(s, packet, len);
    else
        forward_rtcp_from_player(s, packet, len);
}

static void ev_failed(void *user, const char *layer, const char *why) {
    session *s = user;
    char *line = g_strdup_printf("%s: %s", layer, why);
    defer(s, line);
    g_free(line);
}

static void ev_closed(void *user, const char *why) { defer(user, why); }

static void ev_debug(void *user, const char *line) {
    session *s = user;
    relay_debug(s->r, "%s: %s", s->id, line);
}

/* What consent checks would catch, for peers that do not answer them
 * (publishers run without: FFmpeg's muxer stops answering after ~10 s): a
 * session not connected in CONNECT_S, a publisher silent for SILENT_S. */
#define CONNECT_S 30
#define SILENT_S 10

static gboolean watchdog(gpointer data) {
    session *s = data;
    gint64 now = g_get_monotonic_time();
    if (!s->connected && now - s->started > CONNECT_S * G_USEC_PER_SEC)
        defer(s, "not connected after " G_STRINGIFY(CONNECT_S) " s (ICE or DTLS)");
    else if (s->publisher && s->connected && now - s->last_rtp > SILENT_S * G_USEC_PER_SEC)
        defer(s, "no media for " G_STRINGIFY(SILENT_S) " s");
    else
        return G_SOURCE_CONTINUE;
    s->watchdog = 0;
    return G_SOURCE_REMOVE;
}

static const wt_events events = {
    .gathered = ev_gathered,
    .dtls_connected = ev_dtls_connected,
    .rtp = ev_rtp,
    .rtcp = ev_rtcp,
    .failed = ev_failed,
    .closed = ev_closed,
    .debug = ev_debug,
};

/* ------------------------------------------------------------ offers */

/* A player sends on every transceiver its offer made. */
static bool add_tracks(session *s) {
    for (size_t i = 0; i < rtc_pc_transceiver_count(s->pc); i++) {
        rtc_media_kind kind;
        char track[32];
        snprintf(track, sizeof track, "relay-%zu", i);
        if (rtc_pc_transceiver_kind(s->pc, i, &kind) != RTC_OK ||
            rtc_pc_add_track(s->pc, kind, track, s->st->name) != RTC_OK)
            return false;
    }
    return true;
}

/* After an exchange: the snapshot, the one transport, a player's lanes,
 * the transport started; false with the reason in `res`. */
static bool start_media(session *s, http_response *res) {
    s->negotiation = rtc_pc_negotiation(s->pc);
    s->transport_section = s->negotiation ? wt_bundle_section(s->negotiation) : NULL;
    if (!s->transport_section) {
        problem(res, 422, "Unprocessable Content",
                "every m-section must be bundled on one transport (RFC 8843)");
        return false;
    }
    if (!s->publisher && !(s->fwd = forward_new(s->st->publisher, s))) {
        problem(res, 422, "Unprocessable Content",
                "the player receives none of the publisher's media kinds");
        return false;
    }
    if (!wt_start(s->transport, s->pc, s->transport_section)) {
        problem(res, 500, "Internal Server Error", "the transport did not start");
        return false;
    }
    return true;
}

/* `status` with our description, Location and ETag. */
static void respond_sdp(session *s, http_response *res, unsigned status, const char *sdp) {
    res->status = status;
    res->content_type = g_strdup("application/sdp");
    res->body = g_strdup(sdp);
    res->location = g_strdup_printf("/%s/%s/%s", s->publisher ? "whip" : "whep", s->st->name, s->id);
    res->links = s->r->ice_links;
    etag(res, s);
}

/* The peer's offer answered (201), or refused as a whole. */
static bool answer_offer(session *s, http_response *res) {
    call c = {0};
    bool ok = false;
    rtc_session_description offer = {RTC_SDP_TYPE_OFFER, s->offer};
    if (rtc_pc_set_remote_description(s->pc, &offer, on_ok, on_error, &c) != RTC_OK) {
        refused(res, &c, "the offer");
        goto out;
    }
    if (!s->publisher && !add_tracks(s)) {
        problem(res, 500, "Internal Server Error", "rtc_pc_add_track failed");
        goto out;
    }
    if (rtc_pc_create_answer(s->pc, on_description, on_error, NULL, &c) != RTC_OK) {
        refused(res, &c, "createAnswer");
        goto out;
    }
    /* RFC 9725 4.2: no partially successful answers for a publisher. A
     * player may take part of what it asked for (e.g. Debian's Firefox, which
     * has no H.264, gets an H.264 stream's audio): said, not refused. */
    size_t n = rtc_pc_unanswered(s->pc, NULL, 0);
    if (n) {
        char *why = g_malloc(n + 1);
        rtc_pc_unanswered(s->pc, why, n + 1);
        if (s->publisher)
            problem(res, 422, "Unprocessable Content", why);
        else
            relay_log(s->r, "player %s/%s: answered in part: %s", s->st->name, s->id, why);
        g_free(why);
        if (s->publisher)
            goto out;
    }
    rtc_session_description answer = {RTC_SDP_TYPE_ANSWER, ""};
    if (rtc_pc_set_local_description(s->pc, &answer, on_ok, on_error, &c) != RTC_OK) {
        refused(res, &c, "setLocalDescription");
        goto out;
    }
    if ((ok = start_media(s, res)))
        respond_sdp(s, res, 201, c.sdp);
out:
    g_free(c.message);
    g_free(c.sdp);
    return ok;
}

/* WHEP's server offer: a player that POSTs no offer gets ours (406, with
 * a track of each kind the publisher sends) and PATCHes its answer. */
static bool counter_offer(session *s, http_response *res) {
    call c = {0};
    const rtc_negotiation *pub = s->st->publisher->negotiation;
    for (size_t i = 0; i < rtc_negotiation_section_count(pub); i++) {
        const rtc_negotiated_section *in = rtc_negotiation_section(pub, i);
        bool audio = strcmp(in->media, "audio") == 0, video = strcmp(in->media, "video") == 0;
        char track[32];
        snprintf(track, sizeof track, "relay-%zu", i);
        if (!in->accepted || !(audio || video))
            continue;
        if (rtc_pc_add_track(s->pc, audio ? RTC_MEDIA_KIND_AUDIO : RTC_MEDIA_KIND_VIDEO, track,
                             s->st->name) != RTC_OK ||
            rtc_pc_transceiver_set_direction(s->pc, rtc_pc_transceiver_count(s->pc) - 1,
                                             RTC_DIRECTION_SENDONLY) != RTC_OK)
            problem(res, 500, "Internal Server Error", "rtc_pc_add_track failed");
    }
    rtc_session_description offer = {RTC_SDP_TYPE_OFFER, ""};
    bool ok = res->status != 500 &&
              rtc_pc_create_offer(s->pc, on_description, on_error, NULL, &c) == RTC_OK &&
              rtc_pc_set_local_description(s->pc, &offer, on_ok, on_error, &c) == RTC_OK;
    if (ok)
        respond_sdp(s, res, 406, c.sdp), s->awaiting_answer = true;
    else if (res->status != 500)
        problem(res, 500, "Internal Server Error", c.message ? c.message : "createOffer failed");
    g_free(c.message);
    g_free(c.sdp);
    return ok;
}

/* A player's answer to our offer, by PATCH application/sdp. */
static void take_answer(session *s, const http_request *req, http_response *res) {
    call c = {0};
    rtc_session_description answer = {RTC_SDP_TYPE_ANSWER, req->body};
    if (rtc_pc_set_remote_description(s->pc, &answer, on_ok, on_error, &c) != RTC_OK)
        refused(res, &c, "the answer");
    else if (start_media(s, res))
        res->status = 204, s->awaiting_answer = false;
    g_free(c.message);
}

static void complete_offer(session *s) {
    http_response *res = s->pending;
    void *job = s->job;
    s->pending = NULL;
    char **candidates = wt_local_candidates(s->transport);
    for (size_t i = 0; candidates[i]; i++)
        rtc_pc_add_local_candidate(s->pc, candidates[i], NULL);
    g_strfreev(candidates);
    if (s->offer ? answer_offer(s, res) : counter_offer(s, res)) {
        relay_log(s->r, "%s %s/%s %s", s->publisher ? "publisher" : "player", s->st->name, s->id,
                  s->offer ? "answered" : "offered");
        g_clear_pointer(&s->offer, g_free); /* rtcpc holds it now */
    } else { /* at once: the name is free again when the refusal arrives */
        session_end(s, "its offer was refused");
    }
    http_finish(job);
}

/* The player's codecs are exactly what the publisher sends: the
 * publisher's negotiated codecs of each kind become the player
 * connection's capabilities. */
static rtc_configuration *player_configuration(const session *pub) {
    /* Not the publisher's: its configuration holds its local candidates too. */
    rtc_configuration *cfg = rtc_configuration_copy(pub->r->config);
    for (int kind = 0; kind < 2 && cfg; kind++) {
        const char *media = kind == RTC_MEDIA_KIND_AUDIO ? "audio" : "video";
        for (size_t i = 0; i < rtc_negotiation_section_count(pub->negotiation); i++) {
            const rtc_negotiated_section *s = rtc_negotiation_section(pub->negotiation, i);
            if (!s->accepted || strcmp(s->media, media) != 0)
                continue;
            rtc_codec *codecs = g_new0(rtc_codec, s->codec_count);
            for (size_t k = 0; k < s->codec_count; k++) {
                const rtc_codec_parameters *p = &s->codecs[k];
                codecs[k] = (rtc_codec){p->name, p->clock_rate, p->channels, p->fmtp,
                                        p->rtcp_feedback, p->rtcp_feedback_count};
            }
            rtc_configuration_set_codecs(cfg, (rtc_media_kind)kind, codecs, s->codec_count);
            g_free(codecs);
            break;
        }
    }
    return cfg;
}

static bool post(relay *r, const http_request *req, http_response *res, void *job, bool whip,
                 const char *name) {
    bool server_offer = !whip && req->body_len == 0; /* WHEP: the relay offers */
    if (!server_offer && !is_type(req->content_type, "application/sdp")) {
        problem(res, 415, "Unsupported Media Type", "the offer must be application/sdp");
        return true;
    }
    stream *st = stream_of(r, name);
    if (whip && st->publisher) {
        problem(res, 409, "Conflict", "the stream already has a publisher");
        return true;
    }
    if (!whip && (!st->publisher || !st->publisher->negotiation)) {
        problem(res, 404, "Not Found", "nothing is published under this name");
        stream_release(r, st); /* if made just now */
        return true;
    }
    session *s = g_new0(session, 1);
    s->r = r, s->st = st, s->publisher = whip;
    snprintf(s->id, sizeof s->id, "%08x%08x", g_random_int(), g_random_int());
    rtc_configuration *cfg = whip ? NULL : player_configuration(st->publisher);
    s->pc = rtc_pc_new(whip ? r->config : cfg);
    rtc_configuration_free(cfg);
    s->offer = server_offer ? NULL : g_strdup(req->body);
    unsigned flags = (r->verbose ? WT_VERBOSE : 0) | (whip ? WT_NO_CONSENT : 0);
    s->transport = s->pc ? wt_transport_new(r->media_bind, flags, &events, s) : NULL;
    if (!s->transport) {
        problem(res, 500, "Internal Server Error", "cannot gather ICE candidates");
        session_free(s);
        stream_release(r, st); /* a publisher's, made just now */
        return true;
    }
    g_hash_table_insert(r->sessions, s->id, s);
    s->started = g_get_monotonic_time();
    s->watchdog = g_timeout_add_seconds(1, watchdog, s);
    if (whip)
        st->publisher = s;
    else
        g_ptr_array_add(st->players, s);
    s->pending = res, s->job = job; /* answered when gathering is done */
    return false;
}

/* ------------------------------------------------------------ ICE fragments */

/* RFC 9725 4.3.1: If-Match is required; "*" (bare or quoted, as clients
 * write it) asks for a restart, anything else must be the current ETag. */
static bool if_match_ok(const session *s, const char *if_match, http_response *res) {
    if (!if_match) {
        problem(res, 428, "Precondition Required", "a PATCH needs If-Match (RFC 9725 4.3.1)");
        return false;
    }
    if (strcmp(if_match, "*") == 0 || strcmp(if_match, "\"*\"") == 0)
        return true;
    http_response current = {0};
    etag(&current, s);
    bool ok = strcmp(current.etag, if_match) == 0;
    g_free(current.etag);
    if (!ok)
        problem(res, 412, "Precondition Failed", "If-Match is not the session's ETag");
    return ok;
}

static void patch(session *s, const http_request *req, http_response *res) {
    if (s->awaiting_answer && is_type(req->content_type, "application/sdp")) {
        take_answer(s, req, res);
        return;
    }
    if (!is_type(req->content_type, TRICKLE_TYPE)) {
        problem(res, 415, "Unsupported Media Type",
                "a PATCH body must be " TRICKLE_TYPE
                " (or application/sdp: a player's answer to the relay's offer)");
        return;
    }
    if (!if_match_ok(s, req->if_match, res))
        return;
    call c = {0};
    rtc_ice_fragment_result done;
    memset(&done, 0, sizeof done);
    if (rtc_pc_apply_ice_fragment(s->pc, req->body, &done, on_ok, on_error, &c) != RTC_OK) {
        refused(res, &c, "the fragment");
        g_free(c.message);
        return;
    }
    /* The transport takes the new candidates, or on a restart the new credentials too. */
    rtc_negotiation *n = rtc_pc_negotiation(s->pc);
    const rtc_negotiated_section *t = n ? wt_bundle_section(n) : NULL;
    bool ok = t && (done.restarted ? wt_restart_ice(s->transport, t)
                                   : wt_add_remote_candidates(s->transport, t));
    if (!ok) {
        rtc_negotiation_free(n);
        problem(res, 500, "Internal Server Error", "the transport did not take the fragment");
        return;
    }
    rtc_negotiation_free(s->negotiation);
    s->negotiation = n, s->transport_section = t;
    if (!done.restarted) {
        res->status = 204;
        return;
    }
    size_t len = rtc_pc_local_ice_fragment(s->pc, NULL, 0);
    res->body = g_malloc(len + 1);
    rtc_pc_local_ice_fragment(s->pc, res->body, len + 1);
    res->status = 200;
    res->content_type = g_strdup(TRICKLE_TYPE);
    etag(res, s);
    relay_log(s->r, "%s/%s restarted ICE", s->st->name, s->id);
}

/* ------------------------------------------------------------ routing */

/* "/whip/NAME[/ID]" -> whip, NAME, ID (NULL when absent); false otherwise. */
static bool route(const char *path, bool *whip, char *name, size_t cap, const char **id) {
    const char *rest;
    if (g_str_has_prefix(path, "/whip/"))
        *whip = true, rest = path + 6;
    else if (g_str_has_prefix(path, "/whep/"))
        *whip = false, rest = path + 6;
    else
        return false;
    size_t n = strcspn(rest, "/");
    if (n == 0 || n >= cap)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!g_ascii_isalnum(rest[i]) && rest[i] != '-' && rest[i] != '_')
            return false;
    memcpy(name, rest, n);
    name[n] = '\0';
    *id = rest[n] == '/' && rest[n + 1] ? rest + n + 1 : NULL;
    return true;
}

bool endpoint_handle(relay *r, const http_request *req, http_response *res, void *job) {
    bool whip;
    char name[65];
    const char *id;
    res->status = 204;
    if (strcmp(req->method, "OPTIONS") == 0) {
        res->accept_headers = true;
        return true;
    }
    if (!route(req->path, &whip, name, sizeof name, &id)) {
        problem(res, 404, "Not Found", "paths are /whip/NAME and /whep/NAME");
        return true;
    }
    if (!id) {
        if (strcmp(req->method, "POST") == 0)
            return post(r, req, res, job, whip, name);
        problem(res, 405, "Method Not Allowed", "POST an offer here");
        return true;
    }
    session *s = g_hash_table_lookup(r->sessions, id);
    if (!s || s->publisher != whip || strcmp(s->st->name, name) != 0 || s->pending) {
        problem(res, 404, "Not Found", "no such session");
        return true;
    }
    if (strcmp(req->method, "PATCH") == 0)
        patch(s, req, res);
    else if (strcmp(req->method, "DELETE") == 0)
        res->status = 200, session_end(s, "DELETE");
    else
        problem(res, 405, "Method Not Allowed", "PATCH or DELETE a session");
    return true;
}

void endpoint_close_all(relay *r) {
    GHashTableIter it;
    gpointer key, value;
    for (;;) { /* a publisher ends its players: look again each time */
        g_hash_table_iter_init(&it, r->sessions);
        if (!g_hash_table_iter_next(&it, &key, &value))
            break;
        session *s = value;
        session_end(s->publisher || !s->st->publisher ? s : s->st->publisher, "the relay stops");
    }
}
