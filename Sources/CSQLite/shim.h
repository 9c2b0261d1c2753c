#include <sqlite3.h>

// sqlite3_config is variadic, which Swift cannot call: one wrapper per setting we use.
// Memory statistics take a global mutex on every allocation; AuditSync never reads them.
static inline int auditsync_sqlite3_disable_memstatus(void) {
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}
