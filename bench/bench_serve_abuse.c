/* bench_serve_abuse: load that omrade serve must survive (issue 12).
 * Not a test; bench/barometer.sh runs it next to bench_serve.
 *
 *   bench_serve_abuse attack PORT SECONDS [FLOOD] [SLOW]
 *       FLOOD idle sockets (default 2,000) from 127.0.0.2 and a slowloris
 *       of SLOW connections (default 600) from 127.0.0.3, each sending its
 *       headers one byte every 2 s, for SECONDS.  A socket the server
 *       closes is opened again on the next 1 s round, so the attack keeps
 *       its size.  Prints what the server did to the sockets.
 *   bench_serve_abuse distinct PORT N PID
 *       N distinct valid API requests (answers 200, each a cache miss) over
 *       8 keep-alive connections from 127.0.0.4; prints the resident memory
 *       of PID before, every N/10 requests and after, and the ratios of the
 *       end to the start and to the first tenth (when the cache is full).
 *
 * The attacker addresses differ from the measured client's (127.0.0.1,
 * bench_serve) because the server limits connections per address, and an
 * attack from the client's own address would be a limit on the client.
 * Linux routes all of 127.0.0.0/8 to the loopback interface.  Only
 * loopback addresses are used; every loop is bounded by SECONDS or N. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int port;

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int dial(const char *src, int nonblock)
{
    int fd = socket(AF_INET, SOCK_STREAM | (nonblock ? SOCK_NONBLOCK : 0), 0);
    if (fd < 0)
        return -1;
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    inet_pton(AF_INET, src, &a.sin_addr);
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        close(fd);
        return -1;
    }
    a.sin_port = htons((uint16_t)port);
    inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0 && errno != EINPROGRESS) {
        close(fd);
        return -1;
    }
    if (!nonblock) {
        struct timeval tv = {10, 0};
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    }
    return fd;
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

/* True when the server has closed fd (EOF or reset). */
static int closed_by_server(int fd)
{
    struct pollfd p = {fd, POLLIN | POLLRDHUP, 0};
    if (poll(&p, 1, 0) <= 0)
        return 0;
    char buf[4096];
    ssize_t n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
    return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) || (p.revents & (POLLHUP | POLLERR));
}

static int attack(double seconds, int nflood, int nslow)
{
    int n = nflood + nslow;
    int *fd = malloc((size_t)n * sizeof *fd);
    size_t *sent = calloc((size_t)n, sizeof *sent);
    if (!fd || !sent)
        return 1;
    static const char req[] = "GET /api/meta HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: "
                              "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
                              "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    long closes_flood = 0, closes_slow = 0, dial_fail = 0;
    for (int i = 0; i < n; i++)
        fd[i] = -1;
    double t0 = now_s(), next_drip = t0;
    for (int round = 0; now_s() - t0 < seconds && round < 100000; round++) {
        for (int i = 0; i < n; i++) {
            if (fd[i] >= 0 && closed_by_server(fd[i])) {
                close(fd[i]);
                fd[i] = -1;
                if (i < nflood)
                    closes_flood++;
                else
                    closes_slow++;
            }
            if (fd[i] < 0) {
                fd[i] = dial(i < nflood ? "127.0.0.2" : "127.0.0.3", 1);
                sent[i] = 0;
                if (fd[i] < 0)
                    dial_fail++;
            }
        }
        if (now_s() >= next_drip) { /* slowloris: one more byte every 2 s */
            for (int i = nflood; i < n; i++) {
                if (fd[i] < 0 || sent[i] >= sizeof req - 1)
                    continue;
                size_t k = sent[i] == 0 ? 16 : 1; /* the request line at once, then a byte */
                ssize_t w = send(fd[i], req + sent[i], k, MSG_NOSIGNAL | MSG_DONTWAIT);
                if (w > 0)
                    sent[i] += (size_t)w;
            }
            next_drip += 2.0;
        }
        usleep(1000 * 1000);
    }
    int open_flood = 0, open_slow = 0;
    for (int i = 0; i < n; i++) {
        if (fd[i] >= 0 && !closed_by_server(fd[i]))
            (i < nflood ? open_flood++ : open_slow++);
        if (fd[i] >= 0)
            close(fd[i]);
    }
    printf("attack %.0f s: idle flood %d sockets from 127.0.0.2: %d open at the end, %ld closed by the server; "
           "slowloris %d from 127.0.0.3: %d open at the end, %ld closed by the server; %ld connects failed\n",
           seconds, nflood, open_flood, closes_flood, nslow, open_slow, closes_slow, dial_fail);
    free(fd);
    free(sent);
    return 0;
}

#define DISTINCT_CONNS 8
static long distinct_total;
static atomic_long distinct_next, distinct_ok, distinct_bad;

/* Valid requests that each name something new (so each is a cache miss
 * and a 200 answer that the server would like to cache), alternating two
 * endpoints with indexed lookups. */
