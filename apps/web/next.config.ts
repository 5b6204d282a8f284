import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // Workspace packages export TypeScript source.
  transpilePackages: ["@shoal/api", "@shoal/core", "@shoal/db", "@shoal/protocol"],
  // Node-only drivers stay out of the bundle and load from node_modules at runtime.
  serverExternalPackages: ["postgres", "mysql2", "bullmq", "ioredis", "bcryptjs"],
  // Lets parallel builds (several e2e runs on one checkout) keep apart; `next start` reads the same.
  distDir: process.env.SHOAL_NEXT_DIST_DIR ?? ".next",
};

export default nextConfig;
