// SPDX-License-Identifier: GPL-2.0
/*
 * vfree_churn: vmalloc() and vfree() in a loop, in the task that loads
 * the module, so that "taskset -c N insmod vfree_churn.ko" frees vmalloc
 * memory from CPU N only.
 *
 * For the benchmark of the vmalloc series only; not part of the series.
 * The lazily freed areas make the task that crosses the lazy threshold
 * queue the vmap drain, which is what the isolated-CPU measurement of
 * "make bench" needs: an application on an isolated CPU that frees
 * vmalloc memory. Loading always fails (-EAGAIN after a complete run),
 * so the module never stays loaded and can be loaded again.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/sched.h>
#include <linux/smp.h>
#include <linux/vmalloc.h>

static unsigned int nr_pages = 16;
module_param(nr_pages, uint, 0444);
MODULE_PARM_DESC(nr_pages, "Pages per area (default 16)");

static unsigned int loops = 100000;
module_param(loops, uint, 0444);
MODULE_PARM_DESC(loops, "Areas allocated and freed (default 100000)");

static int __init vfree_churn_init(void)
{
	unsigned int i, cpu = raw_smp_processor_id();

	for (i = 0; i < loops; i++) {
		void *p = vmalloc(array_size(nr_pages, PAGE_SIZE));

		if (!p)
			return -ENOMEM;
		vfree(p);
		cond_resched();
	}
	pr_info("done: %u areas of %u pages, started on cpu %u, ended on cpu %u\n",
		loops, nr_pages, cpu, raw_smp_processor_id());
	return -EAGAIN;
}
module_init(vfree_churn_init);

MODULE_DESCRIPTION("vmalloc/vfree churn in the loading task (benchmark helper)");
MODULE_LICENSE("GPL");
