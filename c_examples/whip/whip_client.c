/*
 * rtcpc-whip-client: publishes RTP from local UDP ports to a WHIP server
 * (RFC 9725), with rtcpc as the offerer and the transport library.
 *
 *   rtcpc-whip-client --url URL --media ADDR [--audio-port P] [--video-port P]
 *                     [--video-codec VP8|H264] [--token TOKEN]
 *                     [--trickle] [--restart-after SECONDS] [--duration SECONDS]
 *                     [--verbose]
 *
 * A source (e.g. GStreamer: `... ! rtpvp8pay ! udpsink host=127.0.0.1 port=P`)
 * sends RTP to the ports; each packet goes out with the payload type and
 * SSRC rtcpc negotiated. In order, the calls a WHIP client makes:
 *   1. gather candidates (wt_transport_new), put them in the configuration;
 *      with --trickle, none: they follow the 201 (rtc_pc_add_local_candidate,
 *      PATCH rtc_pc_local_ice_fragment with If-Match: the ETag)
 *   2. rtc_pc_add_track (audio, video), rtc_pc_create_offer,
 *      rtc_pc_set_local_description; POST the offer
 *   3. 201: rtc_pc_set_remote_description(answer), rtc_pc_negotiation ->
 *      wt_start; Location and ETag kept
 *   4. --restart-after: rtc_pc_restart_ice_by_fragment, PATCH
 *      rtc_pc_local_ice_fragment with If-Match "*", 200: the reply through
 *      rtc_pc_apply_ice_fragment, wt_restart_ice
 *   5. the end (--duration, SIGINT, SIGTERM): DELETE
 * Exit 0 when media went out and the session ended cleanly, else 1 (2: usage).
 */
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <gio/gio.h>
#include <glib-unix.h>

#include "transport.h"

#define TRICKLE_TYPE "application/trickle-ice-sdpfrag"

typedef struct source { /* one local RTP port and the track it feeds */
    unsigned port;
    GSocket *socket;
    guint watch;
    bool ready; /* negotiated: pt and ssrc set */
    uint8_t pt;
    uint32_t ssrc;
    uint64_t sent;
} source;

typedef struct client {
    const char *url, *media, *token, *video_codec;
    unsigned duration, restart_after;
    bool verbose, trickle;
    bool gathered; /* local candidates known */
    GMainLoop *loop;
    wt_transport *t;
    rtc_pc *pc;
    rtc_negotiation *negotiation;
    char *location, *etag;
    source audio, video;
    bool connected, failed;
    uint64_t rtcp_in;
} client;

static void say(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
static void say(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "whip-client: ");
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

static void fail(client *c, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static void fail(client *c, const char *fmt, ...) {
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    say("error: %s", line);
    c->failed = true;
    g_main_loop_quit(c->loop);
}

/* ------------------------------------------------------------ HTTP (libcurl) */

typedef struct http_reply {
    long status;
    GString *body;
    char *location; /* absolute */
    char *etag;
} http_reply;

static size_t collect(char *data, size_t size, size_t n, void *user) {
    g_string_append_len(user, data, (gssize)(size * n));
    return size * n;
}

static char *header(CURL *curl, const char *name) {
    struct curl_header *h;
    return curl_easy_header(curl, name, 0, CURLH_HEADER, -1, &h) == CURLHE_OK ? g_strdup(h->value)
                                                                               : NULL;
}

/* Location relative to the request's URL (RFC 9725 4.2 allows relative). */
static char *absolute(const char *base, const char *ref) {
    char *out = NULL, *part;
    CURLU *u = curl_url();
    if (curl_url_set(u, CURLUPART_URL, base, 0) == CURLUE_OK &&
        curl_url_set(u, CURLUPART_URL, ref, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_URL, &part, 0) == CURLUE_OK) {
        out = g_strdup(part);
        curl_free(part);
    }
    curl_url_cleanup(u);
    return out;
}

/* "NAME: PREFIXVALUE" appended to `headers` when `value` is not NULL. */
static struct curl_slist *add_header(struct curl_slist *headers, const char *name,
                                     const char *prefix, const char *value) {
    if (!value)
        return headers;
    char *line = g_strdup_printf("%s: %s%s", name, prefix, value);
    headers = curl_slist_append(headers, line);
    g_free(line);
    return headers;
}

/* One request; false if it could not be made (the reason said). */
static bool http(client *c, const char *method, const char *url, const char *type,
                 const char *body, const char *if_match, http_reply *reply) {
    CURL *curl = curl_easy_init();
    struct curl_slist *headers = add_header(NULL, "Content-Type", "", type);
    headers = add_header(headers, "If-Match", "", if_match);
    headers = add_header(headers, "Authorization", "Bearer ", c->token);
    reply->body = g_string_new(NULL);
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    if (body)
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, reply->body);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, 10L);
    CURLcode e = curl_easy_perform(curl);
    if (e == CURLE_OK) {
        char *location = header(curl, "Location");
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &reply->status);
        reply->location = location ? absolute(url, location) : NULL;
        reply->etag = header(curl, "ETag");
        g_free(location);
    } else {
        say("error: %s %s: %s", method, url, curl_easy_strerror(e));
    }
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
    return e == CURLE_OK;
}

