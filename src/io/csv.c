/* CSV reader (RFC 4180 with CRLF/LF tolerance) over one contiguous buffer.
 *
 * Why one buffer: numeric register extracts are read once, front to back;
 * mmap gives page-cache speed with no copy, and having everything in memory
 * lets errors compute line/column lazily and lets callers split the input at
 * line ends for threads.  Records are scanned with memchr for the line end
 * and a tight byte loop for separators; quoted fields are unescaped in place
 * (the mapping is private copy-on-write). */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE /* madvise */
#include "omrade/csv.h"
#include "omrade/readstat.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io_internal.h"

struct om_csv {
    char *base;      /* start of the whole mapping/buffer (BOM included) */
    size_t maplen;   /* bytes mapped or allocated */
    bool mapped;     /* munmap vs free */
    bool owns;       /* false for slices */
    char *data;      /* after the BOM */
    size_t len;
    size_t pos, end; /* reading window */
    size_t rec_start;
    size_t blk1;     /* 1 + offset of the 64-byte block whose separator and LF
                      * positions are in bits; 0 when none is cached */
    uint64_t bits;
    const om_csv_scan *scan; /* block scanners (csv_simd.c) */
    size_t populated;        /* data[.., populated) was populated (populate_pages) */
    size_t checked;          /* data[0, checked) passed the UTF-8 and control-byte check
                              * (len when checked at open or not at all) */
    size_t idx_b, idx_n;     /* idx[k]: the separator and LF bits of the 64 bytes */
    uint64_t idx[64];        /* at idx_b + 64 k, for k < idx_n (index_blocks) */
    size_t released; /* om_csv_release(): bytes of the mapping handed back */
    size_t lc_off;   /* cache for line numbers: lc_line is the line at byte lc_off */
    long lc_line;
    char delim;
    bool ragged; /* no field-count check (om_csv_options.ragged) */
    size_t max_fields;
    om_field *fields;
    size_t nfields, cap_fields;
    om_field *header;
    size_t nheader;
    char *header_store;
    char name[256];
    int fd1;       /* 1 + the descriptor of a mapped file (om_csv_open), 0 if none */
    size_t foff;   /* file offset of data[0] (the BOM's length) */
    /* Window mode (a slice of a mapped file, csv_window): the records are
     * read from win, which holds data[wb, we) read with pread; wsafe is
     * one past the window's last line feed.  Offsets stay those of the
     * whole input, so errors and om_csv_offset are as in mapped mode. */
    char *win;
    size_t wcap, wb, we, wsafe;
    bool need_more; /* a quoted record ran into the window's end */
};

/* Where the bytes of offset p are read: data + p, or in window mode the
 * window (the address arithmetic goes through uintptr_t: rd + p is only
 * formed for p in [wb, we), which lies inside win). */
static inline char *rd(const om_csv *c)
{
    return c->win ? (char *)((uintptr_t)c->win - c->wb) : c->data;
}

/* One past the last byte that may be read now: the window's end in
 * window mode, the reader's end otherwise. */
static inline size_t rd_end(const om_csv *c)
{
    return c->win ? c->we : c->end;
}

static void set_name(om_csv *c, const char *name)
{
    snprintf(c->name, sizeof c->name, "%s", name);
}

