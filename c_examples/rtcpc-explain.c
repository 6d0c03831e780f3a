/*
 * rtcpc-explain: answers a WebRTC SDP offer and explains the answer.
 *
 *   rtcpc-explain [--json] [OFFER_FILE|-]
 *
 * It answers the offer (default: the shipped Chrome offer; "-" reads stdin)
 * with a track for every offered audio/video m-line, like rtcpc-answer, and
 * prints to stdout:
 *   1. the answer, byte for byte (CRLF line ends);
 *   2. one empty line (an SDP never has one, so it separates the two parts);
 *   3. without --json, a readable table per offered m-line: accepted or
 *      refused and why, direction offered/local/answered, bundle, every
 *      offered codec and extension with why it was refused;
 *      with --json, the report of rtc_pc_negotiation_report exactly as the
 *      library returned it, followed by a newline.
 * Nothing is printed to stdout unless everything succeeded. On failure it
 * prints "error: <DOMException name>: <message>" to stderr and exits with 1;
 * usage errors exit with 2.
 *
 * Libraries: rtcpc answers the offer and writes the JSON report; cJSON
 * (Debian: libcjson-dev; CMake: pkg_check_modules(CJSON IMPORTED_TARGET
 * libcjson), PkgConfig::CJSON) parses the report to draw the table. With
 * --json the report is printed as rtcpc wrote it, not re-serialized.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "rtcpc.h"
#include "example_util.h"

/* ------------------------------------------------------------------------ */
/* Reading the report with cJSON.                                           */
/* ------------------------------------------------------------------------ */

/* Member `key` of an object (the first of that name), or NULL: also when v
 * is missing or not an object, so that lookups chain without checks. */
static const cJSON *member(const cJSON *v, const char *key) {
    return cJSON_IsObject(v) ? cJSON_GetObjectItemCaseSensitive(v, key) : NULL;
}

/* v when it is an array, else NULL: what cJSON_ArrayForEach may walk (it
 * would walk an object's members too). */
static const cJSON *array(const cJSON *v) { return cJSON_IsArray(v) ? v : NULL; }

/* Items of an array; 0 for anything else. */
static int count(const cJSON *v) { return cJSON_IsArray(v) ? cJSON_GetArraySize(v) : 0; }

/* Parses the report: one JSON object with an m_lines array, and nothing but
 * whitespace after it. Returns the tree (free it with cJSON_Delete), or NULL
 * with what is wrong, to follow "the negotiation report ", in `why`. */
static cJSON *parse_report(const char *text, size_t len, char *why, size_t why_size) {
    const char *end = NULL;
    cJSON *report = cJSON_ParseWithLengthOpts(text, len, &end, 0);
    if (!report) {
        snprintf(why, why_size, "is not valid JSON: cJSON stopped at byte %zu",
                 end ? (size_t)(end - text) : (size_t)0);
        return NULL;
    }
    while (end < text + len && (*end == ' ' || *end == '\t' || *end == '\n' || *end == '\r'))
        end++;
    if (end < text + len) {
        snprintf(why, why_size, "is not valid JSON: trailing characters after the JSON value "
                                "at byte %zu", (size_t)(end - text));
    } else if (!cJSON_IsArray(member(report, "m_lines"))) {
        snprintf(why, why_size, "has no m_lines array");
    } else {
        return report;
    }
    cJSON_Delete(report);
    return NULL;
}

/* ------------------------------------------------------------------------ */
/* The table.                                                               */
/* ------------------------------------------------------------------------ */

/* The first n bytes of s with control characters, which would garble the
 * terminal, as '?'. Returns a new string (NULL only when out of memory). */
static char *printable(const char *s, size_t n) {
    char *out = malloc(n + 1);
    if (!out)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        out[i] = (char)(c < 0x20 || c == 0x7f ? '?' : c);
    }
    out[n] = '\0';
    return out;
}

/* Text as it will be shown: a string's value (see printable), a number, or
 * `absent` for null or a missing member. Returns a new string (NULL only
 * when out of memory). */
