// SPDX-License-Identifier: GPL-2.0
/* Lineage Ledger runtime evidence: which tracked process read or wrote which files and which TCP
 * flows it used. Only stable tracepoints: kprobes, fentry and LSM programs are refused on kernels
 * under lockdown, tracepoints are not and survive kernel upgrades.
 *
 * Untracked processes pay one hash lookup per traced syscall; only tracked ones reach the
 * aggregate maps. Aggregates stay in maps (cumulative, read by user space per window); process
 * lifecycle goes through the ring buffer, whose failed reservations are counted per CPU. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_endian.h>
#include "lineage.h"

char LICENSE[] SEC("license") = "GPL";

#define AF_INET 2
#define AF_INET6 10
#define IPPROTO_TCP 6
#define S_IFMT 00170000
#define S_IFREG 0100000
#define TCP_CLOSE 7
#define MSG_PEEK 2

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ln_config);
} ln_config_map SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__type(key, char[LN_COMM_LEN]);
	__type(value, __u8);
} comms SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__type(key, __u64);
	__type(value, __u8);
} cgroups SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, __u32);
	__type(value, struct ln_tracked);
} tracked SEC(".maps");

struct stash {
	__u64 arg; /* fd, or the user pointer to the path being opened */
	__u32 flags; /* open flags, or the destination fd of a copy */
	__u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, __u64);
	__type(value, struct stash);
} inflight SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 32768);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct ln_file_key);
	__type(value, struct ln_file_val);
} files SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct ln_flow_key);
	__type(value, struct ln_flow_val);
} flows SEC(".maps");

/* Which tracked flow a socket belongs to, so that state changes in softirq context (where the
 * current task is whoever was interrupted) are still attributed to the right process. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, __u64);
	__type(value, struct ln_proc_key);
} sock_owner SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 20); /* user space may resize before load */
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, LN_CNT_MAX);
	__type(key, __u32);
	__type(value, __u64);
} counters SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ln_exec_event);
} exec_scratch SEC(".maps");

struct env_scratch {
	char buf[1024];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct env_scratch);
} env_buf SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ln_file_val);
} file_scratch SEC(".maps");

/* Keep the ring buffer record types in the object's BTF: user space checks its codecs against
 * them, and clang only emits BTF for types that globals, maps or signatures use. */
struct ln_fork_event ln_btf_fork_event;
const volatile struct ln_exec_event ln_zero_exec = {};
struct ln_exit_event ln_btf_exit_event;

static __always_inline void count(__u32 idx)
{
	__u64 *c = bpf_map_lookup_elem(&counters, &idx);
	if (c)
		*c += 1; /* per-CPU slot: no other writer */
}

static __always_inline struct ln_tracked *tracked_current(__u32 *tgid)
{
	*tgid = bpf_get_current_pid_tgid() >> 32;
	return bpf_map_lookup_elem(&tracked, tgid);
}

static __always_inline void proc_key(struct ln_proc_key *k, __u32 tgid, struct ln_tracked *t)
{
	__builtin_memset(k, 0, sizeof(*k));
	k->tgid = tgid;
	k->start_ns = t->start_ns;
}

/* ---------------------------------------------------------------- processes */

struct env_ctx {
	__u64 ptr;
	__u64 end;
	__u32 continuation; /* the previous read did not reach the end of its string */
	__u32 found;
};

static long env_step(__u64 index, struct env_ctx *c)
{
	__u32 zero = 0;
	if (c->ptr >= c->end)
		return 1;
	struct env_scratch *s = bpf_map_lookup_elem(&env_buf, &zero);
	struct ln_exec_event *ev = bpf_map_lookup_elem(&exec_scratch, &zero);
	struct ln_config *cfg = bpf_map_lookup_elem(&ln_config_map, &zero);
	if (!s || !ev || !cfg)
		return 1;
	long n = bpf_probe_read_user_str(s->buf, sizeof(s->buf), (void *)c->ptr);
	if (n <= 0)
		return 1;
	int was_continuation = c->continuation;
	if (n == sizeof(s->buf)) {
		/* a long variable (LS_COLORS...): skip the rest of it in the next steps */
		c->ptr += n - 1;
		c->continuation = 1;
		return 0;
	}
	c->ptr += n;
	c->continuation = 0;
	if (was_continuation)
		return 0;
	for (int j = 0; j < LN_ENV_NAMES; j++) {
		if (j >= cfg->env_count)
			break;
		__u32 len = cfg->env[j].len;
		if (len == 0 || len >= LN_ENV_NAME_LEN)
			continue;
		int match = 1;
		for (int k = 0; k < LN_ENV_NAME_LEN; k++) {
			if (k >= len)
				break;
			if (s->buf[k] != cfg->env[j].name[k]) {
				match = 0;
				break;
			}
		}
		if (!match || s->buf[len & (LN_ENV_NAME_LEN - 1)] != '=')
			continue;
		bpf_probe_read_kernel_str(ev->env_values[j], LN_ENV_VALUE_LEN,
					  &s->buf[(len + 1) & (LN_ENV_NAME_LEN * 2 - 1)]);
		c->found = 1;
	}
	return 0;
}

