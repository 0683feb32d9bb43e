/* Private to src/policy: phase handlers defined outside policy.c. */
#ifndef TRUNKD_POLICY_POLICY_INT_H
#define TRUNKD_POLICY_POLICY_INT_H

#include "policy/policy.h"

enum policy_verdict policy_phase_acl(struct policy_ctx *ctx);
enum policy_verdict policy_phase_auth(struct policy_ctx *ctx);

#endif
