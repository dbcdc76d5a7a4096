/* Atomic outputs.
 *
 * A file is written to "<path>.tmp.<pid>" next to the target (same
 * filesystem, so rename(2) replaces the target atomically) and renamed over
 * it on commit; a directory of files (om_adir) is built as "<dir>.tmp.<pid>"
 * and swapped with the target by renameat2(RENAME_EXCHANGE), so readers see
 * either the whole previous set or the whole new one.  The pid in the name
 * is what lets the next run tell a temporary of a killed run (pid no longer
 * alive) from one being written right now, and remove it.
 *
 * Streams go through fopencookie() so the errno of the first failed write(2)
 * is kept: stdio only remembers *that* a write failed, and the message must
 * say why ("No space left on device").
 *
 * A small registry of the inputs read by this process (device, inode) lets
 * om_afile_open() and om_afile_commit() refuse an output that is one of the
 * inputs, which would otherwise be silently overwritten. */
#define _GNU_SOURCE
#include "omrade/common.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

/* ------------------------------------------------------ input registry */

typedef struct input_id {
    dev_t dev;
    ino_t ino;
    char name[256];
} input_id;

enum { MAX_INPUTS = 4096 };
static pthread_mutex_t reg_mu = PTHREAD_MUTEX_INITIALIZER;
static input_id *reg;
static size_t nreg, capreg;

void om_afile_note_input(const char *path)
{
    struct stat st;
    if (!path || strcmp(path, "-") == 0 || stat(path, &st) != 0 || !S_ISREG(st.st_mode))
        return;
    pthread_mutex_lock(&reg_mu);
    bool known = false;
    for (size_t i = 0; i < nreg && !known; i++)
        known = reg[i].dev == st.st_dev && reg[i].ino == st.st_ino;
    if (!known && nreg < MAX_INPUTS) {
        if (nreg == capreg) {
            size_t nc = capreg ? capreg * 2 : 16;
            input_id *nr = realloc(reg, nc * sizeof *nr);
            if (nr) {
                reg = nr;
                capreg = nc;
            }
        }
        if (nreg < capreg) {
            reg[nreg].dev = st.st_dev;
            reg[nreg].ino = st.st_ino;
            snprintf(reg[nreg].name, sizeof reg[nreg].name, "%s", path);
            nreg++;
        }
    }
    pthread_mutex_unlock(&reg_mu);
}

void om_afile_forget_inputs(void)
{
    pthread_mutex_lock(&reg_mu);
    free(reg);
    reg = NULL;
    nreg = capreg = 0;
    pthread_mutex_unlock(&reg_mu);
}

om_status om_afile_check_target(const char *path, om_error *err)
{
    struct stat st;
    if (!path || strcmp(path, "-") == 0 || stat(path, &st) != 0)
        return OM_OK;
    if (S_ISDIR(st.st_mode))
        return om_error_set(err, OM_ERR_USAGE, path, 0, 0,
                            "expected an output file name, found a directory");
    om_status s = OM_OK;
    pthread_mutex_lock(&reg_mu);
    for (size_t i = 0; i < nreg; i++)
        if (reg[i].dev == st.st_dev && reg[i].ino == st.st_ino) {
            s = om_error_set(err, OM_ERR_USAGE, path, 0, 0,
                             "expected an output other than the inputs, found the input '%s' "
                             "itself (writing would destroy it)",
                             reg[i].name);
            break;
        }
    pthread_mutex_unlock(&reg_mu);
    return s;
}

/* ------------------------------------------------- stale temporaries */

/* If `name` is "<base>.tmp.<pid>" or "<base>.tmp.<pid><sep>..." (sep '.' or
 * '-', as SQLite's "-journal"), return the pid; otherwise 0. */
static long temp_pid(const char *name, const char *base, size_t blen)
{
    if (strncmp(name, base, blen) != 0 || strncmp(name + blen, ".tmp.", 5) != 0)
        return 0;
    const char *p = name + blen + 5;
    long pid = 0;
    int digits = 0;
    while (*p >= '0' && *p <= '9' && digits < 10) {
        pid = pid * 10 + (*p - '0');
        p++;
        digits++;
    }
    if (digits == 0 || (*p != '\0' && *p != '.' && *p != '-'))
        return 0;
    return pid;
}

/* A process is gone when kill(pid, 0) fails with ESRCH; EPERM means it
 * exists but belongs to someone else. */
static bool pid_alive(long pid)
{
    if (pid <= 0)
        return true;
    if (pid == (long)getpid())
        return true;
    return kill((pid_t)pid, 0) == 0 || errno != ESRCH;
}

static int rm_entry(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)ftw;
    if (flag == FTW_DP)
        rmdir(p);
    else
        unlink(p);
    return 0;
}

