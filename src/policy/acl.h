/* IP access control: a set of IPv4 and IPv6 CIDR blocks.
 *
 * Entries are added one by one (acl_add, acl_add_str), then acl_compile()
 * turns them into sorted, merged address ranges so acl_match() is a
 * binary search: O(log n) for thousands of entries. Matching before
 * acl_compile() is correct but linear. IPv4-mapped IPv6 sources
 * (::ffff:a.b.c.d) match IPv4 entries. Not thread-safe while being
 * built; read-only (shareable) once compiled.
 */
#ifndef TRUNKD_POLICY_ACL_H
#define TRUNKD_POLICY_ACL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

struct acl;

/* Empty set (mem object; mem_deref frees). Returns 0 or ENOMEM. */
int acl_alloc(struct acl **aclp);

/* Add addr (IPv4 dotted quad or IPv6 text, no brackets) with prefix
 * length plen (0-32 / 0-128). Host bits set in addr are ignored (as
 * Twilio's IpAddress resource accepts "203.0.113.5" with
 * CidrPrefixLength 24). Returns 0, EINVAL (bad address or length) or
 * ENOMEM. */
int acl_add(struct acl *acl, const char *addr, unsigned plen);

/* Add "addr/plen" or a bare address (a single host). Same returns. */
int acl_add_str(struct acl *acl, const char *cidr);

/* Sort and merge the ranges. Returns 0 or ENOMEM (the set then stays
 * usable, unsorted). */
int acl_compile(struct acl *acl);

/* Whether sa (AF_INET or AF_INET6) lies in one of the blocks. NULL acl
 * or sa, or another family: false. */
bool acl_match(const struct acl *acl, const struct sockaddr *sa);

/* Number of blocks added. */
size_t acl_count(const struct acl *acl);

#endif
