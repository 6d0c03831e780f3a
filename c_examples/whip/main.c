/*
 * rtcpc-relay: WHIP ingest and WHEP playback on rtcpc (see relay.h).
 *
 *   rtcpc-relay --media ADDR [--http ADDR:PORT] [--duration SECONDS]
 *               [--ice-server URL[,USERNAME,CREDENTIAL]]... [--verbose]
 *
 * --media is the IP address ICE gathers on (one UDP host candidate per
 * session); --http where the HTTP endpoints listen (127.0.0.1:8080);
 * --ice-server a STUN or TURN server offered to clients in Link headers.
 * Status lines go to stderr ("relay: ..."); at exit a summary line with
 * the packets forwarded and dropped. Exit 0 after SIGINT/SIGTERM or
 * --duration, 1 when it cannot start, 2 on usage errors.
 */
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib-unix.h>

#include "relay.h"

static void say(const char *prefix, const char *fmt, va_list ap) {
    char line[1024];
    vsnprintf(line, sizeof line, fmt, ap);
    fprintf(stderr, "relay: %s%s\n", prefix, line);
}

void relay_log(const relay *r, const char *fmt, ...) {
    va_list ap;
    (void)r;
    va_start(ap, fmt);
    say("", fmt, ap);
    va_end(ap);
}

void relay_debug(const relay *r, const char *fmt, ...) {
    va_list ap;
    if (!r->verbose)
        return;
    va_start(ap, fmt);
    say("debug: ", fmt, ap);
    va_end(ap);
}

/* What publishers may send: the usual codecs, without RED and FEC, which
 * players such as aiortc cannot take apart (Chromium wraps its video in RED
 * when the answer accepts it). rtx repairs each video codec. */
static void publisher_codecs(rtc_configuration *config) {
    static const char *const audio_fb[] = {"transport-cc"};
    static const char *const video_fb[] = {"goog-remb", "transport-cc", "ccm fir", "nack",
                                           "nack pli"};
    const rtc_codec audio[] = {
        {"opus", 48000, 2, "minptime=10;useinbandfec=1", audio_fb, 1},
        {"G722", 8000, 1, NULL, NULL, 0},
        {"PCMU", 8000, 1, NULL, NULL, 0},
        {"PCMA", 8000, 1, NULL, NULL, 0},
    };
#define H264(fmtp) {"H264", 90000, 0, "level-asymmetry-allowed=1;packetization-mode=1;" fmtp, video_fb, 5}
    const rtc_codec video[] = {
        {"VP8", 90000, 0, NULL, video_fb, 5},
        H264("profile-level-id=42e01f"),
        H264("profile-level-id=42001f"),
        H264("profile-level-id=4d001f"),
        H264("profile-level-id=640c1f"),
        {"VP9", 90000, 0, "profile-id=0", video_fb, 5},
        {"AV1", 90000, 0, NULL, video_fb, 5},
        {"rtx", 90000, 0, NULL, NULL, 0},
    };
#undef H264
    rtc_configuration_set_codecs(config, RTC_MEDIA_KIND_AUDIO, audio, G_N_ELEMENTS(audio));
    rtc_configuration_set_codecs(config, RTC_MEDIA_KIND_VIDEO, video, G_N_ELEMENTS(video));
}

static gboolean on_stop(gpointer data) {
    g_main_loop_quit(((relay *)data)->loop);
    return G_SOURCE_REMOVE;
}

static int usage(void) {
    fprintf(stderr, "usage: rtcpc-relay --media ADDR [--http ADDR:PORT] [--duration SECONDS]\n"
                    "         [--ice-server URL[,USERNAME,CREDENTIAL]]... [--verbose]\n");
    return 2;
}

/* "turn:host?transport=udp,user,pass" -> a Link value (RFC 9725 4.6);
 * NULL when a quote would break the header. */