static char *show(const cJSON *v, const char *absent) {
    char number[64];
    const char *s = absent;
    const char *string = cJSON_GetStringValue(v); /* NULL unless v is a string */
    if (string)
        return printable(string, strlen(string));
    if (cJSON_IsNumber(v)) {
        double d = v->valuedouble;
        if (d > -1e15 && d < 1e15 && d == (double)(long long)d)
            snprintf(number, sizeof number, "%lld", (long long)d);
        else
            snprintf(number, sizeof number, "%g", d);
        s = number;
    } else if (cJSON_IsBool(v)) {
        s = cJSON_IsTrue(v) ? "true" : "false";
    } else if (v && !cJSON_IsNull(v)) {
        s = "(?)"; /* an array or object where text was expected */
    }
    return dup_str(s);
}

/* Columns on a terminal: UTF-8 continuation bytes take none. */
static size_t width(const char *s) {
    size_t w = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xc0) != 0x80)
            w++;
    return w;
}

typedef struct {
    int out_of_memory;
} printer;

/* Prints s (freed here) left-aligned in `columns` columns. */
static void cell(printer *pr, char *s, size_t columns) {
    if (!s) {
        pr->out_of_memory = 1;
        return;
    }
    size_t w = width(s);
    fputs(s, stdout);
    for (; w < columns; w++)
        putchar(' ');
    free(s);
}

static void text(printer *pr, const cJSON *v, const char *absent) { cell(pr, show(v, absent), 0); }

/* "opus/48000/2", "VP8/90000" */
static char *codec_label(const cJSON *codec) {
    char *name = show(member(codec, "name"), "?");
    char *clock = show(member(codec, "clock_rate"), "?");
    const cJSON *ch = member(codec, "channels");
    char *channels = ch && !cJSON_IsNull(ch) ? show(ch, "") : NULL;
    char *label = NULL;
    if (name && clock && (channels || !ch || cJSON_IsNull(ch))) {
        size_t n = strlen(name) + strlen(clock) + (channels ? strlen(channels) + 1 : 0) + 2;
        label = malloc(n);
        if (label)
            snprintf(label, n, "%s/%s%s%s", name, clock, channels ? "/" : "", channels ? channels : "");
    }
    free(name);
    free(clock);
    free(channels);
    return label;
}

static size_t shown_width(const cJSON *v, const char *absent, int *oom) {
    char *s = show(v, absent);
    if (!s) {
        *oom = 1;
        return 0;
    }
    size_t w = width(s);
    free(s);
    return w;
}

/* accepted: "accepted" and the detail; refused: "refused" and the reason.
 * A reason that ends with the refused m-line's reason (m_reason, NULL when
 * the m-line was accepted) is cut short rather than repeated on each row. */
static void verdict(printer *pr, const cJSON *entry, const cJSON *detail, const char *m_reason) {
    if (cJSON_IsTrue(member(entry, "accepted"))) {
        fputs("accepted", stdout);
        const char *d = cJSON_GetStringValue(detail);
        if (d && *d) {
            fputs("  ", stdout);
            text(pr, detail, "");
        }
        putchar('\n');
        return;
    }
    fputs("refused:  ", stdout);
    const cJSON *reason = member(entry, "reason");
    const char *r = cJSON_GetStringValue(reason);
    size_t r_len = r ? strlen(r) : 0, m_len = m_reason ? strlen(m_reason) : 0;
    if (r && m_len > 0 && r_len > m_len && memcmp(r + r_len - m_len, m_reason, m_len) == 0) {
        /* "the m-line was rejected: <the m-line's reason>" */
        size_t n = r_len - m_len;
        while (n > 0 && (r[n - 1] == ' ' || r[n - 1] == ':'))
            n--;
        cell(pr, printable(r, n), 0);
        fputs(" (see above)", stdout);
    } else {
        text(pr, reason, "(no reason given)");
    }
    putchar('\n');
}