static void reply_free(http_reply *r) {
    if (r->body)
        g_string_free(r->body, TRUE);
    g_free(r->location);
    g_free(r->etag);
}

/* ------------------------------------------------------------ rtcpc */

typedef struct call {
    char *sdp;
    char message[512];
} call;

static void on_sdp(const rtc_session_description *d, void *user) { ((call *)user)->sdp = g_strdup(d->sdp); }
static void on_ok(void *user) { (void)user; }
static void on_error(const rtc_error *e, void *user) {
    snprintf(((call *)user)->message, sizeof((call *)user)->message, "%s: %s", e->name, e->message);
}

/* The codec a source's packets are sent as: the first of that name. */
static bool choose(source *src, const rtc_negotiated_section *s, const char *codec) {
    for (size_t i = 0; i < s->codec_count; i++)
        if (g_ascii_strcasecmp(s->codecs[i].name, codec) == 0 && s->local_ssrc_count) {
            src->pt = s->codecs[i].payload_type, src->ssrc = s->local_ssrcs[0], src->ready = true;
            return true;
        }
    return false;
}

/* The bundle transport's section, and each source's payload type and SSRC. */
static const rtc_negotiated_section *use_negotiation(client *c) {
    rtc_negotiation_free(c->negotiation);
    c->negotiation = rtc_pc_negotiation(c->pc);
    for (size_t i = 0; c->negotiation && i < rtc_negotiation_section_count(c->negotiation); i++) {
        const rtc_negotiated_section *s = rtc_negotiation_section(c->negotiation, i);
        if (s->accepted && strcmp(s->media, "audio") == 0 && !c->audio.ready)
            choose(&c->audio, s, "opus");
        else if (s->accepted && strcmp(s->media, "video") == 0 && !c->video.ready)
            choose(&c->video, s, c->video_codec);
    }
    return c->negotiation ? wt_bundle_section(c->negotiation) : NULL;
}

/* Offer only what the sources send: Opus, and the --video-codec (with rtx). */
static bool source_codecs(client *c, rtc_configuration *config) {
    static const char *const fb[] = {"nack", "nack pli", "ccm fir"};
    const rtc_codec opus = {"opus", 48000, 2, "minptime=10;useinbandfec=1", NULL, 0};
    rtc_codec video[] = {{c->video_codec, 90000, 0, NULL, fb, 3}, {"rtx", 90000, 0, NULL, NULL, 0}};
    if (g_ascii_strcasecmp(c->video_codec, "H264") == 0)
        video[0].fmtp = "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f";
    return rtc_configuration_set_codecs(config, RTC_MEDIA_KIND_AUDIO, &opus, 1) == RTC_OK &&
           rtc_configuration_set_codecs(config, RTC_MEDIA_KIND_VIDEO, video, 2) == RTC_OK;
}

