/* Status codes and the error context (see include/omrade/common.h). */
#include "omrade/common.h"

#include <string.h>

const char *om_status_name(om_status s)
{
    switch (s) {
    case OM_OK: return "ok";
    case OM_ERR_INPUT: return "input error";
    case OM_ERR_USAGE: return "usage error";
    case OM_ERR_IO: return "i/o error";
    case OM_ERR_NOMEM: return "out of memory";
    case OM_ERR_NOTFOUND: return "not found";
    case OM_ERR_INTERNAL: return "internal error";
    }
    return "unknown error";
}

int om_status_exit_code(om_status s)
{
    switch (s) {
    case OM_OK: return 0;
    case OM_ERR_INPUT:
    case OM_ERR_USAGE:
    case OM_ERR_NOTFOUND: return 2;
    default: return 1;
    }
}

void om_error_clear(om_error *err)
{
    if (!err)
        return;
    err->status = OM_OK;
    err->line = 0;
    err->column = 0;
    err->file[0] = '\0';
    err->msg[0] = '\0';
}

om_status om_error_setv(om_error *err, om_status status, const char *file, long line,
                        long column, const char *fmt, va_list ap)
{
    if (!err)
        return status;
    err->status = status;
    err->line = line;
    err->column = column;
    if (file) {
        size_t n = strlen(file);
        if (n >= sizeof err->file)
            n = sizeof err->file - 1;
        memcpy(err->file, file, n);
        err->file[n] = '\0';
    } else {
        err->file[0] = '\0';
    }
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    return status;
}

om_status om_error_set(om_error *err, om_status status, const char *file, long line,
                       long column, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    om_error_setv(err, status, file, line, column, fmt, ap);
    va_end(ap);
    return status;
}

const char *om_error_format(const om_error *err, char *buf, size_t size)
{
    if (size == 0)
        return buf;
    if (!err) {
        snprintf(buf, size, "unknown error");
        return buf;
    }
    const char *msg = err->msg[0] ? err->msg : om_status_name(err->status);
    if (err->file[0] && err->line > 0 && err->column > 0)
        snprintf(buf, size, "%s:%ld:%ld: %s", err->file, err->line, err->column, msg);
    else if (err->file[0] && err->line > 0)
        snprintf(buf, size, "%s:%ld: %s", err->file, err->line, msg);
    else if (err->file[0])
        snprintf(buf, size, "%s: %s", err->file, msg);
    else
        snprintf(buf, size, "%s", msg);
    for (char *p = buf; *p; p++)
        if (*p == '\n' || *p == '\r')
            *p = ' ';
    return buf;
}

om_status om_error_nomem(om_error *err)
{
    return om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
}
