// sqlite3_db_config is variadic, and Swift cannot call a variadic C function, so this one setting
// is made from C. The function is SQLite-NIO's bundled SQLite's (its symbols carry the
// sqlite_nio_ prefix); it is declared here rather than through its header, and the linker finds it
// in the VaporCSQLite module every binary that uses SQLiteReader already links.
#include "SQLiteSettings.h"

extern int sqlite_nio_sqlite3_db_config(void *connection, int op, ...);

// SQLITE_DBCONFIG_ENABLE_QPSG in sqlite3.h.
#define SQLITE_DBCONFIG_ENABLE_QPSG 1007

int safecomms_sqlite_enable_qpsg(void *connection) {
    int now = 0;
    return sqlite_nio_sqlite3_db_config(connection, SQLITE_DBCONFIG_ENABLE_QPSG, 1, &now);
}