static rtc_pc *connection(client *c) {
    rtc_configuration *config = rtc_configuration_new();
    if (!source_codecs(c, config)) {
        rtc_configuration_free(config);
        return NULL;
    }
    rtc_configuration_set_bundle_policy(config, RTC_BUNDLE_POLICY_MAX_BUNDLE); /* RFC 9725 4.2 */
    char **candidates = wt_local_candidates(c->t);
    for (size_t i = 0; candidates[i] && !c->trickle; i++)
        rtc_configuration_add_local_candidate(config, candidates[i], NULL);
    g_strfreev(candidates);
    rtc_pc *pc = rtc_pc_new(config);
    rtc_configuration_free(config);
    if (pc && (rtc_pc_add_track(pc, RTC_MEDIA_KIND_AUDIO, "audio", "rtcpc-whip") != RTC_OK ||
               rtc_pc_add_track(pc, RTC_MEDIA_KIND_VIDEO, "video", "rtcpc-whip") != RTC_OK))
        rtc_pc_free(pc), pc = NULL;
    return pc;
}

/* Steps 2 and 3; false when the server refused (said why). */
static bool publish(client *c) {
    call offer = {0}, done = {0};
    http_reply r = {0};
    bool ok = false;
    rtc_session_description local = {RTC_SDP_TYPE_OFFER, ""};
    if (!(c->pc = connection(c)) ||
        rtc_pc_create_offer(c->pc, on_sdp, on_error, NULL, &offer) != RTC_OK ||
        rtc_pc_set_local_description(c->pc, &local, on_ok, on_error, &offer) != RTC_OK) {
        fail(c, "the offer: %s", offer.message);
        goto out;
    }
    if (!http(c, "POST", c->url, "application/sdp", offer.sdp, NULL, &r))
        goto out;
    if (r.status != 201 || !r.location) {
        fail(c, "POST %s: %ld%s %s", c->url, r.status, r.location ? "" : " (no Location)", r.body->str);
        goto out;
    }
    c->location = g_steal_pointer(&r.location), c->etag = g_steal_pointer(&r.etag);
    rtc_session_description answer = {RTC_SDP_TYPE_ANSWER, r.body->str};
    if (rtc_pc_set_remote_description(c->pc, &answer, on_ok, on_error, &done) != RTC_OK) {
        fail(c, "the answer: %s", done.message);
        goto out;
    }
    const rtc_negotiated_section *t = use_negotiation(c);
    if (!t || (c->audio.port && !c->audio.ready) || (c->video.port && !c->video.ready)) {
        fail(c, "the answer does not take every track we send (video codec %s)", c->video_codec);
        goto out;
    }
    say("published at %s (ETag %s): audio pt %d, video %s pt %d", c->location,
        c->etag ? c->etag : "none", c->audio.ready ? c->audio.pt : -1, c->video_codec,
        c->video.ready ? c->video.pt : -1);
    ok = wt_start(c->t, c->pc, t);
out:
    g_free(offer.sdp);
    reply_free(&r);
    return ok;
}

/* PATCHes our ICE fragment (RFC 8840, rtc_pc_local_ice_fragment) to the
 * session; false if it could not be sent. */
static bool patch_fragment(client *c, const char *if_match, http_reply *r) {
    size_t len = rtc_pc_local_ice_fragment(c->pc, NULL, 0);
    char *fragment = g_malloc(len + 1);
    rtc_pc_local_ice_fragment(c->pc, fragment, len + 1);
    bool sent = http(c, "PATCH", c->location, TRICKLE_TYPE, fragment, if_match, r);
    g_free(fragment);
    return sent;
}

/* Step 4: an ICE restart by PATCH (RFC 9725 4.3.3). */
static gboolean restart(gpointer data) {
    client *c = data;
    call done = {0};
    http_reply r = {0};
    rtc_pc_restart_ice_by_fragment(c->pc);
    if (!patch_fragment(c, "\"*\"", &r)) {
        fail(c, "the restart PATCH could not be sent");
    } else if (r.status != 200) {
        fail(c, "the restart PATCH: %ld %s", r.status, r.body->str);
    } else if (rtc_pc_apply_ice_fragment(c->pc, r.body->str, NULL, on_ok, on_error, &done) != RTC_OK) {
        fail(c, "the restart reply: %s", done.message);
    } else {
        const rtc_negotiated_section *t = use_negotiation(c);
        g_free(c->etag), c->etag = g_steal_pointer(&r.etag);
        if (t && wt_restart_ice(c->t, t))
            say("ICE restarted: generation %" G_GUINT64_FORMAT ", ETag %s",
                (guint64)rtc_pc_ice_generation(c->pc), c->etag ? c->etag : "none");
    }
    reply_free(&r);
    return G_SOURCE_REMOVE;
}

