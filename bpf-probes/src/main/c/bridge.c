/* JNI bridge over libbpf for io.lineageledger.bpf.NativeBridge.
 *
 * One session = one opened BPF object. Java drives open -> layout checks -> load -> attach; a
 * native thread polls the ring buffer and hands records to Java in batches through one direct
 * ByteBuffer (one upcall per batch, never one per event). Errors become IllegalStateException
 * carrying libbpf's own messages (verifier log included) and errno. */
#include <errno.h>
#include <jni.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#define MAX_LINKS 32

struct session {
	struct bpf_object *obj;
	struct bpf_link *links[MAX_LINKS];
	int nlinks;
	struct ring_buffer *rb;
	pthread_t poller;
	int polling;
	atomic_int stop;
	JavaVM *vm;
	jobject sink; /* global ref */
	jmethodID on_batch;
	unsigned char *buf;
	jlong cap;
	jlong pos;
	JNIEnv *penv; /* the poller thread's env */
	int stats_fd; /* BPF_ENABLE_STATS handle: run time is counted while it is open, else -1 */
};

static char last_log[8192];
static size_t last_log_len;
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

/* Keep libbpf's warnings (verifier logs, attach failures) to put them in exception messages. */
static int capture_log(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_DEBUG)
		return 0;
	pthread_mutex_lock(&log_lock);
	if (last_log_len < sizeof(last_log) - 1) {
		int n = vsnprintf(last_log + last_log_len, sizeof(last_log) - last_log_len, fmt, ap);
		if (n > 0)
			last_log_len += (size_t)n;
		if (last_log_len >= sizeof(last_log))
			last_log_len = sizeof(last_log) - 1;
	}
	pthread_mutex_unlock(&log_lock);
	return 0;
}

static void clear_log(void)
{
	pthread_mutex_lock(&log_lock);
	last_log_len = 0;
	last_log[0] = 0;
	pthread_mutex_unlock(&log_lock);
}

static void fail(JNIEnv *env, const char *what, int err)
{
	char msg[10240];
	pthread_mutex_lock(&log_lock);
	/* the verifier log can be long: its tail names the refused instruction */
	const char *tail = last_log;
	if (last_log_len > 6000)
		tail = last_log + last_log_len - 6000;
	snprintf(msg, sizeof(msg), "%s: %s (errno %d)%s%s", what, strerror(err < 0 ? -err : err),
		 err < 0 ? -err : err, last_log_len ? "; libbpf: " : "", tail);
	pthread_mutex_unlock(&log_lock);
	jclass c = (*env)->FindClass(env, "java/lang/IllegalStateException");
	if (c)
		(*env)->ThrowNew(env, c, msg);
}

static struct session *S(jlong h)
{
	return (struct session *)(intptr_t)h;
}

static struct bpf_map *find_map(JNIEnv *env, struct session *s, jstring name)
{
	const char *n = (*env)->GetStringUTFChars(env, name, NULL);
	struct bpf_map *m = bpf_object__find_map_by_name(s->obj, n);
	if (!m) {
		char msg[256];
		snprintf(msg, sizeof(msg), "no map named '%s' in the BPF object", n);
		(*env)->ReleaseStringUTFChars(env, name, n);
		fail(env, msg, ENOENT);
		return NULL;
	}
	(*env)->ReleaseStringUTFChars(env, name, n);
	return m;
}

JNIEXPORT jlong JNICALL Java_io_lineageledger_bpf_NativeBridge_open(JNIEnv *env, jclass cls,
								     jstring path)
{
	(void)cls;
	libbpf_set_print(capture_log);
	clear_log();
	const char *p = (*env)->GetStringUTFChars(env, path, NULL);
	struct bpf_object *obj = bpf_object__open_file(p, NULL);
	int err = -errno;
	(*env)->ReleaseStringUTFChars(env, path, p);
	if (!obj) {
		fail(env, "opening the BPF object", err);
		return 0;
	}
	struct session *s = calloc(1, sizeof(*s));
	if (!s) {
		bpf_object__close(obj);
		fail(env, "allocating a session", ENOMEM);
		return 0;
	}
	s->obj = obj;
	s->stats_fd = -1;
	return (jlong)(intptr_t)s;
}