static __always_inline void emit_copy(void *data, __u64 size)
{
	count(LN_CNT_EVENTS);
	if (bpf_ringbuf_output(&events, data, size, 0))
		count(LN_CNT_RB_DROPS);
}

/* The working directory, leaf first ("c/b/a/" for /a/b/c), crossing mount points: user space
 * needs it to resolve the relative paths a process opens, and short-lived processes are gone
 * before /proc/<pid>/cwd can be read. */
static __always_inline void cwd_of(struct task_struct *p, char *out)
{
	struct path pwd = BPF_CORE_READ(p, fs, pwd);
	struct dentry *d = pwd.dentry;
	struct vfsmount *vm = pwd.mnt;
	struct mount *mnt = container_of(vm, struct mount, mnt);
	__u32 off = 0;
	for (int i = 0; i < LN_CWD_DEPTH; i++) {
		struct dentry *root = BPF_CORE_READ(vm, mnt_root);
		if (d == root) {
			struct mount *parent = BPF_CORE_READ(mnt, mnt_parent);
			if (parent == mnt)
				break;
			d = BPF_CORE_READ(mnt, mnt_mountpoint);
			mnt = parent;
			vm = &parent->mnt;
			continue;
		}
		struct dentry *up = BPF_CORE_READ(d, d_parent);
		if (up == d || off >= LN_PATH_LEN - 64)
			break;
		long n = bpf_probe_read_kernel_str(&out[off & (LN_PATH_LEN - 1)], 64,
						   BPF_CORE_READ(d, d_name.name));
		if (n <= 1)
			break;
		off += n;
		out[(off - 1) & (LN_PATH_LEN - 1)] = '/';
		d = up;
	}
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(on_exec, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	__u32 zero = 0;
	__u32 tgid = p->tgid;
	struct ln_exec_event *ev = bpf_map_lookup_elem(&exec_scratch, &zero);
	if (!ev)
		return 0;
	/* clang inlines memset only up to 1 KiB: copy from a zeroed read-only global instead */
	bpf_probe_read_kernel(ev, sizeof(*ev), (const void *)&ln_zero_exec);

	__u32 reason = 0;
	struct ln_tracked *t = bpf_map_lookup_elem(&tracked, &tgid);
	if (t)
		reason = LN_REASON_PARENT;

	struct mm_struct *mm = p->mm;
	struct env_ctx c = {
		.ptr = BPF_CORE_READ(mm, env_start),
		.end = BPF_CORE_READ(mm, env_end),
	};
	bpf_loop(512, env_step, &c, 0);
	if (c.found)
		reason = LN_REASON_ENV;
	if (!reason) {
		char comm[LN_COMM_LEN];
		__builtin_memset(comm, 0, sizeof(comm));
		bpf_get_current_comm(comm, sizeof(comm));
		if (bpf_map_lookup_elem(&comms, comm))
			reason = LN_REASON_COMM;
	}
	__u64 cg = bpf_get_current_cgroup_id();
	if (!reason && bpf_map_lookup_elem(&cgroups, &cg))
		reason = LN_REASON_CGROUP;
	if (!reason)
		return 0;

	struct ln_tracked nt;
	__builtin_memset(&nt, 0, sizeof(nt));
	nt.start_ns = p->group_leader->start_time;
	nt.reason = t ? t->reason : reason;
	if (!t)
		bpf_map_update_elem(&tracked, &tgid, &nt, BPF_ANY);

	ev->hdr.time_ns = bpf_ktime_get_ns();
	ev->hdr.type = LN_EV_EXEC;
	ev->hdr.size = sizeof(*ev);
	ev->proc.tgid = tgid;
	ev->proc.start_ns = nt.start_ns;
	ev->cgroup_id = cg;
	ev->ppid = p->real_parent->tgid;
	ev->uid = bpf_get_current_uid_gid() & 0xffffffff;
	ev->reason = reason;
	bpf_get_current_comm(ev->comm, sizeof(ev->comm));
	bpf_probe_read_kernel_str(ev->filename, sizeof(ev->filename), bprm->filename);
	__u64 as = BPF_CORE_READ(mm, arg_start), ae = BPF_CORE_READ(mm, arg_end);
	__u64 alen = ae > as ? ae - as : 0;
	if (alen > LN_ARGS_LEN)
		alen = LN_ARGS_LEN;
	if (alen > 0 && bpf_probe_read_user(ev->args, alen & (LN_ARGS_LEN * 2 - 1), (void *)as) == 0)
		ev->args_len = alen;
	cwd_of(p, ev->cwd);
	emit_copy(ev, sizeof(*ev));
	return 0;
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(on_fork, struct task_struct *parent, struct task_struct *child)
{
	__u32 ptgid = parent->tgid;
	__u32 ctgid = child->tgid;
	if (child->pid != ctgid)
		return 0; /* a new thread, not a new process */
	struct ln_tracked *t = bpf_map_lookup_elem(&tracked, &ptgid);
	if (!t)
		return 0;
	struct ln_tracked nt;
	__builtin_memset(&nt, 0, sizeof(nt));
	nt.start_ns = child->start_time;
	nt.reason = LN_REASON_PARENT;
	bpf_map_update_elem(&tracked, &ctgid, &nt, BPF_ANY);

	count(LN_CNT_EVENTS);
	struct ln_fork_event *ev = bpf_ringbuf_reserve(&events, sizeof(*ev), 0);
	if (!ev) {
		count(LN_CNT_RB_DROPS);
		return 0;
	}
	__builtin_memset(ev, 0, sizeof(*ev));
	ev->hdr.time_ns = bpf_ktime_get_ns();
	ev->hdr.type = LN_EV_FORK;
	ev->hdr.size = sizeof(*ev);
	ev->proc.tgid = ctgid;
	ev->proc.start_ns = nt.start_ns;
	ev->parent.tgid = ptgid;
	ev->parent.start_ns = t->start_ns;
	bpf_ringbuf_submit(ev, 0);
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(on_exit, struct task_struct *p)
{
	__u32 tgid = p->tgid;
	if (p->pid != tgid)
		return 0; /* a thread; the process ends with its group leader */
	struct ln_tracked *t = bpf_map_lookup_elem(&tracked, &tgid);
	if (!t)
		return 0;
	__u64 start = t->start_ns;
	__u64 now = bpf_ktime_get_ns();
	count(LN_CNT_EVENTS);
	struct ln_exit_event *ev = bpf_ringbuf_reserve(&events, sizeof(*ev), 0);
	if (ev) {
		__builtin_memset(ev, 0, sizeof(*ev));
		ev->hdr.time_ns = now;
		ev->hdr.type = LN_EV_EXIT;
		ev->hdr.size = sizeof(*ev);
		ev->proc.tgid = tgid;
		ev->proc.start_ns = start;
		ev->duration_ns = now - start;
		ev->exit_code = p->exit_code;
		bpf_ringbuf_submit(ev, 0);
	} else {
		count(LN_CNT_RB_DROPS);
	}
	bpf_map_delete_elem(&tracked, &tgid);
	return 0;
}

/* ---------------------------------------------------------------- files */

/* The regular file behind fd in the current process, or -1. */
static __always_inline int fd_file(int fd, __u32 *dev, __u64 *ino)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct fdtable *fdt = BPF_CORE_READ(task, files, fdt);
	unsigned int max = BPF_CORE_READ(fdt, max_fds);
	if (fd < 0 || (unsigned int)fd >= max)
		return -1;
	struct file **arr = BPF_CORE_READ(fdt, fd);
	struct file *f = NULL;
	if (bpf_probe_read_kernel(&f, sizeof(f), &arr[fd]) || !f)
		return -1;
	struct inode *in = BPF_CORE_READ(f, f_inode);
	umode_t mode = BPF_CORE_READ(in, i_mode);
	if ((mode & S_IFMT) != S_IFREG)
		return -1;
	*dev = BPF_CORE_READ(in, i_sb, s_dev);
	*ino = BPF_CORE_READ(in, i_ino);
	return 0;
}

#define OP_OPEN 1
#define OP_READ 2
#define OP_WRITE 3
#define OP_MMAP 4
#define OP_COPY 5 /* in-kernel copy: read from arg, written to flags */

static __always_inline void file_op(__u32 tgid, struct ln_tracked *t, int fd, int op, __u64 bytes,
				    __u32 flags, const char *upath)
{
	struct ln_file_key k;
	__builtin_memset(&k, 0, sizeof(k));
	if (fd_file(fd, &k.dev, &k.ino))
		return;
	k.proc.tgid = tgid;
	k.proc.start_ns = t->start_ns;
	__u64 now = bpf_ktime_get_ns();
	struct ln_file_val *v = bpf_map_lookup_elem(&files, &k);
	if (!v) {
		__u32 zero = 0;
		struct ln_file_val *init = bpf_map_lookup_elem(&file_scratch, &zero);
		if (!init)
			return;
		__builtin_memset(init, 0, sizeof(*init));
		init->first_ns = now;
		if (upath)
			bpf_probe_read_user_str(init->path, sizeof(init->path), upath);
		if (bpf_map_update_elem(&files, &k, init, BPF_NOEXIST) == -7 /* -E2BIG: full */) {
			count(LN_CNT_MAP_DROPS);
			return;
		}
		v = bpf_map_lookup_elem(&files, &k);
		if (!v)
			return;
	} else if (upath && v->path[0] == 0) {
		bpf_probe_read_user_str(v->path, sizeof(v->path), upath);
	}
	switch (op) {
	case OP_OPEN:
		__sync_fetch_and_add(&v->opens, 1);
		__sync_fetch_and_or(&v->open_flags, flags);
		break;
	case OP_READ:
		__sync_fetch_and_add(&v->reads, 1);
		__sync_fetch_and_add(&v->bytes_read, bytes);
		break;
	case OP_WRITE:
		__sync_fetch_and_add(&v->writes, 1);
		__sync_fetch_and_add(&v->bytes_written, bytes);
		break;
	case OP_MMAP:
		__sync_fetch_and_add(&v->mmaps, 1);
		break;
	}
	v->last_ns = now;
}

static __always_inline int stash_enter(__u64 arg, __u32 flags)
{
	__u32 tgid;
	if (!tracked_current(&tgid))
		return 0;
	__u64 id = bpf_get_current_pid_tgid();
	struct stash s = {.arg = arg, .flags = flags};
	bpf_map_update_elem(&inflight, &id, &s, BPF_ANY);
	return 0;
}

static __always_inline int stash_exit(long ret, int op)
{
	__u32 tgid;
	struct ln_tracked *t = tracked_current(&tgid);
	if (!t)
		return 0;
	__u64 id = bpf_get_current_pid_tgid();
	struct stash *s = bpf_map_lookup_elem(&inflight, &id);
	if (!s)
		return 0;
	struct stash copy = *s;
	bpf_map_delete_elem(&inflight, &id);
	if (ret < 0)
		return 0;
	if (op == OP_OPEN) {
		file_op(tgid, t, (int)ret, OP_OPEN, 0, copy.flags, (const char *)copy.arg);
	} else if (op == OP_COPY) {
		if (ret > 0) {
			file_op(tgid, t, (int)copy.arg, OP_READ, ret, 0, 0);
			file_op(tgid, t, (int)copy.flags, OP_WRITE, ret, 0, 0);
		}
	} else if (ret > 0) {
		file_op(tgid, t, (int)copy.arg, op, ret, 0, 0);
	}
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_openat")
int on_openat(struct trace_event_raw_sys_enter *ctx)
{
	return stash_enter(ctx->args[1], ctx->args[2]);
}

SEC("tracepoint/syscalls/sys_exit_openat")
int on_openat_exit(struct trace_event_raw_sys_exit *ctx)
{
	return stash_exit(ctx->ret, OP_OPEN);
}

SEC("tracepoint/syscalls/sys_enter_read")
int on_read(struct trace_event_raw_sys_enter *ctx)
{
	return stash_enter(ctx->args[0], 0);
}

SEC("tracepoint/syscalls/sys_exit_read")
int on_read_exit(struct trace_event_raw_sys_exit *ctx)
{
	return stash_exit(ctx->ret, OP_READ);
}

SEC("tracepoint/syscalls/sys_enter_write")
int on_write(struct trace_event_raw_sys_enter *ctx)
{
	return stash_enter(ctx->args[0], 0);
}

SEC("tracepoint/syscalls/sys_exit_write")
int on_write_exit(struct trace_event_raw_sys_exit *ctx)
{
	return stash_exit(ctx->ret, OP_WRITE);
}

/* The same accounting for the other ways bytes move between a file and a process: positional
 * and vectored I/O, and the in-kernel copies (cp and cat use copy_file_range, servers sendfile)
 * that never pass through read(2) or write(2). */
#define RW_PAIR(name, fdarg, op)                                                                   \
	SEC("tracepoint/syscalls/sys_enter_" #name)                                                \
	int on_##name(struct trace_event_raw_sys_enter *ctx)                                        \
	{                                                                                          \
		return stash_enter(ctx->args[fdarg], 0);                                           \
	}                                                                                          \
	SEC("tracepoint/syscalls/sys_exit_" #name)                                                 \
	int on_##name##_exit(struct trace_event_raw_sys_exit *ctx)                                  \
	{                                                                                          \
		return stash_exit(ctx->ret, op);                                                   \
	}

RW_PAIR(pread64, 0, OP_READ)
RW_PAIR(pwrite64, 0, OP_WRITE)
RW_PAIR(readv, 0, OP_READ)
RW_PAIR(writev, 0, OP_WRITE)

SEC("tracepoint/syscalls/sys_enter_copy_file_range")
int on_copy_file_range(struct trace_event_raw_sys_enter *ctx)
{
	return stash_enter(ctx->args[0], (__u32)ctx->args[2]);
}

SEC("tracepoint/syscalls/sys_exit_copy_file_range")
int on_copy_file_range_exit(struct trace_event_raw_sys_exit *ctx)
{
	return stash_exit(ctx->ret, OP_COPY);
}

SEC("tracepoint/syscalls/sys_enter_sendfile64")
int on_sendfile(struct trace_event_raw_sys_enter *ctx)
{
	/* sendfile(out_fd, in_fd, ...): read from in_fd, written to out_fd (a socket is skipped) */
	return stash_enter(ctx->args[1], (__u32)ctx->args[0]);
}

SEC("tracepoint/syscalls/sys_exit_sendfile64")
int on_sendfile_exit(struct trace_event_raw_sys_exit *ctx)
{
	return stash_exit(ctx->ret, OP_COPY);
}

SEC("tracepoint/syscalls/sys_enter_mmap")
int on_mmap(struct trace_event_raw_sys_enter *ctx)
{
	__u32 tgid;
	struct ln_tracked *t = tracked_current(&tgid);
	if (!t)
		return 0;
	file_op(tgid, t, (int)ctx->args[4], OP_MMAP, 0, 0, 0);
	return 0;
}

/* ---------------------------------------------------------------- flows */

static __always_inline void flow_key_from_sock(struct ln_flow_key *k, struct sock *sk)
{
	k->family = BPF_CORE_READ(sk, __sk_common.skc_family);
	k->proto = IPPROTO_TCP;
	k->sport = BPF_CORE_READ(sk, __sk_common.skc_num); /* host order */
	k->dport = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
	if (k->family == AF_INET) {
		BPF_CORE_READ_INTO((__u32 *)k->saddr, sk, __sk_common.skc_rcv_saddr);
		BPF_CORE_READ_INTO((__u32 *)k->daddr, sk, __sk_common.skc_daddr);
	} else {
		BPF_CORE_READ_INTO(&k->saddr, sk, __sk_common.skc_v6_rcv_saddr.in6_u.u6_addr8);
		BPF_CORE_READ_INTO(&k->daddr, sk, __sk_common.skc_v6_daddr.in6_u.u6_addr8);
	}
}

static __always_inline struct ln_flow_val *flow_val(struct ln_flow_key *k, __u64 now)
{
	struct ln_flow_val *v = bpf_map_lookup_elem(&flows, k);
	if (v)
		return v;
	struct ln_flow_val init;
	__builtin_memset(&init, 0, sizeof(init));
	init.first_ns = now;
	if (bpf_map_update_elem(&flows, k, &init, BPF_NOEXIST) == -7) {
		count(LN_CNT_MAP_DROPS);
		return 0;
	}
	return bpf_map_lookup_elem(&flows, k);
}

static __always_inline int sock_bytes(struct trace_event_raw_sock_msg_length *ctx, int sent)
{
	if (ctx->protocol != IPPROTO_TCP || (ctx->family != AF_INET && ctx->family != AF_INET6))
		return 0;
	if (ctx->ret <= 0 || (!sent && (ctx->flags & MSG_PEEK)))
		return 0;
	__u32 tgid;
	struct ln_tracked *t = tracked_current(&tgid);
	if (!t)
		return 0;
	struct ln_flow_key k;
	__builtin_memset(&k, 0, sizeof(k));
	proc_key(&k.proc, tgid, t);
	flow_key_from_sock(&k, ctx->sk);
	__u64 now = bpf_ktime_get_ns();
	struct ln_flow_val *v = flow_val(&k, now);
	if (!v)
		return 0;
	if (sent) {
		__sync_fetch_and_add(&v->sends, 1);
		__sync_fetch_and_add(&v->bytes_sent, ctx->ret);
	} else {
		__sync_fetch_and_add(&v->receives, 1);
		__sync_fetch_and_add(&v->bytes_received, ctx->ret);
	}
	v->last_ns = now;
	__u64 sk = (__u64)ctx->sk;
	if (!bpf_map_lookup_elem(&sock_owner, &sk))
		bpf_map_update_elem(&sock_owner, &sk, &k.proc, BPF_ANY);
	return 0;
}

SEC("tracepoint/sock/sock_send_length")
int on_send(struct trace_event_raw_sock_msg_length *ctx)
{
	return sock_bytes(ctx, 1);
}

SEC("tracepoint/sock/sock_recv_length")
int on_recv(struct trace_event_raw_sock_msg_length *ctx)
{
	return sock_bytes(ctx, 0);
}

SEC("tracepoint/sock/inet_sock_set_state")
int on_state(struct trace_event_raw_inet_sock_set_state *ctx)
{
	if (ctx->protocol != IPPROTO_TCP)
		return 0;
	__u64 sk = (__u64)ctx->skaddr;
	struct ln_flow_key k;
	__builtin_memset(&k, 0, sizeof(k));
	struct ln_proc_key *owner = bpf_map_lookup_elem(&sock_owner, &sk);
	if (owner) {
		k.proc = *owner;
	} else {
		/* connect(2), listen(2) and close(2) run in the owner's context; softirq transitions of
		 * sockets no tracked process has used yet are not attributable and are ignored. */
		__u32 tgid;
		struct ln_tracked *t = tracked_current(&tgid);
		if (!t)
			return 0;
		proc_key(&k.proc, tgid, t);
		bpf_map_update_elem(&sock_owner, &sk, &k.proc, BPF_ANY);
	}
	if (ctx->newstate == TCP_CLOSE)
		bpf_map_delete_elem(&sock_owner, &sk);
	/* connect(2) enters SYN_SENT before it picks the local port: no flow to name yet */
	if (ctx->sport == 0)
		return 0;
	k.family = ctx->family;
	k.proto = IPPROTO_TCP;
	k.sport = ctx->sport;
	k.dport = ctx->dport;
	/* fixed-offset loads: the verifier refuses reads through a computed context pointer */
	if (ctx->family == AF_INET) {
		*(__u32 *)k.saddr = *(__u32 *)ctx->saddr;
		*(__u32 *)k.daddr = *(__u32 *)ctx->daddr;
	} else {
		*(__u64 *)k.saddr = *(__u64 *)ctx->saddr_v6;
		*(__u64 *)&k.saddr[8] = *(__u64 *)&ctx->saddr_v6[8];
		*(__u64 *)k.daddr = *(__u64 *)ctx->daddr_v6;
		*(__u64 *)&k.daddr[8] = *(__u64 *)&ctx->daddr_v6[8];
	}
	struct ln_flow_val *v = flow_val(&k, bpf_ktime_get_ns());
	if (v) {
		__sync_fetch_and_or(&v->states_seen, 1u << (ctx->newstate & 31));
		v->last_state = ctx->newstate;
	}
	return 0;
}
