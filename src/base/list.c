/* Intrusive list; see list.h. */
#include "base/list.h"

#include "base/mem.h"

void list_append(struct list *l, struct le *le, void *data)
{
	le->data = data;
	le->list = l;
	le->next = NULL;
	le->prev = l->tail;
	if (l->tail)
		l->tail->next = le;
	else
		l->head = le;
	l->tail = le;
	l->count++;
}

void list_prepend(struct list *l, struct le *le, void *data)
{
	le->data = data;
	le->list = l;
	le->prev = NULL;
	le->next = l->head;
	if (l->head)
		l->head->prev = le;
	else
		l->tail = le;
	l->head = le;
	l->count++;
}

void list_insert_before(struct list *l, struct le *at, struct le *le,
			void *data)
{
	if (!at->prev) {
		list_prepend(l, le, data);
		return;
	}
	le->data = data;
	le->list = l;
	le->prev = at->prev;
	le->next = at;
	at->prev->next = le;
	at->prev = le;
	l->count++;
}

void list_insert_after(struct list *l, struct le *at, struct le *le,
		       void *data)
{
	if (!at->next) {
		list_append(l, le, data);
		return;
	}
	list_insert_before(l, at->next, le, data);
}

void list_unlink(struct le *le)
{
	struct list *l = le->list;

	if (!l)
		return;
	if (le->prev)
		le->prev->next = le->next;
	else
		l->head = le->next;
	if (le->next)
		le->next->prev = le->prev;
	else
		l->tail = le->prev;
	l->count--;
	le->prev = le->next = NULL;
	le->list = NULL;
}

void list_flush(struct list *l)
{
	while (l->head) {
		struct le *le = l->head;

		list_unlink(le);
		mem_deref(le->data);
	}
}
