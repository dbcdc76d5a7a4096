/* Atomic output files: write to a unique temporary file next to the target
 * (same filesystem, so rename(2) is atomic), fsync-free rename on commit. */
#define _POSIX_C_SOURCE 200809L
#include "omrade/common.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct om_afile {
    FILE *fp;
    bool is_stdout;
    char *path;
    char *tmp;
};

om_status om_afile_open(om_afile **out, const char *path, om_error *err)
{
    *out = NULL;
    om_afile *f = calloc(1, sizeof *f);
    if (!f)
        return om_error_set(err, OM_ERR_NOMEM, path, 0, 0, "out of memory");
    if (strcmp(path, "-") == 0) {
        f->fp = stdout;
        f->is_stdout = true;
        *out = f;
        return OM_OK;
    }
    size_t n = strlen(path);
    f->path = malloc(n + 1);
    f->tmp = malloc(n + 16);
    if (!f->path || !f->tmp) {
        free(f->path);
        free(f->tmp);
        free(f);
        return om_error_set(err, OM_ERR_NOMEM, path, 0, 0, "out of memory");
    }
    memcpy(f->path, path, n + 1);
    snprintf(f->tmp, n + 16, "%s.tmp.XXXXXX", path);
    int fd = mkstemp(f->tmp);
    if (fd < 0) {
        int e = errno;
        free(f->path);
        free(f->tmp);
        free(f);
        return om_error_set(err, OM_ERR_IO, path, 0, 0, "cannot create output file: %s",
                            strerror(e));
    }
    f->fp = fdopen(fd, "w");
    if (!f->fp) {
        close(fd);
        unlink(f->tmp);
        free(f->path);
        free(f->tmp);
        free(f);
        return om_error_set(err, OM_ERR_IO, path, 0, 0, "cannot open output stream");
    }
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
        free(f);
        return bad ? om_error_set(err, OM_ERR_IO, "-", 0, 0, "write to standard output failed")
                   : OM_OK;
    }
    int bad = ferror(f->fp);
    if (fclose(f->fp) != 0)
        bad = 1;
    om_status st = OM_OK;
    if (bad) {
        unlink(f->tmp);
        st = om_error_set(err, OM_ERR_IO, f->path, 0, 0, "write failed");
    } else if (rename(f->tmp, f->path) != 0) {
        int e = errno;
        unlink(f->tmp);
        st = om_error_set(err, OM_ERR_IO, f->path, 0, 0, "cannot rename output into place: %s",
                          strerror(e));
    }
    free(f->path);
    free(f->tmp);
    free(f);
    return st;
}

void om_afile_abort(om_afile *f)
{
    if (!f)
        return;
    if (!f->is_stdout) {
        fclose(f->fp);
        unlink(f->tmp);
        free(f->path);
        free(f->tmp);
    } else {
        fflush(stdout);
    }
    free(f);
}
