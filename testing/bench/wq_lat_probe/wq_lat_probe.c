// SPDX-License-Identifier: GPL-2.0
/*
 * wq_lat_probe: measure how long a short work item waits on a per-CPU
 * workqueue before it starts to run.
 *
 * For the benchmark of the vmalloc series only; not part of the series.
 * While loaded, an hrtimer pinned to every online CPU fires each
 * period_us microseconds and queues one work item on that CPU's
 * normal-priority per-CPU worker pool (system_wq, the pool the lazy vmap
 * drain uses on an unpatched kernel). The work item records the time from
 * queueing to the start of its execution. A tick that finds the previous
 * item still waiting queues nothing and is counted as "missed", so long
 * stalls show up both as large samples and as missed ticks.
 *
 * Writing to <debugfs>/wq_lat_probe/stop ends the probing; then
 * <debugfs>/wq_lat_probe/samples lists every sample as "cpu queued_ns
 * latency_ns" (queued_ns in CLOCK_MONOTONIC, the "mono" trace clock), so
 * that samples can be matched against traced work executions. On unload
 * the module prints, per CPU and for all CPUs together, the number of
 * samples, missed ticks, p50/p99/max and a quantile table (one "cdf" line
 * per quantile) for plotting, all in nanoseconds.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpu.h>
#include <linux/debugfs.h>
#include <linux/hrtimer.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/percpu.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/vmalloc.h>
#include <linux/version.h>
#include <linux/workqueue.h>

static unsigned int period_us = 1000;
module_param(period_us, uint, 0444);
MODULE_PARM_DESC(period_us, "Probe period per CPU in microseconds (default 1000)");

static unsigned int max_samples = 200000;
module_param(max_samples, uint, 0444);
MODULE_PARM_DESC(max_samples, "Samples kept per CPU (default 200000)");

struct probe_cpu {
	struct hrtimer timer;
	struct work_struct work;
	unsigned int cpu;
	bool inflight;
	ktime_t queued;
	u64 *samples;
	u64 *when;
	unsigned int nr;
	unsigned long missed;
	unsigned long dropped;
};

static struct probe_cpu *probes;
static cpumask_var_t probed;
static struct dentry *dir;
static DEFINE_MUTEX(stop_lock);
static bool stopped;

static ktime_t probe_period(void)
{
	return ns_to_ktime((u64)period_us * NSEC_PER_USEC);
}

static void probe_work(struct work_struct *work)
{
	struct probe_cpu *pc = container_of(work, struct probe_cpu, work);
	s64 lat = ktime_to_ns(ktime_sub(ktime_get(), pc->queued));

	if (pc->nr < max_samples) {
		pc->when[pc->nr] = ktime_to_ns(pc->queued);
		pc->samples[pc->nr++] = lat > 0 ? lat : 0;
	} else {
		pc->dropped++;
	}
	/* Written last: the timer of this CPU may queue the next item now. */
	WRITE_ONCE(pc->inflight, false);
}

static enum hrtimer_restart probe_tick(struct hrtimer *timer)
{
	struct probe_cpu *pc = container_of(timer, struct probe_cpu, timer);

	if (READ_ONCE(pc->inflight)) {
		pc->missed++;
	} else {
		pc->queued = ktime_get();
		WRITE_ONCE(pc->inflight, true);
		queue_work_on(pc->cpu, system_wq, &pc->work);
	}
	hrtimer_forward_now(timer, probe_period());
	return HRTIMER_RESTART;
}

/* Runs on the probed CPU, so that the pinned timer stays there. */
static void probe_start(void *arg)
{
	struct probe_cpu *pc = arg;

	hrtimer_start(&pc->timer, probe_period(), HRTIMER_MODE_REL_PINNED);
}

static int cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/* Quantiles in permille printed as the "cdf" table. */
static const unsigned int cdf_permille[] = {
	0, 10, 50, 100, 150, 200, 250, 300, 350, 400, 450, 500, 550, 600,
	650, 700, 750, 800, 850, 900, 925, 950, 970, 980, 990, 995, 999, 1000,
};

static u64 quantile(const u64 *v, unsigned int n, unsigned int permille)
{
	unsigned int i = (unsigned int)(((u64)(n - 1) * permille + 500) / 1000);

	return v[i];
}

static void report(const char *who, u64 *v, unsigned int n,
		   unsigned long missed, unsigned long dropped)
{
	unsigned int i;

	if (!n) {
		pr_info("cpu=%s samples=0 missed=%lu\n", who, missed);
		return;
	}
	sort(v, n, sizeof(*v), cmp_u64, NULL);
	pr_info("cpu=%s samples=%u missed=%lu dropped=%lu p50_ns=%llu p99_ns=%llu max_ns=%llu\n",
		who, n, missed, dropped, quantile(v, n, 500), quantile(v, n, 990),
		v[n - 1]);
	for (i = 0; i < ARRAY_SIZE(cdf_permille); i++)
		pr_info("cdf cpu=%s permille=%u ns=%llu\n", who, cdf_permille[i],
			quantile(v, n, cdf_permille[i]));
}

