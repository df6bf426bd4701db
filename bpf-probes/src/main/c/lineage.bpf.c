// SPDX-License-Identifier: GPL-2.0
/* Lineage Ledger runtime evidence: which tracked process read or wrote which files and which TCP
 * flows it used. Only stable tracepoints: kprobes, fentry and LSM programs are refused on kernels
 * under lockdown, tracepoints are not and survive kernel upgrades.
 *
 * Every syscall of every process runs the sys_exit program, so its untracked path decides "not
 * tracked" first: a tracked task carries task local storage, an untracked one has none
 * (task->bpf_storage is NULL), which is one load from the current task. Only tracked tasks
 * reach the storage lookup and the aggregate maps. Aggregates stay in maps (cumulative, read by
 * user space per window, no ring buffer record per read or send); process lifecycle goes through
 * the ring buffer, whose failed reservations are counted per CPU. */
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
#define PF_EXITING 0x00000004

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

/* Per task (thread) of a tracked process: the process identity, so that the hot paths need no
 * tgid-keyed lookup. The `tracked` map (tgid -> ln_tracked) stays the process-level record user
 * space reads. */
struct task_state {
	__u64 start_ns; /* the process's (group leader's) start time */
	__u32 reason;
	__u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct task_state);
} task_state SEC(".maps");

/* Configured path prefixes (directories by dev/ino) and server ports; empty = no filter. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, LN_MAX_PREFIXES);
	__type(key, struct ln_dir_key);
	__type(value, __u8);
} prefixes SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, LN_MAX_PORTS);
	__type(key, __u16);
	__type(value, __u8);
} ports SEC(".maps");

/* Files of tracked processes found outside every prefix, so that the walk up their directories
 * runs once per process and file, not per read. LRU: losing an entry only costs a new walk. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, struct ln_file_key);
	__type(value, __u8);
} outside SEC(".maps");

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

/* The current task's state when it belongs to a tracked process, else NULL. A task nothing has
 * attached local storage to (every untracked task, unless another BPF tool uses task storage) is
 * answered by one load, before any helper call. */
static __always_inline struct task_state *tracked_task(struct task_struct *task)
{
	if (!task->bpf_storage)
		return NULL;
	struct task_state *t = bpf_task_storage_get(&task_state, task, 0, 0);
	/* the process ends with its group leader (its exit removes it from tracked): threads that
	 * outlive the leader are not counted, as user space has already closed the process */
	if (t && (task->group_leader->flags & PF_EXITING))
		return NULL;
	return t;
}

static __always_inline void proc_key(struct ln_proc_key *k, __u32 tgid, struct task_state *t)
{
	__builtin_memset(k, 0, sizeof(*k));
	k->tgid = tgid;
	k->start_ns = t->start_ns;
}