static om_status fail_at_raw(const om_csv *c, size_t offset, om_error *err, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

/* Offset of the first C0 control byte other than TAB, CR and LF (or DEL),
 * or len.  Such bytes are never part of omrade's formats; a NUL in
 * particular would cut a code short wherever it is later used as a C
 * string.  Eight bytes at a time: a word holds a byte < 0x20 iff
 * (w - 0x20..20) & ~w & 0x80..80 is non-zero, and a DEL iff w ^ 0x7F..7F has
 * a zero byte (Hacker's Delight 6-1, "hasless"/"haszero"); only words that
 * hit (about one per line, for its LF) are looked at byte by byte. */
static size_t control_at(const char *d, size_t len, char delim)
{
    const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
    size_t i = 0;
    for (;;) {
        while (i + 8 <= len) {
            uint64_t w;
            memcpy(&w, d + i, 8);
            uint64_t del = w ^ (ones * 0x7F);
            if (((w - ones * 0x20) & ~w & highs) | ((del - ones) & ~del & highs))
                break;
            i += 8;
        }
        size_t lim = i + 8 < len ? i + 8 : len;
        for (; i < lim; i++) {
            unsigned char ch = (unsigned char)d[i];
            if ((ch < 0x20 && ch != '\t' && ch != '\n' && ch != '\r' && d[i] != delim) || ch == 0x7F)
                return i;
        }
        if (i >= len)
            return len;
    }
}

/* madvise(advice) on the whole pages inside data[from, to) of a mapped
 * file (a buffer read from a pipe is left alone). */
static void advise_pages(om_csv *c, size_t from, size_t to, int advice)
{
    const uintptr_t pg = 4096;
    uintptr_t a = ((uintptr_t)c->data + from + pg - 1) & ~(pg - 1);
    uintptr_t b = ((uintptr_t)c->data + to) & ~(pg - 1);
    if (c->mapped && b > a)
        madvise((void *)a, b - a, advice);
}

/* Drop the whole pages inside data[from, to) from the resident set of a
 * mapped file.  MADV_DONTNEED on a private file mapping removes only this
 * process's page-table entries and leaves the page cache alone, so a page
 * touched again comes back from the cache (or the file) unchanged; pages
 * of a buffer read from a pipe are never dropped (they would read back as
 * zeros).  A slice (om_csv_open_slice) drops only pages inside its own
 * range: its release mark starts at its first byte. */
static void drop_pages(om_csv *c, size_t from, size_t to)
{
    advise_pages(c, from, to, MADV_DONTNEED);
}

/* Map the page-cache pages of data[from, to) in one system call
 * (MADV_POPULATE_READ, Linux 5.14) before a pass reads them: the first
 * touch of each 64 KiB would otherwise be a page fault, and in a virtual
 * machine a fault costs as much as scanning the bytes.  Older kernels
 * answer EINVAL and the pages fault in as before. */
static void populate_pages(om_csv *c, size_t from, size_t to)
{
#ifdef MADV_POPULATE_READ
    advise_pages(c, from, to, MADV_POPULATE_READ);
#else
    (void)c;
    (void)from;
    (void)to;
#endif
}

/* The validation passes read the whole input before the first record: a
 * mapped file is scanned in slices of 64 MiB ending after a line feed (so
 * no UTF-8 sequence is cut), each dropped once scanned, or opening a 6 GB
 * extract would make all of it resident at once.  Errors are found at the
 * same offsets as by one scan of everything. */
static size_t slice_end(const om_csv *c, size_t at, size_t to)
{
    const size_t slice = (size_t)64 << 20;
    if (!c->mapped || to - at <= slice)
        return to;
    const char *nl = memchr(c->data + at + slice, '\n', to - at - slice);
    return nl ? (size_t)(nl - c->data) + 1 : to;
}

/* The input contract in one pass: UTF-8 (RFC 3629) and no control bytes.
 * Clean 64-byte blocks (plain ASCII text, nearly all of a register
 * extract) are skipped by the block scanner's clean (csv_simd.c), a few
 * vector compares each; any other block is checked
 * byte by byte up to the next character boundary.  As with two separate
 * passes, an invalid UTF-8 byte anywhere is reported before a control
 * byte: after the first control byte the rest is only checked for UTF-8.
 * d[off] is the byte at offset off for off in [i, to): the mapping, a
 * window or a pread buffer (the rest of the input, for the UTF-8 check
 * after a control byte, is read from the mapping).  to is a character
 * start (or the end): the result is then that of one check of
 * everything from i on, which is the first invalid UTF-8 byte of the
 * input at or after i, else its first control byte there. */
static om_status validate_range(om_csv *c, const char *d, size_t i, size_t to, om_error *err)
{
    size_t len = c->len;
    while (i < to) {
        i += 64 * c->scan->clean(d + i, (to - i) / 64, c->delim);
        if (i >= to)
            break;
        size_t k = i + 64 < to ? i + 64 : to;
        while (k < to && ((unsigned char)d[k] & 0xC0) == 0x80)
            k++; /* i and k at character starts: no sequence is cut */
        size_t bad = om_utf8_invalid_at(d + i, k - i);
        if (bad < k - i)
            return fail_at_raw(c, i + bad, err, "expected UTF-8 text, found invalid byte 0x%02X",
                               (unsigned char)d[i + bad]);
        size_t ctl = control_at(d + i, k - i, c->delim);
        if (ctl < k - i) {
            bad = om_utf8_invalid_at(c->data + k, len - k);
            if (bad < len - k)
                return fail_at_raw(c, k + bad, err, "expected UTF-8 text, found invalid byte 0x%02X",
                                   (unsigned char)c->data[k + bad]);
            return fail_at_raw(c, i + ctl, err,
                               "expected text without control characters, found byte 0x%02X",
                               (unsigned char)d[i + ctl]);
        }
        i = k;
    }
    return OM_OK;
}

/* Before a pass reads data[b, upto): populate the pages from b on, 4 MiB
 * ahead within this reader's range, unless that was done already. */
static void populate_ahead(om_csv *c, size_t b, size_t upto)
{
    if (c->mapped && !c->win && upto > c->populated) {
        size_t to = b + ((size_t)4 << 20) < c->end ? b + ((size_t)4 << 20) : c->end;
        populate_pages(c, b, to);
        c->populated = to;
    }
}

/* Read data[from, to) of a file opened by om_csv_open into buf; false
 * when the file is shorter than when it was opened or cannot be read. */
static bool pread_all(const om_csv *c, char *buf, size_t from, size_t to)
{
    for (size_t n = 0; n < to - from;) {
        ssize_t r = pread(c->fd1 - 1, buf + n, to - from - n, (off_t)(c->foff + from + n));
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return false;
        n += (size_t)r;
    }
    return true;
}

/* Check data[checked, upto) (upto a character start) of a file opened by
 * om_csv_open through a pread buffer of 256 KiB instead of the mapping.
 * Why: on this kind of virtual machine the first touch of each mapped
 * 4 KiB page costs about a microsecond (docs/rates.md, Performance: mmap
 * and touch 0.25-0.32 s of CPU per 400 MB, pread 0.05 s), and the
 * records pass would touch every page again.  Each chunk ends at a
 * character start (found in 64 bytes read past it), so the chunks'
 * checks add up to one check of the span; an error, or a chunk that
 * cannot be cut so (invalid input) or read, is left to the mapping
 * (false).  True when done: *s is then OM_OK or that error. */
static bool check_pread(om_csv *c, size_t upto, om_error *err, om_status *s)
{
    const size_t chunk = (size_t)256 << 10, ahead = 64;
    char *buf = malloc(chunk + ahead);
    if (!buf)
        return false;
    *s = OM_OK;
    while (c->checked < upto) {
        size_t at = c->checked, to = upto - at > chunk ? at + chunk : upto;
        size_t got = to + ahead < upto ? to + ahead : upto;
        if (!pread_all(c, buf, at, got))
            break;
        while (to < got && ((unsigned char)buf[to - at] & 0xC0) == 0x80)
            to++;
        if (to == got && got < upto)
            break; /* 64 continuation bytes in a row: invalid, the mapping says where */
        /* base pointer for validate_range: buf holds offset at at buf[0]
         * (formed through uintptr_t, as rd() does) */
        const char *d = (const char *)((uintptr_t)buf - at);
        if ((*s = validate_range(c, d, at, to, err)) != OM_OK)
            break; /* the error one check of everything gives */
        c->checked = to;
    }
    free(buf);
    return *s != OM_OK || c->checked >= upto;
}

/* Check data[checked, upto) and move the mark, upto first moved on to a
 * character start so that no UTF-8 sequence is cut.  All bytes before the
 * mark were checked, so a bad byte found here is the first of the input,
 * as one check of everything would find it.  Short spans (check_as_read:
 * the next 8 KiB of the record pass, then read again from the cache by the
 * index) are checked in place; long ones (the whole input at open) with
 * pread (check_pread) or a slice at a time (slice_end), each dropped from
 * memory once checked. */
static om_status check_to(om_csv *c, size_t upto, om_error *err)
{
    if (upto > c->len)
        upto = c->len;
    if (upto <= c->checked)
        return OM_OK;
    while (upto < c->len && ((unsigned char)c->data[upto] & 0xC0) == 0x80)
        upto++;
    const size_t window = 64 << 10;
    if (upto - c->checked <= window) {
        populate_ahead(c, c->checked, upto);
        om_status s = validate_range(c, c->data, c->checked, upto, err);
        if (s == OM_OK)
            c->checked = upto;
        return s;
    }
    om_status ps;
    if (c->fd1 && check_pread(c, upto, err, &ps))
        return ps;
    for (size_t at = c->checked, to; at < upto; at = to) {
        to = slice_end(c, at, upto);
        populate_pages(c, at, to);
        om_status s = validate_range(c, c->data, at, to, err);
        if (s != OM_OK)
            return s;
        drop_pages(c, at, to);
        c->checked = to;
    }
    return OM_OK;
}

/* check_as_read in window mode: check the window's bytes from the mark on,
 * at least up to need and up to want where the window holds them, so
 * that the index reads them again from the cache.  The window's bytes are
 * the file's, so what fails here fails the same way on the mapping; only
 * a span whose end cannot be put at a character start inside the window
 * is left to check_to (the mapping). */
static om_status check_window(om_csv *c, size_t need, size_t want, om_error *err)
{
    if (want > c->we)
        want = c->we;
    if (c->checked >= c->wb && want > c->checked) {
        const char *d = (const char *)((uintptr_t)c->win - c->wb);
        size_t k = want;
        while (k < c->we && ((unsigned char)d[k] & 0xC0) == 0x80)
            k++;
        if (k == c->we && k < c->len) /* d[k] is not in the window: back to a start */
            for (k = c->we - 1; k > c->checked && ((unsigned char)d[k] & 0xC0) == 0x80;)
                k--;
        if (k > c->checked) {
            om_status s = validate_range(c, d, c->checked, k, err);
            if (s != OM_OK)
                return s;
            c->checked = k;
        }
    }
    return need > c->checked ? check_to(c, need, err) : OM_OK;
}

/* Check the bytes of a record from p on before they are cut: at least p
 * itself and the next 8 KiB, which are then cut while still in the cache
 * (in window mode: as far as the window goes). */
static inline om_status check_ahead(om_csv *c, size_t p, om_error *err)
{
    if (c->win)
        return check_window(c, p + 1, p + 8192, err);
    return check_to(c, p + 8192, err);
}

/* Check everything before offset upto (the end of a record). */
static inline om_status check_upto(om_csv *c, size_t upto, om_error *err)
{
    if (c->win)
        return check_window(c, upto, upto, err);
    return check_to(c, upto, err);
}

/* check_as_read: before the reader reports an error of its own, the rest
 * of the input is checked, so that a bad byte anywhere is still the first
 * error (as when everything was checked at open).  Only the caches of c
 * change (the mark), as in line_col. */
static om_status check_rest(const om_csv *c, om_error *err)
{
    om_csv *m = (om_csv *)c;
    return c->checked < c->len ? check_to(m, c->len, err) : OM_OK;
}

static om_status init_common(om_csv *c, const om_csv_options *opt, om_error *err)
{
    c->delim = opt && opt->delim ? opt->delim : ',';
    c->max_fields = opt && opt->max_fields ? opt->max_fields : 65536;
    c->data = c->base;
    c->len = c->maplen;
    if (c->len >= 3 && (unsigned char)c->data[0] == 0xEF && (unsigned char)c->data[1] == 0xBB &&
        (unsigned char)c->data[2] == 0xBF) {
        c->data += 3;
        c->len -= 3;
        c->foff = 3;
    }
    c->pos = 0;
    c->end = c->len;
    c->scan = om_csv_scan_best();
    if (opt && opt->no_utf8_check) {
        c->checked = c->len; /* nothing to check */
        return OM_OK;
    }
    if (opt && opt->check_as_read)
        return OM_OK; /* checked = 0: om_csv_next checks as it reads */
    return check_to(c, c->len, err);
}

/* The end of every om_csv_open*: after the input was read (s) the common
 * setup, then *out = c; on any failure c is freed. */
static om_status opened(om_csv *c, om_status s, const om_csv_options *opt, om_csv **out, om_error *err)
{
    if (s == OM_OK)
        s = init_common(c, opt, err);
    if (s != OM_OK) {
        om_csv_free(c);
        return s;
    }
    *out = c;
    return OM_OK;
}

static om_status read_all(om_csv *c, int fd, size_t max_bytes, om_error *err)
{
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    if (!buf)
        return om_error_set(err, OM_ERR_NOMEM, c->name, 0, 0, "out of memory");
    for (;;) {
        if (n == cap) {
            if (max_bytes && cap >= max_bytes) {
                free(buf);
                return om_error_set(err, OM_ERR_NOMEM, c->name, 0, 0,
                                    "input larger than the limit of %zu bytes", max_bytes);
            }
            char *nb = realloc(buf, cap * 2);
            if (!nb) {
                free(buf);
                return om_error_set(err, OM_ERR_NOMEM, c->name, 0, 0, "out of memory");
            }
            buf = nb;
            cap *= 2;
        }
        ssize_t r = read(fd, buf + n, cap - n);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            int e = errno;
            free(buf);
            return om_error_set(err, OM_ERR_IO, c->name, 0, 0, "read failed: %s", strerror(e));
        }
        if (r == 0)
            break;
        n += (size_t)r;
    }
    c->base = buf;
    c->maplen = n;
    c->mapped = false;
    return OM_OK;
}

