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
 * To draw the table it reads the JSON report with the small parser below
 * (objects, arrays, strings with every escape including \uXXXX surrogate
 * pairs, numbers, true/false/null), so it needs no other library.
 */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rtcpc.h"
#include "example_util.h"

/* ------------------------------------------------------------------------ */
/* A JSON tree.                                                              */
/* ------------------------------------------------------------------------ */

typedef enum { JSON_NULL, JSON_BOOL, JSON_NUMBER, JSON_STRING, JSON_ARRAY, JSON_OBJECT } json_type;

typedef struct json json;

typedef struct {
    char *key; /* decoded, NUL-terminated; may hold a NUL from \u0000 (see key_len) */
    size_t key_len;
    json *value;
} json_member;

struct json {
    json_type type;
    int boolean;
    double number;
    char *string; /* decoded UTF-8, NUL-terminated; may hold a NUL (see length) */
    size_t length;
    json **items; /* JSON_ARRAY */
    json_member *members; /* JSON_OBJECT, in document order */
    size_t count;
};

/* Deeper nesting is refused, so that a hostile input cannot exhaust the stack. */
#define JSON_MAX_DEPTH 64

typedef struct {
    const char *text;
    size_t len;
    size_t pos;
    int depth;
    char error[160]; /* empty while there is none */
} json_parser;

static void json_free(json *v) {
    if (!v)
        return;
    free(v->string);
    for (size_t i = 0; v->items && i < v->count; i++)
        json_free(v->items[i]);
    free(v->items);
    for (size_t i = 0; v->members && i < v->count; i++) {
        free(v->members[i].key);
        json_free(v->members[i].value);
    }
    free(v->members);
    free(v);
}

static void json_fail(json_parser *p, const char *fmt, ...) {
    if (p->error[0])
        return; /* keep the first error */
    char what[120];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    snprintf(p->error, sizeof p->error, "%s at byte %zu", what, p->pos);
}

static json *json_new(json_parser *p, json_type type) {
    json *v = calloc(1, sizeof *v);
    if (!v)
        json_fail(p, "out of memory");
    else
        v->type = type;
    return v;
}

static void skip_space(json_parser *p) {
    while (p->pos < p->len) {
        char c = p->text[p->pos];
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
            break;
        p->pos++;
    }
}

/* The whole input must be UTF-8 (RFC 8259 section 8.1): no overlong forms,
 * no surrogates, nothing above U+10FFFF. Returns the offset of the first bad
 * byte, or len when it is all valid. */
static size_t utf8_invalid_at(const unsigned char *s, size_t len) {
    size_t i = 0;
    while (i < len) {
        unsigned char c = s[i];
        size_t n;
        unsigned long cp;
        if (c < 0x80) {
            i++;
            continue;
        } else if (c >= 0xc2 && c <= 0xdf) {
            n = 1;
            cp = c & 0x1f;
        } else if (c >= 0xe0 && c <= 0xef) {
            n = 2;
            cp = c & 0x0f;
        } else if (c >= 0xf0 && c <= 0xf4) {
            n = 3;
            cp = c & 0x07;
        } else {
            return i;
        }
        if (len - i <= n)
            return i;
        for (size_t k = 1; k <= n; k++) {
            if ((s[i + k] & 0xc0) != 0x80)
                return i;
            cp = (cp << 6) | (s[i + k] & 0x3f);
        }
        if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10ffff ||
            (cp >= 0xd800 && cp <= 0xdfff))
            return i;
        i += n + 1;
    }
    return len;
}

static int hex4(const char *s, unsigned long *out) {
    unsigned long v = 0;
    for (int i = 0; i < 4; i++) {
        char c = s[i];
        v <<= 4;
        if (c >= '0' && c <= '9')
            v |= (unsigned long)(c - '0');
        else if (c >= 'a' && c <= 'f')
            v |= (unsigned long)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            v |= (unsigned long)(c - 'A' + 10);
        else
            return 0;
    }
    *out = v;
    return 1;
}