/* Remove a file or a whole directory tree without following symlinks. */
static void remove_tree(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return;
    if (S_ISDIR(st.st_mode))
        nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    else
        unlink(path);
}

static void split_path(const char *path, char *dir, size_t dsize, const char **base)
{
    const char *slash = strrchr(path, '/');
    if (!slash) {
        snprintf(dir, dsize, ".");
        *base = path;
    } else if (slash == path) {
        snprintf(dir, dsize, "/");
        *base = slash + 1;
    } else {
        snprintf(dir, dsize, "%.*s", (int)(slash - path), path);
        *base = slash + 1;
    }
}

int om_afile_clean_stale(const char *path)
{
    if (!path || strcmp(path, "-") == 0)
        return 0;
    char dir[4096];
    const char *base;
    split_path(path, dir, sizeof dir, &base);
    size_t blen = strlen(base);
    if (blen == 0)
        return 0;
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    int removed = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        long pid = temp_pid(e->d_name, base, blen);
        if (pid > 0 && !pid_alive(pid)) {
            char full[8192];
            snprintf(full, sizeof full, "%s/%s", dir, e->d_name);
            remove_tree(full);
            removed++;
        }
    }
    closedir(d);
    return removed;
}

/* ------------------------------------------------------- atomic file */

struct om_afile {
    struct om_afile *next; /* open afiles, for om_afile_stream_error() */
    FILE *fp;
    int fd;
    int werr; /* errno of the first failed write, 0 if none */
    bool is_stdout;
    bool direct; /* a device or FIFO (/dev/null, a pipe): written in place */
    char *path;
    char *tmp;
};

static ssize_t cookie_write(void *cookie, const char *buf, size_t size)
{
    om_afile *f = cookie;
    size_t done = 0;
    while (done < size) {
        ssize_t w = write(f->fd, buf + done, size - done);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            if (!f->werr)
                f->werr = errno;
            return done ? (ssize_t)done : -1;
        }
        done += (size_t)w;
    }
    return (ssize_t)done;
}

static int cookie_close(void *cookie)
{
    om_afile *f = cookie;
    int r = close(f->fd);
    if (r != 0 && !f->werr)
        f->werr = errno;
    f->fd = -1;
    return r;
}

static om_afile *open_files; /* guarded by reg_mu */

static void link_open(om_afile *f)
{
    pthread_mutex_lock(&reg_mu);
    f->next = open_files;
    open_files = f;
    pthread_mutex_unlock(&reg_mu);
}

static void unlink_open(om_afile *f)
{
    pthread_mutex_lock(&reg_mu);
    for (om_afile **pp = &open_files; *pp; pp = &(*pp)->next)
        if (*pp == f) {
            *pp = f->next;
            break;
        }
    pthread_mutex_unlock(&reg_mu);
}

static void free_afile(om_afile *f)
{
    unlink_open(f);
    free(f->path);
    free(f->tmp);
    free(f);
}

/* Open "<path>.tmp.<pid>" exclusively; a second output to the same path in
 * one process gets "<path>.tmp.<pid>.<n>". */
static int open_temp(om_afile *f, size_t cap)
{
    for (int k = 0; k < 100; k++) {
        if (k == 0)
            snprintf(f->tmp, cap, "%s.tmp.%ld", f->path, (long)getpid());
        else
            snprintf(f->tmp, cap, "%s.tmp.%ld.%d", f->path, (long)getpid(), k);
        int fd = open(f->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd >= 0 || errno != EEXIST)
            return fd;
    }
    errno = EEXIST;
    return -1;
}

