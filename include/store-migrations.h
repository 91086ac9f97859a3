/* The embedded schema migrations: sql/NNN-*.sql turned into a C array by
 * sql/embed.py (the generated sql-migrations.c). Each file ends by setting
 * PRAGMA user_version to its number; store.c applies them in order. */
#pragma once

struct migration {
	int version;            /* NNN of the file name */
	const char *name;       /* "001-init.sql" */
	const char *sql;        /* the whole file */
};

extern const struct migration migrations[];
extern const unsigned n_migrations;