static om_status from_fd(om_csv *c, int fd, const char *path, const om_csv_options *opt,
                         om_error *err);

om_status om_csv_open(om_csv **out, const char *path, const om_csv_options *opt,
                      om_error *err)
{
    return om_csv_open_window_(out, path, opt, OM_CSV_WINDOW, err);
}

om_status om_csv_open_window_(om_csv **out, const char *path, const om_csv_options *opt,
                              size_t window, om_error *err)
{
    *out = NULL;
    /* SAS, Stata and SPSS files are read as CSV text (src/io/readstat.c) */
    om_readstat_format rf = om_readstat_format_of(path);
    if (rf != OM_READSTAT_NONE)
        return om_readstat_open(out, path, rf, opt, err);
    om_csv *c = calloc(1, sizeof *c);
    if (!c)
        return om_error_set(err, OM_ERR_NOMEM, path, 0, 0, "out of memory");
    c->owns = true;
    bool is_stdin = strcmp(path, "-") == 0;
    set_name(c, is_stdin ? "<stdin>" : path);
    int fd = is_stdin ? 0 : open(path, O_RDONLY);
    if (fd < 0) {
        int e = errno;
        free(c);
        /* a missing or unreadable input is the caller's bad input (exit 2) */
        return om_error_set(err, e == ENOENT || e == ENOTDIR || e == EACCES || e == EISDIR ||
                                         e == ELOOP || e == ENAMETOOLONG
                                     ? OM_ERR_INPUT
                                     : OM_ERR_IO,
                            path, 0, 0, "cannot open the input: %s", strerror(e));
    }
    om_status s = from_fd(c, fd, path, opt, err);
    if (!is_stdin && s == OM_OK && c->mapped)
        c->fd1 = fd + 1; /* slices read it in window mode (csv_window) */
    else if (!is_stdin)
        close(fd);
    if (s == OM_OK && !is_stdin)
        om_afile_note_input(path);
    s = opened(c, s, opt, out, err);
    /* Window mode for the whole file when it is checked as read: the
     * check runs on the window (check_window), so no byte of the mapping
     * is touched unless an error is reported.  Only then, because a check
     * at open leaves callers free to keep field pointers into the mapping
     * (the check_as_read option is the opt-in to om_csv_next's own
     * contract: fields valid until the next record). */
    if (s == OM_OK && window && opt && opt->check_as_read && c->fd1 && c->checked < c->len) {
        c->win = malloc(window);
        if (!c->win) {
            om_csv_free(c);
            *out = NULL;
            return om_error_set(err, OM_ERR_NOMEM, path, 0, 0, "out of memory");
        }
        c->wcap = window;
    }
    return s;
}

