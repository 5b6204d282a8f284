import { migrateDatabase } from "./migrate";

const url = process.env.DATABASE_URL;
if (!url) {
  console.error("db:migrate needs DATABASE_URL");
  process.exit(1);
}
await migrateDatabase(url);
console.log("migrations applied");
