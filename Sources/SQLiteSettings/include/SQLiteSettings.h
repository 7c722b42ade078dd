#ifndef SAFECOMMS_SQLITE_SETTINGS_H
#define SAFECOMMS_SQLITE_SETTINGS_H

/// Turns on SQLite's query planner stability guarantee (SQLITE_DBCONFIG_ENABLE_QPSG) for a
/// connection of SQLite-NIO's bundled SQLite. Returns SQLite's result code (0 is success).
int safecomms_sqlite_enable_qpsg(void *connection);

#endif
