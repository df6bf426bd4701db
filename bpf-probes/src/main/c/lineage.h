/* Structs shared by the BPF programs, the JNI bridge and the layout test helper.
 *
 * Every struct used as a hash key is zeroed with __builtin_memset before it is filled: its bytes,
 * padding included, are the key. Members are ordered by size with explicit pad members, and each
 * size is asserted, so the Java codecs (checked against this object's BTF at load) and the C side
 * cannot drift apart silently. */
#ifndef LINEAGE_H
#define LINEAGE_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

#define LN_COMM_LEN 16
#define LN_PATH_LEN 256
#define LN_ARGS_LEN 256
#define LN_ENV_NAMES 4
#define LN_CWD_DEPTH 24
#define LN_ENV_NAME_LEN 32
#define LN_ENV_VALUE_LEN 64
#define LN_MAX_PREFIXES 64 /* directories whose files are counted (0 configured = all files) */
#define LN_MAX_PORTS 64 /* server ports whose flows are counted (0 configured = all flows) */
#define LN_PREFIX_DEPTH 32 /* directory levels walked up from a file looking for a prefix */

/* Identifies one process over its lifetime: pids are reused, (tgid, start time) is not. */
struct ln_proc_key {
	__u64 start_ns; /* group leader's start_time, ns since boot (CLOCK_MONOTONIC) */
	__u32 tgid;
	__u32 pad;
};
_Static_assert(sizeof(struct ln_proc_key) == 16, "ln_proc_key size");

/* One regular file as touched by one process. dev is the kernel's internal dev_t (major << 20 |
 * minor), not the stat(2) encoding. */
struct ln_file_key {
	struct ln_proc_key proc;
	__u64 ino;
	__u32 dev;
	__u32 pad;
};
_Static_assert(sizeof(struct ln_file_key) == 32, "ln_file_key size");

struct ln_file_val {
	__u64 bytes_read;
	__u64 bytes_written;
	__u64 reads;
	__u64 writes;
	__u64 opens;
	__u64 mmaps;
	__u64 first_ns; /* first seen, ns since boot */
	__u64 last_ns; /* last open or mmap (reads and writes take no clock reading) */
	__u32 open_flags; /* OR of the flags of every open */
	__u32 pad;
	char path[LN_PATH_LEN]; /* as passed to the first open seen; may be relative */
};
_Static_assert(sizeof(struct ln_file_val) == 72 + LN_PATH_LEN, "ln_file_val size");

/* One TCP flow as seen by one process. Ports in host order, addresses in network order; an IPv4
 * address fills the first 4 bytes of its array, the rest stays zero. */
struct ln_flow_key {
	struct ln_proc_key proc;
	__u16 family;
	__u16 proto;
	__u16 sport;
	__u16 dport;
	__u8 saddr[16];
	__u8 daddr[16];
};
_Static_assert(sizeof(struct ln_flow_key) == 56, "ln_flow_key size");

struct ln_flow_val {
	__u64 bytes_sent;
	__u64 bytes_received;
	__u64 sends;
	__u64 receives;
	__u64 first_ns; /* first seen, ns since boot */
	__u64 last_ns; /* last state change (sends and receives take no clock reading) */
	__u32 states_seen; /* bit n set: the flow entered TCP state n */
	__u32 last_state;
};
_Static_assert(sizeof(struct ln_flow_val) == 56, "ln_flow_val size");

/* What makes a process tracked (at exec, or inherited at fork). */
struct ln_tracked {
	__u64 start_ns;
	__u32 reason; /* LN_REASON_* */
	__u32 pad;
};
_Static_assert(sizeof(struct ln_tracked) == 16, "ln_tracked size");

#define LN_REASON_ENV 1
#define LN_REASON_COMM 2
#define LN_REASON_CGROUP 3
#define LN_REASON_PARENT 4

/* One allow-listed environment variable name: matching "NAME=" at exec tracks the process and
 * its value travels with the exec event. */
struct ln_env_name {
	__u32 len;
	__u32 pad;
	char name[LN_ENV_NAME_LEN];
};
_Static_assert(sizeof(struct ln_env_name) == 40, "ln_env_name size");

struct ln_config {
	struct ln_env_name env[LN_ENV_NAMES];
	__u32 env_count;
	__u32 prefix_count; /* entries in the prefixes map; 0 = every regular file counts */
	__u32 port_count; /* entries in the ports map; 0 = every TCP flow counts */
	__u32 pad;
};
_Static_assert(sizeof(struct ln_config) == 4 * 40 + 16, "ln_config size");

/* A configured path prefix: the directory, by identity (an inode is what the kernel sees of a
 * path; names, symlinks and relative paths all resolve to it). dev as in ln_file_key. */
struct ln_dir_key {
	__u64 ino;
	__u32 dev;
	__u32 pad;
};
_Static_assert(sizeof(struct ln_dir_key) == 16, "ln_dir_key size");

#define LN_EV_EXEC 1
#define LN_EV_FORK 2
#define LN_EV_EXIT 3

/* Every ring buffer record starts with this header. */
struct ln_event_header {
	__u64 time_ns;
	__u32 type;
	__u32 size; /* of the whole record */
};
_Static_assert(sizeof(struct ln_event_header) == 16, "ln_event_header size");

struct ln_exec_event {
	struct ln_event_header hdr;
	struct ln_proc_key proc;
	__u64 cgroup_id;
	__u32 ppid;
	__u32 uid;
	__u32 reason;
	__u32 args_len; /* bytes of args used: NUL-separated argv, truncated at LN_ARGS_LEN */
	char comm[LN_COMM_LEN];
	char filename[LN_PATH_LEN];
	char args[LN_ARGS_LEN];
	/* working directory at exec, components leaf first, each followed by '/'; truncated when
	 * deeper than LN_CWD_DEPTH or longer than the buffer */
	char cwd[LN_PATH_LEN];
	char env_values[LN_ENV_NAMES][LN_ENV_VALUE_LEN]; /* by allow-list index, "" when absent */
};
_Static_assert(sizeof(struct ln_exec_event) == 16 + 16 + 8 + 16 + 16 + 3 * 256 + 4 * 64,
	       "ln_exec_event size");

struct ln_fork_event {
	struct ln_event_header hdr;
	struct ln_proc_key proc; /* the child */
	struct ln_proc_key parent;
};
_Static_assert(sizeof(struct ln_fork_event) == 48, "ln_fork_event size");

struct ln_exit_event {
	struct ln_event_header hdr;
	struct ln_proc_key proc;
	__u64 duration_ns;
	__s32 exit_code; /* wait(2) status: code << 8 | signal */
	__u32 pad;
};
_Static_assert(sizeof(struct ln_exit_event) == 48, "ln_exit_event size");

/* Indices in the per-CPU counters array. */
#define LN_CNT_EVENTS 0 /* ring buffer reservations attempted */
#define LN_CNT_RB_DROPS 1 /* ... that failed: the event is lost */
#define LN_CNT_MAP_DROPS 2 /* map updates refused (a map full): bytes or processes not counted */
#define LN_CNT_MAX 3

#endif
