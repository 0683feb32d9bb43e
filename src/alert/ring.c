/* Bounded MPSC ring; see alert_int.h. Each cell's seq says whose turn it
 * is: seq == pos means free for the producer claiming pos, seq == pos + 1
 * means filled for the consumer reading pos. */
#include "alert/alert_int.h"

#include <errno.h>
#include <stdint.h>

#include "base/mem.h"

int ring_init(struct ring *r, size_t size)
{
	size_t n = 2;

	while (n < size && n < ((size_t)1 << 30))
		n <<= 1;
	r->cells = mem_zalloc(n * sizeof(*r->cells), NULL);
	if (!r->cells)
		return ENOMEM;
	for (size_t i = 0; i < n; i++)
		atomic_init(&r->cells[i].seq, i);
	r->mask = n - 1;
	atomic_init(&r->head, 0);
	r->tail = 0;
	return 0;
}

void ring_close(struct ring *r)
{
	r->cells = mem_deref(r->cells);
}

int ring_push(struct ring *r, void *data)
{
	size_t pos = atomic_load_explicit(&r->head, memory_order_relaxed);
	struct ring_cell *c;

	for (;;) {
		size_t seq;
		intptr_t diff;

		c = &r->cells[pos & r->mask];
		seq = atomic_load_explicit(&c->seq, memory_order_acquire);
		diff = (intptr_t)seq - (intptr_t)pos;
		if (diff == 0) {
			if (atomic_compare_exchange_weak_explicit(
				    &r->head, &pos, pos + 1,
				    memory_order_relaxed,
				    memory_order_relaxed))
				break;
		} else if (diff < 0) {
			return EAGAIN; /* full: the consumer is behind */
		} else {
			pos = atomic_load_explicit(&r->head,
						   memory_order_relaxed);
		}
	}
	c->data = data;
	atomic_store_explicit(&c->seq, pos + 1, memory_order_release);
	return 0;
}

void *ring_pop(struct ring *r)
{
	struct ring_cell *c = &r->cells[r->tail & r->mask];
	size_t seq = atomic_load_explicit(&c->seq, memory_order_acquire);
	void *data;

	if (seq != r->tail + 1)
		return NULL;
	data = c->data;
	c->data = NULL;
	atomic_store_explicit(&c->seq, r->tail + r->mask + 1,
			      memory_order_release);
	r->tail++;
	return data;
}