static void print_codecs(printer *pr, const cJSON *codecs, const char *m_reason) {
    size_t pt_w = 2, label_w = 5;
    const cJSON *c;
    cJSON_ArrayForEach(c, array(codecs)) {
        size_t w = shown_width(member(c, "pt"), "?", &pr->out_of_memory);
        if (w > pt_w)
            pt_w = w;
        char *label = codec_label(c);
        if (!label) {
            pr->out_of_memory = 1;
            return;
        }
        if (width(label) > label_w)
            label_w = width(label);
        free(label);
    }
    printf("  codecs (%d offered):\n", count(codecs));
    cJSON_ArrayForEach(c, array(codecs)) {
        char *pt = show(member(c, "pt"), "?");
        fputs("    ", stdout);
        if (pt)
            for (size_t w = width(pt); w < pt_w; w++)
                putchar(' '); /* payload types right-aligned */
        cell(pr, pt, 0);
        fputs("  ", stdout);
        cell(pr, codec_label(c), label_w + 2);
        verdict(pr, c, member(c, "fmtp"), m_reason);
    }
}

static void print_extensions(printer *pr, const cJSON *extensions, const char *m_reason) {
    size_t id_w = 2, uri_w = 3;
    const cJSON *e;
    cJSON_ArrayForEach(e, array(extensions)) {
        size_t w = shown_width(member(e, "id"), "?", &pr->out_of_memory);
        if (w > id_w)
            id_w = w;
        w = shown_width(member(e, "uri"), "?", &pr->out_of_memory);
        if (w > uri_w)
            uri_w = w;
    }
    printf("  extensions (%d offered):\n", count(extensions));
    cJSON_ArrayForEach(e, array(extensions)) {
        char *id = show(member(e, "id"), "?");
        fputs("    ", stdout);
        if (id)
            for (size_t w = width(id); w < id_w; w++)
                putchar(' ');
        cell(pr, id, 0);
        fputs("  ", stdout);
        cell(pr, show(member(e, "uri"), "?"), uri_w + 2);
        verdict(pr, e, NULL, m_reason);
    }
}

static void print_m_line(printer *pr, const cJSON *m) {
    const cJSON *kind = member(m, "kind");
    fputs("m-line ", stdout);
    text(pr, member(m, "index"), "?");
    fputs(": ", stdout);
    text(pr, kind, "?");
    fputs(", mid ", stdout);
    text(pr, member(m, "mid"), "(none)");
    fputs(", ", stdout);
    text(pr, member(m, "protocol"), "?");
    fputs(": ", stdout);
    int accepted = cJSON_IsTrue(member(m, "accepted"));
    if (accepted) {
        fputs("accepted\n", stdout);
    } else {
        fputs("REFUSED: ", stdout);
        text(pr, member(m, "reason"), "(no reason given)");
        putchar('\n');
    }

    const cJSON *dir = member(m, "direction");
    fputs("  direction:  offered ", stdout);
    text(pr, member(dir, "offered"), "none");
    fputs(", local ", stdout);
    text(pr, member(dir, "local"), "none");
    fputs(", answered ", stdout);
    text(pr, member(dir, "answered"), "none");
    putchar('\n');

    fputs("  bundle:     ", stdout);
    text(pr, member(m, "bundle"), "?");
    const cJSON *index = member(m, "index"), *transport = member(m, "transport_index");
    if (cJSON_IsNumber(transport) && cJSON_IsNumber(index) &&
        transport->valuedouble != index->valuedouble) {
        fputs(" (on the transport of m-line ", stdout);
        text(pr, transport, "?");
        putchar(')');
    }
    putchar('\n');

    const cJSON *rids = member(m, "rids"), *r;
    if (count(rids) > 0) {
        fputs("  rids:      ", stdout);
        int first = 1;
        cJSON_ArrayForEach(r, array(rids)) {
            fputs(first ? " " : ", ", stdout);
            first = 0;
            text(pr, member(r, "rid"), "?");
            if (cJSON_IsTrue(member(r, "accepted"))) {
                fputs(" accepted", stdout);
            } else {
                fputs(" refused (", stdout);
                text(pr, member(r, "reason"), "no reason given");
                putchar(')');
            }
        }
        putchar('\n');
    }

    /* Codecs and extensions are an RTP m-line's business; an empty list on
     * an audio or video m-line is worth saying. */
    const char *k = cJSON_GetStringValue(kind);
    int rtp = k && (strcmp(k, "audio") == 0 || strcmp(k, "video") == 0);
    const cJSON *codecs = member(m, "codecs"), *extensions = member(m, "extensions");
    const char *m_reason = accepted ? NULL : cJSON_GetStringValue(member(m, "reason"));
    if (rtp || count(codecs) > 0)
        print_codecs(pr, codecs, m_reason);
    if (rtp || count(extensions) > 0)
        print_extensions(pr, extensions, m_reason);
}

