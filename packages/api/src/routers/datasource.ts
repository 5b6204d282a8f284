import { DATASOURCE_TYPES } from "@shoal/core";
import { z } from "zod";
import * as datasources from "../services/datasources";
import { projectProcedure, projectWriteProcedure, router } from "../trpc";

const SSL_MODES = ["disable", "require", "verify-full"] as const;

const Options = z
  .object({
    ssl: z.enum(SSL_MODES).optional(),
    connectTimeoutSeconds: z.number().int().min(1).max(300).optional(),
  })
  .strict()
  // Stored as text values (the `options` jsonb column is Record<string, string>).
  .transform((o) =>
    Object.fromEntries(
      Object.entries(o)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, String(v)]),
    ),
  );

/** Connection settings shared by create, update and test (no defaults: update takes what is given). */
const Connection = z.object({
  type: z.enum(DATASOURCE_TYPES),
  host: z
    .string()
    .trim()
    .min(1, "host is required")
    .max(255)
    .regex(/^[^\s/]+$/, "host is a name or an IP address, without spaces or a scheme"),
  port: z.number().int().min(1, "port must be 1–65535").max(65535, "port must be 1–65535"),
  database: z.string().trim().min(1, "database is required").max(128),
  username: z.string().trim().min(1, "username is required").max(128),
  options: Options,
});
const Password = z.string().max(1000);
const Fields = Connection.extend({
  name: z.string().trim().min(1, "name is required").max(100),
  description: z.string().max(2000),
});
const Ref = z.object({ datasourceId: z.uuid() });

export const datasourceRouter = router({
  /** The project's data sources by name; passwords are never returned (`hasPassword` instead). */
  list: projectProcedure.query(({ ctx, input }) =>
    datasources.listDatasources(ctx.deps.db, input.projectId),
  ),

  create: projectWriteProcedure
    .input(
      Fields.extend({
        description: Fields.shape.description.default(""),
        options: Options.default({}),
        password: Password.default(""),
      }),
    )
    .mutation(({ ctx, input }) =>
      datasources.createDatasource(ctx.deps.db, ctx.deps.secretKey, ctx.user, input),
    ),

  /** `password` omitted keeps the stored one; "" removes it. */
  update: projectWriteProcedure
    .input(Fields.partial().extend(Ref.shape).extend({ password: Password.optional() }))
    .mutation(({ ctx, input }) =>
      datasources.updateDatasource(ctx.deps.db, ctx.deps.secretKey, input),
    ),

  delete: projectWriteProcedure
    .input(Ref)
    .mutation(({ ctx, input }) =>
      datasources.deleteDatasource(ctx.deps.db, input.projectId, input.datasourceId),
    ),

  /**
   * Connects with the given (possibly unsaved) settings and reports the server version or the
   * driver's error. With `datasourceId` and no `password`, the stored password is used.
   */
  test: projectWriteProcedure
    .input(
      Connection.extend({
        options: Options.default({}),
        datasourceId: z.uuid().optional(),
        password: Password.optional(),
      }),
    )
    .mutation(({ ctx, input }) =>
      datasources.testDatasource(ctx.deps.db, ctx.deps.secretKey, input),
    ),
});
