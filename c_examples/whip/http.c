/*
 * http.c: the HTTP side, with libmicrohttpd (its own polling thread). Each
 * complete request becomes a job that runs endpoint_handle on the GLib
 * main thread, where every session lives; the HTTP thread waits for the
 * response and sends it with Content-Length (FFmpeg cannot read chunked
 * replies) and the CORS headers browsers need.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include <microhttpd.h>

#include "relay.h"

#define MAX_BODY (64 * 1024) /* larger bodies get 413 */
#define WAIT_US (30 * G_USEC_PER_SEC)

typedef struct job {
    relay *r;
    http_request req; /* its strings are the job's copies (below) */
    char *method, *path, *content_type, *if_match, *body;
    http_response res;
    GMutex lock;
    GCond cond;
    bool done;
    gint refs; /* the HTTP thread's and the main thread's */
} job;

/* What MHD keeps per request while its body arrives. */
typedef struct upload {
    GString *body;
    bool too_large;
} upload;

static volatile gint stopping;

static void free_response(http_response *res) {
    g_free(res->content_type);
    g_free(res->body);
    g_free(res->location);
    g_free(res->etag);
}

static void job_unref(job *j) {
    if (!g_atomic_int_dec_and_test(&j->refs))
        return;
    g_mutex_clear(&j->lock);
    g_cond_clear(&j->cond);
    free_response(&j->res);
    g_free(j->method), g_free(j->path), g_free(j->content_type), g_free(j->if_match);
    g_free(j->body);
    g_free(j);
}

/* The main thread is done with the job (its response is complete). */
void http_finish(void *data) {
    job *j = data;
    g_mutex_lock(&j->lock);
    j->done = true;
    g_cond_signal(&j->cond);
    g_mutex_unlock(&j->lock);
    job_unref(j);
}

/* On the main thread. */
static gboolean run_job(gpointer data) {
    job *j = data;
    if (endpoint_handle(j->r, &j->req, &j->res, j))
        http_finish(j);
    return G_SOURCE_REMOVE;
}

/* Waits for the main thread's response; 503 when the relay stops meanwhile. */
static bool wait_for(job *j) {
    gint64 end = g_get_monotonic_time() + WAIT_US;
    g_mutex_lock(&j->lock);
    while (!j->done && !g_atomic_int_get(&stopping) && g_get_monotonic_time() < end)
        g_cond_wait_until(&j->cond, &j->lock, MIN(end, g_get_monotonic_time() + 100000));
    bool done = j->done;
    g_mutex_unlock(&j->lock);
    return done;
}

static void add_cors(struct MHD_Response *resp) {
    MHD_add_response_header(resp, "Access-Control-Allow-Origin", "*");
    MHD_add_response_header(resp, "Access-Control-Allow-Methods",
                            "POST, PATCH, DELETE, OPTIONS");
    MHD_add_response_header(resp, "Access-Control-Allow-Headers",
                            "Content-Type, If-Match, Authorization");
    MHD_add_response_header(resp, "Access-Control-Expose-Headers",
                            "Location, ETag, Link, Accept-Post, Accept-Patch");
}

static enum MHD_Result send_response(struct MHD_Connection *c, const http_response *res) {
    const char *body = res->body ? res->body : "";
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(strlen(body), (void *)body, MHD_RESPMEM_MUST_COPY);
    if (res->content_type)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, res->content_type);
    if (res->location)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_LOCATION, res->location);
    if (res->etag)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_ETAG, res->etag);
    if (res->accept_headers) {
        MHD_add_response_header(resp, "Accept-Post", "application/sdp");
        MHD_add_response_header(resp, "Accept-Patch", "application/trickle-ice-sdpfrag");
    }
    for (char **l = res->links; l && *l; l++)
        MHD_add_response_header(resp, "Link", *l);
    add_cors(resp);
    enum MHD_Result ok = MHD_queue_response(c, res->status, resp);
    MHD_destroy_response(resp);
    return ok;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
                              const char *method, const char *version, const char *data,
                              size_t *data_size, void **state) {
    (void)version;
    upload *u = *state;
    if (!u) { /* the headers arrived: keep the body as it comes */
        *state = u = g_new0(upload, 1);
        u->body = g_string_new(NULL);
        return MHD_YES;
    }
    if (*data_size) {
        if (u->body->len + *data_size > MAX_BODY)
            u->too_large = true;
        else
            g_string_append_len(u->body, data, *data_size);
        *data_size = 0;
        return MHD_YES;
    }
    if (u->too_large) {
        http_response big = {0};
        problem(&big, 413, "Content Too Large", "the body is larger than 64 KiB");
        enum MHD_Result ok = send_response(c, &big);
        free_response(&big);
        return ok;
    }
    job *j = g_new0(job, 1);
    j->r = cls;
    j->refs = 2;
    j->method = g_strdup(method), j->path = g_strdup(url);
    j->content_type = g_strdup(MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type"));
    j->if_match = g_strdup(MHD_lookup_connection_value(c, MHD_HEADER_KIND, "If-Match"));
    size_t body_len = u->body->len;
    j->body = g_string_free(g_steal_pointer(&u->body), FALSE); /* the job's now */
    j->req = (http_request){j->method, j->path, j->content_type, j->if_match, j->body, body_len};
    g_mutex_init(&j->lock);
    g_cond_init(&j->cond);
    g_main_context_invoke(NULL, run_job, j);
    enum MHD_Result ok;
    if (wait_for(j)) {
        ok = send_response(c, &j->res);
    } else {
        http_response busy = {0};
        problem(&busy, 503, "Service Unavailable", "the relay is stopping or overloaded");
        ok = send_response(c, &busy);
        free_response(&busy);
    }
    job_unref(j);
    return ok;
}

static void completed(void *cls, struct MHD_Connection *c, void **state,
                      enum MHD_RequestTerminationCode code) {
    (void)cls, (void)c, (void)code;
    upload *u = *state;
    if (u) {
        if (u->body) /* not handed to a job */
            g_string_free(u->body, TRUE);
        g_free(u);
    }
    *state = NULL;
}

void *http_start(relay *r) {
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)r->http_port)};
    if (inet_pton(AF_INET, r->http_bind, &addr.sin_addr) != 1)
        return NULL;
    return MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG,
                            (uint16_t)r->http_port, NULL, NULL, handle, r,
                            MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
                            MHD_OPTION_NOTIFY_COMPLETED, completed, NULL,
                            MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30, MHD_OPTION_END);
}

void http_stop(void *daemon) {
    g_atomic_int_set(&stopping, 1);
    if (daemon)
        MHD_stop_daemon(daemon);
}