/* Returns 0, or -1 when the report lacks what a table needs. */
static int print_table(const cJSON *report, printer *pr) {
    const cJSON *m_lines = array(member(report, "m_lines"));
    if (!m_lines)
        return -1;
    const cJSON *role = member(report, "dtls_role");
    const char *role_s = cJSON_GetStringValue(role);
    fputs("Negotiation report\n", stdout);
    fputs("DTLS role:     ", stdout);
    text(pr, role, "?");
    if (role_s)
        fputs(strcmp(role_s, "client") == 0   ? " (a=setup:active)"
              : strcmp(role_s, "server") == 0 ? " (a=setup:passive)"
                                              : "",
              stdout);
    putchar('\n');
    const cJSON *groups = member(report, "bundle_groups"), *group, *mid, *m;
    fputs("BUNDLE groups:", stdout);
    if (count(groups) == 0)
        fputs(" none", stdout);
    int g = 0;
    cJSON_ArrayForEach(group, array(groups)) {
        fputs(g++ ? ", [" : " [", stdout);
        int i = 0;
        cJSON_ArrayForEach(mid, array(group)) {
            if (i++)
                putchar(' ');
            text(pr, mid, "?");
        }
        putchar(']');
    }
    printf("\nm-lines:       %d offered\n", cJSON_GetArraySize(m_lines));
    cJSON_ArrayForEach(m, m_lines) {
        putchar('\n');
        print_m_line(pr, m);
    }
    return 0;
}

#ifndef RTCPC_EXPLAIN_SELF_TEST

/* ------------------------------------------------------------------------ */
/* Answering, as rtcpc-answer does, and the report.                         */
/* ------------------------------------------------------------------------ */

/* on_failure of every call: prints "error: <DOMException name>: <message>".
 * rtcpc calls it, or on_success, before the call returns. */
static void on_failure(const rtc_error *error, void *user_data) {
    (void)user_data;
    print_error(error);
}

/* on_success of createAnswer: the answer, copied into *user_data (a char *):
 * the description handed to a callback dies with it. */
static void on_answer(const rtc_session_description *description, void *user_data) {
    *(char **)user_data = dup_str(description->sdp);
}

/* setRemoteDescription(offer), a track for every transceiver the offer made
 * (one per offered audio or video m-line: counted first, since a track with
 * no free transceiver would add one), createAnswer, setLocalDescription.
 * Returns the answer (malloc'd), or NULL after saying why on stderr. */
