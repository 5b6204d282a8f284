/**
 * Applies the schema migrations through `migrateDatabase(databaseUrl)` exported by @shoal/db.
 * Imported lazily so that tools which never migrate do not load drizzle.
 */
export async function migrate(databaseUrl: string): Promise<void> {
  const db = (await import("@shoal/db")) as { migrateDatabase?: (url: string) => Promise<void> };
  if (typeof db.migrateDatabase !== "function") {
    throw new Error("@shoal/db does not export migrateDatabase(databaseUrl: string): Promise<void>");
  }
  await db.migrateDatabase(databaseUrl);
}
