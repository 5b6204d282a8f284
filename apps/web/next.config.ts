import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // Workspace packages export TypeScript source.
  transpilePackages: ["@shoal/api", "@shoal/core", "@shoal/db", "@shoal/protocol"],
  // Node-only drivers stay out of the bundle and load from node_modules at runtime.
  serverExternalPackages: ["postgres", "bullmq", "ioredis", "bcryptjs"],
  turbopack: {
    // @shoal/db's migrate.ts points at its migrations folder with `new URL("../drizzle", import.meta.url)`;
    // Turbopack reads that as an asset import of a directory. The web app never migrates, so the
    // reference only needs to evaluate, not to resolve.
    ignoreIssue: [{ path: "**/packages/db/src/migrate.ts", title: /Module not found/ }],
  },
};

export default nextConfig;