om_status om_afile_open(om_afile **out, const char *path, om_error *err)
{
    *out = NULL;
    om_afile *f = calloc(1, sizeof *f);
    if (!f)
        return om_error_set(err, OM_ERR_NOMEM, path, 0, 0, "out of memory");
    f->fd = -1;
    if (strcmp(path, "-") == 0) {
        f->fp = stdout;
        f->is_stdout = true;
        link_open(f);
        *out = f;
        return OM_OK;
    }
    om_status s = om_afile_check_target(path, err);
    if (s != OM_OK) {
        free(f);
        return s;
    }
    /* A device or FIFO cannot be replaced by rename (and must not be: as
     * root that would turn /dev/null into a regular file); write to it. */
    struct stat tst;
    bool direct = stat(path, &tst) == 0 && !S_ISREG(tst.st_mode);
    if (!direct)
        om_afile_clean_stale(path);
    size_t n = strlen(path), cap = n + 40;
    f->path = malloc(n + 1);
    f->tmp = malloc(cap);
    if (!f->path || !f->tmp) {
        free_afile(f);
        return om_error_set(err, OM_ERR_NOMEM, path, 0, 0, "out of memory");
    }
    memcpy(f->path, path, n + 1);
    f->direct = direct;
    if (direct)
        snprintf(f->tmp, cap, "%s", path);
    f->fd = direct ? open(path, O_WRONLY | O_CLOEXEC) : open_temp(f, cap);
    if (f->fd < 0) {
        int e = errno;
        free_afile(f);
        /* a missing or non-directory parent is a wrong path, not a failure */
        return om_error_set(err, e == ENOENT || e == ENOTDIR ? OM_ERR_USAGE : OM_ERR_IO, path, 0,
                            0, "cannot create the output file: %s", strerror(e));
    }
    cookie_io_functions_t io = {NULL, cookie_write, NULL, cookie_close};
    f->fp = fopencookie(f, "w", io);
    if (!f->fp) {
        int e = errno;
        close(f->fd);
        if (!f->direct)
            unlink(f->tmp);
        free_afile(f);
        return om_error_set(err, OM_ERR_IO, path, 0, 0, "cannot open the output stream: %s",
                            strerror(e));
    }
    link_open(f);
    *out = f;
    return OM_OK;
}

FILE *om_afile_stream(om_afile *f)
{
    return f ? f->fp : NULL;
}

om_status om_afile_commit(om_afile *f, om_error *err)
{
    if (!f)
        return om_error_set(err, OM_ERR_INTERNAL, NULL, 0, 0, "commit of a NULL file");
    if (f->is_stdout) {
        int bad = fflush(stdout) != 0 || ferror(stdout);
        int e = errno;
        free_afile(f);
        return bad ? om_error_set(err, OM_ERR_IO, "<stdout>", 0, 0, "cannot write: %s",
                                  strerror(e ? e : EIO))
                   : OM_OK;
    }
    int bad = ferror(f->fp) || fflush(f->fp) != 0;
    if (fclose(f->fp) != 0)
        bad = 1;
    om_status st = OM_OK;
    if (bad) {
        if (!f->direct)
            unlink(f->tmp);
        st = om_error_set(err, OM_ERR_IO, f->path, 0, 0, "cannot write: %s",
                          strerror(f->werr ? f->werr : EIO));
    } else if (f->direct) {
        /* written in place: nothing to rename */
    } else if ((st = om_afile_check_target(f->path, err)) != OM_OK) {
        /* an input opened after the output: still refuse to replace it */
        unlink(f->tmp);
    } else if (rename(f->tmp, f->path) != 0) {
        int e = errno;
        unlink(f->tmp);
        st = om_error_set(err, OM_ERR_IO, f->path, 0, 0, "cannot rename the output into place: %s",
                          strerror(e));
    }
    free_afile(f);
    return st;
}

void om_afile_abort(om_afile *f)
{
    if (!f)
        return;
    if (!f->is_stdout) {
        fclose(f->fp);
        if (!f->direct)
            unlink(f->tmp);
        free_afile(f);
    } else {
        fflush(stdout);
        free_afile(f);
    }
}

om_status om_afile_write_error(const om_afile *f, om_error *err)
{
    if (!f || f->is_stdout)
        return om_error_set(err, OM_ERR_IO, "<stdout>", 0, 0, "cannot write: %s",
                            strerror(errno ? errno : EIO));
    return om_error_set(err, OM_ERR_IO, f->path, 0, 0, "cannot write: %s",
                        strerror(f->werr ? f->werr : EIO));
}

om_status om_afile_stream_error(FILE *fp, om_error *err)
{
    int e = errno ? errno : EIO;
    pthread_mutex_lock(&reg_mu);
    om_afile *f = open_files;
    while (f && f->fp != fp)
        f = f->next;
    char name[256];
    if (f && !f->is_stdout) {
        snprintf(name, sizeof name, "%s", f->path);
        if (f->werr)
            e = f->werr;
    } else {
        snprintf(name, sizeof name, "%s", fp == stdout ? "<stdout>" : "<output>");
    }
    pthread_mutex_unlock(&reg_mu);
    return om_error_set(err, OM_ERR_IO, name, 0, 0, "cannot write: %s", strerror(e));
}

/* -------------------------------------------------- atomic directory */

struct om_adir {
    char *dir; /* target, without trailing slashes */
    char *tmp; /* "<dir>.tmp.<pid>" */
};

static void free_adir(om_adir *d)
{
    free(d->dir);
    free(d->tmp);
    free(d);
}