static char *answer_offer(rtc_pc *pc, const char *offer) {
    rtc_session_description remote = {RTC_SDP_TYPE_OFFER, offer};
    if (rtc_pc_set_remote_description(pc, &remote, NULL, on_failure, NULL) != RTC_OK)
        return NULL;

    rtc_error_code rc = RTC_OK;
    size_t n = rtc_pc_transceiver_count(pc), i;
    for (i = 0; i < n && rc == RTC_OK; i++) {
        char track_id[32];
        rtc_media_kind kind;
        snprintf(track_id, sizeof track_id, "track-%zu", i);
        rc = rtc_pc_transceiver_kind(pc, i, &kind);
        if (rc == RTC_OK)
            rc = rtc_pc_add_track(pc, kind, track_id, "stream-0");
    }
    if (rc != RTC_OK) {
        fprintf(stderr, "error: %s: a track for transceiver %zu failed\n", rtc_error_name(rc), i - 1);
        return NULL;
    }

    char *answer = NULL; /* options NULL: the defaults */
    rc = rtc_pc_create_answer(pc, on_answer, on_failure, NULL, &answer);
    if (rc == RTC_OK && !answer)
        fprintf(stderr, "error: OperationError: out of memory for the answer\n");
    if (!answer)
        return NULL;
    rtc_session_description local = {RTC_SDP_TYPE_ANSWER, answer};
    if (rtc_pc_set_local_description(pc, &local, NULL, on_failure, NULL) != RTC_OK) {
        free(answer);
        return NULL;
    }
    return answer;
}

/* The report of the last answer, sized with the snprintf contract: ask for
 * the length with capacity 0, then fetch it into a buffer one byte longer. */
static char *fetch_report(const rtc_pc *pc, size_t *len_out) {
    size_t len = rtc_pc_negotiation_report(pc, NULL, 0);
    for (int attempt = 0; len > 0 && attempt < 3; attempt++) {
        char *buf = malloc(len + 1);
        if (!buf) {
            fprintf(stderr, "error: OperationError: out of memory for a %zu-byte report\n", len);
            return NULL;
        }
        size_t got = rtc_pc_negotiation_report(pc, buf, len + 1);
        if (got == len) {
            if (strlen(buf) != len) {
                fprintf(stderr, "error: InternalError: the negotiation report is %zu bytes long "
                                "but holds a NUL byte at %zu\n", len, strlen(buf));
                free(buf);
                return NULL;
            }
            *len_out = len;
            return buf;
        }
        free(buf); /* it changed between the two calls: size it again */
        len = got;
    }
    fprintf(stderr, "error: InternalError: rtc_pc_negotiation_report gave no report after "
                    "createAnswer\n");
    return NULL;
}

static int usage(void) {
    fprintf(stderr, "usage: rtcpc-explain [--json] [OFFER_FILE|-]\n");
    return 2;
}

int main(int argc, char **argv) {
    int as_json = 0, have_path = 0, options_done = 0;
    const char *offer_path = RTCPC_DEFAULT_OFFER;

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!options_done && strcmp(a, "--json") == 0) {
            as_json = 1;
        } else if (!options_done && (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0)) {
            printf("usage: rtcpc-explain [--json] [OFFER_FILE|-]\n"
                   "Answers the offer (- reads stdin) and prints the answer, an empty line,\n"
                   "and why each m-line, codec and extension was accepted or refused: as a\n"
                   "table, or as the library's JSON report with --json.\n"
                   "Default offer: %s\n",
                   RTCPC_DEFAULT_OFFER);
            return 0;
        } else if (!options_done && strcmp(a, "--") == 0) {
            options_done = 1;
        } else if ((options_done || a[0] != '-' || strcmp(a, "-") == 0) && !have_path) {
            offer_path = a;
            have_path = 1;
        } else {
            return usage(); /* an unknown option, or a second offer */
        }
    }

    int status = 1;
    char *offer = NULL, *answer = NULL, *report = NULL;
    rtc_configuration *config = NULL;
    rtc_pc *pc = NULL;
    cJSON *tree = NULL;
    size_t report_len = 0;

    /* The offer (read_offer says why it failed), a connection with the
     * default configuration (freed at once: the connection keeps a copy),
     * and the answer. */
    offer = read_offer(offer_path);
    if (!offer)
        goto done;
    config = rtc_configuration_new();
    pc = rtc_pc_new(config);
    rtc_configuration_free(config);
    if (!pc) {
        fprintf(stderr, "error: OperationError: rtc_pc_new failed\n");
        goto done;
    }
    answer = answer_offer(pc, offer);
    if (!answer)
        goto done;

    /* Why each m-line, codec and extension was accepted or refused. */
    report = fetch_report(pc, &report_len);
    if (!report)
        goto done;
    if (!as_json) {
        char why[200];
        tree = parse_report(report, report_len, why, sizeof why);
        if (!tree) {
            fprintf(stderr, "error: InternalError: the negotiation report %s\n", why);
            goto done;
        }
    }

    /* Everything is known: only now write to stdout. */
    size_t len = strlen(answer);
    fwrite(answer, 1, len, stdout);
    putchar('\n');
    printer pr = {0};
    if (as_json) {
        fwrite(report, 1, report_len, stdout);
        putchar('\n');
    } else {
        print_table(tree, &pr);
    }
    if (pr.out_of_memory) {
        fflush(stdout);
        fprintf(stderr, "error: OperationError: out of memory while printing the table\n");
        goto done;
    }
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "error: OperationError: writing to stdout failed\n");
        goto done;
    }
    status = 0;