static void describe(struct btf *btf, __u32 id, const char *prefix, __u32 base, char *out,
		     size_t cap, size_t *len, int depth)
{
	const struct btf_type *t = btf__type_by_id(btf, id);
	const struct btf_member *m = btf_members(t);
	for (int i = 0; i < btf_vlen(t); i++, m++) {
		const char *name = btf__name_by_offset(btf, m->name_off);
		__u32 off = base + btf_member_bit_offset(t, i) / 8;
		__u32 tid = btf__resolve_type(btf, m->type);
		const struct btf_type *mt = btf__type_by_id(btf, tid);
		long long size = btf__resolve_size(btf, m->type);
		char full[200];
		snprintf(full, sizeof(full), "%s%s", prefix, name);
		if (btf_is_struct(mt) && depth < 4) {
			char sub[256];
			snprintf(sub, sizeof(sub), "%s.", full);
			describe(btf, tid, sub, off, out, cap, len, depth + 1);
			continue;
		}
		if (*len < cap)
			*len += (size_t)snprintf(out + *len, cap - *len, "%s:%u:%lld\n", full, off, size);
	}
}

/* "size:N\n" then "member:offset:size\n" per member, nested structs flattened as a.b; null when
 * the object's BTF has no such struct. */
JNIEXPORT jstring JNICALL Java_io_lineageledger_bpf_NativeBridge_layout(JNIEnv *env, jclass cls,
									jlong h, jstring sname)
{
	(void)cls;
	struct btf *btf = bpf_object__btf(S(h)->obj);
	if (!btf) {
		fail(env, "the BPF object carries no BTF", ENOENT);
		return NULL;
	}
	const char *n = (*env)->GetStringUTFChars(env, sname, NULL);
	__s32 id = btf__find_by_name_kind(btf, n, BTF_KIND_STRUCT);
	(*env)->ReleaseStringUTFChars(env, sname, n);
	if (id < 0)
		return NULL;
	char out[8192];
	size_t len = (size_t)snprintf(out, sizeof(out), "size:%lld\n", (long long)btf__resolve_size(btf, id));
	describe(btf, (__u32)id, "", 0, out, sizeof(out), &len, 0);
	return (*env)->NewStringUTF(env, out);
}

JNIEXPORT void JNICALL Java_io_lineageledger_bpf_NativeBridge_load(JNIEnv *env, jclass cls,
								   jlong h, jint ring_bytes)
{
	(void)cls;
	struct session *s = S(h);
	clear_log();
	struct bpf_map *rb = bpf_object__find_map_by_name(s->obj, "events");
	if (!rb) {
		fail(env, "no ring buffer map 'events'", ENOENT);
		return;
	}
	int err = bpf_map__set_max_entries(rb, (__u32)ring_bytes);
	if (err) {
		fail(env, "sizing the ring buffer", err);
		return;
	}
	err = bpf_object__load(s->obj);
	if (err)
		fail(env, "loading the BPF programs", err);
}

static int ensure_tracefs(void)
{
	if (access("/sys/kernel/tracing/events", F_OK) == 0 ||
	    access("/sys/kernel/debug/tracing/events", F_OK) == 0)
		return 0;
	/* tracepoint programs are attached by their tracefs ids: mount it where libbpf looks */
	if (mount("nodev", "/sys/kernel/tracing", "tracefs", 0, NULL))
		return -errno;
	return 0;
}

JNIEXPORT void JNICALL Java_io_lineageledger_bpf_NativeBridge_attach(JNIEnv *env, jclass cls,
								     jlong h)
{
	(void)cls;
	struct session *s = S(h);
	clear_log();
	int err = ensure_tracefs();
	if (err) {
		fail(env, "mounting tracefs at /sys/kernel/tracing", err);
		return;
	}
	struct bpf_program *prog;
	bpf_object__for_each_program(prog, s->obj)
	{
		/* SEC("syscall") programs run on demand (runProgram), they attach nowhere; bench_*
		 * programs are attached by the benchmark alone (attachProgram) */
		if (strcmp(bpf_program__section_name(prog), "syscall") == 0 ||
		    strncmp(bpf_program__name(prog), "bench_", 6) == 0)
			continue;
		if (s->nlinks >= MAX_LINKS) {
			fail(env, "too many programs", E2BIG);
			return;
		}
		struct bpf_link *l = bpf_program__attach(prog);
		if (!l) {
			char what[256];
			err = -errno;
			snprintf(what, sizeof(what), "attaching program %s (%s)",
				 bpf_program__name(prog), bpf_program__section_name(prog));
			fail(env, what, err);
			return;
		}
		s->links[s->nlinks++] = l;
	}
}

