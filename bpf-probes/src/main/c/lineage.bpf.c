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
	if (!t && bpf_map_update_elem(&tracked, &tgid, &nt, BPF_ANY))
		count(LN_CNT_MAP_DROPS); /* tracked map full: this process goes unobserved */

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
	if (bpf_map_update_elem(&tracked, &ctgid, &nt, BPF_ANY))
		count(LN_CNT_MAP_DROPS);

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

/* The caller has checked that the current process is tracked. */
static __always_inline int stash_enter(__u64 arg, __u32 flags)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct stash s = {.arg = arg, .flags = flags};
	if (bpf_map_update_elem(&inflight, &id, &s, BPF_ANY))
		count(LN_CNT_MAP_DROPS);
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

/* One BTF raw tracepoint pair for all syscalls instead of one perf tracepoint per syscall: the
 * raw tracepoint runs the program directly, without building a perf record first, so untracked
 * processes pay a switch on the syscall number and, for the few syscalls of interest, one hash
 * lookup. */
#if defined(__TARGET_ARCH_x86)
#define NR_read 0
#define NR_write 1
#define NR_mmap 9
#define NR_pread64 17
#define NR_pwrite64 18
#define NR_readv 19
#define NR_writev 20
#define NR_sendfile 40
#define NR_openat 257
#define NR_copy_file_range 326
#define NR_openat2 437
#define SYSCALL_NR(regs) BPF_CORE_READ(regs, orig_ax)
#else
#error "syscall numbers are only defined for x86_64"
#endif

static __always_inline int interesting(long id)
{
	switch (id) {
	case NR_read:
	case NR_write:
	case NR_mmap:
	case NR_pread64:
	case NR_pwrite64:
	case NR_readv:
	case NR_writev:
	case NR_sendfile:
	case NR_openat:
	case NR_copy_file_range:
	case NR_openat2:
		return 1;
	}
	return 0;
}

SEC("tp_btf/sys_enter")
int BPF_PROG(on_sys_enter, struct pt_regs *regs, long id)
{
	if (!interesting(id))
		return 0;
	__u32 tgid;
	struct ln_tracked *t = tracked_current(&tgid);
	if (!t)
		return 0;
	__u64 a1 = PT_REGS_PARM1_CORE_SYSCALL(regs);
	__u64 a2 = PT_REGS_PARM2_CORE_SYSCALL(regs);
	__u64 a3 = PT_REGS_PARM3_CORE_SYSCALL(regs);
	switch (id) {
	case NR_openat:
		return stash_enter(a2, (__u32)a3);
	case NR_openat2: {
		__u64 flags = 0; /* struct open_how starts with the u64 flags */
		bpf_probe_read_user(&flags, sizeof(flags), (void *)a3);
		return stash_enter(a2, (__u32)flags);
	}
	case NR_copy_file_range:
		/* copy_file_range(fd_in, off_in, fd_out, ...): read from fd_in, written to fd_out */
		return stash_enter(a1, (__u32)a3);
	case NR_sendfile:
		/* sendfile(out_fd, in_fd, ...): a socket as out_fd is not a file and is skipped */
		return stash_enter(a2, (__u32)a1);
	case NR_mmap:
		file_op(tgid, t, (int)PT_REGS_PARM5_CORE_SYSCALL(regs), OP_MMAP, 0, 0, 0);
		return 0;
	default:
		return stash_enter(a1, 0);
	}
}

SEC("tp_btf/sys_exit")
int BPF_PROG(on_sys_exit, struct pt_regs *regs, long ret)
{
	long id = SYSCALL_NR(regs);
	if (!interesting(id) || id == NR_mmap)
		return 0;
	switch (id) {
	case NR_openat:
	case NR_openat2:
		return stash_exit(ret, OP_OPEN);
	case NR_copy_file_range:
	case NR_sendfile:
		return stash_exit(ret, OP_COPY);
	case NR_write:
	case NR_pwrite64:
	case NR_writev:
		return stash_exit(ret, OP_WRITE);
	default:
		return stash_exit(ret, OP_READ);
	}
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

static __always_inline int sock_bytes(struct sock *sk, int ret, int flags, int sent)
{
	if (ret <= 0 || (!sent && (flags & MSG_PEEK)))
		return 0;
	__u32 tgid;
	struct ln_tracked *t = tracked_current(&tgid);
	if (!t)
		return 0;
	__u16 family = BPF_CORE_READ(sk, __sk_common.skc_family);
	if (BPF_CORE_READ(sk, sk_protocol) != IPPROTO_TCP || (family != AF_INET && family != AF_INET6))
		return 0;
	struct ln_flow_key k;
	__builtin_memset(&k, 0, sizeof(k));
	proc_key(&k.proc, tgid, t);
	flow_key_from_sock(&k, sk);
	__u64 now = bpf_ktime_get_ns();
	struct ln_flow_val *v = flow_val(&k, now);
	if (!v)
		return 0;
	if (sent) {
		__sync_fetch_and_add(&v->sends, 1);
		__sync_fetch_and_add(&v->bytes_sent, ret);
	} else {
		__sync_fetch_and_add(&v->receives, 1);
		__sync_fetch_and_add(&v->bytes_received, ret);
	}
	v->last_ns = now;
	__u64 key = (__u64)sk;
	if (!bpf_map_lookup_elem(&sock_owner, &key))
		bpf_map_update_elem(&sock_owner, &key, &k.proc, BPF_ANY);
	return 0;
}

SEC("tp_btf/sock_send_length")
int BPF_PROG(on_send, struct sock *sk, int ret, int flags)
{
	return sock_bytes(sk, ret, flags, 1);
}

SEC("tp_btf/sock_recv_length")
int BPF_PROG(on_recv, struct sock *sk, int ret, int flags)
{
	return sock_bytes(sk, ret, flags, 0);
}

SEC("tp_btf/inet_sock_set_state")
int BPF_PROG(on_state, struct sock *sk, int oldstate, int newstate)
{
	if (BPF_CORE_READ(sk, sk_protocol) != IPPROTO_TCP)
		return 0;
	__u64 key = (__u64)sk;
	struct ln_flow_key k;
	__builtin_memset(&k, 0, sizeof(k));
	struct ln_proc_key *owner = bpf_map_lookup_elem(&sock_owner, &key);
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
		bpf_map_update_elem(&sock_owner, &key, &k.proc, BPF_ANY);
	}
	if (newstate == TCP_CLOSE)
		bpf_map_delete_elem(&sock_owner, &key);
	flow_key_from_sock(&k, sk);
	/* connect(2) enters SYN_SENT before it picks the local port: no flow to name yet */
	if (k.sport == 0)
		return 0;
	struct ln_flow_val *v = flow_val(&k, bpf_ktime_get_ns());
	if (v) {
		__sync_fetch_and_or(&v->states_seen, 1u << (newstate & 31));
		v->last_state = newstate;
	}
	return 0;
}

/* ---------------------------------------------------------------- benchmark source */

/* Emits synthetic records (fork type, tgid 0) into the ring buffer through the real reservation
 * and drop accounting path, run on demand with BPF_PROG_RUN: the throughput benchmark's source,
 * since fork(2) cannot produce records fast enough to load the Java side. Never attached. */
struct ln_bench_args {
	__u32 count;
	__u32 pad;
};

static long bench_step(__u64 i, void *ctx)
{
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
	ev->proc.start_ns = i;
	bpf_ringbuf_submit(ev, 0);
	return 0;
}

SEC("syscall")
int bench_emit(struct ln_bench_args *a)
{
	bpf_loop(a->count, bench_step, NULL, 0);
	return 0;
}