/* Tracks task p from now on (its storage is created; exits free it with the task). */
static __always_inline void track_task(struct task_struct *p, __u64 start_ns, __u32 reason)
{
	struct task_state *st =
		bpf_task_storage_get(&task_state, p, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!st) {
		count(LN_CNT_MAP_DROPS); /* no memory for the storage: this task goes unobserved */
		return;
	}
	st->start_ns = start_ns;
	st->reason = reason;
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
	else
		track_task(p, nt.start_ns, nt.reason);

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
	struct task_state *t = tracked_task(parent);
	if (!t)
		return 0;
	if (child->pid != ctgid) {
		/* a new thread of a tracked process: it carries the process's identity */
		track_task(child, t->start_ns, t->reason);
		return 0;
	}
	struct ln_tracked nt;
	__builtin_memset(&nt, 0, sizeof(nt));
	nt.start_ns = child->start_time;
	nt.reason = LN_REASON_PARENT;
	if (bpf_map_update_elem(&tracked, &ctgid, &nt, BPF_ANY)) {
		count(LN_CNT_MAP_DROPS);
		return 0;
	}
	track_task(child, nt.start_ns, LN_REASON_PARENT);

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

extern void *bpf_rdonly_cast(const void *obj, __u32 btf_id) __ksym;

/* The file behind fd in the current process, or NULL. The task is the trusted current task, so
 * the walk is plain loads (the verifier guards them) rather than a helper call per member. The fd
 * array is a pointer to pointers, which the verifier hands over as a plain number: its slot is
 * cast (bpf_rdonly_cast, no code) to a struct whose first member is a struct file pointer
 * (struct kiocb's ki_filp), so that the slot too is one guarded load instead of a
 * bpf_probe_read_kernel call. */
static __always_inline struct file *fd_file(struct task_struct *task, int fd)
{
	struct fdtable *fdt = task->files->fdt;
	if (fd < 0 || (unsigned int)fd >= fdt->max_fds)
		return NULL;
	__u64 slot = (__u64)fdt->fd + (__u64)fd * sizeof(struct file *);
	/* The cast is only right while ki_filp is kiocb's first member; the offset is a CO-RE
	 * constant fixed at load, so on a kernel where it moved the verifier keeps only the helper
	 * path below, never a read of the neighbouring slot. */
	if (bpf_core_field_offset(struct kiocb, ki_filp) != 0) {
		struct file *f = NULL;
		bpf_probe_read_kernel(&f, sizeof(f), (void *)slot);
		return bpf_rdonly_cast(f, bpf_core_type_id_kernel(struct file));
	}
	struct kiocb *k = bpf_rdonly_cast((void *)slot, bpf_core_type_id_kernel(struct kiocb));
	return k->ki_filp;
}

/* Whether the file lies under a configured prefix directory: its dentry's ancestors (crossing
 * mount points) are looked up by dev/ino, at most LN_PREFIX_DEPTH levels. Runs once per process
 * and file (the files and outside maps remember the answer). */
static __noinline int under_prefix(struct file *f)
{
	struct dentry *d = BPF_CORE_READ(f, f_path.dentry);
	struct vfsmount *vm = BPF_CORE_READ(f, f_path.mnt);
	struct mount *mnt = container_of(vm, struct mount, mnt);
	for (int i = 0; i < LN_PREFIX_DEPTH; i++) {
		struct ln_dir_key k;
		__builtin_memset(&k, 0, sizeof(k));
		struct inode *in = BPF_CORE_READ(d, d_inode);
		k.ino = BPF_CORE_READ(in, i_ino);
		k.dev = BPF_CORE_READ(in, i_sb, s_dev);
		if (bpf_map_lookup_elem(&prefixes, &k))
			return 1;
		if (d == BPF_CORE_READ(vm, mnt_root)) {
			struct mount *parent = BPF_CORE_READ(mnt, mnt_parent);
			if (parent == mnt)
				return 0;
			d = BPF_CORE_READ(mnt, mnt_mountpoint);
			mnt = parent;
			vm = &parent->mnt;
			continue;
		}
		struct dentry *up = BPF_CORE_READ(d, d_parent);
		if (up == d)
			return 0;
		d = up;
	}
	return 0; /* deeper than the walk goes: not counted */
}

#define OP_OPEN 1
#define OP_READ 2
#define OP_WRITE 3
#define OP_MMAP 4

static __always_inline void file_op(struct task_struct *task, struct task_state *t, int fd,
				    int op, __u64 bytes, __u32 flags, const char *upath)
{
	struct file *f = fd_file(task, fd);
	if (!f)
		return;
	struct inode *in = f->f_inode;
	if ((in->i_mode & S_IFMT) != S_IFREG)
		return;
	struct ln_file_key k;
	__builtin_memset(&k, 0, sizeof(k));
	k.dev = in->i_sb->s_dev;
	k.ino = in->i_ino;
	k.proc.tgid = task->tgid;
	k.proc.start_ns = t->start_ns;
	struct ln_file_val *v = bpf_map_lookup_elem(&files, &k);
	if (!v) {
		__u32 zero = 0;
		struct ln_config *cfg = bpf_map_lookup_elem(&ln_config_map, &zero);
		if (cfg && cfg->prefix_count) {
			if (bpf_map_lookup_elem(&outside, &k))
				return;
			if (!under_prefix(f)) {
				__u8 one = 1;
				bpf_map_update_elem(&outside, &k, &one, BPF_ANY);
				return;
			}
		}
		struct ln_file_val *init = bpf_map_lookup_elem(&file_scratch, &zero);
		if (!init)
			return;
		__builtin_memset(init, 0, sizeof(*init));
		init->first_ns = bpf_ktime_get_ns();
		init->last_ns = init->first_ns;
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
	/* a clock read costs about as much as the rest of a read's update on a VM (kvm-clock), so
	 * reads and writes do not move last_ns; opens and mmaps (rare) do */
	if (op == OP_OPEN || op == OP_MMAP)
		v->last_ns = bpf_ktime_get_ns();
}

/* One BTF raw tracepoint for all syscalls instead of one perf tracepoint per syscall: the raw
 * tracepoint runs the program directly, without building a perf record first. Only sys_exit:
 * on x86_64 the syscall's arguments are still in the saved user registers at exit (the return
 * value goes to ax, the number stays in orig_ax), so nothing needs stashing at entry and every
 * syscall of every process runs one program, not two. The untracked path is one load from the
 * current task. */
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
#else
#error "syscall numbers are only defined for x86_64"
#endif

/* The syscalls of interest below 64, as a bit mask: one shift instead of a compare chain. */
#define LOW_NRS                                                                                  \
	((1ULL << NR_read) | (1ULL << NR_write) | (1ULL << NR_mmap) | (1ULL << NR_pread64) |      \
	 (1ULL << NR_pwrite64) | (1ULL << NR_readv) | (1ULL << NR_writev) | (1ULL << NR_sendfile))

static __always_inline int interesting(unsigned long id)
{
	if (id < 64)
		return (LOW_NRS >> id) & 1;
	return id == NR_openat || id == NR_copy_file_range || id == NR_openat2;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(on_sys_exit, struct pt_regs *regs, long ret)
{
	/* failed, nothing moved (fd 0 is a valid open), or a syscall of no interest: decided from
	 * the return value and the number on the kernel stack, before the task is looked at */
	long id = regs->orig_ax;
	if (ret < 0 || !interesting(id) || (ret == 0 && id != NR_openat && id != NR_openat2))
		return 0;
	struct task_struct *task = bpf_get_current_task_btf();
	struct task_state *t = tracked_task(task);
	if (!t)
		return 0;
	/* x86_64 syscall arguments: di, si, dx, r10, r8 */
	switch (id) {
	case NR_openat:
		file_op(task, t, (int)ret, OP_OPEN, 0, (__u32)regs->dx, (const char *)regs->si);
		break;
	case NR_openat2: {
		__u64 flags = 0; /* struct open_how starts with the u64 flags */
		bpf_probe_read_user(&flags, sizeof(flags), (void *)regs->dx);
		file_op(task, t, (int)ret, OP_OPEN, 0, (__u32)flags, (const char *)regs->si);
		break;
	}
	case NR_copy_file_range:
		/* copy_file_range(fd_in, off_in, fd_out, ...): read from fd_in, written to fd_out */
		file_op(task, t, (int)regs->di, OP_READ, ret, 0, 0);
		file_op(task, t, (int)regs->dx, OP_WRITE, ret, 0, 0);
		break;
	case NR_sendfile:
		/* sendfile(out_fd, in_fd, ...): a socket as out_fd is not a file and is skipped */
		file_op(task, t, (int)regs->si, OP_READ, ret, 0, 0);
		file_op(task, t, (int)regs->di, OP_WRITE, ret, 0, 0);
		break;
	case NR_mmap:
		/* mmap(addr, len, prot, flags, fd, off); an address never looks like an error */
		file_op(task, t, (int)regs->r8, OP_MMAP, 0, 0, 0);
		break;
	case NR_write:
	case NR_pwrite64:
	case NR_writev:
		file_op(task, t, (int)regs->di, OP_WRITE, ret, 0, 0);
		break;
	case NR_read:
	case NR_pread64:
	case NR_readv:
		file_op(task, t, (int)regs->di, OP_READ, ret, 0, 0);
		break;
	}
	return 0;
}

/* ---------------------------------------------------------------- flows */

static __always_inline void flow_key_from_sock(struct ln_flow_key *k, struct sock *sk)
{
	/* sk is a tracepoint argument the verifier trusts: plain loads, no helper calls */
	k->family = sk->__sk_common.skc_family;
	k->proto = IPPROTO_TCP;
	k->sport = sk->__sk_common.skc_num; /* host order */
	k->dport = bpf_ntohs(sk->__sk_common.skc_dport);
	if (k->family == AF_INET) {
		*(__u32 *)k->saddr = sk->__sk_common.skc_rcv_saddr;
		*(__u32 *)k->daddr = sk->__sk_common.skc_daddr;
	} else {
		const __u32 *s6 = sk->__sk_common.skc_v6_rcv_saddr.in6_u.u6_addr32;
		const __u32 *d6 = sk->__sk_common.skc_v6_daddr.in6_u.u6_addr32;
		for (int i = 0; i < 4; i++) {
			((__u32 *)k->saddr)[i] = s6[i];
			((__u32 *)k->daddr)[i] = d6[i];
		}
	}
}

/* With server ports configured, only flows with one of them at either end count. */
static __always_inline int port_allowed(struct ln_flow_key *k)
{
	__u32 zero = 0;
	struct ln_config *cfg = bpf_map_lookup_elem(&ln_config_map, &zero);
	if (!cfg || !cfg->port_count)
		return 1;
	return bpf_map_lookup_elem(&ports, &k->sport) || bpf_map_lookup_elem(&ports, &k->dport);
}

/* The flow's counters, created when new (then *created is set). */
static __always_inline struct ln_flow_val *flow_val(struct ln_flow_key *k, int *created)
{
	struct ln_flow_val *v = bpf_map_lookup_elem(&flows, k);
	if (v)
		return v;
	if (!port_allowed(k))
		return 0;
	*created = 1;
	struct ln_flow_val init;
	__builtin_memset(&init, 0, sizeof(init));
	init.first_ns = bpf_ktime_get_ns();
	init.last_ns = init.first_ns;
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
	struct task_struct *task = bpf_get_current_task_btf();
	struct task_state *t = tracked_task(task);
	if (!t)
		return 0;
	__u16 family = sk->__sk_common.skc_family;
	if (sk->sk_protocol != IPPROTO_TCP || (family != AF_INET && family != AF_INET6))
		return 0;
	struct ln_flow_key k;
	__builtin_memset(&k, 0, sizeof(k));
	proc_key(&k.proc, task->tgid, t);
	flow_key_from_sock(&k, sk);
	int created = 0;
	struct ln_flow_val *v = flow_val(&k, &created);
	if (!v)
		return 0;
	if (sent) {
		__sync_fetch_and_add(&v->sends, 1);
		__sync_fetch_and_add(&v->bytes_sent, ret);
	} else {
		__sync_fetch_and_add(&v->receives, 1);
		__sync_fetch_and_add(&v->bytes_received, ret);
	}
	/* no clock read per send or receive: last_ns moves with state changes */
	if (created) {
		/* first bytes of this flow: later softirq state changes belong to this process */
		__u64 key = (__u64)sk;
		bpf_map_update_elem(&sock_owner, &key, &k.proc, BPF_NOEXIST);
	}
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
	if (sk->sk_protocol != IPPROTO_TCP)
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
		struct task_struct *task = bpf_get_current_task_btf();
		struct task_state *t = tracked_task(task);
		if (!t)
			return 0;
		proc_key(&k.proc, task->tgid, t);
		bpf_map_update_elem(&sock_owner, &key, &k.proc, BPF_ANY);
	}
	if (newstate == TCP_CLOSE)
		bpf_map_delete_elem(&sock_owner, &key);
	flow_key_from_sock(&k, sk);
	/* connect(2) enters SYN_SENT before it picks the local port: no flow to name yet */
	if (k.sport == 0)
		return 0;
	int created = 0;
	struct ln_flow_val *v = flow_val(&k, &created);
	if (v) {
		v->last_ns = bpf_ktime_get_ns();
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

/* Does nothing. The benchmark attaches it next to on_sys_exit: its ns/run is what the kernel's
 * run time accounting reports for an empty program (its own clock reads), the floor under every
 * other ns/run figure. Attached alone, it is the overhead floor: what any program on the
 * sys_exit tracepoint costs every syscall of every process (the tracepoint puts every task on the
 * syscall slow path), before the program does anything. Never attached by the service. */
SEC("tp_btf/sys_exit")
int BPF_PROG(bench_empty, struct pt_regs *regs, long ret)
{
	return 0;
}

/* The same floor through a plain raw tracepoint (no BTF context): the benchmark compares the two
 * to confirm that the attach type does not change the floor. Never attached by the service. */
SEC("raw_tp/sys_exit")
int bench_empty_raw(void *ctx)
{
	return 0;
}