static char *ice_link(const char *arg) {
    char **f = g_strsplit(arg, ",", 3), *link = NULL;
    bool with_credentials = f[1] && f[2];
    if (f[0] && *f[0] && !strpbrk(arg, "\"<>\r\n") && (!f[1] || with_credentials))
        link = with_credentials
                   ? g_strdup_printf("<%s>; rel=\"ice-server\"; username=\"%s\"; credential=\"%s\"; "
                                     "credential-type=\"password\"", f[0], f[1], f[2])
                   : g_strdup_printf("<%s>; rel=\"ice-server\"", f[0]);
    g_strfreev(f);
    return link;
}

/* "ADDR:PORT" -> r->http_bind (static storage) and r->http_port. */
static bool http_address(relay *r, const char *arg) {
    static char addr[64];
    const char *colon = strrchr(arg, ':');
    if (!colon || colon == arg || (size_t)(colon - arg) >= sizeof addr)
        return false;
    snprintf(addr, sizeof addr, "%.*s", (int)(colon - arg), arg);
    char *end;
    long port = strtol(colon + 1, &end, 10);
    r->http_bind = addr, r->http_port = (unsigned)port;
    return *end == '\0' && port > 0 && port < 65536;
}

/* The command line into `r`, `duration` and `links` (Link values, NULL-ended). */
static bool parse(relay *r, unsigned *duration, GPtrArray *links, int argc, char **argv) {
    char *link;
    g_ptr_array_add(links, NULL);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--verbose") == 0)
            r->verbose = true;
        else if (strcmp(a, "--media") == 0 && v)
            r->media_bind = v, i++;
        else if (strcmp(a, "--http") == 0 && v && http_address(r, v))
            i++;
        else if (strcmp(a, "--duration") == 0 && v)
            *duration = (unsigned)strtoul(v, NULL, 10), i++;
        else if (strcmp(a, "--ice-server") == 0 && v && (link = ice_link(v)))
            g_ptr_array_insert(links, (gint)links->len - 1, link), i++;
        else
            return false;
    }
    r->ice_links = (char **)links->pdata; /* final now */
    return r->media_bind != NULL;
}

/* Serves until SIGINT, SIGTERM or --duration; false if it cannot listen. */
static bool serve(relay *r, unsigned duration) {
    void *http = http_start(r);
    if (!http) {
        fprintf(stderr, "relay: error: cannot listen on %s:%u\n", r->http_bind, r->http_port);
        return false;
    }
    relay_log(r, "listening on http://%s:%u, media on %s", r->http_bind, r->http_port,
              r->media_bind);
    g_unix_signal_add(SIGINT, on_stop, r);
    g_unix_signal_add(SIGTERM, on_stop, r);
    if (duration)
        g_timeout_add_seconds(duration, on_stop, r);
    g_main_loop_run(r->loop);
    http_stop(http); /* no request comes in after this */
    return true;
}

int main(int argc, char **argv) {
    relay r = {.http_bind = "127.0.0.1", .http_port = 8080};
    unsigned duration = 0;
    GPtrArray *links = g_ptr_array_new_with_free_func(g_free);
    if (!parse(&r, &duration, links, argc, argv))
        return g_ptr_array_free(links, TRUE), usage();
    if (!wt_library_init()) {
        fprintf(stderr, "relay: error: libsrtp2 did not initialize\n");
        return 1;
    }
    /* One certificate for every session (RFC 8827 allows it; it saves a key per session). */
    r.config = rtc_configuration_new();
    rtc_configuration_generate_shared_certificate(r.config);
    publisher_codecs(r.config);
    r.streams = g_hash_table_new(g_str_hash, g_str_equal);
    r.sessions = g_hash_table_new(g_str_hash, g_str_equal);
    r.loop = g_main_loop_new(NULL, FALSE);
    int code = serve(&r, duration) ? 0 : 1;
    endpoint_close_all(&r);
    relay_log(&r, "summary forwarded=%" G_GUINT64_FORMAT " dropped=%" G_GUINT64_FORMAT,
              (guint64)r.forwarded, (guint64)r.dropped);
    g_hash_table_destroy(r.sessions);
    g_hash_table_destroy(r.streams);
    g_main_loop_unref(r.loop);
    rtc_configuration_free(r.config);
    g_ptr_array_free(links, TRUE);
    wt_library_shutdown();
    return code;
}
