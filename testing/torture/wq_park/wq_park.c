// SPDX-License-Identifier: GPL-2.0
/*
 * wq_park: occupy the workers of one CPU's per-CPU system workqueue pool.
 *
 * For the induced reclaim-stall scenario of "make torture" only; not part
 * of the series. Loading queues nr work items on CPU cpu with
 * schedule_work_on(), and nr_unbound more on system_unbound_wq (the pool
 * that all unbound workqueues with default attributes share); each one
 * sleeps until the module is removed, so every worker that picks one up
 * stays busy. When worker creation fails at the same time (failslab on
 * kthreadd), the pools run out of workers and anything queued after the
 * parked items waits, unless a rescuer runs it. "started" and
 * "started_unbound" count the items that got a worker.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

static unsigned int cpu;
module_param(cpu, uint, 0444);
MODULE_PARM_DESC(cpu, "CPU whose per-CPU pool is parked (default 0)");

static unsigned int nr = 4;
module_param(nr, uint, 0444);
MODULE_PARM_DESC(nr, "Work items parked (default 4)");

static unsigned int nr_unbound;
module_param(nr_unbound, uint, 0444);
MODULE_PARM_DESC(nr_unbound, "Work items parked on system_unbound_wq (default 0)");

static int started;
module_param(started, int, 0444);
MODULE_PARM_DESC(started, "Parked per-CPU work items that got a worker");

static int started_unbound;
module_param(started_unbound, int, 0444);
MODULE_PARM_DESC(started_unbound, "Parked unbound work items that got a worker");

static DECLARE_COMPLETION(release);
static atomic_t nr_started = ATOMIC_INIT(0);
static atomic_t nr_started_unbound = ATOMIC_INIT(0);
static struct work_struct *works;

static void park_fn(struct work_struct *work)
{
	if (work - works < nr)
		WRITE_ONCE(started, atomic_inc_return(&nr_started));
	else
		WRITE_ONCE(started_unbound, atomic_inc_return(&nr_started_unbound));
	/* TASK_IDLE: a parked worker is not a hung task. */
	wait_for_completion_state(&release, TASK_IDLE);
}

static int __init wq_park_init(void)
{
	unsigned int i;

	if (!nr || cpu >= nr_cpu_ids || !cpu_online(cpu))
		return -EINVAL;
	works = kcalloc(nr + nr_unbound, sizeof(*works), GFP_KERNEL);
	if (!works)
		return -ENOMEM;
	for (i = 0; i < nr + nr_unbound; i++) {
		INIT_WORK(&works[i], park_fn);
		if (i < nr)
			schedule_work_on(cpu, &works[i]);
		else
			queue_work(system_unbound_wq, &works[i]);
	}
	pr_info("queued %u items on cpu %u and %u unbound\n", nr, cpu, nr_unbound);
	return 0;
}

static void __exit wq_park_exit(void)
{
	unsigned int i;

	complete_all(&release);
	for (i = 0; i < nr + nr_unbound; i++)
		flush_work(&works[i]);
	kfree(works);
	pr_info("released, %d of %u per-CPU and %d of %u unbound items had started\n",
		atomic_read(&nr_started), nr, atomic_read(&nr_started_unbound),
		nr_unbound);
}

module_init(wq_park_init);
module_exit(wq_park_exit);

MODULE_DESCRIPTION("Park work items on one CPU's system workqueue pool (test helper)");
MODULE_LICENSE("GPL");