done:
    cJSON_Delete(tree);
    free(report);
    free(answer);
    free(offer);
    rtc_pc_free(pc);
    return status;
}

#else /* RTCPC_EXPLAIN_SELF_TEST: parse_report's and the table's own tests (ctest explain_json_parser) */

/* Failed checks so far. */
static int failures;

static void expect_error(const char *text, size_t len, const char *want) {
    char why[200] = "";
    cJSON *v = parse_report(text, len, why, sizeof why);
    if (v || !strstr(why, want)) {
        fprintf(stderr, "FAIL: %.*s: expected an error containing \"%s\", got %s \"%s\"\n",
                (int)len, text, want, v ? "a report and" : "", why);
        failures++;
    }
    cJSON_Delete(v);
}

static cJSON *parse_ok(const char *text) {
    cJSON *v = cJSON_Parse(text);
    if (!v) {
        fprintf(stderr, "FAIL: cJSON refused %s\n", text);
        failures++;
    }
    return v;
}

/* show(item i of the array `text`) is `want`. */
static void expect_shown(const char *text, int i, const char *want) {
    cJSON *v = parse_ok(text);
    char *s = v ? show(cJSON_GetArrayItem(v, i), "-") : NULL;
    if (v && (!s || strcmp(s, want) != 0)) {
        fprintf(stderr, "FAIL: show(%s[%d]) is \"%s\", want \"%s\"\n", text, i, s ? s : "(null)",
                want);
        failures++;
    }
    free(s);
    cJSON_Delete(v);
}