static size_t put_utf8(char *out, unsigned long cp) {
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    } else if (cp < 0x800) {
        out[0] = (char)(0xc0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    } else if (cp < 0x10000) {
        out[0] = (char)(0xe0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        out[2] = (char)(0x80 | (cp & 0x3f));
        return 3;
    }
    out[0] = (char)(0xf0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
    out[3] = (char)(0x80 | (cp & 0x3f));
    return 4;
}

/* Parses a string at p->pos (on the opening quote) into a new NUL-terminated
 * buffer; *len_out gets its length. NULL on error. */
static char *parse_string_raw(json_parser *p, size_t *len_out) {
    p->pos++; /* the opening quote */
    /* The decoded string is never longer than its source: find the end first. */
    size_t end = p->pos;
    while (end < p->len && p->text[end] != '"') {
        if (p->text[end] == '\\')
            end++;
        end++;
    }
    if (end >= p->len) {
        json_fail(p, "unterminated string");
        return NULL;
    }
    char *out = malloc(end - p->pos + 1);
    if (!out) {
        json_fail(p, "out of memory");
        return NULL;
    }
    size_t n = 0;
    while (p->pos < end) {
        unsigned char c = (unsigned char)p->text[p->pos];
        if (c < 0x20) {
            json_fail(p, "control character 0x%02x in a string", c);
            free(out);
            return NULL;
        }
        if (c != '\\') {
            out[n++] = (char)c;
            p->pos++;
            continue;
        }
        char e = p->text[p->pos + 1]; /* exists: end is past a backslash's partner */
        switch (e) {
        case '"': out[n++] = '"'; break;
        case '\\': out[n++] = '\\'; break;
        case '/': out[n++] = '/'; break;
        case 'b': out[n++] = '\b'; break;
        case 'f': out[n++] = '\f'; break;
        case 'n': out[n++] = '\n'; break;
        case 'r': out[n++] = '\r'; break;
        case 't': out[n++] = '\t'; break;
        case 'u': {
            unsigned long cp, low;
            if (end - p->pos < 6 || !hex4(p->text + p->pos + 2, &cp)) {
                json_fail(p, "bad \\u escape");
                free(out);
                return NULL;
            }
            if (cp >= 0xdc00 && cp <= 0xdfff) {
                json_fail(p, "lone low surrogate \\u%04lx", cp);
                free(out);
                return NULL;
            }
            if (cp >= 0xd800 && cp <= 0xdbff) {
                /* A high surrogate must be followed by an escaped low one. */
                if (end - p->pos < 12 || p->text[p->pos + 6] != '\\' ||
                    p->text[p->pos + 7] != 'u' || !hex4(p->text + p->pos + 8, &low) ||
                    low < 0xdc00 || low > 0xdfff) {
                    json_fail(p, "high surrogate \\u%04lx without a low one", cp);
                    free(out);
                    return NULL;
                }
                cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
                p->pos += 6;
            }
            n += put_utf8(out + n, cp);
            p->pos += 4; /* the hex digits; the 2 of "\u" below */
            break;
        }
        default:
            json_fail(p, "bad escape \\%c", (e >= 0x20 && e < 0x7f) ? e : '?');
            free(out);
            return NULL;
        }
        p->pos += 2;
    }
    p->pos++; /* the closing quote */
    out[n] = '\0';
    *len_out = n;
    return out;
}

/* RFC 8259 number grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static json *parse_number(json_parser *p) {
    size_t start = p->pos, i = p->pos;
#define DIGIT(k) ((k) < p->len && p->text[k] >= '0' && p->text[k] <= '9')
    if (i < p->len && p->text[i] == '-')
        i++;
    if (i < p->len && p->text[i] == '0')
        i++;
    else if (DIGIT(i))
        while (DIGIT(i))
            i++;
    else {
        json_fail(p, "bad number");
        return NULL;
    }
    if (i < p->len && p->text[i] == '.') {
        i++;
        if (!DIGIT(i)) {
            p->pos = i;
            json_fail(p, "bad number: no digit after '.'");
            return NULL;
        }
        while (DIGIT(i))
            i++;
    }
    if (i < p->len && (p->text[i] == 'e' || p->text[i] == 'E')) {
        i++;
        if (i < p->len && (p->text[i] == '+' || p->text[i] == '-'))
            i++;
        if (!DIGIT(i)) {
            p->pos = i;
            json_fail(p, "bad number: no digit in the exponent");
            return NULL;
        }
        while (DIGIT(i))
            i++;
    }
#undef DIGIT
    /* strtod needs a terminated copy: the text goes on after the number. */
    char *copy = malloc(i - start + 1);
    json *v = copy ? json_new(p, JSON_NUMBER) : NULL;
    if (!copy)
        json_fail(p, "out of memory");
    if (v) {
        memcpy(copy, p->text + start, i - start);
        copy[i - start] = '\0';
        v->number = strtod(copy, NULL);
    }
    free(copy);
    p->pos = i;
    return v;
}

static json *parse_value(json_parser *p);

static json *parse_array(json_parser *p) {
    json *v = json_new(p, JSON_ARRAY);
    if (!v)
        return NULL;
    size_t cap = 0;
    p->pos++; /* '[' */
    skip_space(p);
    if (p->pos < p->len && p->text[p->pos] == ']') {
        p->pos++;
        return v;
    }
    for (;;) {
        json *item = parse_value(p);
        if (!item)
            goto fail;
        if (v->count == cap) {
            size_t bigger = cap ? cap * 2 : 8;
            json **items = realloc(v->items, bigger * sizeof *items);
            if (!items) {
                json_free(item);
                json_fail(p, "out of memory");
                goto fail;
            }
            v->items = items;
            cap = bigger;
        }
        v->items[v->count++] = item;
        skip_space(p);
        if (p->pos < p->len && p->text[p->pos] == ',') {
            p->pos++;
            continue;
        }
        if (p->pos < p->len && p->text[p->pos] == ']') {
            p->pos++;
            return v;
        }
        json_fail(p, "expected ',' or ']' in an array");
        goto fail;
    }
fail:
    json_free(v);
    return NULL;
}

static json *parse_object(json_parser *p) {
    json *v = json_new(p, JSON_OBJECT);
    if (!v)
        return NULL;
    size_t cap = 0;
    p->pos++; /* '{' */
    skip_space(p);
    if (p->pos < p->len && p->text[p->pos] == '}') {
        p->pos++;
        return v;
    }
    for (;;) {
        skip_space(p);
        if (p->pos >= p->len || p->text[p->pos] != '"') {
            json_fail(p, "expected a string key in an object");
            goto fail;
        }
        size_t key_len;
        char *key = parse_string_raw(p, &key_len);
        if (!key)
            goto fail;
        skip_space(p);
        if (p->pos >= p->len || p->text[p->pos] != ':') {
            free(key);
            json_fail(p, "expected ':' after an object key");
            goto fail;
        }
        p->pos++;
        json *value = parse_value(p);
        if (!value) {
            free(key);
            goto fail;
        }
        if (v->count == cap) {
            size_t bigger = cap ? cap * 2 : 8;
            json_member *members = realloc(v->members, bigger * sizeof *members);
            if (!members) {
                free(key);
                json_free(value);
                json_fail(p, "out of memory");
                goto fail;
            }
            v->members = members;
            cap = bigger;
        }
        v->members[v->count].key = key;
        v->members[v->count].key_len = key_len;
        v->members[v->count].value = value;
        v->count++;
        skip_space(p);
        if (p->pos < p->len && p->text[p->pos] == ',') {
            p->pos++;
            continue;
        }
        if (p->pos < p->len && p->text[p->pos] == '}') {
            p->pos++;
            return v;
        }
        json_fail(p, "expected ',' or '}' in an object");
        goto fail;
    }
fail:
    json_free(v);
    return NULL;
}

static int match_word(json_parser *p, const char *word) {
    size_t n = strlen(word);
    if (p->len - p->pos >= n && memcmp(p->text + p->pos, word, n) == 0) {
        p->pos += n;
        return 1;
    }
    return 0;
}

static json *parse_value(json_parser *p) {
    skip_space(p);
    if (p->pos >= p->len) {
        json_fail(p, "unexpected end of input");
        return NULL;
    }
    if (p->depth >= JSON_MAX_DEPTH) {
        json_fail(p, "nested deeper than %d", JSON_MAX_DEPTH);
        return NULL;
    }
    json *v = NULL;
    char c = p->text[p->pos];
    p->depth++;
    if (c == '{') {
        v = parse_object(p);
    } else if (c == '[') {
        v = parse_array(p);
    } else if (c == '"') {
        size_t len;
        char *s = parse_string_raw(p, &len);
        if (s && (v = json_new(p, JSON_STRING)) != NULL) {
            v->string = s;
            v->length = len;
        } else {
            free(s);
        }
    } else if (c == '-' || (c >= '0' && c <= '9')) {
        v = parse_number(p);
    } else if (match_word(p, "true")) {
        if ((v = json_new(p, JSON_BOOL)) != NULL)
            v->boolean = 1;
    } else if (match_word(p, "false")) {
        v = json_new(p, JSON_BOOL);
    } else if (match_word(p, "null")) {
        v = json_new(p, JSON_NULL);
    } else {
        json_fail(p, "unexpected character '%c'", (c >= 0x20 && c < 0x7f) ? c : '?');
    }
    p->depth--;
    return v;
}

/* Parses a whole document; NULL with a message in error (of error_size) on failure. */
static json *json_parse(const char *text, size_t len, char *error, size_t error_size) {
    json_parser p = {text, len, 0, 0, ""};
    size_t bad = utf8_invalid_at((const unsigned char *)text, len);
    if (bad < len) {
        snprintf(error, error_size, "invalid UTF-8 at byte %zu", bad);
        return NULL;
    }
    json *v = parse_value(&p);
    if (v) {
        skip_space(&p);
        if (p.pos < p.len) {
            json_fail(&p, "trailing characters after the JSON value");
            json_free(v);
            v = NULL;
        }
    }
    if (!v)
        snprintf(error, error_size, "%s", p.error[0] ? p.error : "parse error");
    return v;
}

/* Member `key` of an object, or NULL (also when v is not an object). */
static const json *json_get(const json *v, const char *key) {
    if (!v || v->type != JSON_OBJECT)
        return NULL;
    size_t n = strlen(key);
    for (size_t i = 0; i < v->count; i++)
        if (v->members[i].key_len == n && memcmp(v->members[i].key, key, n) == 0)
            return v->members[i].value;
    return NULL;
}

static const json *json_at(const json *v, size_t i) {
    return v && v->type == JSON_ARRAY && i < v->count ? v->items[i] : NULL;
}

static size_t json_len(const json *v) {
    return v && (v->type == JSON_ARRAY || v->type == JSON_OBJECT) ? v->count : 0;
}

static int json_is_true(const json *v) { return v && v->type == JSON_BOOL && v->boolean; }

/* ------------------------------------------------------------------------ */
/* The table.                                                               */
/* ------------------------------------------------------------------------ */

/* Text as it will be shown: a string's value (control characters, which
 * would garble the terminal, become '?'), a number, or `absent` for null or
 * a missing member. Returns a new string (NULL only when out of memory). */
static char *show(const json *v, const char *absent) {
    char number[64];
    const char *s = absent;
    if (v && v->type == JSON_STRING) {
        char *out = malloc(v->length + 1);
        if (!out)
            return NULL;
        for (size_t i = 0; i < v->length; i++) {
            unsigned char c = (unsigned char)v->string[i];
            out[i] = (char)(c < 0x20 || c == 0x7f ? '?' : c);
        }
        out[v->length] = '\0';
        return out;
    }
    if (v && v->type == JSON_NUMBER) {
        double d = v->number;
        if (d > -1e15 && d < 1e15 && d == (double)(long long)d)
            snprintf(number, sizeof number, "%lld", (long long)d);
        else
            snprintf(number, sizeof number, "%g", d);
        s = number;
    } else if (v && v->type == JSON_BOOL) {
        s = v->boolean ? "true" : "false";
    } else if (v && v->type != JSON_NULL) {
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

static void text(printer *pr, const json *v, const char *absent) { cell(pr, show(v, absent), 0); }

/* "opus/48000/2", "VP8/90000" */
static char *codec_label(const json *codec) {
    char *name = show(json_get(codec, "name"), "?");
    char *clock = show(json_get(codec, "clock_rate"), "?");
    const json *ch = json_get(codec, "channels");
    char *channels = ch && ch->type != JSON_NULL ? show(ch, "") : NULL;
    char *label = NULL;
    if (name && clock && (channels || !ch || ch->type == JSON_NULL)) {
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

static size_t shown_width(const json *v, const char *absent, int *oom) {
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
static void verdict(printer *pr, const json *entry, const json *detail, const json *m_reason) {
    if (json_is_true(json_get(entry, "accepted"))) {
        fputs("accepted", stdout);
        if (detail && detail->type == JSON_STRING && detail->length > 0) {
            fputs("  ", stdout);
            text(pr, detail, "");
        }
        putchar('\n');
        return;
    }
    fputs("refused:  ", stdout);
    const json *reason = json_get(entry, "reason");
    if (reason && reason->type == JSON_STRING && m_reason && m_reason->type == JSON_STRING &&
        m_reason->length > 0 && reason->length > m_reason->length &&
        memcmp(reason->string + reason->length - m_reason->length, m_reason->string,
               m_reason->length) == 0) {
        /* "the m-line was rejected: <the m-line's reason>" */
        json prefix = *reason;
        prefix.length -= m_reason->length;
        while (prefix.length > 0 && (prefix.string[prefix.length - 1] == ' ' ||
                                     prefix.string[prefix.length - 1] == ':'))
            prefix.length--;
        text(pr, &prefix, "");
        fputs(" (see above)", stdout);
    } else {
        text(pr, reason, "(no reason given)");
    }
    putchar('\n');
}

static void print_codecs(printer *pr, const json *codecs, const json *m_reason) {
    size_t n = json_len(codecs), pt_w = 2, label_w = 5;
    for (size_t i = 0; i < n; i++) {
        const json *c = json_at(codecs, i);
        size_t w = shown_width(json_get(c, "pt"), "?", &pr->out_of_memory);
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
    printf("  codecs (%zu offered):\n", n);
    for (size_t i = 0; i < n; i++) {
        const json *c = json_at(codecs, i);
        char *pt = show(json_get(c, "pt"), "?");
        fputs("    ", stdout);
        if (pt)
            for (size_t w = width(pt); w < pt_w; w++)
                putchar(' '); /* payload types right-aligned */
        cell(pr, pt, 0);
        fputs("  ", stdout);
        cell(pr, codec_label(c), label_w + 2);
        verdict(pr, c, json_get(c, "fmtp"), m_reason);
    }
}

static void print_extensions(printer *pr, const json *extensions, const json *m_reason) {
    size_t n = json_len(extensions), id_w = 2, uri_w = 3;
    for (size_t i = 0; i < n; i++) {
        const json *e = json_at(extensions, i);
        size_t w = shown_width(json_get(e, "id"), "?", &pr->out_of_memory);
        if (w > id_w)
            id_w = w;
        w = shown_width(json_get(e, "uri"), "?", &pr->out_of_memory);
        if (w > uri_w)
            uri_w = w;
    }
    printf("  extensions (%zu offered):\n", n);
    for (size_t i = 0; i < n; i++) {
        const json *e = json_at(extensions, i);
        char *id = show(json_get(e, "id"), "?");
        fputs("    ", stdout);
        if (id)
            for (size_t w = width(id); w < id_w; w++)
                putchar(' ');
        cell(pr, id, 0);
        fputs("  ", stdout);
        cell(pr, show(json_get(e, "uri"), "?"), uri_w + 2);
        verdict(pr, e, NULL, m_reason);
    }
}

static void print_m_line(printer *pr, const json *m) {
    const json *kind = json_get(m, "kind");
    fputs("m-line ", stdout);
    text(pr, json_get(m, "index"), "?");
    fputs(": ", stdout);
    text(pr, kind, "?");
    fputs(", mid ", stdout);
    text(pr, json_get(m, "mid"), "(none)");
    fputs(", ", stdout);
    text(pr, json_get(m, "protocol"), "?");
    fputs(": ", stdout);
    if (json_is_true(json_get(m, "accepted"))) {
        fputs("accepted\n", stdout);
    } else {
        fputs("REFUSED: ", stdout);
        text(pr, json_get(m, "reason"), "(no reason given)");
        putchar('\n');
    }

    const json *dir = json_get(m, "direction");
    fputs("  direction:  offered ", stdout);
    text(pr, json_get(dir, "offered"), "none");
    fputs(", local ", stdout);
    text(pr, json_get(dir, "local"), "none");
    fputs(", answered ", stdout);
    text(pr, json_get(dir, "answered"), "none");
    putchar('\n');

    fputs("  bundle:     ", stdout);
    text(pr, json_get(m, "bundle"), "?");
    const json *index = json_get(m, "index"), *transport = json_get(m, "transport_index");
    if (transport && transport->type == JSON_NUMBER && index && index->type == JSON_NUMBER &&
        transport->number != index->number) {
        fputs(" (on the transport of m-line ", stdout);
        text(pr, transport, "?");
        putchar(')');
    }
    putchar('\n');

    const json *rids = json_get(m, "rids");
    if (json_len(rids) > 0) {
        fputs("  rids:      ", stdout);
        for (size_t i = 0; i < json_len(rids); i++) {
            const json *r = json_at(rids, i);
            fputs(i ? ", " : " ", stdout);
            text(pr, json_get(r, "rid"), "?");
            if (json_is_true(json_get(r, "accepted"))) {
                fputs(" accepted", stdout);
            } else {
                fputs(" refused (", stdout);
                text(pr, json_get(r, "reason"), "no reason given");
                putchar(')');
            }
        }
        putchar('\n');
    }

    /* Codecs and extensions are an RTP m-line's business; an empty list on
     * an audio or video m-line is worth saying. */
    int rtp = kind && kind->type == JSON_STRING &&
              (strcmp(kind->string, "audio") == 0 || strcmp(kind->string, "video") == 0);
    const json *codecs = json_get(m, "codecs"), *extensions = json_get(m, "extensions");
    const json *m_reason = json_is_true(json_get(m, "accepted")) ? NULL : json_get(m, "reason");
    if (rtp || json_len(codecs) > 0)
        print_codecs(pr, codecs, m_reason);
    if (rtp || json_len(extensions) > 0)
        print_extensions(pr, extensions, m_reason);
}

/* Returns 0, or -1 when the report lacks what a table needs. */
static int print_table(const json *report, printer *pr) {
    const json *m_lines = json_get(report, "m_lines");
    if (!m_lines || m_lines->type != JSON_ARRAY)
        return -1;
    const json *role = json_get(report, "dtls_role");
    fputs("Negotiation report\n", stdout);
    fputs("DTLS role:     ", stdout);
    text(pr, role, "?");
    if (role && role->type == JSON_STRING)
        fputs(strcmp(role->string, "client") == 0   ? " (a=setup:active)"
              : strcmp(role->string, "server") == 0 ? " (a=setup:passive)"
                                                     : "",
              stdout);
    putchar('\n');
    const json *groups = json_get(report, "bundle_groups");
    fputs("BUNDLE groups:", stdout);
    if (json_len(groups) == 0)
        fputs(" none", stdout);
    for (size_t g = 0; g < json_len(groups); g++) {
        const json *group = json_at(groups, g);
        fputs(g ? ", [" : " [", stdout);
        for (size_t i = 0; i < json_len(group); i++) {
            if (i)
                putchar(' ');
            text(pr, json_at(group, i), "?");
        }
        putchar(']');
    }
    printf("\nm-lines:       %zu offered\n", m_lines->count);
    for (size_t i = 0; i < m_lines->count; i++) {
        putchar('\n');
        print_m_line(pr, m_lines->items[i]);
    }
    return 0;
}

#ifndef RTCPC_EXPLAIN_SELF_TEST

/* ------------------------------------------------------------------------ */
/* Answering, as rtcpc-answer does (example_util.h), and the report.        */
/* ------------------------------------------------------------------------ */

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
    answerer a = {0};
    char *report = NULL;
    json *tree = NULL;
    size_t report_len = 0;
    /* A track for every transceiver the offer made, as rtcpc-answer does. */
    if (!answerer_start(&a, offer_path) || !answerer_answer(&a, 1, NULL))
        goto done;

    report = fetch_report(a.pc, &report_len);
    if (!report)
        goto done;
    if (!as_json) {
        char why[200];
        tree = json_parse(report, report_len, why, sizeof why);
        if (!tree) {
            fprintf(stderr, "error: InternalError: the negotiation report is not valid JSON: %s\n",
                    why);
            goto done;
        }
        const json *m_lines = json_get(tree, "m_lines");
        if (!m_lines || m_lines->type != JSON_ARRAY) {
            fprintf(stderr, "error: InternalError: the negotiation report has no m_lines array\n");
            goto done;
        }
    }

    /* Everything is known: only now write to stdout. */
    size_t len = strlen(a.answer);
    fwrite(a.answer, 1, len, stdout);
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
    json_free(tree);
    free(report);
    answerer_free(&a);
    return status;
}

#else /* RTCPC_EXPLAIN_SELF_TEST: the JSON parser's own tests (ctest explain_json_parser) */

/* Failed checks are counted in example_util.h's `failures`. */

static void expect_error(const char *text, size_t len, const char *want) {
    char why[200] = "";
    json *v = json_parse(text, len, why, sizeof why);
    if (v || !strstr(why, want)) {
        fprintf(stderr, "FAIL: %.*s: expected an error containing \"%s\", got %s \"%s\"\n",
                (int)len, text, want, v ? "a value and" : "", why);
        failures++;
    }
    json_free(v);
}

static json *parse_ok(const char *text) {
    char why[200] = "";
    json *v = json_parse(text, strlen(text), why, sizeof why);
    if (!v) {
        fprintf(stderr, "FAIL: %s: %s\n", text, why);
        failures++;
    }
    return v;
}

static void expect_string(const char *text, const char *want, size_t want_len) {
    json *v = parse_ok(text);
    if (v && (v->type != JSON_STRING || v->length != want_len ||
              memcmp(v->string, want, want_len) != 0 || v->string[want_len] != '\0')) {
        fprintf(stderr, "FAIL: %s: wrong string (length %zu)\n", text, v->length);
        failures++;
    }
    json_free(v);
}

static void expect_number(const char *text, double want) {
    json *v = parse_ok(text);
    if (v && (v->type != JSON_NUMBER || v->number != want)) {
        fprintf(stderr, "FAIL: %s: expected %g\n", text, want);
        failures++;
    }
    json_free(v);
}

int main(void) {
    /* Strings: every escape, \u in BMP and as a surrogate pair, raw UTF-8, \u0000. */
    expect_string("\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\"", "a\"b\\c/d\b\f\n\r\t", 12);
    expect_string("\"\\u0041\\u00e9\\u20AC\"", "A\xc3\xa9\xe2\x82\xac", 6);
    expect_string("\"\\ud83d\\ude00\"", "\xf0\x9f\x98\x80", 4);
    expect_string("\"caf\xc3\xa9\"", "caf\xc3\xa9", 5);
    expect_string("\"x\\u0000y\"", "x\0y", 3);
    expect_string("\"\"", "", 0);
    /* Numbers. */
    expect_number("0", 0);
    expect_number("-12", -12);
    expect_number("3.25", 3.25);
    expect_number("1e3", 1000);
    expect_number("-2.5E-1", -0.25);
    expect_number(" 48000 ", 48000);
    /* Structure, order of members, lookups. */
    json *v = parse_ok("{\"a\": [1, true, false, null, {\"b\": \"c\"}], \"d\": {}, \"e\": []}");
    if (v) {
        const json *a = json_get(v, "a");
        int ok = v->type == JSON_OBJECT && v->count == 3 && strcmp(v->members[0].key, "a") == 0 &&
                 strcmp(v->members[2].key, "e") == 0 && json_len(a) == 5 &&
                 json_at(a, 0)->type == JSON_NUMBER && json_is_true(json_at(a, 1)) &&
                 json_at(a, 2)->type == JSON_BOOL && !json_at(a, 2)->boolean &&
                 json_at(a, 3)->type == JSON_NULL &&
                 strcmp(json_get(json_at(a, 4), "b")->string, "c") == 0 &&
                 json_get(v, "d")->type == JSON_OBJECT && json_len(json_get(v, "e")) == 0 &&
                 json_get(v, "zz") == NULL && json_at(a, 5) == NULL && json_get(a, "b") == NULL;
        if (!ok) {
            fprintf(stderr, "FAIL: the structure test\n");
            failures++;
        }
    }
    json_free(v);
    /* Errors. */
    expect_error("", 0, "unexpected end");
    expect_error("   ", 3, "unexpected end");
    expect_error("{", 1, "expected a string key");
    expect_error("{\"a\" 1}", 7, "expected ':'");
    expect_error("{\"a\":1,}", 8, "expected a string key");
    expect_error("[1,]", 4, "unexpected character");
    expect_error("[1 2]", 5, "expected ',' or ']'");
    expect_error("\"abc", 4, "unterminated string");
    expect_error("\"a\\", 3, "unterminated string");
    expect_error("\"a\\x\"", 5, "bad escape");
    expect_error("\"\\u12G4\"", 8, "bad \\u escape");
    expect_error("\"\\u12\"", 6, "bad \\u escape");
    expect_error("\"\\ud83d\"", 8, "without a low one");
    expect_error("\"\\ud83d\\u0041\"", 14, "without a low one");
    expect_error("\"\\ude00\"", 8, "lone low surrogate");
    expect_error("\"a\tb\"", 5, "control character");
    expect_error("\"\xc3\"", 3, "invalid UTF-8");
    expect_error("\"\xc0\xaf\"", 4, "invalid UTF-8");       /* overlong '/' */
    expect_error("\"\xed\xa0\x80\"", 5, "invalid UTF-8");   /* a raw surrogate */
    expect_error("01", 2, "trailing characters");
    expect_error("-", 1, "bad number");
    expect_error("1.", 2, "no digit after '.'");
    expect_error("1e", 2, "no digit in the exponent");
    expect_error("+1", 2, "unexpected character");
    expect_error("tru", 3, "unexpected character");
    expect_error("nul", 3, "unexpected character");
    expect_error("{} {}", 5, "trailing characters");
    expect_error("[1]\0", 4, "trailing characters"); /* a NUL after the value */
    /* Nesting: JSON_MAX_DEPTH levels parse, one more does not. */
    char deep[2 * JSON_MAX_DEPTH + 3];
    for (int depth = JSON_MAX_DEPTH; depth <= JSON_MAX_DEPTH + 1; depth++) {
        memset(deep, '[', (size_t)depth);
        memset(deep + depth, ']', (size_t)depth);
        if (depth == JSON_MAX_DEPTH) {
            deep[2 * depth] = '\0';
            json_free(parse_ok(deep));
        } else {
            expect_error(deep, 2 * (size_t)depth, "nested deeper");
        }
    }
    /* show(): control characters become '?', integers print without a fraction. */
    v = parse_ok("[\"a\\nb\\u0000c\", 111, 2.5, null]");
    if (v) {
        char *s0 = show(json_at(v, 0), "-"), *s1 = show(json_at(v, 1), "-");
        char *s2 = show(json_at(v, 2), "-"), *s3 = show(json_at(v, 3), "-");
        if (!s0 || !s1 || !s2 || !s3 || strcmp(s0, "a?b?c") || strcmp(s1, "111") ||
            strcmp(s2, "2.5") || strcmp(s3, "-")) {
            fprintf(stderr, "FAIL: show()\n");
            failures++;
        }
        free(s0);
        free(s1);
        free(s2);
        free(s3);
    }
    json_free(v);
    /* The table survives an odd report: members missing, of the wrong type,
     * m-lines that are not objects, control characters in strings. */
    v = parse_ok("{\"dtls_role\": \"server\", \"bundle_groups\": [[\"a\", \"b\"], []],"
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
    json_free(v);
    v = parse_ok("[{\"m_lines\": []}]");
    if (v) {
        printer pr = {0};
        if (print_table(v, &pr) != -1) {
            fprintf(stderr, "FAIL: print_table accepted a report that is not an object\n");
            failures++;
        }
    }
    json_free(v);
    if (failures) {
        fprintf(stderr, "%d check(s) failed\n", failures);
        return 1;
    }
    printf("json parser: all checks passed\n");
    return 0;
}

#endif