/* Turns on the kernel's per-program run time accounting (as sysctl kernel.bpf_stats_enabled=1
 * does) until the session closes. It costs two clock reads per program run, so the overhead
 * benchmark measures wall time with it off and program cost with it on. */
JNIEXPORT void JNICALL Java_io_lineageledger_bpf_NativeBridge_enableStats(JNIEnv *env, jclass cls,
									  jlong h)
{
	(void)cls;
	struct session *s = S(h);
	if (s->stats_fd >= 0)
		return;
	int fd = bpf_enable_stats(BPF_STATS_RUN_TIME);
	if (fd < 0) {
		fail(env, "enabling BPF run time statistics", errno);
		return;
	}
	s->stats_fd = fd;
}

/* One line per loaded program: "name run_cnt run_time_ns". The kernel counts only while run time
 * statistics are enabled (enableStats or the sysctl). */
JNIEXPORT jstring JNICALL Java_io_lineageledger_bpf_NativeBridge_programStats(JNIEnv *env,
									     jclass cls, jlong h)
{
	(void)cls;
	char out[4096];
	out[0] = 0;
	size_t len = 0;
	struct bpf_program *prog;
	bpf_object__for_each_program(prog, S(h)->obj)
	{
		struct bpf_prog_info info;
		__u32 info_len = sizeof(info);
		memset(&info, 0, sizeof(info));
		if (bpf_obj_get_info_by_fd(bpf_program__fd(prog), &info, &info_len)) {
			fail(env, "reading program info", errno);
			return NULL;
		}
		if (len < sizeof(out))
			len += (size_t)snprintf(out + len, sizeof(out) - len, "%s %llu %llu\n",
						bpf_program__name(prog),
						(unsigned long long)info.run_cnt,
						(unsigned long long)info.run_time_ns);
	}
	return (*env)->NewStringUTF(env, out);
}

/* Attaches one program the session's attach leaves out (the benchmark's bench_* programs). */
JNIEXPORT void JNICALL Java_io_lineageledger_bpf_NativeBridge_attachProgram(JNIEnv *env,
									    jclass cls, jlong h,
									    jstring name)
{
	(void)cls;
	struct session *s = S(h);
	clear_log();
	const char *n = (*env)->GetStringUTFChars(env, name, NULL);
	struct bpf_program *prog = bpf_object__find_program_by_name(s->obj, n);
	(*env)->ReleaseStringUTFChars(env, name, n);
	if (!prog) {
		fail(env, "no such program", ENOENT);
		return;
	}
	if (s->nlinks >= MAX_LINKS) {
		fail(env, "too many programs", E2BIG);
		return;
	}
	struct bpf_link *l = bpf_program__attach(prog);
	if (!l) {
		fail(env, "attaching a program", errno);
		return;
	}
	s->links[s->nlinks++] = l;
}

/* Runs a SEC("syscall") program once with {count, 0} as its context (BPF_PROG_RUN). */
JNIEXPORT void JNICALL Java_io_lineageledger_bpf_NativeBridge_runProgram(JNIEnv *env, jclass cls,
									 jlong h, jstring name,
									 jint count)
{
	(void)cls;
	const char *n = (*env)->GetStringUTFChars(env, name, NULL);
	struct bpf_program *prog = bpf_object__find_program_by_name(S(h)->obj, n);
	(*env)->ReleaseStringUTFChars(env, name, n);
	if (!prog) {
		fail(env, "no such program", ENOENT);
		return;
	}
	__u32 args[2] = {(__u32)count, 0};
	LIBBPF_OPTS(bpf_test_run_opts, opts, .ctx_in = args, .ctx_size_in = sizeof(args));
	int err = bpf_prog_test_run_opts(bpf_program__fd(prog), &opts);
	if (err)
		fail(env, "running the program", errno);
}