static void probe_stop(void)
{
	unsigned int cpu;

	mutex_lock(&stop_lock);
	if (!stopped) {
		for_each_cpu(cpu, probed)
			hrtimer_cancel(&probes[cpu].timer);
		for_each_cpu(cpu, probed)
			cancel_work_sync(&probes[cpu].work);
		WRITE_ONCE(stopped, true);
	}
	mutex_unlock(&stop_lock);
}

static ssize_t stop_write(struct file *file, const char __user *buf,
			  size_t len, loff_t *ppos)
{
	probe_stop();
	return len;
}

static const struct file_operations stop_fops = {
	.owner = THIS_MODULE,
	.write = stop_write,
};

/* Sample number pos over all probed CPUs, or NULL past the end. */
static struct probe_cpu *locate(loff_t pos, unsigned int *idx)
{
	unsigned int cpu;

	for_each_cpu(cpu, probed) {
		if (pos < probes[cpu].nr) {
			*idx = pos;
			return &probes[cpu];
		}
		pos -= probes[cpu].nr;
	}
	return NULL;
}

static void *samples_start(struct seq_file *m, loff_t *pos)
{
	/* Samples are only stable once the probing has stopped. */
	return READ_ONCE(stopped) ? locate(*pos, m->private) : NULL;
}

static void *samples_next(struct seq_file *m, void *v, loff_t *pos)
{
	++*pos;
	return locate(*pos, m->private);
}

static void samples_stop(struct seq_file *m, void *v)
{
}

static int samples_show(struct seq_file *m, void *v)
{
	struct probe_cpu *pc = v;
	unsigned int i = *(unsigned int *)m->private;

	seq_printf(m, "%u %llu %llu\n", pc->cpu, pc->when[i], pc->samples[i]);
	return 0;
}

static const struct seq_operations samples_sops = {
	.start = samples_start,
	.next = samples_next,
	.stop = samples_stop,
	.show = samples_show,
};

static int samples_open(struct inode *inode, struct file *file)
{
	return seq_open_private(file, &samples_sops, sizeof(unsigned int));
}

static const struct file_operations samples_fops = {
	.owner = THIS_MODULE,
	.open = samples_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = seq_release_private,
};

static void probe_free(void)
{
	unsigned int cpu;

	for_each_cpu(cpu, probed) {
		vfree(probes[cpu].samples);
		vfree(probes[cpu].when);
	}
	kfree(probes);
	free_cpumask_var(probed);
}

static int __init wq_lat_probe_init(void)
{
	unsigned int cpu;

	if (!period_us || !max_samples)
		return -EINVAL;
	if (!zalloc_cpumask_var(&probed, GFP_KERNEL))
		return -ENOMEM;
	probes = kcalloc(nr_cpu_ids, sizeof(*probes), GFP_KERNEL);
	if (!probes) {
		free_cpumask_var(probed);
		return -ENOMEM;
	}

	cpus_read_lock();
	cpumask_copy(probed, cpu_online_mask);
	for_each_cpu(cpu, probed) {
		struct probe_cpu *pc = &probes[cpu];

		pc->cpu = cpu;
		pc->samples = vmalloc_array(max_samples, sizeof(u64));
		pc->when = vmalloc_array(max_samples, sizeof(u64));
		if (!pc->samples || !pc->when) {
			cpus_read_unlock();
			probe_free();
			return -ENOMEM;
		}
		INIT_WORK(&pc->work, probe_work);
		/* Built out of tree for every base: 6.12 lacks hrtimer_setup(). */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 13, 0)
		hrtimer_setup(&pc->timer, probe_tick, CLOCK_MONOTONIC,
			      HRTIMER_MODE_REL_PINNED);
#else
		hrtimer_init(&pc->timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL_PINNED);
		pc->timer.function = probe_tick;
#endif
	}
	for_each_cpu(cpu, probed)
		smp_call_function_single(cpu, probe_start, &probes[cpu], 1);
	cpus_read_unlock();

	dir = debugfs_create_dir(KBUILD_MODNAME, NULL);
	debugfs_create_file("stop", 0200, dir, NULL, &stop_fops);
	debugfs_create_file("samples", 0400, dir, NULL, &samples_fops);
	pr_info("probing %u CPUs every %u us on system_wq\n",
		cpumask_weight(probed), period_us);
	return 0;
}

static void __exit wq_lat_probe_exit(void)
{
	unsigned long missed = 0, dropped = 0;
	unsigned int cpu, total = 0;
	char name[16];
	u64 *all;

	debugfs_remove_recursive(dir);
	probe_stop();

	for_each_cpu(cpu, probed)
		total += probes[cpu].nr;
	all = vmalloc_array(total ? total : 1, sizeof(u64));
	total = 0;
	for_each_cpu(cpu, probed) {
		struct probe_cpu *pc = &probes[cpu];

		if (all) {
			memcpy(all + total, pc->samples, pc->nr * sizeof(u64));
			total += pc->nr;
		}
		missed += pc->missed;
		dropped += pc->dropped;
		snprintf(name, sizeof(name), "%u", cpu);
		report(name, pc->samples, pc->nr, pc->missed, pc->dropped);
	}
	if (all)
		report("all", all, total, missed, dropped);
	vfree(all);
	probe_free();
}

module_init(wq_lat_probe_init);
module_exit(wq_lat_probe_exit);
MODULE_DESCRIPTION("Per-CPU workqueue queue-to-start latency probe");
MODULE_LICENSE("GPL");
