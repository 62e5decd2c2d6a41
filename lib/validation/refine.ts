// A rule of ours (a function naming what is wrong with a value, or null) as a zod refinement: the schema the
// server checks and the dialogs' instant feedback, which calls the rule itself, report the same words.
import type { z } from "zod";

export const refuseWith =
  <T>(problemOf: (value: T) => string | null | undefined) =>
  (value: T, ctx: z.core.$RefinementCtx<T>) => {
    const problem = problemOf(value);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  };
