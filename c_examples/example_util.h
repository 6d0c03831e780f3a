/*
 * What the C examples share: copying a string, reading a file or stdin into
 * one, printing an error. Each example makes its own rtc_pc_* calls; the C
 * tests' helpers (CHECK and the rest) are in tests/c/check.h, which builds on
 * this file. Header-only: every helper is static, so each program gets its
 * own copy and an unused one costs nothing. C11, and valid C++17.
 *
 * Built in tree only: the out-of-tree consumers in packaging/consumer/ use
 * nothing but the installed headers, so they keep their own helpers.
 */
#ifndef RTCPC_EXAMPLE_UTIL_H
#define RTCPC_EXAMPLE_UTIL_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rtcpc.h"

#ifndef RTCPC_DEFAULT_OFFER
#define RTCPC_DEFAULT_OFFER "offers/chrome-156-audio-video-data.sdp"
#endif

/* ----------------------------------------------------------------- strings */

/* A malloc'd copy of s (NULL for NULL, or when out of memory). */
static inline char *dup_str(const char *s) {
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    char *copy = (char *)malloc(n);
    if (copy)
        memcpy(copy, s, n);
    return copy;
}

/* ------------------------------------------------------------------- files */

/* How read_stream ended. */
typedef enum {
    READ_OK,
    READ_FAILED, /* a read error, or out of memory */
    READ_HAS_NUL /* a NUL byte inside, which would cut the text short */
} read_status;

/* Reads the rest of f into a malloc'd NUL-terminated buffer; NULL, and why in *status, on failure. */
static inline char *read_stream(FILE *f, read_status *status) {
    size_t len = 0, cap = 4096;
    char *buf = (char *)malloc(cap);
    size_t got;
    while (buf && (got = fread(buf + len, 1, cap - len - 1, f)) > 0) {
        len += got;
        if (len + 1 == cap) {
            char *bigger = (char *)realloc(buf, cap * 2);
            if (!bigger) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = bigger;
            cap *= 2;
        }
    }
    read_status why = READ_OK;
    if (!buf || ferror(f)) {
        why = READ_FAILED;
    } else {
        buf[len] = '\0';
        if (strlen(buf) != len)
            why = READ_HAS_NUL;
    }
    if (why != READ_OK) {
        free(buf);
        buf = NULL;
    }
    if (status)
        *status = why;
    return buf;
}

/* --------------------------------- the command-line tools: input and errors */

/* The offer (or answer) at path, "-" meaning stdin, in a malloc'd NUL-terminated buffer;
 * on failure NULL, after "error: <name>: ..." on stderr. */
static inline char *read_offer(const char *path) {
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "error: NotReadableError: %s: %s\n", path, strerror(errno));
        return NULL;
    }
    read_status status;
    char *buf = read_stream(f, &status);
    if (f != stdin)
        fclose(f);
    if (status == READ_FAILED)
        fprintf(stderr, "error: NotReadableError: %s: read failed\n", path);
    else if (status == READ_HAS_NUL)
        fprintf(stderr, "error: TypeError: %s: the offer contains a NUL byte\n", path);
    return buf;
}

/* Prints "error: <DOMException name>: <message>" for an error a callback was handed. */
static inline void print_error(const rtc_error *error) {
    fprintf(stderr, "error: %s: %s\n", error->name ? error->name : "",
            error->message ? error->message : "");
}

#endif /* RTCPC_EXAMPLE_UTIL_H */