/* --trickle: our candidates after the answer, by PATCH with the ETag
 * (RFC 9725 4.3.1; a fragment with our credentials, RFC 8840). */
static void trickle_candidates(client *c) {
    char **candidates = wt_local_candidates(c->t);
    guint n = g_strv_length(candidates);
    for (guint i = 0; i < n; i++)
        rtc_pc_add_local_candidate(c->pc, candidates[i], NULL);
    g_strfreev(candidates);
    http_reply r = {0};
    if (!patch_fragment(c, c->etag, &r))
        fail(c, "the trickle PATCH could not be sent");
    else if (r.status != 204)
        fail(c, "the trickle PATCH: %ld %s", r.status, r.body->str);
    else
        say("trickled %u candidate(s): 204", n);
    reply_free(&r);
}

static gboolean publish_now(gpointer data) {
    client *c = data;
    if (!publish(c) && !c->failed)
        fail(c, "the transport did not start");
    else if (c->gathered && !c->failed)
        trickle_candidates(c);
    return G_SOURCE_REMOVE;
}

/* ------------------------------------------------------------ media */

/* A packet from the local source: our payload type and SSRC, then out. */
static gboolean on_source(GSocket *socket, GIOCondition cond, gpointer data) {
    client *c = g_object_get_data(G_OBJECT(socket), "client");
    source *src = data;
    uint8_t p[WT_MAX_PACKET];
    (void)cond;
    gssize n = g_socket_receive(socket, (gchar *)p, sizeof p, NULL, NULL);
    if (n < 12 || !c->connected || !src->ready)
        return G_SOURCE_CONTINUE;
    p[1] = (uint8_t)((p[1] & 0x80) | src->pt);
    wt_wr32(p + 8, src->ssrc);
    if (wt_send_rtp(c->t, p, (size_t)n))
        src->sent++;
    return G_SOURCE_CONTINUE;
}

static bool listen_on(client *c, source *src) {
    if (!src->port)
        return true;
    GInetAddress *lo = g_inet_address_new_loopback(G_SOCKET_FAMILY_IPV4);
    GSocketAddress *addr = g_inet_socket_address_new(lo, (guint16)src->port);
    src->socket = g_socket_new(G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP, NULL);
    bool ok = src->socket && g_socket_bind(src->socket, addr, TRUE, NULL);
    if (ok) {
        g_object_set_data(G_OBJECT(src->socket), "client", c);
        GSource *s = g_socket_create_source(src->socket, G_IO_IN, NULL);
        g_source_set_callback(s, (GSourceFunc)(void (*)(void))on_source, src, NULL);
        src->watch = g_source_attach(s, NULL);
        g_source_unref(s);
    }
    g_object_unref(addr);
    g_object_unref(lo);
    return ok;
}

/* ------------------------------------------------------------ transport events */

static void ev_gathered(void *user) {
    client *c = user;
    c->gathered = true;
    if (c->trickle && c->location)
        trickle_candidates(c);
    else if (!c->trickle && !publish(c) && !c->failed)
        fail(c, "the transport did not start");
}

static void ev_dtls_connected(void *user, const char *profile) {
    client *c = user;
    c->connected = true;
    say("connected (%s)", profile);
    if (c->restart_after)
        g_timeout_add_seconds(c->restart_after, restart, c);
}

static void ev_rtcp(void *user, uint8_t *packet, size_t len) {
    (void)packet, (void)len;
    ((client *)user)->rtcp_in++;
}

static void ev_failed(void *user, const char *layer, const char *why) {
    fail(user, "%s: %s", layer, why);
}

static void ev_closed(void *user, const char *why) { fail(user, "%s", why); }

static void ev_debug(void *user, const char *line) {
    (void)user;
    say("debug: %s", line);
}

static const wt_events events = {
    .gathered = ev_gathered,
    .dtls_connected = ev_dtls_connected,
    .rtcp = ev_rtcp,
    .failed = ev_failed,
    .closed = ev_closed,
    .debug = ev_debug,
};