JNIEXPORT void JNICALL Java_io_lineageledger_bpf_NativeBridge_update(JNIEnv *env, jclass cls,
								     jlong h, jstring map,
								     jbyteArray key, jbyteArray val)
{
	(void)cls;
	struct bpf_map *m = find_map(env, S(h), map);
	if (!m)
		return;
	jsize kl = (*env)->GetArrayLength(env, key), vl = (*env)->GetArrayLength(env, val);
	if ((__u32)kl != bpf_map__key_size(m) || (__u32)vl != bpf_map__value_size(m)) {
		char msg[256];
		snprintf(msg, sizeof(msg), "map %s takes %u-byte keys and %u-byte values, not %d and %d",
			 bpf_map__name(m), bpf_map__key_size(m), bpf_map__value_size(m), kl, vl);
		fail(env, msg, EINVAL);
		return;
	}
	jbyte *k = (*env)->GetByteArrayElements(env, key, NULL);
	jbyte *v = (*env)->GetByteArrayElements(env, val, NULL);
	int err = bpf_map_update_elem(bpf_map__fd(m), k, v, BPF_ANY) ? -errno : 0;
	(*env)->ReleaseByteArrayElements(env, key, k, JNI_ABORT);
	(*env)->ReleaseByteArrayElements(env, val, v, JNI_ABORT);
	if (err)
		fail(env, "updating a map", err);
}

JNIEXPORT jboolean JNICALL Java_io_lineageledger_bpf_NativeBridge_delete(JNIEnv *env, jclass cls,
									 jlong h, jstring map,
									 jbyteArray key)
{
	(void)cls;
	struct bpf_map *m = find_map(env, S(h), map);
	if (!m)
		return JNI_FALSE;
	jbyte *k = (*env)->GetByteArrayElements(env, key, NULL);
	int rc = bpf_map_delete_elem(bpf_map__fd(m), k);
	int err = errno;
	(*env)->ReleaseByteArrayElements(env, key, k, JNI_ABORT);
	if (rc && err != ENOENT)
		fail(env, "deleting from a map", err);
	return rc == 0;
}

/* Copies every entry as key bytes then value bytes into out; returns the entry count, or
 * -(entries seen) when out was too small to hold them all. */
JNIEXPORT jint JNICALL Java_io_lineageledger_bpf_NativeBridge_dump(JNIEnv *env, jclass cls,
								   jlong h, jstring map, jobject out)
{
	(void)cls;
	struct bpf_map *m = find_map(env, S(h), map);
	if (!m)
		return 0;
	unsigned char *o = (*env)->GetDirectBufferAddress(env, out);
	jlong cap = (*env)->GetDirectBufferCapacity(env, out);
	__u32 ks = bpf_map__key_size(m), vs = bpf_map__value_size(m);
	int fd = bpf_map__fd(m);
	unsigned char key[256], next[256];
	if (ks > sizeof(key)) {
		fail(env, "map key too large", E2BIG);
		return 0;
	}
	jint n = 0, seen = 0;
	jlong pos = 0;
	void *prev = NULL;
	while (bpf_map_get_next_key(fd, prev, next) == 0) {
		memcpy(key, next, ks);
		prev = key;
		seen++;
		if (pos + ks + vs > cap)
			continue;
		if (bpf_map_lookup_elem(fd, key, o + pos + ks))
			continue; /* deleted meanwhile */
		memcpy(o + pos, key, ks);
		pos += ks + vs;
		n++;
	}
	return n == seen ? n : -seen;
}

JNIEXPORT jlongArray JNICALL Java_io_lineageledger_bpf_NativeBridge_counters(JNIEnv *env,
									   jclass cls, jlong h)
{
	(void)cls;
	struct bpf_map *m = bpf_object__find_map_by_name(S(h)->obj, "counters");
	int ncpu = libbpf_num_possible_cpus();
	if (!m || ncpu <= 0) {
		fail(env, "reading counters", ENOENT);
		return NULL;
	}
	__u32 entries = bpf_map__max_entries(m);
	jlong sums[16] = {0};
	__u64 *vals = calloc((size_t)ncpu, sizeof(__u64));
	for (__u32 i = 0; i < entries && i < 16; i++) {
		if (bpf_map_lookup_elem(bpf_map__fd(m), &i, vals) == 0)
			for (int c = 0; c < ncpu; c++)
				sums[i] += (jlong)vals[c];
	}
	free(vals);
	jlongArray r = (*env)->NewLongArray(env, (jsize)entries);
	(*env)->SetLongArrayRegion(env, r, 0, (jsize)entries, sums);
	return r;
}

