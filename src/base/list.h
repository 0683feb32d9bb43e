/* Intrusive doubly linked list. An element (struct le) lives inside the
 * object it links; the list never owns its elements' objects. */
#ifndef TRUNKD_BASE_LIST_H
#define TRUNKD_BASE_LIST_H

#include <stdbool.h>
#include <stddef.h>

struct list;

struct le {
	struct le *prev;
	struct le *next;
	struct list *list; /* weak: the list this element is on, or NULL */
	void *data;	   /* weak: the object holding this element */
};

struct list {
	struct le *head;
	struct le *tail;
	size_t count;
};

#define LIST_INIT                                      \
	{                                              \
		.head = NULL, .tail = NULL, .count = 0 \
	}

static inline void list_init(struct list *l)
{
	l->head = l->tail = NULL;
	l->count = 0;
}

void list_append(struct list *l, struct le *le, void *data);
void list_prepend(struct list *l, struct le *le, void *data);
/* Insert le before/after an element already on l. */
void list_insert_before(struct list *l, struct le *at, struct le *le,
			void *data);
void list_insert_after(struct list *l, struct le *at, struct le *le,
		       void *data);
/* Unlink from whatever list le is on; no-op when on none. */
void list_unlink(struct le *le);

/* mem_deref every element's data; for lists that own their objects. The
 * destructor of each object must list_unlink its element. */
void list_flush(struct list *l);

static inline size_t list_count(const struct list *l)
{
	return l ? l->count : 0;
}

static inline bool list_isempty(const struct list *l)
{
	return !l || !l->head;
}

#define LIST_FOREACH(l, le) for ((le) = (l)->head; (le); (le) = (le)->next)

#endif