/* ------------------------------------------------------------ main */

static gboolean on_stop(gpointer data) {
    g_main_loop_quit(((client *)data)->loop);
    return G_SOURCE_REMOVE;
}

static int usage(void) {
    fprintf(stderr, "usage: rtcpc-whip-client --url URL --media ADDR [--audio-port P] [--video-port P]\n"
                    "         [--video-codec VP8|H264] [--token TOKEN] [--trickle]\n"
                    "         [--restart-after SECONDS] [--duration SECONDS] [--verbose]\n");
    return 2;
}

static bool parse(client *c, int argc, char **argv) {
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--verbose") == 0 || strcmp(a, "--trickle") == 0) {
            if (strcmp(a, "--verbose") == 0)
                c->verbose = true;
            else
                c->trickle = true;
            continue;
        }
        if (!v)
            return false;
        i++;
        if (strcmp(a, "--url") == 0)
            c->url = v;
        else if (strcmp(a, "--media") == 0)
            c->media = v;
        else if (strcmp(a, "--token") == 0)
            c->token = v;
        else if (strcmp(a, "--video-codec") == 0)
            c->video_codec = v;
        else if (strcmp(a, "--audio-port") == 0)
            c->audio.port = (unsigned)strtoul(v, NULL, 10);
        else if (strcmp(a, "--video-port") == 0)
            c->video.port = (unsigned)strtoul(v, NULL, 10);
        else if (strcmp(a, "--restart-after") == 0)
            c->restart_after = (unsigned)strtoul(v, NULL, 10);
        else if (strcmp(a, "--duration") == 0)
            c->duration = (unsigned)strtoul(v, NULL, 10);
        else
            return false;
    }
    return c->url && c->media && (g_ascii_strcasecmp(c->video_codec, "VP8") == 0 ||
                                  g_ascii_strcasecmp(c->video_codec, "H264") == 0);
}

static void end(client *c) {
    http_reply r = {0};
    if (c->location && http(c, "DELETE", c->location, NULL, NULL, NULL, &r) && r.status != 200)
        say("DELETE %s: %ld", c->location, r.status);
    reply_free(&r);
    say("summary audio=%" G_GUINT64_FORMAT " video=%" G_GUINT64_FORMAT " rtcp=%" G_GUINT64_FORMAT,
        (guint64)c->audio.sent, (guint64)c->video.sent, (guint64)c->rtcp_in);
    source *sources[] = {&c->audio, &c->video};
    for (size_t i = 0; i < 2; i++) {
        if (sources[i]->watch)
            g_source_remove(sources[i]->watch);
        if (sources[i]->socket)
            g_object_unref(sources[i]->socket);
    }
}

int main(int argc, char **argv) {
    client c = {.video_codec = "VP8"};
    if (!parse(&c, argc, argv))
        return usage();
    if (!wt_library_init() || curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        say("error: libsrtp2 or libcurl did not initialize");
        return 1;
    }
    c.loop = g_main_loop_new(NULL, FALSE);
    if (!listen_on(&c, &c.audio) || !listen_on(&c, &c.video))
        fail(&c, "cannot listen on 127.0.0.1:%u/%u", c.audio.port, c.video.port);
    else if (!(c.t = wt_transport_new(c.media, (c.verbose ? WT_VERBOSE : 0) | WT_CONTROLLING,
                                      &events, &c)))
        fail(&c, "cannot gather ICE candidates on %s", c.media);
    else {
        g_unix_signal_add(SIGINT, on_stop, &c);
        g_unix_signal_add(SIGTERM, on_stop, &c);
        if (c.duration)
            g_timeout_add_seconds(c.duration, on_stop, &c);
        if (c.trickle) /* the offer goes at once, without candidates */
            g_idle_add(publish_now, &c);
        g_main_loop_run(c.loop);
    }
    end(&c);
    wt_transport_free(c.t);
    rtc_negotiation_free(c.negotiation);
    rtc_pc_free(c.pc);
    g_free(c.location);
    g_free(c.etag);
    g_main_loop_unref(c.loop);
    curl_global_cleanup();
    wt_library_shutdown();
    return !c.failed && c.connected && c.audio.sent + c.video.sent > 0 ? 0 : 1;
}