om_status om_csv_open_fd(om_csv **out, const char *name, int fd, const om_csv_options *opt,
                         om_error *err)
{
    *out = NULL;
    om_csv *c = calloc(1, sizeof *c);
    if (!c)
        return om_error_set(err, OM_ERR_NOMEM, name, 0, 0, "out of memory");
    c->owns = true;
    set_name(c, name);
    om_status s = from_fd(c, fd, name, opt, err);
    return opened(c, s, opt, out, err);
}

/* The input of an open descriptor: mapped when it is a regular file, read
 * to the end otherwise. */
static om_status from_fd(om_csv *c, int fd, const char *path, const om_csv_options *opt,
                         om_error *err)
{
    struct stat st;
    om_status s = OM_OK;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
        void *m = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
        if (m == MAP_FAILED) {
            s = read_all(c, fd, opt ? opt->max_bytes : 0, err);
        } else {
            posix_madvise(m, (size_t)st.st_size, POSIX_MADV_SEQUENTIAL);
            c->base = m;
            c->maplen = (size_t)st.st_size;
            c->mapped = true;
        }
    } else if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
        s = om_error_set(err, OM_ERR_INPUT, path, 0, 0, "expected a file, found a directory");
    } else {
        s = read_all(c, fd, opt ? opt->max_bytes : 0, err);
    }
    return s;
}

om_status om_csv_open_mem(om_csv **out, const char *name, const void *data, size_t len,
                          const om_csv_options *opt, om_error *err)
{
    *out = NULL;
    om_csv *c = calloc(1, sizeof *c);
    if (!c)
        return om_error_set(err, OM_ERR_NOMEM, name, 0, 0, "out of memory");
    c->owns = true;
    set_name(c, name);
    c->base = malloc(len ? len : 1);
    if (!c->base) {
        free(c);
        return om_error_set(err, OM_ERR_NOMEM, name, 0, 0, "out of memory");
    }
    if (len)
        memcpy(c->base, data, len);
    c->maplen = len;
    return opened(c, OM_OK, opt, out, err);
}

om_status om_csv_open_slice_window_(om_csv **out, const om_csv *parent, size_t begin,
                                    size_t end, size_t window, om_error *err)
{
    *out = NULL;
    /* check_as_read in window mode: each slice checks its own bytes as it
     * reads them (check_window on its own window), so the check runs on
     * the slices' threads.  The error is still the first of the input when
     * the caller takes the error of the lowest slice that failed (as
     * om_link_parallel does): a slice that fails checks the rest of the
     * input first (check_rest), and every earlier slice read all its
     * bytes.  That check may drop pages of the mapping, which is harmless
     * here: in window mode no slice reads its records from the mapping or
     * unescapes quotes in it.  Otherwise (records read and unescaped in
     * the mapping itself) the rest is checked now, on this thread, before
     * any slice reads. */
    const bool own_check = window && parent->fd1 && parent->checked < parent->len;
    if (!own_check) {
        om_status s = check_rest(parent, err);
        if (s != OM_OK)
            return s;
    }
    om_csv *c = malloc(sizeof *c);
    if (!c)
        return om_error_set(err, OM_ERR_NOMEM, parent->name, 0, 0, "out of memory");
    /* the parent's input, options and header; its own window, field array
     * and caches */
    *c = *parent;
    c->owns = false;
    c->pos = begin < parent->len ? begin : parent->len;
    c->end = end < parent->len ? end : parent->len;
    c->rec_start = c->released = c->pos;
    c->blk1 = c->idx_b = c->idx_n = c->populated = c->lc_off = 0;
    c->lc_line = 0;
    c->fields = NULL;
    c->nfields = c->cap_fields = 0;
    c->header_store = NULL;
    c->win = NULL;
    c->wb = c->we = c->wsafe = 0;
    /* bytes before the slice are its predecessors' to check */
    if (own_check && c->checked < c->pos)
        c->checked = c->pos;
    /* window mode for a mapped file whose bytes were all checked or are
     * checked as read on the window */
    if (window && parent->fd1 && c->pos < c->end) {
        c->wcap = window;
        c->win = malloc(window);
        if (!c->win) {
            free(c);
            return om_error_set(err, OM_ERR_NOMEM, parent->name, 0, 0, "out of memory");
        }
    }
    *out = c;
    return OM_OK;
}

om_status om_csv_open_slice(om_csv **out, const om_csv *parent, size_t begin, size_t end,
                            om_error *err)
{
    return om_csv_open_slice_window_(out, parent, begin, end, OM_CSV_WINDOW, err);
}

void om_csv_free(om_csv *c)
{
    if (!c)
        return;
    if (c->owns) {
        if (c->mapped)
            munmap(c->base, c->maplen);
        else
            free(c->base);
        if (c->fd1)
            close(c->fd1 - 1);
        free(c->header);
        free(c->header_store);
    }
    free(c->fields);
    free(c->win);
    free(c);
}

static om_status grow_fields(om_csv *c, const char *p, om_error *err);

static inline om_status push_field(om_csv *c, const char *p, size_t n, om_error *err)
{
    if (c->nfields == c->cap_fields) {
        om_status s = grow_fields(c, p, err);
        if (s != OM_OK)
            return s;
    }
    c->fields[c->nfields].ptr = p;
    c->fields[c->nfields].len = n;
    c->nfields++;
    return OM_OK;
}

static om_status grow_fields(om_csv *c, const char *p, om_error *err)
{
    {
        if (c->cap_fields >= c->max_fields)
            return om_csv_fail_at(c, (size_t)(p - rd(c)), err,
                                  "expected at most %zu fields in a record", c->max_fields);
        size_t nc = c->cap_fields ? c->cap_fields * 2 : 16;
        if (nc > c->max_fields)
            nc = c->max_fields;
        om_field *nf = realloc(c->fields, nc * sizeof *nf);
        if (!nf)
            return om_error_set(err, OM_ERR_NOMEM, c->name, 0, 0, "out of memory");
        c->fields = nf;
        c->cap_fields = nc;
    }
    return OM_OK;
}