static void flush(struct session *s)
{
	if (s->pos == 0)
		return;
	(*s->penv)->CallVoidMethod(s->penv, s->sink, s->on_batch, (jint)s->pos);
	if ((*s->penv)->ExceptionCheck(s->penv)) {
		/* the sink logs its own failures; a throwing sink must not kill the poller */
		(*s->penv)->ExceptionDescribe(s->penv);
		(*s->penv)->ExceptionClear(s->penv);
	}
	s->pos = 0;
}

/* Batch layout: per record a 4-byte little-endian length, the record, zero padding to 8. */
static int on_record(void *ctx, void *data, size_t size)
{
	struct session *s = ctx;
	jlong need = 4 + (jlong)((size + 7) & ~(size_t)7) + 4;
	if (need > s->cap)
		return 0; /* cannot happen: the buffer is sized for the largest record */
	if (s->pos + need > s->cap)
		flush(s);
	__u32 len = (__u32)size;
	memcpy(s->buf + s->pos, &len, 4);
	memcpy(s->buf + s->pos + 4, data, size);
	memset(s->buf + s->pos + 4 + size, 0, ((size + 7) & ~(size_t)7) - size);
	s->pos += 4 + (jlong)((size + 7) & ~(size_t)7);
	return 0;
}

static void *poll_loop(void *arg)
{
	struct session *s = arg;
	JavaVMAttachArgs a = {.version = JNI_VERSION_1_8, .name = "lineage-bpf-poller"};
	if ((*s->vm)->AttachCurrentThreadAsDaemon(s->vm, (void **)&s->penv, &a) != JNI_OK)
		return NULL;
	while (!atomic_load(&s->stop)) {
		int n = ring_buffer__poll(s->rb, 100);
		if (n < 0 && n != -EINTR)
			break;
		flush(s);
	}
	ring_buffer__consume(s->rb);
	flush(s);
	(*s->vm)->DetachCurrentThread(s->vm);
	return NULL;
}

JNIEXPORT void JNICALL Java_io_lineageledger_bpf_NativeBridge_startPolling(JNIEnv *env, jclass cls,
									   jlong h, jobject buffer,
									   jobject sink)
{
	(void)cls;
	struct session *s = S(h);
	if (s->polling) {
		fail(env, "already polling", EBUSY);
		return;
	}
	struct bpf_map *m = bpf_object__find_map_by_name(s->obj, "events");
	s->buf = (*env)->GetDirectBufferAddress(env, buffer);
	s->cap = (*env)->GetDirectBufferCapacity(env, buffer);
	jclass sc = (*env)->GetObjectClass(env, sink);
	s->on_batch = (*env)->GetMethodID(env, sc, "onBatch", "(I)V");
	if (!s->on_batch || !s->buf || !m)
		return; /* NoSuchMethodError pending, or not a direct buffer */
	s->rb = ring_buffer__new(bpf_map__fd(m), on_record, s, NULL);
	if (!s->rb) {
		fail(env, "creating the ring buffer reader", errno);
		return;
	}
	(*env)->GetJavaVM(env, &s->vm);
	s->sink = (*env)->NewGlobalRef(env, sink);
	atomic_store(&s->stop, 0);
	int err = pthread_create(&s->poller, NULL, poll_loop, s);
	if (err) {
		ring_buffer__free(s->rb);
		s->rb = NULL;
		(*env)->DeleteGlobalRef(env, s->sink);
		fail(env, "starting the poller thread", err);
		return;
	}
	s->polling = 1;
}

/* Returns once every record in the ring buffer has been handed to the sink. */
JNIEXPORT void JNICALL Java_io_lineageledger_bpf_NativeBridge_stopPolling(JNIEnv *env, jclass cls,
									  jlong h)
{
	(void)cls;
	struct session *s = S(h);
	if (!s->polling)
		return;
	atomic_store(&s->stop, 1);
	pthread_join(s->poller, NULL);
	ring_buffer__free(s->rb);
	s->rb = NULL;
	(*env)->DeleteGlobalRef(env, s->sink);
	s->polling = 0;
}

JNIEXPORT void JNICALL Java_io_lineageledger_bpf_NativeBridge_close(JNIEnv *env, jclass cls,
								    jlong h)
{
	struct session *s = S(h);
	if (!s)
		return;
	Java_io_lineageledger_bpf_NativeBridge_stopPolling(env, cls, h);
	for (int i = 0; i < s->nlinks; i++)
		bpf_link__destroy(s->links[i]);
	bpf_object__close(s->obj);
	if (s->stats_fd >= 0)
		close(s->stats_fd);
	free(s);
}
