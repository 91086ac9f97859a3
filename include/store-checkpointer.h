/* A thread that checkpoints the WAL while a bulk load writes (store.c). */
#pragma once

struct checkpointer;

/* Open a second connection to the database at path and start the thread. */
int checkpointer_start(const char *path, struct checkpointer **ret);
/* A commit happened: checkpoint what it wrote (never waits). NULL: nothing. */
void checkpointer_kick(struct checkpointer *c);
/* Stop the thread (after the checkpoint it is running) and close it. */
struct checkpointer *checkpointer_stop(struct checkpointer *c);
