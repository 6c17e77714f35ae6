/*
 * opcount: exact user-mode instruction counts per allocator call, by ptrace
 * single-stepping (x86-64 Linux). Hardware counters are not available on the
 * machines we bench on, and callgrind gives only totals per function, not the
 * worst single call.
 *
 * Usage: opcount [--ops-check] [--hist] PROGRAM [ARGS...]
 *   PROGRAM must follow the int3 protocol of bench/heap/bench_trace.c
 *   (heap_bench --mode=trace): before each call it executes int3 with
 *   rax = entry address of the function about to be called and rdx = 1
 *   (alloc) or 2 (free).
 * For each marker opcount single-steps to that entry, then counts every
 * instruction executed until the stack pointer rises above its value at the
 * entry, i.e. the function's own instructions including everything it calls
 * and its final ret, but not the caller's call. A rep-prefixed instruction
 * counts once per iteration (each iteration traps), as in callgrind.
 * Output: one line per kind: calls, mean, median, p99, p99.9, max and the
 * index of the worst call. --ops-check exits 1 unless both kinds were seen
 * with plausible counts (for ctest). Exit status 2 on usage or ptrace errors.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

#define KINDS 3
#define MAX_LEAD_STEPS 10000U  /* caller's instructions from int3 to the entry */
#define MAX_OP_STEPS 100000000U

static const char *const kind_name[KINDS] = { "?", "alloc", "free" };

struct samples {
	uint32_t *v;
	size_t n;
	size_t cap;
	uint64_t sum;
	uint32_t max;
	size_t max_index;
};

static struct samples samples[KINDS];

static void die(const char *what)
{
	fprintf(stderr, "opcount: %s: %s\n", what, strerror(errno));
	exit(2);
}

static void record(unsigned int kind, uint32_t count)
{
	struct samples *s = &samples[kind];

	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2U : 4096U;
		s->v = realloc(s->v, s->cap * sizeof(s->v[0]));
		if (s->v == NULL) {
			die("realloc");
		}
	}
	if (count > s->max) {
		s->max = count;
		s->max_index = s->n;
	}
	s->v[s->n++] = count;
	s->sum += count;
}

/* One single step; false when the child is gone. */
static int step(pid_t pid, struct user_regs_struct *regs)
{
	int status;

	if (ptrace(PTRACE_SINGLESTEP, pid, NULL, NULL) == -1) {
		die("PTRACE_SINGLESTEP");
	}
	if (waitpid(pid, &status, 0) == -1) {
		die("waitpid");
	}
	if (!WIFSTOPPED(status)) {
		fprintf(stderr, "opcount: child ended inside a counted call\n");
		exit(2);
	}
	if (ptrace(PTRACE_GETREGS, pid, NULL, regs) == -1) {
		die("PTRACE_GETREGS");
	}
	return 1;
}

static void count_call(pid_t pid, struct user_regs_struct *regs)
{
	unsigned long long entry = regs->rax;
	unsigned int kind = (regs->rdx == 1U || regs->rdx == 2U) ? (unsigned int)regs->rdx : 0U;
	unsigned long long entry_sp;
	uint32_t lead = 0;
	uint32_t count = 0;

	while (regs->rip != entry) {
		step(pid, regs);
		if (++lead > MAX_LEAD_STEPS) {
			fprintf(stderr, "opcount: entry %#llx not reached\n", entry);
			exit(2);
		}
	}
	entry_sp = regs->rsp;
	do {
		step(pid, regs);
		count++;
	} while (regs->rsp <= entry_sp && count < MAX_OP_STEPS);
	record(kind, count);
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a;
	uint32_t y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

static void report(unsigned int kind, int hist)
{
	struct samples *s = &samples[kind];
	size_t worst = s->max_index;

	if (s->n == 0) {
		return;
	}
	qsort(s->v, s->n, sizeof(s->v[0]), cmp_u32);
	printf("%s: calls=%zu mean=%.2f median=%u p99=%u p99.9=%u max=%u worst_call=%zu\n",
	       kind_name[kind], s->n, (double)s->sum / (double)s->n, s->v[s->n / 2U],
	       s->v[(s->n * 99U) / 100U], s->v[(s->n * 999U) / 1000U], s->max, worst);
	if (hist) {
		for (size_t i = 0; i < s->n;) {
			size_t j = i;

			while (j < s->n && s->v[j] == s->v[i]) {
				j++;
			}
			printf("  %s %u instructions: %zu calls\n", kind_name[kind], s->v[i], j - i);
			i = j;
		}
	}
}

static void trace(pid_t pid)
{
	int status;
	int sig = 0;
	struct user_regs_struct regs;

	if (waitpid(pid, &status, 0) == -1 || !WIFSTOPPED(status)) {
		die("child did not stop after exec");
	}
	ptrace(PTRACE_SETOPTIONS, pid, NULL, (void *)(uintptr_t)PTRACE_O_EXITKILL);
	for (;;) {
		if (ptrace(PTRACE_CONT, pid, NULL, (void *)(uintptr_t)sig) == -1) {
			die("PTRACE_CONT");
		}
		if (waitpid(pid, &status, 0) == -1) {
			die("waitpid");
		}
		if (WIFEXITED(status) || WIFSIGNALED(status)) {
			if (WIFSIGNALED(status) || WEXITSTATUS(status) != 0) {
				fprintf(stderr, "opcount: child failed (status %#x)\n", status);
				exit(2);
			}
			return;
		}
		sig = WSTOPSIG(status);
		if (sig == SIGTRAP) {
			sig = 0;
			if (ptrace(PTRACE_GETREGS, pid, NULL, &regs) == -1) {
				die("PTRACE_GETREGS");
			}
			count_call(pid, &regs);
		}
	}
}

int main(int argc, char **argv)
{
	int ops_check = 0;
	int hist = 0;
	int first = 1;
	pid_t pid;

	while (first < argc && strncmp(argv[first], "--", 2) == 0) {
		if (strcmp(argv[first], "--ops-check") == 0) {
			ops_check = 1;
		} else if (strcmp(argv[first], "--hist") == 0) {
			hist = 1;
		} else {
			break;
		}
		first++;
	}
	if (first >= argc) {
		fprintf(stderr, "usage: opcount [--ops-check] [--hist] PROGRAM [ARGS...]\n");
		return 2;
	}
	pid = fork();
	if (pid == -1) {
		die("fork");
	}
	if (pid == 0) {
		ptrace(PTRACE_TRACEME, 0, NULL, NULL);
		execvp(argv[first], &argv[first]);
		_exit(127);
	}
	trace(pid);
	fflush(stdout);
	report(1, hist);
	report(2, hist);
	if (samples[0].n != 0) {
		printf("unknown-kind markers: %zu\n", samples[0].n);
	}
	if (ops_check) {
		return (samples[1].n > 0 && samples[2].n > 0 && samples[1].max < 100000U &&
			samples[2].max < 100000U && samples[0].n == 0) ? 0 : 1;
	}
	return 0;
}