/* Quoted field starting at c->data[*pp] == '"'.  Unescapes "" in place and
 * leaves *pp after the closing quote. */
static om_status quoted_field(om_csv *c, size_t *pp, om_error *err)
{
    char *d = rd(c);
    const size_t lim = rd_end(c);
    size_t start = *pp, p = start + 1, w = p;
    for (;;) {
        if (p >= lim && lim < c->end) {
            c->need_more = true;
            return OM_OK;
        }
        if (p >= lim)
            return om_csv_fail_at(c, start, err,
                                  "expected a closing quote for the field starting here, found "
                                  "end of input");
        if (p >= c->checked) { /* check_as_read: bytes are checked before they move */
            om_status s = check_ahead(c, p, err);
            if (s != OM_OK)
                return s;
        }
        char ch = d[p];
        if (ch == '"') {
            if (p + 1 == lim && lim < c->end) {
                c->need_more = true; /* is the quote doubled? */
                return OM_OK;
            }
            if (p + 1 < lim && d[p + 1] == '"') {
                d[w++] = '"';
                p += 2;
                continue;
            }
            break;
        }
        d[w++] = ch;
        p++;
    }
    om_status s = push_field(c, d + start + 1, w - (start + 1), err);
    *pp = p + 1;
    return s;
}

/* First offset in [p, lim) holding the separator, or lim.  Eight bytes at a
 * time with the "has zero byte" bit trick (Hacker's Delight, 6-1 / Mycroft):
 * x ^ broadcast(ch) has a zero byte exactly where x holds ch; the lowest
 * flagged byte is always a true match. */
static inline size_t scan_delim(const char *d, size_t p, size_t lim, char delim)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
    const uint64_t bd = ones * (unsigned char)delim;
    while (p + 8 <= lim) {
        uint64_t w;
        memcpy(&w, d + p, 8);
        uint64_t a = w ^ bd;
        uint64_t hit = (a - ones) & ~a & highs;
        if (hit)
            return p + (size_t)(__builtin_ctzll(hit) >> 3);
        p += 8;
    }
#endif
    while (p < lim && d[p] != delim)
        p++;
    return p;
}

static inline size_t line_end(const char *d, size_t p, size_t end)
{
    const char *nl = p < end ? memchr(d + p, '\n', end - p) : NULL;
    return nl ? (size_t)(nl - d) : end;
}

/* The field-count rule of the input contract: after the header, a record
 * has exactly as many fields as the header.  A blank line (one empty field,
 * nothing else on the line) is left to the caller, which skips or rejects it
 * as its format says.  A short record is reported at its end, a long one at
 * its first extra field. */
static om_status check_width(om_csv *c, om_error *err)
{
    if (c->nfields == 1 && c->fields[0].len == 0) {
        size_t p = c->rec_start, lim = c->win ? c->we : c->len;
        const char *d = rd(c);
        while (p < lim && d[p] == '\r')
            p++;
        if (p >= c->len || (p < lim && d[p] == '\n'))
            return OM_OK;
    }
    bool cut = c->pos >= c->len && c->len > 0 && c->data[c->len - 1] != '\n';
    return om_csv_fail(c, c->nfields < c->nheader ? c->nfields : c->nheader, err,
                       "expected %zu fields, found %zu%s", c->nheader, c->nfields,
                       cut && c->nfields < c->nheader
                           ? " at the end of a file without a final line break (truncated?)"
                           : "");
}

/* One record with a quoted field: the line end is found once with memchr,
 * then fields are cut at separators inside it.  A quoted field may run past
 * that line end (an embedded line break); the line end is then searched
 * again from the closing quote. */
static om_status next_quoted(om_csv *c, bool *got, om_error *err)
{
    c->nfields = 0;
    const char delim = c->delim;
    char *d = rd(c);
    size_t p = c->pos, end = rd_end(c);
    c->rec_start = p;
    size_t eol = line_end(d, p, end);
    for (;;) {
        if (eol == end && end < c->end) {
            c->need_more = true; /* the record's line end is past the window */
            return OM_OK;
        }
        if (p < eol && d[p] == '"') {
            om_status s = quoted_field(c, &p, err);
            if (s != OM_OK || c->need_more)
                return s;
            if (p > eol)
                eol = line_end(d, p, end);
            if (eol == end && end < c->end) {
                c->need_more = true;
                return OM_OK;
            }
            /* text after the closing quote up to the separator is ignored
             * (lenient, as most readers are); this also skips CRs */
            while (p < eol && d[p] != delim)
                p++;
        } else {
            size_t q = scan_delim(d, p, eol, delim);
            size_t n = q - p;
            if (q == eol) /* a last field loses the CRs of CRLF or CR CR LF */
                while (n > 0 && d[p + n - 1] == '\r')
                    n--;
            om_status s = push_field(c, d + p, n, err);
            if (s != OM_OK)
                return s;
            p = q;
        }
        if (p >= eol)
            break;
        p++; /* separator: another field follows, possibly empty */
    }
    c->pos = eol < end ? eol + 1 : end;
    om_status s = check_upto(c, c->pos, err);
    *got = s == OM_OK;
    return s;
}

/* Window mode: read data[from, from + wcap) (at most up to the reader's
 * end) into the window, from starting at a 64-byte boundary so that the
 * block index (index_blocks, offsets b = p & ~63) never reaches before the
 * window.  When the window already started there, one record did not fit:
 * the window doubles.  Why: reading with pread into one small reused
 * buffer costs a fraction of touching freshly mapped 4 KiB page-cache
 * pages on a virtual machine (docs/rates.md, Performance: 0.05 against
 * 0.25-0.32 s of CPU per 400 MB); the kernel copies through its own
 * large-page mapping and the buffer stays in the cache. */
static om_status window_read(om_csv *c, size_t from, om_error *err)
{
    from &= ~(size_t)63;
    if (from == c->wb && c->we > c->wb && c->we < c->end) {
        char *nw = realloc(c->win, c->wcap * 2);
        if (!nw)
            return om_error_set(err, OM_ERR_NOMEM, c->name, 0, 0, "out of memory");
        c->win = nw;
        c->wcap *= 2;
    }
    size_t to = c->end - from > c->wcap ? from + c->wcap : c->end, n = 0;
    while (n < to - from) {
        ssize_t r = pread(c->fd1 - 1, c->win + n, to - from - n, (off_t)(c->foff + from + n));
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) /* the file changed or cannot be read: an I/O error */
            return om_error_set(err, OM_ERR_IO, c->name, 0, 0, "read failed: %s",
                                r < 0 ? strerror(errno) : "file shorter than when opened");
        n += (size_t)r;
    }
    c->wb = from;
    c->we = to;
    size_t k = to - from; /* the last line feed: usually a line's length back */
    while (k > 0 && c->win[k - 1] != '\n')
        k--;
    c->wsafe = from + k;
    c->blk1 = 0; /* the block index held bytes of the old window */
    c->idx_n = 0;
    return OM_OK;
}

