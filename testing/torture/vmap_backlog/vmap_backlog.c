// SPDX-License-Identifier: GPL-2.0
/*
 * vmap_backlog: one large lazily freed vmap area, then a purge in the
 * loading task.
 *
 * For the induced reclaim-stall scenario of "make torture" only; not part
 * of the series. Loading first vmalloc()s and vfree()s one page on CPU
 * small_cpu, which leaves a lazily freed area on that CPU's vmap node (an
 * area belongs to the node of the CPU that allocated it). This must happen
 * here: loading a module purges every lazy area (set_memory_ro() calls
 * vm_unmap_aliases()). Then, on CPU big_cpu, it vmap()s one page "pages"
 * times (virtual space only, so a small guest can do it) and vunmap()s it,
 * and calls vm_unmap_aliases(), which purges with vmap_purge_lock held in
 * this task and, with a backlog of at least twice lazy_max_pages(), hands
 * the lower-numbered non-empty vmap nodes to purge helpers and waits for
 * them. Loading always fails (-EAGAIN once the purge returned), so the
 * module can be loaded again.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpumask.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/vmalloc.h>

static unsigned int pages = 32768;
module_param(pages, uint, 0444);
MODULE_PARM_DESC(pages, "Pages of the lazily freed area (default 32768)");

static unsigned int small_cpu;
module_param(small_cpu, uint, 0444);
MODULE_PARM_DESC(small_cpu, "CPU that frees the small area (default 0)");

static unsigned int big_cpu = 1;
module_param(big_cpu, uint, 0444);
MODULE_PARM_DESC(big_cpu, "CPU that frees the large area and purges (default 1)");

static int move_to(unsigned int cpu)
{
	if (cpu >= nr_cpu_ids || !cpu_online(cpu))
		return -EINVAL;
	return set_cpus_allowed_ptr(current, cpumask_of(cpu));
}

static int __init vmap_backlog_init(void)
{
	struct page **pv;
	struct page *page;
	unsigned int i;
	void *addr;
	int ret;

	ret = move_to(small_cpu);
	if (ret)
		return ret;
	vfree(vmalloc(PAGE_SIZE));
	ret = move_to(big_cpu);
	if (ret)
		return ret;

	ret = -ENOMEM;
	page = alloc_page(GFP_KERNEL);
	pv = kvmalloc_array(pages, sizeof(*pv), GFP_KERNEL);
	if (!page || !pv)
		goto out;
	for (i = 0; i < pages; i++)
		pv[i] = page;
	addr = vmap(pv, pages, VM_MAP, PAGE_KERNEL);
	if (!addr)
		goto out;
	vunmap(addr);
	vm_unmap_aliases();
	pr_info("purged a backlog of %u pages on cpu %d, small area from cpu %u\n",
		pages, raw_smp_processor_id(), small_cpu);
	ret = -EAGAIN;
out:
	kvfree(pv);
	if (page)
		__free_page(page);
	return ret;
}
module_init(vmap_backlog_init);

MODULE_DESCRIPTION("Lazily free a large vmap area and purge (test helper)");
MODULE_LICENSE("GPL");
