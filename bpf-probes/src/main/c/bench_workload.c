/* Benchmark workloads for the probe overhead benchmark (bench module, ProbeBench). Each prints one
 * line: "<ops> <total_ns> <p50_ns> <p99_ns>" with per-operation latencies.
 *   bench_workload files DIR N   N x open/read/close of 64 small files created in DIR
 *   bench_workload tcp N         N x 64-byte request / 64-byte response over loopback TCP
 *   bench_workload null N        N x getppid(2), the cheapest syscall, timed in batches of 100
 *                                (latencies are per syscall): what a hook adds to one syscall
 *   bench_workload fork SECS RATE  fork+exit for SECS seconds, paced at RATE per second (0 = as
 *                                fast as possible); stops early when behind the pace is all it can do
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;
	return x < y ? -1 : x > y;
}

static void report(long long *lat, long n, long long total)
{
	qsort(lat, (size_t)n, sizeof(*lat), cmp);
	printf("%ld %lld %lld %lld\n", n, total, lat[n / 2], lat[(n * 99) / 100]);
}

static int files(const char *dir, long n)
{
	char path[64][512];
	char buf[4096];
	memset(buf, 'x', sizeof(buf));
	for (int i = 0; i < 64; i++) {
		snprintf(path[i], sizeof(path[i]), "%s/f%02d", dir, i);
		int fd = open(path[i], O_CREAT | O_TRUNC | O_WRONLY, 0644);
		if (fd < 0 || write(fd, buf, 1024) != 1024)
			return 1;
		close(fd);
	}
	long long *lat = malloc(sizeof(long long) * (size_t)n);
	long long t0 = now_ns();
	for (long i = 0; i < n; i++) {
		long long s = now_ns();
		int fd = open(path[i & 63], O_RDONLY);
		if (fd < 0 || read(fd, buf, sizeof(buf)) != 1024)
			return 1;
		close(fd);
		lat[i] = now_ns() - s;
	}
	report(lat, n, now_ns() - t0);
	return 0;
}

#define NULL_BATCH 100

static int null_calls(long n)
{
	long batches = n / NULL_BATCH;
	if (batches < 1)
		return 1;
	long long *lat = malloc(sizeof(long long) * (size_t)batches);
	long long t0 = now_ns();
	for (long i = 0; i < batches; i++) {
		long long s = now_ns();
		for (int j = 0; j < NULL_BATCH; j++)
			syscall(SYS_getppid); /* not the glibc wrapper: every call enters the kernel */
		lat[i] = (now_ns() - s) / NULL_BATCH;
	}
	long long total = now_ns() - t0;
	qsort(lat, (size_t)batches, sizeof(*lat), cmp);
	printf("%ld %lld %lld %lld\n", batches * NULL_BATCH, total, lat[batches / 2],
	       lat[(batches * 99) / 100]);
	return 0;
}

static int server_fd;
static long rounds;

static void *echo(void *arg)
{
	(void)arg;
	int c = accept(server_fd, NULL, NULL);
	int one = 1;
	setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	char b[64];
	for (long i = 0; i < rounds; i++) {
		long got = 0;
		while (got < 64) {
			long r = read(c, b + got, (size_t)(64 - got));
			if (r <= 0)
				return NULL;
			got += r;
		}
		if (write(c, b, 64) != 64)
			return NULL;
	}
	close(c);
	return NULL;
}

static int tcp(long n)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t al = sizeof(a);
	server_fd = socket(AF_INET, SOCK_STREAM, 0);
	if (bind(server_fd, (struct sockaddr *)&a, sizeof(a)) || listen(server_fd, 1) ||
	    getsockname(server_fd, (struct sockaddr *)&a, &al))
		return 1;
	rounds = n;
	pthread_t t;
	pthread_create(&t, NULL, echo, NULL);
	int c = socket(AF_INET, SOCK_STREAM, 0);
	if (connect(c, (struct sockaddr *)&a, sizeof(a)))
		return 1;
	int one = 1;
	setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	char b[64];
	memset(b, 'q', sizeof(b));
	long long *lat = malloc(sizeof(long long) * (size_t)n);
	long long t0 = now_ns();
	for (long i = 0; i < n; i++) {
		long long s = now_ns();
		if (write(c, b, 64) != 64)
			return 1;
		long got = 0;
		while (got < 64) {
			long r = read(c, b + got, (size_t)(64 - got));
			if (r <= 0)
				return 1;
			got += r;
		}
		lat[i] = now_ns() - s;
	}
	report(lat, n, now_ns() - t0);
	close(c);
	pthread_join(t, NULL);
	return 0;
}

static int forks(long secs, long rate)
{
	long cap = rate > 0 ? rate * secs : 1000000;
	long long *lat = malloc(sizeof(long long) * (size_t)cap);
	long long t0 = now_ns(), end = t0 + secs * 1000000000LL;
	long n = 0;
	while (n < cap && now_ns() < end) {
		if (rate > 0) {
			long long due = t0 + n * 1000000000LL / rate;
			while (now_ns() < due)
				;
		}
		long long s = now_ns();
		pid_t p = fork();
		if (p == 0)
			_exit(0);
		if (p < 0 || waitpid(p, NULL, 0) != p)
			return 1;
		lat[n++] = now_ns() - s;
	}
	report(lat, n, now_ns() - t0);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 4 && strcmp(argv[1], "files") == 0)
		return files(argv[2], atol(argv[3]));
	if (argc >= 3 && strcmp(argv[1], "tcp") == 0)
		return tcp(atol(argv[2]));
	if (argc >= 3 && strcmp(argv[1], "null") == 0)
		return null_calls(atol(argv[2]));
	if (argc >= 4 && strcmp(argv[1], "fork") == 0)
		return forks(atol(argv[2]), atol(argv[3]));
	fprintf(stderr, "usage: bench_workload files DIR N | tcp N | null N | fork N RATE\n");
	return 2;
}
