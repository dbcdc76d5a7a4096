/* bench_serve: open-loop HTTP load at a fixed rate, for the barometer API.
 *
 *   bench_serve PORT URLFILE RATE SECONDS [PID]
 *
 * Requests are scheduled at start + i/RATE (URLs taken round-robin from
 * URLFILE, one path per line) and spread over worker threads with
 * keep-alive connections to 127.0.0.1:PORT.  Latency is measured from the
 * *scheduled* time, so a slow server cannot hide its queueing delay
 * (coordinated omission, Tene: "How NOT to measure latency").  Prints
 * p50/p90/p99/p99.9/max, the number of errors (non-200 or failed
 * connection) and, with PID, the server's resident memory every 5 s.
 * Not a test: bench/barometer.sh runs it against omrade serve and a peer. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define WORKERS 16

static int port;
static char **urls;
static size_t nurls;
static double rate, seconds;
static struct timespec t0;
static double *lat; /* ms, per request index */
static atomic_long errors;
static long total;

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0.tv_sec) + (double)(t.tv_nsec - t0.tv_nsec) / 1e9;
}

static int dial(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    struct timeval tv = {10, 0}; /* a server that stops answering ends the request, not the run */
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    return fd;
}

/* One request on a keep-alive connection; reads the whole answer using
 * Content-Length.  Returns the status or -1. */
static int request(int fd, const char *url, char *buf, size_t cap)
{
    char req[4096];
    int n = snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept-Encoding: gzip\r\n\r\n", url);
    if (write(fd, req, (size_t)n) != n)
        return -1;
    size_t len = 0;
    char *end = NULL;
    while (!end) {
        ssize_t r = read(fd, buf + len, cap - len - 1);
        if (r <= 0)
            return -1;
        len += (size_t)r;
        buf[len] = '\0';
        end = strstr(buf, "\r\n\r\n");
        if (!end && len >= cap - 1)
            return -1;
    }
    int status = 0;
    sscanf(buf, "HTTP/1.%*d %d", &status);
    const char *cl = strcasestr(buf, "\r\ncontent-length:");
    size_t body = cl ? strtoul(cl + 17, NULL, 10) : 0;
    size_t have = len - (size_t)(end + 4 - buf);
    while (have < body) {
        ssize_t r = read(fd, buf, cap - 1 < body - have ? cap - 1 : body - have);
        if (r <= 0)
            return -1;
        have += (size_t)r;
    }
    return status;
}

static void *worker(void *arg)
{
    long w = (long)(intptr_t)arg;
    size_t cap = 1 << 20;
    char *buf = malloc(cap);
    int fd = dial();
    for (long i = w; i < total; i += WORKERS) {
        double at = (double)i / rate;
        double d = at - now_s();
        if (d > 0) {
            struct timespec ts = {(time_t)d, (long)((d - (double)(time_t)d) * 1e9)};
            nanosleep(&ts, NULL);
        }
        if (fd < 0)
            fd = dial();
        int st = fd < 0 ? -1 : request(fd, urls[(size_t)i % nurls], buf, cap);
        if (st < 0 && fd >= 0) { /* the server may close idle connections: retry once */
            close(fd);
            fd = dial();
            st = fd < 0 ? -1 : request(fd, urls[(size_t)i % nurls], buf, cap);
        }
        if (st != 200)
            atomic_fetch_add(&errors, 1);
        lat[i] = (now_s() - at) * 1000.0;
    }
    if (fd >= 0)
        close(fd);
    free(buf);
    return NULL;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static long rss_kb(long pid)
{
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%ld/status", pid);
    FILE *f = fopen(path, "r");
    long kb = -1;
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, "VmRSS:", 6) == 0)
            kb = strtol(line + 6, NULL, 10);
    if (f)
        fclose(f);
    return kb;
}

int main(int argc, char **argv)
{
    if (argc < 5) {
        fprintf(stderr, "usage: bench_serve PORT URLFILE RATE SECONDS [PID]\n");
        return 2;
    }
    port = atoi(argv[1]);
    rate = atof(argv[3]);
    seconds = atof(argv[4]);
    long pid = argc > 5 ? atol(argv[5]) : 0;
    FILE *f = fopen(argv[2], "r");
    if (!f) {
        perror(argv[2]);
        return 1;
    }
    char line[4096];
    size_t cap = 0;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        if (!line[0])
            continue;
        if (nurls == cap) {
            cap = cap ? cap * 2 : 64;
            urls = realloc(urls, cap * sizeof *urls);
        }
        urls[nurls++] = strdup(line);
    }
    fclose(f);
    total = (long)(rate * seconds);
    lat = calloc((size_t)total, sizeof *lat);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pthread_t th[WORKERS];
    for (long w = 0; w < WORKERS; w++)
        pthread_create(&th[w], NULL, worker, (void *)(intptr_t)w);
    if (pid) {
        printf("rss_kb");
        for (double t = 0; t < seconds; t += 5) {
            printf(" %ld", rss_kb(pid));
            fflush(stdout);
            sleep(5);
        }
        printf(" %ld\n", rss_kb(pid));
    }
    for (int w = 0; w < WORKERS; w++)
        pthread_join(th[w], NULL);
    double el = now_s();
    qsort(lat, (size_t)total, sizeof *lat, cmp);
#define P(q) lat[(size_t)((double)(total - 1) * (q))]
    printf("requests %ld in %.1f s (%.0f/s) errors %ld p50 %.2f ms p90 %.2f ms p99 %.2f ms p99.9 %.2f ms max %.2f ms\n",
           total, el, (double)total / el, (long)atomic_load(&errors), P(0.5), P(0.9), P(0.99), P(0.999),
           lat[total - 1]);
    printf("answered %.2f %% (200 within the run)\n", 100.0 * (double)(total - atomic_load(&errors)) / (double)total);
    for (size_t i = 0; i < nurls; i++)
        free(urls[i]);
    free(urls);
    free(lat);
    return 0;
}
