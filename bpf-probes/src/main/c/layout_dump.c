/* Test helper: fills each struct of lineage.h the way the BPF side does (zeroed, then members set
 * to the known values below) and prints "<struct> <hex bytes>" per line. The Java layout test
 * decodes these bytes with its codecs and expects the same values, and zero padding. */
#include <stdio.h>
#include <string.h>
#include "lineage.h"

static void dump(const char *name, const void *p, size_t n)
{
	const unsigned char *b = p;
	printf("%s ", name);
	for (size_t i = 0; i < n; i++)
		printf("%02x", b[i]);
	printf("\n");
}

static void proc(struct ln_proc_key *k)
{
	k->start_ns = 0x0102030405060708ULL;
	k->tgid = 0x11223344;
}

int main(void)
{
	struct ln_file_key fk;
	memset(&fk, 0, sizeof(fk));
	proc(&fk.proc);
	fk.ino = 0xa1a2a3a4a5a6a7a8ULL;
	fk.dev = (8u << 20) | 3u;
	dump("ln_file_key", &fk, sizeof(fk));

	struct ln_file_val fv;
	memset(&fv, 0, sizeof(fv));
	fv.bytes_read = 1000;
	fv.bytes_written = 2000;
	fv.reads = 3;
	fv.writes = 4;
	fv.opens = 5;
	fv.mmaps = 6;
	fv.first_ns = 7;
	fv.last_ns = 8;
	fv.open_flags = 0x241;
	strcpy(fv.path, "/data/train.csv");
	dump("ln_file_val", &fv, sizeof(fv));

	struct ln_flow_key wk;
	memset(&wk, 0, sizeof(wk));
	proc(&wk.proc);
	wk.family = 2;
	wk.proto = 6;
	wk.sport = 8080;
	wk.dport = 50000;
	unsigned char lo[4] = {127, 0, 0, 1}, peer[4] = {10, 1, 2, 3};
	memcpy(wk.saddr, lo, 4);
	memcpy(wk.daddr, peer, 4);
	dump("ln_flow_key", &wk, sizeof(wk));

	struct ln_flow_val wv;
	memset(&wv, 0, sizeof(wv));
	wv.bytes_sent = 11;
	wv.bytes_received = 12;
	wv.sends = 13;
	wv.receives = 14;
	wv.first_ns = 15;
	wv.last_ns = 16;
	wv.states_seen = (1u << 1) | (1u << 7);
	wv.last_state = 7;
	dump("ln_flow_val", &wv, sizeof(wv));

	struct ln_fork_event fe;
	memset(&fe, 0, sizeof(fe));
	fe.hdr.time_ns = 99;
	fe.hdr.type = LN_EV_FORK;
	fe.hdr.size = sizeof(fe);
	proc(&fe.proc);
	fe.parent.start_ns = 42;
	fe.parent.tgid = 41;
	dump("ln_fork_event", &fe, sizeof(fe));

	struct ln_exit_event xe;
	memset(&xe, 0, sizeof(xe));
	xe.hdr.time_ns = 100;
	xe.hdr.type = LN_EV_EXIT;
	xe.hdr.size = sizeof(xe);
	proc(&xe.proc);
	xe.duration_ns = 5000000000ULL;
	xe.exit_code = 3 << 8;
	dump("ln_exit_event", &xe, sizeof(xe));

	struct ln_exec_event ee;
	memset(&ee, 0, sizeof(ee));
	ee.hdr.time_ns = 101;
	ee.hdr.type = LN_EV_EXEC;
	ee.hdr.size = sizeof(ee);
	proc(&ee.proc);
	ee.cgroup_id = 777;
	ee.ppid = 1;
	ee.uid = 1000;
	ee.reason = LN_REASON_ENV;
	const char args[] = "python\0train.py";
	memcpy(ee.args, args, sizeof(args));
	ee.args_len = sizeof(args);
	strcpy(ee.comm, "python");
	strcpy(ee.filename, "/usr/bin/python3");
	strcpy(ee.cwd, "exp/home/");
	strcpy(ee.env_values[0], "run-123");
	dump("ln_exec_event", &ee, sizeof(ee));

	struct ln_config cfg;
	memset(&cfg, 0, sizeof(cfg));
	cfg.env_count = 2;
	cfg.env[0].len = 13;
	strcpy(cfg.env[0].name, "MLFLOW_RUN_ID");
	cfg.env[1].len = 20;
	strcpy(cfg.env[1].name, "MLFLOW_EXPERIMENT_ID");
	cfg.prefix_count = 2;
	cfg.port_count = 3;
	dump("ln_config", &cfg, sizeof(cfg));

	struct ln_dir_key dk;
	memset(&dk, 0, sizeof(dk));
	dk.ino = 4242;
	dk.dev = (259 << 20) | 300;
	dump("ln_dir_key", &dk, sizeof(dk));
	return 0;
}