/* Window mode, before a record at pos: make the window hold a line feed
 * at or after pos, or the rest of the input. */
static om_status window_line(om_csv *c, om_error *err)
{
    while (c->pos >= c->wsafe && c->we < c->end) {
        om_status s = window_read(c, c->pos, err);
        if (s != OM_OK)
            return s;
    }
    return OM_OK;
}

/* A quoted record (next_quoted); in window mode one that runs past the
 * window is read again from its start (the file's bytes: the in-place
 * unescaping touched only the window) in a window that starts there or,
 * when it already did, is twice as large. */
static om_status next_quoted_window(om_csv *c, bool *got, om_error *err)
{
    size_t start = c->pos;
    for (;;) {
        c->need_more = false;
        om_status s = next_quoted(c, got, err);
        if (!c->need_more)
            return s;
        c->nfields = 0;
        c->pos = start;
        if ((s = window_read(c, start, err)) != OM_OK)
            return s;
    }
}

/* Separator and LF positions of the 64 bytes at offset b, one bit each.
 * Whole blocks come from the index of up to 64 blocks (4 KiB) that the
 * block scanner fills in one call (csv_simd.c), so the dispatch costs one
 * indirect call per 4 KiB; the last partial block of the input is done byte
 * by byte, so nothing past the input is read. */
static uint64_t index_blocks(om_csv *c, size_t b)
{
    const size_t len = c->win ? c->we : c->len;
    const char *d = rd(c);
    size_t full = len >= b + 64 ? (len - b) / 64 : 0;
    size_t need = (c->end - b + 63) / 64; /* blocks up to the end of this reader's range */
    if (full > need)
        full = need;
    if (full > sizeof c->idx / sizeof c->idx[0])
        full = sizeof c->idx / sizeof c->idx[0];
    c->idx_b = b;
    populate_ahead(c, b, b + 64 * full);
    if (full > 0) {
        c->scan->index(d + b, full, c->delim, c->idx);
        c->idx_n = full;
        return c->idx[0];
    }
    uint64_t m = 0;
    for (size_t i = b; i < len; i++)
        if (d[i] == '\n' || d[i] == c->delim)
            m |= (uint64_t)1 << (i - b);
    c->idx[0] = m;
    c->idx_n = 1;
    return m;
}

static inline uint64_t block_bits(om_csv *c, size_t b)
{
    if (b >= c->idx_b && (b - c->idx_b) / 64 < c->idx_n)
        return c->idx[(b - c->idx_b) / 64];
    return index_blocks(c, b);
}

/* One record.  Fields are cut at the separator and LF positions of a
 * bitmap built 64 bytes at a time (bits already used are cleared, so the
 * next position is one count-trailing-zeros away), so a short line costs a
 * few bit operations instead of a memchr call and a scan per field.  A
 * record with a field that starts with a quote is parsed again from its
 * start by next_quoted (RFC 4180 quoting; quotes elsewhere are plain text),
 * which gives every other record the same fields as before. */
om_status om_csv_next(om_csv *c, bool *got, om_error *err)
{
    *got = false;
    c->nfields = 0;
    if (c->pos >= c->end)
        return OM_OK;
    const char delim = c->delim;
    if (c->win && c->pos >= c->wsafe && c->we < c->end) {
        om_status s = window_line(c, err);
        if (s != OM_OK)
            return s;
    }
    const char *d = rd(c);
    const size_t end = rd_end(c);
    size_t p = c->pos;
    c->rec_start = p;
    if (p + 2048 > c->checked && c->checked < c->len) {
        /* check_as_read: the next 8 KiB are checked before they are cut,
         * then cut while still in the cache */
        om_status s = check_ahead(c, p, err);
        if (s != OM_OK)
            return s;
    }
    size_t b = c->blk1 - 1;
    uint64_t m = c->bits;
    if (c->blk1 == 0 || p < b || p - b >= 64) {
        b = p & ~(size_t)63;
        m = block_bits(c, b);
    }
    m &= ~(uint64_t)0 << (p - b);
    om_field *fv = c->fields;
    size_t nf = 0, cap = c->cap_fields;
    for (;;) {
        if (p < end && d[p] == '"') {
            c->blk1 = 0; /* quoted fields are unescaped in place */
            c->idx_n = 0;
            return next_quoted_window(c, got, err);
        }
        size_t q;
        for (;;) {
            if (m) {
                q = b + (size_t)__builtin_ctzll(m);
                m &= m - 1;
                break;
            }
            b += 64;
            if (b >= end) {
                q = end;
                break;
            }
            m = block_bits(c, b);
        }
        if (q > end)
            q = end;
        bool last = q >= end || d[q] != delim;
        size_t n = q - p;
        if (last) /* a last field loses the CRs of CRLF or CR CR LF */
            while (n > 0 && d[p + n - 1] == '\r')
                n--;
        if (nf == cap) {
            c->nfields = nf;
            om_status s = grow_fields(c, d + p, err);
            if (s != OM_OK)
                return s;
            fv = c->fields;
            cap = c->cap_fields;
        }
        fv[nf].ptr = d + p;
        fv[nf].len = n;
        nf++;
        if (last) {
            c->pos = q < end ? q + 1 : end;
            break;
        }
        p = q + 1;
    }
    c->nfields = nf;
    c->blk1 = b + 1;
    c->bits = m;
    if (c->pos > c->checked) { /* a record longer than the window */
        om_status s = check_upto(c, c->pos, err);
        if (s != OM_OK)
            return s;
    }
    *got = true;
    if (c->nheader && nf != c->nheader && !c->ragged)
        return check_width(c, err);
    return OM_OK;
}

void om_csv_use_scan_(om_csv *c, const om_csv_scan *s)
{
    c->scan = s;
    c->blk1 = 0;
    c->idx_n = 0;
}

void om_csv_set_ragged(om_csv *c, bool ragged)
{
    c->ragged = ragged;
}

size_t om_csv_nfields(const om_csv *c)
{
    return c->nfields;
}

/* Field i of v[0..n), the empty {NULL, 0} past the end. */
static om_field field_at(const om_field *v, size_t n, size_t i)
{
    return i < n ? v[i] : (om_field){NULL, 0};
}