om_status om_adir_open(om_adir **out, const char *dir, om_error *err)
{
    *out = NULL;
    size_t n = strlen(dir);
    while (n > 1 && dir[n - 1] == '/')
        n--;
    const char *last = dir;
    for (size_t i = 0; i < n; i++)
        if (dir[i] == '/')
            last = dir + i + 1;
    size_t ln = n - (size_t)(last - dir);
    if (n == 0 || ln == 0 || (ln == 1 && last[0] == '.') || (ln == 2 && last[0] == '.' && last[1] == '.'))
        return om_error_set(err, OM_ERR_USAGE, dir, 0, 0,
                            "expected a directory name for the output (it is replaced as a "
                            "whole), found '%s'",
                            dir);
    struct stat st;
    if (stat(dir, &st) == 0 && !S_ISDIR(st.st_mode))
        return om_error_set(err, OM_ERR_USAGE, dir, 0, 0,
                            "expected an output directory, found a file");
    /* a symlink to a directory: replace the directory it points to, and
     * keep the link */
    char *real = NULL;
    struct stat lst;
    if (lstat(dir, &lst) == 0 && S_ISLNK(lst.st_mode) && (real = realpath(dir, NULL)) != NULL) {
        dir = real;
        n = strlen(real);
    }
    om_adir *d = calloc(1, sizeof *d);
    if (!d) {
        free(real);
        return om_error_set(err, OM_ERR_NOMEM, dir, 0, 0, "out of memory");
    }
    d->dir = malloc(n + 1);
    d->tmp = malloc(n + 40);
    if (!d->dir || !d->tmp) {
        free_adir(d);
        free(real);
        return om_error_set(err, OM_ERR_NOMEM, dir, 0, 0, "out of memory");
    }
    memcpy(d->dir, dir, n);
    d->dir[n] = '\0';
    free(real);
    om_afile_clean_stale(d->dir);
    snprintf(d->tmp, n + 40, "%s.tmp.%ld", d->dir, (long)getpid());
    remove_tree(d->tmp); /* our own pid: a leftover of this very process */
    if (mkdir(d->tmp, 0777) != 0) {
        int e = errno;
        om_status s = om_error_set(err, e == ENOENT || e == ENOTDIR ? OM_ERR_USAGE : OM_ERR_IO,
                                   d->dir, 0, 0, "cannot create the output directory: %s",
                                   strerror(e));
        free_adir(d);
        return s;
    }
    *out = d;
    return OM_OK;
}

const char *om_adir_path(const om_adir *d)
{
    return d->tmp;
}

/* Entries of the previous set that the new set does not have (files the
 * user keeps there, or files of an earlier run with other options) move into
 * the new directory: the swap replaces omrade's files, nothing else. */
static void carry_over(const char *from, const char *to)
{
    DIR *dd = opendir(from);
    if (!dd)
        return;
    struct dirent *e;
    while ((e = readdir(dd)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char a[8192], b[8192];
        snprintf(a, sizeof a, "%s/%s", from, e->d_name);
        snprintf(b, sizeof b, "%s/%s", to, e->d_name);
        struct stat st;
        if (lstat(b, &st) != 0 && errno == ENOENT)
            rename(a, b);
    }
    closedir(dd);
}

om_status om_adir_commit(om_adir *d, om_error *err)
{
    if (!d)
        return om_error_set(err, OM_ERR_INTERNAL, NULL, 0, 0, "commit of a NULL directory");
    om_status s = OM_OK;
    struct stat st;
    if (lstat(d->dir, &st) != 0) {
        if (rename(d->tmp, d->dir) != 0)
            s = om_error_set(err, OM_ERR_IO, d->dir, 0, 0,
                             "cannot rename the output directory into place: %s", strerror(errno));
    } else if (renameat2(AT_FDCWD, d->tmp, AT_FDCWD, d->dir, RENAME_EXCHANGE) == 0) {
        /* d->tmp now holds the previous set */
        carry_over(d->tmp, d->dir);
    } else {
        /* filesystems without RENAME_EXCHANGE: two renames, the target is
         * missing only between them */
        char old[8192];
        snprintf(old, sizeof old, "%s.old", d->tmp);
        if (rename(d->dir, old) != 0) {
            s = om_error_set(err, OM_ERR_IO, d->dir, 0, 0,
                             "cannot move the previous output directory aside: %s", strerror(errno));
        } else if (rename(d->tmp, d->dir) != 0) {
            s = om_error_set(err, OM_ERR_IO, d->dir, 0, 0,
                             "cannot rename the output directory into place: %s", strerror(errno));
            rename(old, d->dir);
        } else {
            carry_over(old, d->dir);
            remove_tree(old);
        }
    }
    remove_tree(d->tmp);
    free_adir(d);
    return s;
}

void om_adir_abort(om_adir *d)
{
    if (!d)
        return;
    remove_tree(d->tmp);
    free_adir(d);
}
