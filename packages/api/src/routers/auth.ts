import { z } from "zod";
import * as auth from "../services/auth";
import { protectedProcedure, publicProcedure, router, type Context } from "../trpc";

const Credentials = z.object({
  username: z
    .string()
    .trim()
    .min(1, "username is required")
    .max(64)
    .regex(/^[A-Za-z0-9_.@-]+$/, "username may use letters, digits, _ . @ and -"),
  password: z.string().min(1, "password is required").max(200),
});

const NewCredentials = Credentials.extend({
  password: z.string().min(8, "password must have at least 8 characters").max(72, "password must have at most 72 characters"),
});

const isSecure = (ctx: Context) => new URL(ctx.req.url).protocol === "https:";

export const authRouter = router({
  /** `{ needsSetup, user }`: `needsSetup` until the first user exists. */
  status: publicProcedure.query(({ ctx }) => auth.authStatus(ctx.deps.db, ctx.user)),

  /** First run only: creates the admin and signs them in. FORBIDDEN once a user exists. */
  setup: publicProcedure.input(NewCredentials).mutation(async ({ ctx, input }) => {
    const { user, cookie } = await auth.setup(ctx.deps.db, input, isSecure(ctx));
    ctx.resHeaders.append("set-cookie", cookie);
    return { user };
  }),

  login: publicProcedure.input(Credentials).mutation(async ({ ctx, input }) => {
    const { user, cookie } = await auth.login(ctx.deps.db, input, isSecure(ctx));
    ctx.resHeaders.append("set-cookie", cookie);
    return { user };
  }),

  logout: protectedProcedure.mutation(async ({ ctx }) => {
    ctx.resHeaders.append("set-cookie", await auth.logout(ctx.deps.db, ctx.sessionToken, isSecure(ctx)));
    return { ok: true as const };
  }),
});