om_field om_csv_field(const om_csv *c, size_t i)
{
    return field_at(c->fields, c->nfields, i);
}

bool om_csv_empty(const om_csv *c, size_t i)
{
    return i >= c->nfields || c->fields[i].len == 0;
}

const char *om_csv_name(const om_csv *c)
{
    return c->name;
}

size_t om_csv_offset(const om_csv *c)
{
    return c->pos;
}

size_t om_csv_length(const om_csv *c)
{
    return c->len;
}

const char *om_csv_data(const om_csv *c)
{
    return c->data;
}

/* Records before the current one: their fields are no longer valid
 * (om_csv_next's contract); batches of at least 16 MiB keep the system
 * calls few. */
void om_csv_release(om_csv *c)
{
    if (!c->win && c->rec_start >= c->released + ((size_t)16 << 20)) {
        uintptr_t d = (uintptr_t)c->data, to = (d + c->rec_start) & ~(uintptr_t)4095;
        drop_pages(c, c->released, to - d);
        c->released = to - d; /* a page boundary: the next batch starts there */
    }
}

/* Line and column of a byte offset, counted from the start of the input
 * (only on error paths). Columns count characters, not bytes. */
static void line_col(const om_csv *c, size_t off, long *line, long *col)
{
    /* Incremental: callers asking for the line of every record in order pay
     * O(input) in total, not O(input) per call.  The cache sits at a line
     * start, so a column is always counted from the real line start. */
    om_csv *m = (om_csv *)c; /* cache only; no observable state changes */
    if (off > c->len)
        off = c->len;
    if (m->lc_line == 0 || off < m->lc_off) {
        m->lc_off = 0;
        m->lc_line = 1;
    }
    long ln = m->lc_line;
    const char *d = c->data, *p = d + m->lc_off, *lim = d + off;
    const char *ls = p;
    for (;;) {
        const char *nl = memchr(p, '\n', (size_t)(lim - p));
        if (!nl)
            break;
        ln++;
        p = nl + 1;
        ls = p;
    }
    m->lc_off = (size_t)(ls - d);
    m->lc_line = ln;
    long cc = 1;
    for (const char *q = ls; q < lim; q++)
        if (((unsigned char)*q & 0xC0) != 0x80)
            cc++;
    *line = ln;
    *col = cc;
}

long om_csv_line(const om_csv *c)
{
    long l, col;
    line_col(c, c->rec_start, &l, &col);
    return l;
}

static size_t field_offset(const om_csv *c, size_t i)
{
    if (i < c->nfields) {
        const char *d = rd(c);
        size_t off = (size_t)(c->fields[i].ptr - d);
        /* point at the opening quote of a quoted field */
        if (off > c->rec_start && d[off - 1] == '"' &&
            (off - 1 == c->rec_start || d[off - 2] == c->delim))
            off--;
        return off;
    }
    if (c->nfields) {
        om_field f = c->fields[c->nfields - 1];
        return (size_t)(f.ptr - rd(c)) + f.len;
    }
    return c->rec_start;
}

long om_csv_column(const om_csv *c, size_t i)
{
    long l, col;
    line_col(c, field_offset(c, i), &l, &col);
    return col;
}

static om_status fail_v(const om_csv *c, size_t offset, om_error *err, const char *fmt, va_list ap)
{
    long l, col;
    line_col(c, offset, &l, &col);
    om_error_setv(err, OM_ERR_INPUT, c->name, l, col, fmt, ap);
    return OM_ERR_INPUT;
}

/* An error of the input check itself (no check_rest: it is that check). */
static om_status fail_at_raw(const om_csv *c, size_t offset, om_error *err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    om_status s = fail_v(c, offset, err, fmt, ap);
    va_end(ap);
    return s;
}

om_status om_csv_fail_at(const om_csv *c, size_t offset, om_error *err, const char *fmt, ...)
{
    om_status s = check_rest(c, err);
    if (s != OM_OK)
        return s;
    va_list ap;
    va_start(ap, fmt);
    s = fail_v(c, offset, err, fmt, ap);
    va_end(ap);
    return s;
}

om_status om_csv_fail(const om_csv *c, size_t i, om_error *err, const char *fmt, ...)
{
    om_status s = check_rest(c, err);
    if (s != OM_OK)
        return s;
    va_list ap;
    va_start(ap, fmt);
    s = fail_v(c, field_offset(c, i), err, fmt, ap);
    va_end(ap);
    return s;
}

void om_csv_split(const om_csv *c, size_t n, size_t *offsets)
{
    size_t start = c->pos, len = c->end;
    offsets[0] = start;
    for (size_t k = 1; k < n; k++) {
        size_t target = start + (len - start) / n * k;
        if (target < offsets[k - 1])
            target = offsets[k - 1];
        const char *nl = target < len ? memchr(c->data + target, '\n', len - target) : NULL;
        offsets[k] = nl ? (size_t)(nl - c->data) + 1 : len;
    }
    offsets[n] = len;
}

om_status om_csv_read_header(om_csv *c, om_error *err)
{
    bool got;
    om_status s;
    /* Leading lines starting with '#' are omrade's provenance block
     * (docs/provenance.md): skipped, so every reader accepts its own outputs. */
    while ((s = om_csv_next(c, &got, err)) == OM_OK && got && c->nfields > 0 &&
           c->fields[0].len > 0 && c->fields[0].ptr[0] == '#')
        ;
    if (s != OM_OK)
        return s;
    if (!got)
        return om_error_set(err, OM_ERR_INPUT, c->name, 1, 1,
                            "expected a header line, found an empty file");
    size_t total = 0;
    for (size_t i = 0; i < c->nfields; i++)
        total += c->fields[i].len + 1;
    c->header = malloc(c->nfields * sizeof *c->header);
    c->header_store = malloc(total ? total : 1);
    if (!c->header || !c->header_store)
        return om_error_set(err, OM_ERR_NOMEM, c->name, 0, 0, "out of memory");
    char *w = c->header_store;
    for (size_t i = 0; i < c->nfields; i++) {
        memcpy(w, c->fields[i].ptr, c->fields[i].len);
        w[c->fields[i].len] = '\0';
        c->header[i].ptr = w;
        c->header[i].len = c->fields[i].len;
        w += c->fields[i].len + 1;
    }
    c->nheader = c->nfields;
    return OM_OK;
}

size_t om_csv_header_count(const om_csv *c)
{
    return c->nheader;
}

om_field om_csv_header_field(const om_csv *c, size_t i)
{
    return field_at(c->header, c->nheader, i);
}

