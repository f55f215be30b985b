/* org: organisations (civil-society, government, network, ...). */
#ifndef HERALD_ORG_H
#define HERALD_ORG_H

#include <stdint.h>

#include "store/db.h"

/* Id of the organisation called name (case-insensitive), 0 if none. */
int64_t org_find(struct db *d, const char *name);
/*
 * Id of name, creating it when missing with kind and country (either may
 * be "" or NULL): hints from the first contact seen. -1 on error.
 */
int64_t org_ensure(struct db *d, const char *name, const char *kind,
    const char *country);
/* The organisation kind a contact role suggests ("" when none). */
const char *org_kind_for_role(const char *role);
/*
 * Rename an organisation or change its kind or country (NULL: as it is).
 * 0, or -1 (errno EEXIST when another organisation has the new name).
 */
int org_update(struct db *d, int64_t id, const char *name, const char *kind,
    const char *country);

#endif