static void *distinct_worker(void *arg)
{
    (void)arg;
    char req[512], *buf = malloc(1 << 16);
    int fd = dial("127.0.0.4", 0);
    for (;;) {
        long i = atomic_fetch_add(&distinct_next, 1);
        if (i >= distinct_total || !buf)
            break;
        int n = i % 2 ? snprintf(req, sizeof req, "GET /api/inequality?code=Q%ld HTTP/1.1\r\nHost: x\r\n\r\n", i)
                      : snprintf(req, sizeof req,
                                 "GET /api/bytype?indicator=low_econ&year=2023&within=W%ld HTTP/1.1\r\nHost: x\r\n\r\n", i);
        int status = -1;
        for (int attempt = 0; attempt < 2 && status < 0; attempt++) {
            if (fd < 0)
                fd = dial("127.0.0.4", 0);
            if (fd < 0 || send(fd, req, (size_t)n, MSG_NOSIGNAL) != n) {
                if (fd >= 0)
                    close(fd);
                fd = -1;
                continue;
            }
            size_t len = 0;
            char *end = NULL;
            while (!end && len < (1 << 16) - 1) {
                ssize_t r = recv(fd, buf + len, (1 << 16) - 1 - len, 0);
                if (r <= 0)
                    break;
                len += (size_t)r;
                buf[len] = '\0';
                end = strstr(buf, "\r\n\r\n");
            }
            if (!end) {
                close(fd);
                fd = -1;
                continue;
            }
            const char *cl = strcasestr(buf, "\r\ncontent-length:");
            size_t body = cl ? strtoul(cl + 17, NULL, 10) : 0, have = len - (size_t)(end + 4 - buf);
            while (have < body) {
                ssize_t r = recv(fd, buf, body - have < 65535 ? body - have : 65535, 0);
                if (r <= 0)
                    break;
                have += (size_t)r;
            }
            sscanf(buf, "HTTP/1.%*d %d", &status);
            if (strcasestr(buf, "\r\nconnection: close")) {
                close(fd);
                fd = -1;
            }
        }
        atomic_fetch_add(status == 200 ? &distinct_ok : &distinct_bad, 1);
    }
    if (fd >= 0)
        close(fd);
    free(buf);
    return NULL;
}

static int distinct(long n, long pid)
{
    distinct_total = n;
    long before = rss_kb(pid);
    printf("rss_kb before %ld\n", before);
    double t0 = now_s();
    pthread_t th[DISTINCT_CONNS];
    for (int i = 0; i < DISTINCT_CONNS; i++)
        pthread_create(&th[i], NULL, distinct_worker, NULL);
    long step = n / 10 > 0 ? n / 10 : 1, mark = step, first_tenth = -1;
    while (atomic_load(&distinct_next) < n) {
        usleep(200 * 1000);
        if (atomic_load(&distinct_next) >= mark) {
            long kb = rss_kb(pid);
            if (first_tenth < 0)
                first_tenth = kb;
            printf("rss_kb after %ld requests: %ld\n", mark, kb);
            fflush(stdout);
            mark += step;
        }
    }
    for (int i = 0; i < DISTINCT_CONNS; i++)
        pthread_join(th[i], NULL);
    double el = now_s() - t0;
    long after = rss_kb(pid);
    /* The first tenth fills the bounded cache (and SQLite's page caches);
     * from there on memory must stay flat however many queries follow. */
    if (first_tenth < 0)
        first_tenth = after;
    printf("distinct requests %ld in %.1f s (%.0f/s): %ld answered 200, %ld other; rss_kb before %ld, after the "
           "first tenth %ld, at the end %ld (end/before %.3f, end/first tenth %.3f)\n",
           n, el, (double)n / el, (long)atomic_load(&distinct_ok), (long)atomic_load(&distinct_bad), before,
           first_tenth, after, (double)after / (double)before, (double)after / (double)first_tenth);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 4 || (strcmp(argv[1], "attack") != 0 && strcmp(argv[1], "distinct") != 0) ||
        (strcmp(argv[1], "distinct") == 0 && argc < 5)) {
        fprintf(stderr, "usage: bench_serve_abuse attack PORT SECONDS [FLOOD] [SLOW]\n"
                        "       bench_serve_abuse distinct PORT N PID\n");
        return 2;
    }
    port = atoi(argv[2]);
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    if (strcmp(argv[1], "attack") == 0) {
        int flood = argc > 4 ? atoi(argv[4]) : 2000, slow = argc > 5 ? atoi(argv[5]) : 600;
        if (flood < 0 || slow < 0 || flood + slow > 20000) {
            fprintf(stderr, "bench_serve_abuse: expected FLOOD + SLOW <= 20000\n");
            return 2;
        }
        return attack(atof(argv[3]), flood, slow);
    }
    long n = atol(argv[3]);
    if (n < 1 || n > 100000000) {
        fprintf(stderr, "bench_serve_abuse: expected N in 1-100000000\n");
        return 2;
    }
    return distinct(n, atol(argv[4]));
}