int om_csv_col(const om_csv *c, const char *name)
{
    size_t n = strlen(name);
    for (size_t i = 0; i < c->nheader; i++)
        if (c->header[i].len == n && memcmp(c->header[i].ptr, name, n) == 0)
            return (int)i;
    return -1;
}

om_status om_csv_require(const om_csv *c, const char *const *names, size_t n, int *idx,
                         om_error *err)
{
    for (size_t k = 0; k < n; k++) {
        idx[k] = om_csv_col(c, names[k]);
        if (idx[k] < 0) {
            om_status s = check_rest(c, err);
            if (s != OM_OK)
                return s;
            char found[400];
            size_t w = 0;
            found[0] = '\0';
            for (size_t i = 0; i < c->nheader && w + 4 < sizeof found; i++) {
                int m = snprintf(found + w, sizeof found - w, "%s%.*s", i ? "," : "",
                                 (int)(c->header[i].len > 60 ? 60 : c->header[i].len),
                                 c->header[i].ptr);
                if (m < 0)
                    break;
                w += (size_t)m;
                if (w >= sizeof found)
                    w = sizeof found - 1;
            }
            return om_error_set(err, OM_ERR_INPUT, c->name, 1, 1,
                                "expected a header with column '%s', found '%s'", names[k],
                                found);
        }
    }
    return OM_OK;
}

static const char *col_name(const om_csv *c, size_t i, char *buf, size_t size)
{
    if (i < c->nheader)
        snprintf(buf, size, " in column '%.*s'", (int)(c->header[i].len > 80 ? 80 : c->header[i].len),
                 c->header[i].ptr);
    else
        snprintf(buf, size, " in field %zu", i + 1);
    return buf;
}

static void shown(const om_field f, char *buf, size_t size)
{
    size_t n = f.len > 40 ? 40 : f.len;
    snprintf(buf, size, "%.*s%s", (int)n, f.ptr ? f.ptr : "", f.len > 40 ? "..." : "");
}

/* "expected <what> (column), found '<value>'" or "... found end of line"
 * at field i whose text f did not parse. */
static om_status value_fail(const om_csv *c, size_t i, om_field f, const char *what, om_error *err)
{
    char cn[128], v[64];
    shown(f, v, sizeof v);
    if (i >= c->nfields)
        return om_csv_fail(c, i, err, "expected %s%s, found end of line", what, col_name(c, i, cn, sizeof cn));
    return om_csv_fail(c, i, err, "expected %s%s, found '%s'", what, col_name(c, i, cn, sizeof cn), v);
}

om_status om_csv_i64(const om_csv *c, size_t i, int64_t *out, om_error *err)
{
    om_field f = om_csv_field(c, i);
    if (f.ptr && om_parse_i64(f.ptr, f.len, out))
        return OM_OK;
    return value_fail(c, i, f, "an integer", err);
}

om_status om_csv_f64(const om_csv *c, size_t i, double *out, om_error *err)
{
    om_field f = om_csv_field(c, i);
    if (f.ptr && om_parse_double(f.ptr, f.len, out))
        return OM_OK;
    return value_fail(c, i, f, "a number", err);
}

om_status om_csv_count(const om_csv *c, size_t i, int64_t max, int64_t *out, om_error *err)
{
    if (max <= 0)
        max = OM_CSV_COUNT_MAX;
    om_field f = om_csv_field(c, i);
    bool digits = f.ptr && f.len > 0;
    for (size_t k = 0; digits && k < f.len; k++)
        digits = f.ptr[k] >= '0' && f.ptr[k] <= '9';
    int64_t v;
    if (digits && om_parse_i64(f.ptr, f.len, &v) && v <= max) {
        *out = v;
        return OM_OK;
    }
    char cn[128], sv[64];
    col_name(c, i, cn, sizeof cn);
    if (i >= c->nfields)
        return om_csv_fail(c, i, err, "expected a count%s, found end of line", cn);
    shown(f, sv, sizeof sv);
    double d;
    if (om_parse_double(f.ptr, f.len, &d) && d < 0)
        return om_csv_fail(c, i, err, "expected a non-negative count%s, found '%s'", cn, sv);
    if (digits || (om_parse_double(f.ptr, f.len, &d) && d > (double)max && d == floor(d)))
        return om_csv_fail(c, i, err, "expected a count of at most %" PRId64 "%s, found '%s'", max,
                           cn, sv);
    return om_csv_fail(c, i, err, "expected a count (a whole number)%s, found '%s'", cn, sv);
}

om_status om_csv_share(const om_csv *c, size_t i, double lo, double hi, double *out,
                       om_error *err)
{
    om_field f = om_csv_field(c, i);
    double v;
    if (f.ptr && om_parse_double(f.ptr, f.len, &v) && isfinite(v) && v >= lo && v <= hi) {
        *out = v;
        return OM_OK;
    }
    char cn[128], shownv[64], los[40], his[40];
    om_fmt_double(los, sizeof los, lo);
    om_fmt_double(his, sizeof his, hi);
    if (i >= c->nfields)
        return om_csv_fail(c, i, err, "expected a number %s..%s%s, found end of line", los, his,
                           col_name(c, i, cn, sizeof cn));
    shown(f, shownv, sizeof shownv);
    return om_csv_fail(c, i, err, "expected a number %s..%s%s, found '%s'", los, his,
                       col_name(c, i, cn, sizeof cn), shownv);
}

om_status om_csv_expect_fields(const om_csv *c, size_t n, om_error *err)
{
    if (c->nfields == n)
        return OM_OK;
    return om_csv_fail(c, c->nfields < n ? c->nfields : n, err, "expected %zu fields, found %zu", n,
                       c->nfields);
}

/* ---------------------------------------------------------------- writing */

void om_csv_write_field(FILE *fp, const char *s, size_t len)
{
    bool q = false;
    for (size_t i = 0; i < len; i++)
        if (s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r') {
            q = true;
            break;
        }
    if (!q) {
        fwrite(s, 1, len, fp);
        return;
    }
    fputc('"', fp);
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '"')
            fputc('"', fp);
        fputc(s[i], fp);
    }
    fputc('"', fp);
}

void om_csv_write_str(FILE *fp, const char *s)
{
    om_csv_write_field(fp, s, strlen(s));
}

void om_csv_write_double(FILE *fp, double v)
{
    char buf[40];
    int n = om_fmt_double(buf, sizeof buf, v);
    fwrite(buf, 1, (size_t)n, fp);
}

void om_csv_write_i64(FILE *fp, int64_t v)
{
    fprintf(fp, "%" PRId64, v);
}