int main(void) {
    /* parse_report: what it accepts, and every refusal with its reason. */
    const char *good[] = {"{\"m_lines\": []}", " \r\n{\"m_lines\": [{}], \"x\": null}\t\n"};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        char why[200] = "";
        cJSON *v = parse_report(good[i], strlen(good[i]), why, sizeof why);
        if (!v) {
            fprintf(stderr, "FAIL: parse_report refused %s: %s\n", good[i], why);
            failures++;
        }
        cJSON_Delete(v);
    }
    expect_error("", 0, "is not valid JSON");
    expect_error("   ", 3, "is not valid JSON");
    expect_error("{", 1, "is not valid JSON");
    expect_error("{\"m_lines\": [1,]}", 17, "is not valid JSON: cJSON stopped at byte 15");
    expect_error("{\"m_lines\" []}", 14, "is not valid JSON");
    expect_error("{\"m_lines\": [\"a\\x\"]}", 20, "is not valid JSON");
    expect_error("{\"m_lines\": [\"\\ud83d\"]}", 23, "is not valid JSON"); /* lone surrogate */
    expect_error("{\"m_lines\": []} {}", 18, "trailing characters after the JSON value at byte 16");
    expect_error("{\"m_lines\": []}\0", 16, "trailing characters"); /* a NUL after the value */
    expect_error("{\"m_lines\": []", 14, "is not valid JSON"); /* cut short by the length */
    expect_error("[{\"m_lines\": []}]", 17, "has no m_lines array");
    expect_error("{\"m_lines\": {}}", 15, "has no m_lines array");
    expect_error("{\"M_lines\": []}", 15, "has no m_lines array"); /* keys are case-sensitive */
    expect_error("\"m_lines\"", 9, "has no m_lines array");

    /* show(): strings decoded (escapes, surrogate pairs) with control
     * characters as '?', integers without a fraction, null as absent. */
    expect_shown("[\"a\\nb\\u001bc\\u007f\"]", 0, "a?b?c?");
    expect_shown("[\"\\u00e9\\u20AC\\ud83d\\ude00/\\\"\\\\\"]", 0,
                 "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80/\"\\");
    expect_shown("[111, 2.5, -12, 1e3, null, true, false, [], {}]", 0, "111");
    expect_shown("[111, 2.5, -12, 1e3, null, true, false, [], {}]", 1, "2.5");
    expect_shown("[111, 2.5, -12, 1e3, null, true, false, [], {}]", 2, "-12");
    expect_shown("[111, 2.5, -12, 1e3, null, true, false, [], {}]", 3, "1000");
    expect_shown("[111, 2.5, -12, 1e3, null, true, false, [], {}]", 4, "-");
    expect_shown("[111, 2.5, -12, 1e3, null, true, false, [], {}]", 5, "true");
    expect_shown("[111, 2.5, -12, 1e3, null, true, false, [], {}]", 6, "false");
    expect_shown("[111, 2.5, -12, 1e3, null, true, false, [], {}]", 7, "(?)");
    expect_shown("[111, 2.5, -12, 1e3, null, true, false, [], {}]", 8, "(?)");
    expect_shown("[111]", 1, "-"); /* missing */
    if (width("caf\xc3\xa9 \xf0\x9f\x98\x80") != 6) {
        fprintf(stderr, "FAIL: width()\n");
        failures++;
    }

    /* The table survives an odd report: members missing, of the wrong type,
     * m-lines that are not objects, control characters in strings. */
    cJSON *v = parse_ok("{\"dtls_role\": \"server\", \"bundle_groups\": [[\"a\", \"b\"], []],"
                        " \"m_lines\": [{\"index\": 0, \"kind\": \"video\", \"accepted\": false,"
                        " \"reason\": \"why\", \"codecs\": [{\"pt\": 8, \"name\": \"PCMA\","
                        " \"clock_rate\": 8000, \"reason\": \"the m-line was rejected: why\"},"
                        " {\"pt\": 96, \"name\": \"VP8\\u001b[2J\", \"clock_rate\": 90000,"
                        " \"channels\": null, \"accepted\": false}, {\"pt\": [], \"channels\": 2,"
                        " \"accepted\": true, \"fmtp\": 7}], \"extensions\": [{\"id\": \"x\","
                        " \"accepted\": true}, 5], \"rids\": [{\"rid\": \"h\", \"accepted\": false,"
                        " \"reason\": \"r\"}, {}], \"direction\": [], \"transport_index\": 2},"
                        " {}, [], \"text\", {\"kind\": \"application\", \"codecs\": {}}]}");
    if (v) {
        printer pr = {0};
        if (print_table(v, &pr) != 0 || pr.out_of_memory) {
            fprintf(stderr, "FAIL: print_table on an odd report\n");
            failures++;
        }
    }
    cJSON_Delete(v);
    v = parse_ok("[{\"m_lines\": []}]");
    if (v) {
        printer pr = {0};
        if (print_table(v, &pr) != -1) {
            fprintf(stderr, "FAIL: print_table accepted a report that is not an object\n");
            failures++;
        }
    }
    cJSON_Delete(v);
    if (failures) {
        fprintf(stderr, "%d check(s) failed\n", failures);
        return 1;
    }
    printf("report reader and table: all checks passed\n");
    return 0;
}

#endif
